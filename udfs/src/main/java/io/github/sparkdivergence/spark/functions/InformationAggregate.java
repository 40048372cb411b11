package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.counts.Buckets;
import io.github.sparkdivergence.counts.ContingencyState;
import io.github.sparkdivergence.counts.MergeableState;
import io.github.sparkdivergence.math.AverageMethod;
import io.github.sparkdivergence.math.ContingencyTable;
import io.github.sparkdivergence.math.InformationMeasures;
import io.github.sparkdivergence.math.InformationSums;
import io.github.sparkdivergence.math.LogBase;
import io.github.sparkdivergence.math.PairSums;
import io.github.sparkdivergence.spark.DivergenceQueryException;
import io.github.sparkdivergence.spark.InvalidDivergenceInputException;
import io.github.sparkdivergence.spark.input.CategoryReader;
import io.github.sparkdivergence.spark.input.ColumnCategories;
import io.github.sparkdivergence.spark.input.Representation;
import java.io.Serializable;
import java.util.Locale;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Aggregates over the empirical joint distribution of one or two categorical columns:
 * {@code mutual_info}, {@code entropy}, {@code joint_entropy}, {@code conditional_entropy},
 * {@code normalized_mutual_info}, {@code adjusted_mutual_info}, {@code variation_of_information},
 * {@code g_test} and {@code mutual_info_summary}. Arguments: the column(s), then an optional
 * numeric weight (pre-aggregated counts), then the option: a log base (numeric) or, for NMI/AMI, the
 * averaging method (string).
 */
public final class InformationAggregate extends SqlFunction {
  /**
   * Per group, at most this many distinct (x, y) cells, when set: a cap that does not depend on the
   * heap. Unset, only {@link #MAX_STATE_BYTES_CONF} bounds a state, which follows the heap (a fixed
   * default of 2M cells failed a 2M x 100 pair on an 8 GiB heap that holds it with room to spare).
   */
  public static final String MAX_CELLS_CONF = "spark.divergence.aggregate.maxCells";
  public static final long DEFAULT_MAX_CELLS = Long.MAX_VALUE;
  /**
   * Per group, at most this many bytes of state (dictionaries and cells): guards long category
   * values, which the cell count does not see. Default: a quarter of the JVM's heap divided by its
   * cores (the concurrent tasks), taken where the state lives, so no group can take the heap.
   */
  public static final String MAX_STATE_BYTES_CONF = "spark.divergence.aggregate.maxStateBytes";

  /**
   * Whether a global call (no GROUP BY) whose state outgrows {@link #MAX_CELLS_CONF} or {@link
   * #MAX_STATE_BYTES_CONF} is counted again through shuffles, with memory per task bounded, rather
   * than failing the query (default true; needs the extension, which the jar's service file applies).
   */
  public static final String SHUFFLE_WHEN_TOO_LARGE_CONF = "spark.divergence.aggregate.shuffleWhenTooLarge";

  /** The state limits of a call, read from the session's conf when the call is bound. */
  record Limits(long maxCells, long maxStateBytes) implements Serializable {
    static Limits fromConf(SQLConf conf) {
      long cells = positiveLong(conf, MAX_CELLS_CONF, Long.toString(DEFAULT_MAX_CELLS));
      long bytes = positiveLong(conf, MAX_STATE_BYTES_CONF, "0");
      return new Limits(cells, bytes);
    }

    /** The byte limit in this JVM: the conf, or the share of this JVM's heap. */
    long stateBytes() {
      return maxStateBytes > 0 ? maxStateBytes : io.github.sparkdivergence.spark.TaskMemory.stateBytes();
    }

    private static long positiveLong(SQLConf conf, String key, String dflt) {
      String v = conf.getConfString(key, dflt).trim();
      long x;
      try {
        x = Long.parseLong(v);
      } catch (NumberFormatException e) {
        x = -1;
      }
      boolean zeroMeansDefault = key.equals(MAX_STATE_BYTES_CONF);
      if (x < 0 || (x == 0 && !zeroMeansDefault)) {
        throw DivergenceQueryException.invalidConf(key, v, zeroMeansDefault
            ? "a whole number of bytes >= 0 (0: the default share of the heap)" : "a whole number > 0");
      }
      return x;
    }
  }

  enum Option { BASE, METHOD, SPLITS, NONE }

  public enum Measure {
    MUTUAL_INFO("mutual_info", 2, Option.BASE),
    ENTROPY("entropy", 1, Option.BASE),
    JOINT_ENTROPY("joint_entropy", 2, Option.BASE),
    CONDITIONAL_ENTROPY("conditional_entropy", 2, Option.BASE),
    NORMALIZED_MUTUAL_INFO("normalized_mutual_info", 2, Option.METHOD),
    ADJUSTED_MUTUAL_INFO("adjusted_mutual_info", 2, Option.METHOD),
    VARIATION_OF_INFORMATION("variation_of_information", 2, Option.BASE),
    G_TEST("g_test", 2, Option.NONE),
    SUMMARY("mutual_info_summary", 2, Option.BASE),
    /** The joint counts themselves, as a saved {@link MergeableState}. */
    CONTINGENCY_AGG("contingency_agg", 2, Option.NONE),
    /** One column's counts (per value, or per bucket of the splits) as a saved {@link MergeableState}. */
    DISTRIBUTION_AGG("distribution_agg", 1, Option.SPLITS);

    final String sqlName;
    final int columns;
    final Option option;

    /** Whether the result is the state itself (BINARY) rather than a measure of it. */
    boolean savesState() { return this == CONTINGENCY_AGG || this == DISTRIBUTION_AGG; }

    Measure(String sqlName, int columns, Option option) {
      this.sqlName = sqlName;
      this.columns = columns;
      this.option = option;
    }
  }

  static final StructType G_TEST_TYPE = new StructType()
      .add("g", DataTypes.DoubleType, false)
      .add("dof", DataTypes.LongType, false)
      .add("p_value", DataTypes.DoubleType, false);

  /** Everything the DataFrame-level API reports for a pair, in one pass. */
  public static final StructType SUMMARY_TYPE = new StructType()
      .add("n", DataTypes.DoubleType, false)
      .add("levels_a", DataTypes.LongType, false)
      .add("levels_b", DataTypes.LongType, false)
      .add("cells", DataTypes.LongType, false)
      .add("h_a", DataTypes.DoubleType, false)
      .add("h_b", DataTypes.DoubleType, false)
      .add("h_ab", DataTypes.DoubleType, false)
      .add("mi", DataTypes.DoubleType, false)
      .add("nmi", DataTypes.DoubleType, false)
      .add("ami", DataTypes.DoubleType, true)
      .add("g", DataTypes.DoubleType, false)
      .add("dof", DataTypes.LongType, false)
      .add("p_value", DataTypes.DoubleType, false);

  private final Measure measure;

  public InformationAggregate(Measure measure, String usage) {
    super(measure.sqlName, usage);
    this.measure = measure;
  }

  @Override
  public BoundFunction bind(StructType input) {
    StructField[] f = input.fields();
    int k = measure.columns;
    String[] params = k == 1 ? new String[] {"x", "w", measure.option == Option.SPLITS ? "splits" : "base"}
        : new String[] {"x", "y", "w", measure.option == Option.METHOD ? "method" : "base"};
    boolean bucketed = measure.option == Option.SPLITS && f.length > k
        && f[f.length - 1].dataType() instanceof org.apache.spark.sql.types.ArrayType;
    if (f.length < k || f.length > k + (measure.option == Option.NONE ? 1 : 2)) {
      throw Representation.unsupported(name(), usage, input, "expects " + k + " to "
          + (k + (measure.option == Option.NONE ? 1 : 2)) + " arguments but got " + f.length);
    }
    CategoryReader[] readers = new CategoryReader[k];
    DataType[] types = new DataType[f.length];
    String[] valueTypes = new String[k];
    for (int i = 0; i < k; i++) {
      valueTypes[i] = f[i].dataType().simpleString();
      if (bucketed) {
        if (!Representation.isNumeric(f[i].dataType()) && !(f[i].dataType() instanceof org.apache.spark.sql.types.NullType)) {
          throw Representation.unsupported(name(), usage, input, "argument `x` must be numeric when `splits` is given"
              + " (it is counted per bucket) but was " + f[i].dataType().simpleString());
        }
        valueTypes[i] = MergeableState.BUCKET_TYPE;
        types[i] = DataTypes.DoubleType;
        continue;
      }
      readers[i] = CategoryReader.of(f[i].dataType());
      if (readers[i] == null) {
        throw Representation.unsupported(name(), usage, input, "argument `" + params[i] + "` must be "
            + CategoryReader.SUPPORTED + " but was " + f[i].dataType().simpleString());
      }
      types[i] = f[i].dataType();
    }
    int weight = -1;
    int option = -1;
    for (int i = k; i < f.length; i++) {
      DataType t = f[i].dataType();
      boolean methodArg = measure.option == Option.METHOD && Representation.isString(t)
          && !(t instanceof org.apache.spark.sql.types.NullType && i == k);
      boolean splitsArg = bucketed && i == f.length - 1;
      if (i == k && !methodArg && !splitsArg) {
        if (!Representation.isNumeric(t)) {
          throw Representation.unsupported(name(), usage, input, "argument `w` (weight) must be numeric but was " + t.simpleString());
        }
        weight = i;
        types[i] = DataTypes.DoubleType;
      } else if (measure.option == Option.SPLITS) {
        if (!splitsArg || !Representation.isNumeric(((org.apache.spark.sql.types.ArrayType) t).elementType())) {
          throw Representation.unsupported(name(), usage, input, "argument `splits` must be an array of numbers but was "
              + t.simpleString());
        }
        option = i;
        types[i] = DataTypes.createArrayType(DataTypes.DoubleType);
      } else if (measure.option == Option.METHOD) {
        if (!Representation.isString(t)) {
          throw Representation.unsupported(name(), usage, input, "argument `method` must be a string but was " + t.simpleString());
        }
        option = i;
        types[i] = DataTypes.StringType;
      } else {
        if (measure.option == Option.NONE || !Representation.isNumeric(t)) {
          throw Representation.unsupported(name(), usage, input, "argument `base` must be numeric but was " + t.simpleString());
        }
        option = i;
        types[i] = DataTypes.DoubleType;
      }
    }
    return new Bound(measure, readers, types, weight, option, SQLConf.get().ansiEnabled(),
        Limits.fromConf(SQLConf.get()), valueTypes);
  }

  /**
   * The values of {@link #SUMMARY_TYPE}, in its order, from the sums of a non-empty table counted
   * through shuffles: what {@link #summaryValues(ContingencyState, ContingencyTable, double)} gives
   * from the table itself (ami NULL when it was skipped or the weights are not whole counts).
   */
  public static Object[] summaryValues(InformationSums.Measures m, double base) {
    double ln = LogBase.ln(base, 1);
    return new Object[] {m.n(), m.levelsX(), m.levelsY(), m.cells(), m.hx() / ln, m.hy() / ln, m.hxy() / ln,
        m.mi() / ln, m.nmi(), Bound.nullIfNaN(m.ami()), m.gTest().g(), m.gTest().dof(), m.gTest().pValue()};
  }

  /** The values of {@link #SUMMARY_TYPE}, in its order, for a non-empty table. */
  public static Object[] summaryValues(ContingencyState s, ContingencyTable t, double base) {
    return summaryValues(s, t, base, true);
  }

  /** {@link #summaryValues(ContingencyState, ContingencyTable, double)}, with ami NULL unless {@code withAmi}. */
  public static Object[] summaryValues(ContingencyState s, ContingencyTable t, double base, boolean withAmi) {
    InformationMeasures.GTest g = InformationMeasures.gTest(t);
    return new Object[] {
        s.totalWeight(), (long) t.observedRows(), (long) t.observedCols(), s.cells(),
        InformationMeasures.entropyX(t, base), InformationMeasures.entropyY(t, base),
        InformationMeasures.jointEntropy(t, base), InformationMeasures.mutualInformation(t, base),
        InformationMeasures.normalizedMutualInfo(t, "arithmetic"), withAmi ? Bound.adjusted(t, "arithmetic") : null,
        g.g(), g.dof(), g.pValue()};
  }

  public static final class Bound implements AggregateFunction<Serializable, Object>, ConstantOptions {
    private final Measure measure;
    private final CategoryReader[] readers;
    private final DataType[] types;
    private final int weight;
    private final int option;
    private final boolean ansi;
    private final Limits limits;
    /** The type of each column's values, recorded in a saved state ({@link MergeableState#valueType}). */
    private final String[] valueTypes;
    private transient long maxStateBytes;

    Bound(Measure measure, CategoryReader[] readers, DataType[] types, int weight, int option,
        boolean ansi, Limits limits, String[] valueTypes) {
      this.measure = measure;
      this.readers = readers;
      this.types = types;
      this.weight = weight;
      this.option = option;
      this.ansi = ansi;
      this.limits = limits;
      this.valueTypes = valueTypes;
    }

    @Override public int[] constantArguments() { return option < 0 ? new int[0] : new int[] {option}; }
    @Override public String parameterName(int i) { return i == option ? optionName() : i == weight ? "w" : "#" + (i + 1); }

    private String optionName() {
      return switch (measure.option) {
        case METHOD -> "method";
        case SPLITS -> "splits";
        default -> "base";
      };
    }

    @Override public String name() { return measure.sqlName; }
    @Override public String canonicalName() { return "spark_divergence." + measure.sqlName; }
    @Override public DataType[] inputTypes() { return types.clone(); }
    @Override public boolean isResultNullable() { return true; }

    @Override
    public DataType resultType() {
      return switch (measure) {
        case G_TEST -> G_TEST_TYPE;
        case SUMMARY -> SUMMARY_TYPE;
        case CONTINGENCY_AGG, DISTRIBUTION_AGG -> DataTypes.BinaryType;
        default -> DataTypes.DoubleType;
      };
    }

    @Override public InformationState newAggregationState() { return new InformationState(); }

    /** Argument i at position i of the row, as {@code V2Aggregator} passes it. */
    private int[] identity;

    @Override
    public InformationState update(Serializable buffer, InternalRow row) {
      if (identity == null) {
        int[] at = new int[types.length];
        for (int i = 0; i < at.length; i++) at[i] = i;
        identity = at;
      }
      return update(buffer, row, identity);
    }

    /**
     * Argument i read at position {@code at[i]} of {@code row}: {@link InPlaceInformationAggregate} passes
     * the aggregate's input row as it comes, without projecting the arguments into a new row first.
     */
    public InformationState update(Serializable buffer, InternalRow row, int[] at) {
      InformationState state = InformationState.of(buffer);
      double w = admit(state, row, at);
      if (w < 0) return state;
      ContingencyState direct = state.splits == null ? state.direct() : null;
      if (direct != null) {
        int ix = readers[0].intern(direct.x(), row, at[0], types[0]);
        int iy = readers.length > 1 ? readers[1].intern(direct.y(), row, at[1], types[1]) : direct.y().idOfNull();
        direct.add(ix, iy, w);
        return state.directRow() ? counted(state) : state;
      }
      InformationState.Pending p = state.pending();
      if (state.splits != null) {
        if (row.isNullAt(at[0])) {
          p.x.idOfNull();
        } else {
          double v = row.getDouble(at[0]);
          int b = Buckets.of(state.splits, v);
          if (b < 0) {
            return invalid(state, "`x`", "is " + v + ", outside the splits [" + state.splits[0] + ", "
                + state.splits[state.splits.length - 1] + "] (make the first split -Infinity and the last +Infinity"
                + " to count every value)");
          }
          p.x.idOfLong(b);
        }
      } else {
        readers[0].intern(p.x, row, at[0], types[0]);
      }
      if (readers.length > 1) {
        readers[1].intern(p.y, row, at[1], types[1]);
      } else {
        p.y.idOfNull();
      }
      return p.row(w) ? counted(state) : state;
    }

    /**
     * The weight a row counts with (1 without a weight argument), or -1 when it counts nothing:
     * its weight is NULL (like sum(), a row without weight counts nothing), or the state is invalid
     * (an invalid weight or option: a NULL result, or the error under ANSI). Reads the option.
     */
    private double admit(InformationState state, InternalRow row, int[] at) {
      double w = 1.0;
      if (weight >= 0) {
        int wi = at[weight];
        if (row.isNullAt(wi)) return -1;
        w = row.getDouble(wi);
        if (!ContingencyState.isWeight(w)) {
          invalid(state, "`w`", weightProblem(w));
          return -1;
        }
      }
      if (option >= 0) readOption(state, row, at[option]);
      return state.invalid ? -1 : w;
    }

    /**
     * How a task reads this call from column batches ({@link #update(Serializable, ColumnarBatch,
     * BatchColumns)}): argument i in column {@code columns[i]} of a batch {@code width} columns wide,
     * the option (constant) {@code optionValue} in Catalyst's form. Not for splits, which bucket x.
     */
    public BatchColumns batchColumns(int[] columns, int width, Object optionValue) {
      if (measure.option == Option.SPLITS) throw new IllegalStateException(measure.sqlName + " buckets its values");
      int[] at = columns.clone();
      if (option >= 0) at[option] = width;
      ColumnCategories x = new ColumnCategories(readers[0], types[0], at[0]);
      ColumnCategories y = readers.length > 1 ? new ColumnCategories(readers[1], types[1], at[1]) : null;
      return new BatchColumns(at, new GenericInternalRow(new Object[] {optionValue}), x, y);
    }

    /** A task's reader of one call's arguments in column batches, with its scratch space. */
    public static final class BatchColumns {
      private final int[] at;
      private final JoinedRow row;
      private final ColumnCategories x;
      private final ColumnCategories y;
      private int[] rows = new int[0];
      private int[] ix = new int[0];
      private int[] iy = new int[0];
      private double[] ws = new double[0];

      BatchColumns(int[] at, InternalRow option, ColumnCategories x, ColumnCategories y) {
        this.at = at;
        this.row = new JoinedRow(option, option);
        this.x = x;
        this.y = y;
      }

      private void fit(int n) {
        if (rows.length >= n) return;
        rows = new int[n];
        ix = new int[n];
        iy = new int[n];
        ws = new double[n];
      }
    }

    /**
     * Counts the rows of a column batch as {@link #update(Serializable, InternalRow, int[])} counts
     * them one by one (the same weights, option, NULLs, errors and limits), with each column's
     * categories read from the batch's vectors ({@link ColumnCategories}).
     */
    public InformationState update(Serializable buffer, ColumnarBatch batch, BatchColumns in) {
      InformationState state = InformationState.of(buffer);
      if (state.invalid) return state; // the option is constant: no later row can fail it
      int n = batch.numRows();
      in.fit(n);
      int kept = 0;
      for (int r = 0; r < n; r++) {
        double w = 1.0;
        if (weight >= 0 || (option >= 0 && !state.optionSeen)) {
          w = admit(state, in.row.withLeft(batch.getRow(r)), in.at);
          if (state.invalid) return state;
          if (w < 0) continue;
        }
        in.rows[kept] = r;
        in.ws[kept++] = w;
      }
      ContingencyState t = state.table();
      boolean direct = state.direct() != null;
      in.x.ids(batch, in.rows, kept, t.x(), direct, in.ix);
      if (in.y != null) {
        in.y.ids(batch, in.rows, kept, t.y(), direct, in.iy);
      } else {
        java.util.Arrays.fill(in.iy, 0, kept, t.y().idOfNull());
      }
      t.addIds(in.ix, in.iy, in.ws, kept);
      return counted(state);
    }

    /**
     * Counts the state's pending rows and holds it to the limits: after every batch of rows, and
     * before a state is merged or read.
     */
    private InformationState counted(InformationState state) {
      if (state.invalid) return state;
      ContingencyState t = state.table();
      if (!(t.totalWeight() < Double.POSITIVE_INFINITY)) return overflow(state);
      if (t.cells() > limits.maxCells()) throw tooManyCells();
      checkBytes(t);
      return state;
    }

    private RuntimeException tooManyCells() {
      return DivergenceQueryException.stateTooLarge(measure.sqlName + ": more than " + limits.maxCells()
          + " distinct (x, y) pairs in one group (" + MAX_CELLS_CONF + "). Use MutualInformation.of(df) (the "
          + "mutual-info job), which bounds each task's counts and merges each pair on a task of its own, or raise the limit.");
    }

    private void checkBytes(ContingencyState t) {
      if (t.peakBytes() > stateBudget()) throw tooManyBytes(t);
    }

    private long stateBudget() {
      if (maxStateBytes == 0) maxStateBytes = limits.stateBytes();
      return maxStateBytes;
    }

    /** The error past the byte limit: what the state holds, the limit and the ways out. */
    private RuntimeException tooManyBytes(ContingencyState t) {
      return DivergenceQueryException.stateTooLarge(measure.sqlName + ": the state of one group needs about "
          + (t.peakBytes() >> 20) + " MiB while it grows (at least " + t.distinctX() + " x and " + t.distinctY()
          + " y categories, " + t.cells() + " cells), over the limit of " + (stateBudget() >> 20) + " MiB per task ("
          + MAX_STATE_BYTES_CONF + "; default a quarter of the heap per core). Use MutualInformation.of(df) (the "
          + "mutual-info job), which counts such pairs through shuffles with bounded memory, or raise the limit.");
    }

    /** A total weight past the largest double: the measures would be wrong, so the input is invalid. */
    private InformationState overflow(InformationState state) {
      invalid(state, "`w`", TOTAL_WEIGHT_PROBLEM);
      return state;
    }

    /** What is wrong with a weight that is not finite and >= 0 ({@link ContingencyState#isWeight}). */
    public static String weightProblem(double w) {
      return "must be a finite weight >= 0 but was " + w;
    }

    /** What is wrong with weights whose total overflows a double. */
    public static final String TOTAL_WEIGHT_PROBLEM = "sums to more than " + Double.MAX_VALUE
        + " in one group (the total weight overflows a double; scale the weights down)";

    /**
     * An invalid argument for the whole call: the error under ANSI mode, else a NULL result (as
     * an invalid row makes the state's result NULL).
     */
    public Object invalidResult(String argument, String problem) {
      if (ansi) throw new InvalidDivergenceInputException(measure.sqlName, argument, problem);
      return null;
    }

    /**
     * Whether this call's result can come from the sums of its pair (or its one column) counted
     * through shuffles ({@link InformationSums}): the measures, not the saved states.
     */
    public boolean countsThroughShuffles() {
      return !measure.savesState();
    }

    /** Whether the result needs AMI's expected mutual information (its costliest term). */
    public boolean needsExpectedMutualInfo() {
      return measure == Measure.ADJUSTED_MUTUAL_INFO || measure == Measure.SUMMARY;
    }

    /** How many columns the call counts: 1 ({@code entropy}) or 2 (a pair). */
    public int columns() { return measure.columns; }

    /** The position of the weight argument, -1 without one. */
    public int weightArgument() { return weight; }

    /** The position of the option argument (base, method, splits), -1 without one. */
    public int optionArgument() { return option; }

    /**
     * The result of this call from the measures of its pair counted through shuffles, as {@link
     * #produceResult} gives it from the in-memory table (the same terms, summed in another order):
     * {@code optionValue} is the value of the constant option argument (Catalyst's: a double base,
     * a UTF8String method), null for NULL or none. Measures of a pair without weight (n = 0) are NULL.
     */
    public Object resultOf(InformationSums.Measures m, Object optionValue) {
      if (!countsThroughShuffles()) throw new IllegalStateException(measure.sqlName + " is not counted through shuffles");
      double base = Math.E;
      String method = "arithmetic";
      if (option >= 0) {
        if (optionValue == null) return null; // NULL option, NULL result
        if (measure.option == Option.METHOD) {
          method = optionValue.toString();
          if (AverageMethod.of(method) == null) return invalidResult("`method`", AverageMethod.problem(method));
        } else {
          base = ((Number) optionValue).doubleValue();
          if (!LogBase.isValid(base)) return invalidResult("`base`", LogBase.problem(base));
        }
      }
      if (m.n() == 0) return null;
      double ln = LogBase.ln(base, 1);
      return switch (measure) {
        case MUTUAL_INFO -> m.mi() / ln;
        case ENTROPY -> m.hx() / ln;
        case JOINT_ENTROPY -> m.hxy() / ln;
        case CONDITIONAL_ENTROPY -> m.hxGivenY() / ln;
        case VARIATION_OF_INFORMATION -> m.vi() / ln;
        case NORMALIZED_MUTUAL_INFO -> m.withMethod(method).nmi();
        case ADJUSTED_MUTUAL_INFO -> nullIfNaN(m.withMethod(method).ami());
        case G_TEST -> new GenericInternalRow(new Object[] {m.gTest().g(), m.gTest().dof(), m.gTest().pValue()});
        case SUMMARY -> new GenericInternalRow(summaryValues(m, base));
        default -> throw new IllegalStateException(measure.sqlName);
      };
    }

    private static Double nullIfNaN(double v) { return Double.isNaN(v) ? null : v; }

    /**
     * A task's state as {@code parts} states by x ({@link ContingencyState#toBytesByX}), each one
     * this function merges, with the state's option and validity: part p merged over every task
     * holds every cell of its x categories, and gives its sums on a task of its own ({@link #partSums}).
     */
    public byte[][] partsByX(Serializable state, int parts) {
      return counted(InformationState.of(state)).toBytesByX(parts);
    }

    /**
     * Whether a task should send its state on now, split into {@code parts} parts by x, and count
     * on into a new one: the state is past half its limit (the bytes it may take, or the cells).
     * Every part carries all of the state's y categories and the y totals go to every part, so a
     * state past half its limit with more than 1/{@code parts} as many y as x categories is not
     * split: that fails with {@link DivergenceQueryException#STATE_TOO_LARGE}, and a global call
     * goes on through shuffles, which count such a pair (5M x 5M, 10M rows, local[2]: 15.9-17.0 s
     * against 25.4-27.6 s split; docs/benchmarks.md).
     */
    public boolean sendOnSplitByX(Serializable state, int parts) {
      ContingencyState t = InformationState.of(state).table();
      if (!(t.peakBytes() > stateBudget() / 2 || t.cells() > limits.maxCells() / 2)) return false;
      if (t.distinctY() * (long) parts <= t.distinctX()) return true;
      throw DivergenceQueryException.stateTooLarge(measure.sqlName + ": a task's state passed half its limit ("
          + (t.peakBytes() >> 20) + " MiB of " + (stateBudget() >> 20) + " MiB, " + t.cells() + " cells) with "
          + t.distinctY() + " y beside " + t.distinctX() + " x categories: split by x, each of its " + parts
          + " parts would carry every y; the pair is counted through shuffles instead");
    }

    /** The totals of a task's y categories ({@link ContingencyState#columnTotals}), as a state this function merges. */
    public byte[] columnTotals(Serializable state) {
      return counted(InformationState.of(state)).columnTotalsBytes();
    }

    /**
     * The sums of one part by x merged over every task ({@code part}), with the y totals of every
     * task merged ({@code columnTotals}: merged in the same order for every part, so that all have
     * the same n); {@code withColumns} for one part of all. Null when the result is NULL whatever
     * the other parts hold: an invalid row or a NULL option, which every part carries.
     */
    public PairSums partSums(Serializable part, Serializable columnTotals, boolean withColumns) {
      InformationState state = counted(InformationState.of(part));
      if (state.invalid || state.optionNull) return null;
      return state.table().partSums(counted(InformationState.of(columnTotals)).table(), withColumns, needsCellEntropies());
    }

    /** Whether the result needs the cells' entropies (H(X,Y), H(X|Y), VI), three of a cell's four logs. */
    private boolean needsCellEntropies() {
      return measure == Measure.JOINT_ENTROPY || measure == Measure.CONDITIONAL_ENTROPY
          || measure == Measure.VARIATION_OF_INFORMATION || measure == Measure.SUMMARY;
    }

    /**
     * The result from the sums of every part ({@link #partSums}, merged), as {@link #produceResult}
     * gives it from the whole table: NULL without weight, else {@link #resultOf(InformationSums.Measures, Object)}.
     */
    public Object resultOf(PairSums whole, Object optionValue) {
      if (whole.total == 0) return null;
      return resultOf(whole.measures(needsExpectedMutualInfo()), optionValue);
    }

    public DataType[] types() { return types; }

    /**
     * Reads the option of the first row; later rows must repeat it (the extension already requires
     * a constant at analysis; a call through the function catalog is checked here, per row).
     */
    private void readOption(InformationState state, InternalRow row, int option) {
      boolean isNull = row.isNullAt(option);
      if (state.optionSeen) {
        boolean same = isNull ? state.optionNull
            : !state.optionNull && switch (measure.option) {
              case METHOD -> row.getUTF8String(option).toString().equals(state.rawMethod);
              case SPLITS -> java.util.Arrays.equals(splitsOf(row, option), state.rawSplits);
              default -> Double.compare(row.getDouble(option), state.rawBase) == 0;
            };
        if (!same) throw DivergenceQueryException.nonConstantOption(measure.sqlName, "`" + optionName() + "`");
        return;
      }
      state.optionSeen = true;
      if (isNull) {
        state.optionNull = true; // NULL option, NULL result: like the per-row functions
      } else if (measure.option == Option.SPLITS) {
        double[] splits = splitsOf(row, option);
        state.rawSplits = splits;
        String problem = splits == null ? "must not contain NULL" : Buckets.problem(splits);
        if (problem != null) {
          invalid(state, "`splits`", problem);
        } else {
          state.splits = splits;
        }
      } else if (measure.option == Option.METHOD) {
        state.rawMethod = row.getUTF8String(option).toString();
        if (AverageMethod.of(state.rawMethod) == null) {
          invalid(state, "`method`", AverageMethod.problem(state.rawMethod));
        }
      } else {
        double b = row.getDouble(option);
        state.rawBase = b;
        if (!LogBase.isValid(b)) {
          invalid(state, "`base`", LogBase.problem(b));
        }
      }
    }

    /** The splits of a row, or null when one of them is NULL. */
    private static double[] splitsOf(InternalRow row, int option) {
      org.apache.spark.sql.catalyst.util.ArrayData a = row.getArray(option);
      double[] out = new double[a.numElements()];
      for (int i = 0; i < out.length; i++) {
        if (a.isNullAt(i)) return null;
        out[i] = a.getDouble(i);
      }
      return out;
    }

    private InformationState invalid(InformationState state, String argument, String problem) {
      if (ansi) throw new InvalidDivergenceInputException(measure.sqlName, argument, problem);
      state.markInvalid();
      return state;
    }

    @Override
    public InformationState merge(Serializable a, Serializable b) {
      InformationState merged = counted(InformationState.of(a));
      // A state that arrives as bytes into one that holds counts merges without being built: its
      // categories and cells go straight into the merged state, never into tables of their own.
      InformationState.Serialized bytes = b instanceof byte[] raw && !merged.invalid && !merged.holdsNothing()
          ? InformationState.serialized(raw) : null;
      InformationState other = bytes != null ? bytes.state() : counted(InformationState.of(b));
      if (!merged.sameOption(other)) {
        throw DivergenceQueryException.nonConstantOption(measure.sqlName, "`" + optionName() + "`");
      }
      if (!merged.invalid && merged.holdsNothing()) {
        // The final merge starts from an empty buffer: the first partial state is taken as it is
        // (counted and checked above) rather than copied category by category and cell by cell
        // (with millions of them, a second or more of a single task that nothing runs beside).
        other.adoptOption(merged);
        return other;
      }
      merged.adoptOption(other);
      if (merged.invalid || other.invalid) {
        merged.markInvalid();
        return merged;
      }
      ContingencyState t = merged.table();
      boolean within = bytes != null
          ? t.mergeBytes(bytes.bytes(), bytes.offset(), bytes.length(), limits.maxCells(), stateBudget())
          : t.merge(other.table(), limits.maxCells(), stateBudget());
      if (!within) {
        throw t.cells() > limits.maxCells() ? tooManyCells() : tooManyBytes(t);
      }
      return counted(merged);
    }

    @Override
    public Object produceResult(Serializable buffer) {
      InformationState state = counted(InformationState.of(buffer));
      if (state.invalid || state.optionNull) return null;
      if (measure.savesState()) return saved(state).toBytes();
      if (state.table().totalWeight() == 0) return null;
      ContingencyTable t = state.table().toTable();
      // an invalid option already made the result NULL, so the raw value is the valid one
      double base = Double.isNaN(state.rawBase) ? Math.E : state.rawBase;
      String method = state.rawMethod == null ? "arithmetic" : state.rawMethod.toLowerCase(Locale.ROOT);
      return measureOf(measure, state.table(), t, base, method);
    }

    /** The state a {@code *_agg} call returns: the group's counts, the value types and the splits. */
    private MergeableState saved(InformationState state) {
      return measure == Measure.CONTINGENCY_AGG
          ? MergeableState.of(MergeableState.Kind.CONTINGENCY, valueTypes, null, state.table())
          : MergeableState.of(MergeableState.Kind.DISTRIBUTION, valueTypes, new double[][] {state.splits}, state.table());
    }

    /**
     * A measure of non-empty counts, as the aggregate and the state readers ({@code
     * contingency_mutual_info}, ...) give it: one place for both.
     */
    static Object measureOf(Measure measure, ContingencyState s, ContingencyTable t, double base, String method) {
      return switch (measure) {
        case MUTUAL_INFO -> InformationMeasures.mutualInformation(t, base);
        case ENTROPY -> InformationMeasures.entropyX(t, base);
        case JOINT_ENTROPY -> InformationMeasures.jointEntropy(t, base);
        case CONDITIONAL_ENTROPY -> InformationMeasures.conditionalEntropy(t, base);
        case NORMALIZED_MUTUAL_INFO -> InformationMeasures.normalizedMutualInfo(t, method);
        case ADJUSTED_MUTUAL_INFO -> adjusted(t, method);
        case VARIATION_OF_INFORMATION -> InformationMeasures.variationOfInformation(t, base);
        case G_TEST -> {
          InformationMeasures.GTest g = InformationMeasures.gTest(t);
          yield new GenericInternalRow(new Object[] {g.g(), g.dof(), g.pValue()});
        }
        case SUMMARY -> summary(s, t, base);
        case CONTINGENCY_AGG, DISTRIBUTION_AGG -> throw new IllegalStateException(measure.sqlName + " saves a state");
      };
    }

    /** AMI needs integral counts; with fractional weights it is undefined (NULL). */
    private static Double adjusted(ContingencyTable t, String method) {
      try {
        return InformationMeasures.adjustedMutualInfo(t, method);
      } catch (IllegalArgumentException notIntegral) {
        return null;
      }
    }

    private static InternalRow summary(ContingencyState s, ContingencyTable t, double base) {
      return new GenericInternalRow(summaryValues(s, t, base));
    }
  }
}
