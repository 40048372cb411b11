package io.github.sparkdivergence.spark;

import io.github.sparkdivergence.math.ContingencyState;
import io.github.sparkdivergence.math.InformationMeasures;
import io.github.sparkdivergence.math.InformationMeasures.Table;
import java.io.Serializable;
import java.util.Locale;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Aggregates over the empirical joint distribution of one or two categorical columns:
 * {@code mutual_info}, {@code entropy}, {@code joint_entropy}, {@code conditional_entropy},
 * {@code normalized_mutual_info}, {@code adjusted_mutual_info}, {@code variation_of_information},
 * {@code g_test} and {@code mutual_info_summary}. Arguments: the column(s), then an optional
 * numeric weight (pre-aggregated counts), then the option: a log base (numeric) or, for NMI/AMI, the
 * averaging method (string).
 */
public final class InformationAggregate extends SqlFunction {
  /** Per group, at most this many distinct (x, y) cells (about 40 bytes each); see the README. */
  public static final String MAX_CELLS_CONF = "spark.divergence.aggregate.maxCells";
  public static final long DEFAULT_MAX_CELLS = 2_000_000L;

  enum Option { BASE, METHOD, NONE }

  enum Measure {
    MUTUAL_INFO("mutual_info", 2, Option.BASE),
    ENTROPY("entropy", 1, Option.BASE),
    JOINT_ENTROPY("joint_entropy", 2, Option.BASE),
    CONDITIONAL_ENTROPY("conditional_entropy", 2, Option.BASE),
    NORMALIZED_MUTUAL_INFO("normalized_mutual_info", 2, Option.METHOD),
    ADJUSTED_MUTUAL_INFO("adjusted_mutual_info", 2, Option.METHOD),
    VARIATION_OF_INFORMATION("variation_of_information", 2, Option.BASE),
    G_TEST("g_test", 2, Option.NONE),
    SUMMARY("mutual_info_summary", 2, Option.BASE);

    final String sqlName;
    final int columns;
    final Option option;

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
  static final StructType SUMMARY_TYPE = new StructType()
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

  InformationAggregate(Measure measure, String usage) {
    super(measure.sqlName, usage);
    this.measure = measure;
  }

  @Override
  public BoundFunction bind(StructType input) {
    StructField[] f = input.fields();
    int k = measure.columns;
    String[] params = k == 1 ? new String[] {"x", "w", "base"}
        : new String[] {"x", "y", "w", measure.option == Option.METHOD ? "method" : "base"};
    if (f.length < k || f.length > k + (measure.option == Option.NONE ? 1 : 2)) {
      throw Representation.unsupported(name(), usage, input, "expects " + k + " to "
          + (k + (measure.option == Option.NONE ? 1 : 2)) + " arguments but got " + f.length);
    }
    CategoryReader[] readers = new CategoryReader[k];
    DataType[] types = new DataType[f.length];
    for (int i = 0; i < k; i++) {
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
      if (i == k && !methodArg) {
        if (!Representation.isNumeric(t)) {
          throw Representation.unsupported(name(), usage, input, "argument `w` (weight) must be numeric but was " + t.simpleString());
        }
        weight = i;
        types[i] = DataTypes.DoubleType;
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
    long maxCells = Long.parseLong(SQLConf.get().getConfString(MAX_CELLS_CONF, Long.toString(DEFAULT_MAX_CELLS)));
    return new Bound(measure, readers, types, weight, option, SQLConf.get().ansiEnabled(), maxCells);
  }

  /** The values of {@link #SUMMARY_TYPE}, in its order, for a non-empty table. */
  static Object[] summaryValues(ContingencyState s, Table t, double base) {
    InformationMeasures.GTest g = InformationMeasures.gTest(t);
    return new Object[] {
        s.totalWeight(), s.distinctX(), s.distinctY(), s.cells(),
        InformationMeasures.entropyX(t, base), InformationMeasures.entropyY(t, base),
        InformationMeasures.jointEntropy(t, base), InformationMeasures.mutualInformation(t, base),
        InformationMeasures.normalizedMutualInfo(t, "arithmetic"), Bound.adjusted(t, "arithmetic"),
        g.g(), g.dof(), g.pValue()};
  }

  static final class Bound implements AggregateFunction<Serializable, Object> {
    private final Measure measure;
    private final CategoryReader[] readers;
    private final DataType[] types;
    private final int weight;
    private final int option;
    private final boolean ansi;
    private final long maxCells;

    Bound(Measure measure, CategoryReader[] readers, DataType[] types, int weight, int option,
        boolean ansi, long maxCells) {
      this.measure = measure;
      this.readers = readers;
      this.types = types;
      this.weight = weight;
      this.option = option;
      this.ansi = ansi;
      this.maxCells = maxCells;
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
     * Argument i read at position {@code at[i]} of {@code row}: {@link InformationAggregator} passes
     * the aggregate's input row as it comes, without projecting the arguments into a new row first.
     */
    InformationState update(Serializable buffer, InternalRow row, int[] at) {
      InformationState state = InformationState.of(buffer);
      double w = 1.0;
      if (weight >= 0) {
        int wi = at[weight];
        if (row.isNullAt(wi)) return state; // like sum(): a row without weight counts nothing
        w = row.getDouble(wi);
        if (!(w >= 0) || w == Double.POSITIVE_INFINITY) {
          return invalid(state, "`w`", "must be a finite weight >= 0 but was " + w);
        }
      }
      if (option >= 0 && Double.isNaN(state.base) && state.method == null) readOption(state, row, at[option]);
      ContingencyState t = state.table;
      int x = readers[0].intern(t.x(), row, at[0], types[0]);
      int y = readers.length > 1 ? readers[1].intern(t.y(), row, at[1], types[1]) : t.y().idOfNull();
      t.add(x, y, w);
      if (t.cells() > maxCells) {
        throw new IllegalStateException(measure.sqlName + ": more than " + maxCells + " distinct (x, y) "
            + "pairs in one group (" + MAX_CELLS_CONF + "). Use MutualInformation.of(df) (the "
            + "mutual-info job), which bounds each task's counts and merges each pair on a task of its own, or raise the limit.");
      }
      return state;
    }

    DataType[] types() { return types; }

    private void readOption(InformationState state, InternalRow row, int option) {
      if (row.isNullAt(option)) {
        invalid(state, "`" + (measure.option == Option.METHOD ? "method" : "base") + "`", "is NULL");
      } else if (measure.option == Option.METHOD) {
        String m = row.getUTF8String(option).toString().toLowerCase(Locale.ROOT);
        if (!m.equals("arithmetic") && !m.equals("geometric") && !m.equals("min") && !m.equals("max")) {
          invalid(state, "`method`", "must be 'arithmetic', 'geometric', 'min' or 'max' but was '" + m + "'");
        }
        state.method = m;
      } else {
        double b = row.getDouble(option);
        if (!(b > 0) || b == 1.0 || b == Double.POSITIVE_INFINITY) {
          invalid(state, "`base`", "(log base) must be positive, finite and not 1 but was " + b);
        }
        state.base = b;
      }
    }

    private InformationState invalid(InformationState state, String argument, String problem) {
      if (ansi) throw new InvalidDivergenceInputException(measure.sqlName, argument, problem);
      state.invalid = true;
      return state;
    }

    @Override
    public InformationState merge(Serializable a, Serializable b) {
      InformationState merged = InformationState.of(a);
      merged.merge(InformationState.of(b));
      return merged;
    }

    @Override
    public Object produceResult(Serializable buffer) {
      InformationState state = InformationState.of(buffer);
      if (state.invalid || state.table.totalWeight() == 0) return null;
      Table t = state.table.toTable();
      double base = Double.isNaN(state.base) ? Math.E : state.base;
      String method = state.method == null ? "arithmetic" : state.method;
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
        case SUMMARY -> summary(state.table, t, base);
      };
    }

    /** AMI needs integral counts; with fractional weights it is undefined (NULL). */
    private static Double adjusted(Table t, String method) {
      try {
        return InformationMeasures.adjustedMutualInfo(t, method);
      } catch (IllegalArgumentException notIntegral) {
        return null;
      }
    }

    private static InternalRow summary(ContingencyState s, Table t, double base) {
      return new GenericInternalRow(summaryValues(s, t, base));
    }
  }
}
