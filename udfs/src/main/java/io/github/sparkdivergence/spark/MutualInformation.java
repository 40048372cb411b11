package io.github.sparkdivergence.spark;

import static org.apache.spark.sql.functions.col;

import io.github.sparkdivergence.counts.ContingencyState;
import io.github.sparkdivergence.counts.MergeableState;
import io.github.sparkdivergence.counts.PairwiseCounts;
import io.github.sparkdivergence.math.InformationSums;
import io.github.sparkdivergence.math.LogBase;
import io.github.sparkdivergence.spark.functions.InformationAggregate;
import io.github.sparkdivergence.spark.input.CategoryReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.Tuple3;

/**
 * Mutual information, entropies, NMI, AMI and the G-test for many column pairs in one pass:
 *
 * <pre>{@code
 * Dataset<Row> table = MutualInformation.of(df).columns("origin", "dest", "delay").target("delay").compute();
 * }</pre>
 *
 * returns one row per pair: {@code col_a, col_b, n, h_a, h_b, h_ab, mi, nmi, ami, g, dof, p_value,
 * levels_a, levels_b} (the levels are the distinct values, after binning, seen in the pair's rows).
 * The data is scanned once, and each row is read once for all pairs: every task interns each
 * value of a row in its column's dictionary and counts it into every pair's table
 * ({@link PairwiseCounts}; 10 lookups and 45 counter updates per row for a 10-column matrix), then
 * emits one partial {@link ContingencyState} per pair. The partial states of a pair meet on one
 * task and merge exactly. No job per pair, no joins of marginals, no copy of the rows per pair.
 * Memory: a task emits its partial states early when they outgrow {@link #partialStateBytes}
 * (64 MiB by default); a pair's merged table lives on one task (a dense {@code int} matrix of up to
 * 16 MiB when the pair has few levels, else about 35 bytes per non-empty cell) while it fits that
 * task's budget ({@link #maxPairBytes}, by default a quarter of the executor's heap per core); a
 * pair that outgrows it is dropped there and counted again through Spark's shuffles ({@code GROUP
 * BY} cells, margins from windows, compensated sums per task: {@link ShuffledPair}), so memory per task
 * is bounded whatever the cardinality, and the log says which pairs took that path. Numeric columns are
 * binned with QuantileDiscretizer's quantile splits ({@link QuantileBinning}, fitted in one job for
 * all of them; a column with no usable value, all NULL or NaN, gets one bucket and MI 0) or with
 * explicit {@link #splits} through a Bucketizer; NULL (and NaN) are categories of their own unless
 * {@link #dropNulls}. With a {@link #weight} column each row adds its weight (pre-aggregated counts,
 * survey weights) instead of 1, on both paths.
 */
public final class MutualInformation {
  private static final Logger LOG = LoggerFactory.getLogger(MutualInformation.class);

  private final Dataset<Row> df;
  private List<String> columns;
  private String target;
  private int bins = QuantileBinning.DEFAULT_BINS;
  private double relativeError = QuantileBinning.DEFAULT_RELATIVE_ERROR;
  private final Set<String> categorical = new LinkedHashSet<>();
  private final java.util.Map<String, double[]> splits = new java.util.LinkedHashMap<>();
  private boolean dropNulls;
  private double base = Math.E;
  private long partialStateBytes = 64L << 20;
  /** The most one pair's merged counts may take on one task; 0: {@link TaskMemory#stateBytes()} of the executor. */
  private long maxPairBytes;
  private boolean withAmi = true;
  private String weight;

  private MutualInformation(Dataset<Row> df) { this.df = df; }

  public static MutualInformation of(Dataset<Row> df) { return new MutualInformation(df); }

  /** The columns to analyse (default: all). */
  public MutualInformation columns(String... names) {
    this.columns = Arrays.asList(names);
    return this;
  }

  /** Ranks every other column by its mutual information with this one instead of all pairs. */
  public MutualInformation target(String name) {
    this.target = name;
    return this;
  }

  /** Quantile bins for numeric columns (default 10; 0 treats numeric values as categories). */
  public MutualInformation bins(int n) {
    if (n < 0 || n == 1) throw new IllegalArgumentException("bins must be 0 (no binning) or >= 2 but was " + n);
    this.bins = n;
    return this;
  }

  /** QuantileDiscretizer's relativeError (default 0.001; 0 computes exact quantiles). */
  public MutualInformation relativeError(double e) {
    QuantileBinning.checkRelativeError(e);
    this.relativeError = e;
    return this;
  }

  /** Numeric columns to treat as categories (not binned). */
  public MutualInformation categorical(String... names) {
    categorical.addAll(Arrays.asList(names));
    return this;
  }

  /**
   * Bins this numeric column with explicit MLlib {@code Bucketizer} splits instead of quantiles
   * (strictly increasing; use -Infinity / +Infinity as the outer splits to keep every value).
   */
  public MutualInformation splits(String column, double... columnSplits) {
    for (int i = 1; i < columnSplits.length; i++) {
      if (!(columnSplits[i] > columnSplits[i - 1])) {
        throw new IllegalArgumentException("splits for '" + column + "' must be strictly increasing: " + Arrays.toString(columnSplits));
      }
    }
    if (columnSplits.length < 3) throw new IllegalArgumentException("splits for '" + column + "' need at least 3 values (2 bins)");
    splits.put(column, columnSplits.clone());
    return this;
  }

  /**
   * Weighs each row by this numeric column instead of counting it once (default: none), as the SQL
   * aggregates' argument {@code w}: pre-aggregated counts, or sampling weights. A row whose weight
   * is NULL counts nothing (like {@code sum}); a negative, NaN or infinite weight fails the job,
   * naming the column. With weights, {@code n} is the total weight (a double, as in the SQL summary)
   * and {@code ami} is NULL unless every cell's weight is a whole count. The weight column is not
   * one of the columns analysed.
   */
  public MutualInformation weight(String column) {
    if (column == null || column.isEmpty()) throw new IllegalArgumentException("weight needs a column name");
    this.weight = column;
    return this;
  }

  /** Drops rows where either column of a pair is NULL (default false: NULL is a category). */
  public MutualInformation dropNulls(boolean drop) {
    this.dropNulls = drop;
    return this;
  }

  /** Log base of h_a, h_b, h_ab and mi (default e). */
  public MutualInformation base(double b) {
    if (!LogBase.isValid(b)) throw new IllegalArgumentException(LogBase.problem(b));
    this.base = b;
    return this;
  }

  /** The pairs this call will compute, as [col_a, col_b]. */
  public List<String[]> pairs() {
    List<String> cols = resolveColumns();
    List<String[]> pairs = new ArrayList<>();
    if (target != null) {
      for (String c : cols) if (!c.equals(target)) pairs.add(new String[] {target, c});
    } else {
      for (int i = 0; i < cols.size(); i++) {
        for (int j = i + 1; j < cols.size(); j++) pairs.add(new String[] {cols.get(i), cols.get(j)});
      }
    }
    return pairs;
  }

  /**
   * Heap budget of one task's pair counts before it emits them as partial states and starts over
   * (default 64 MiB). Partial states merge exactly, so this only trades memory for shuffle bytes;
   * the merged table of one pair still lives on one task.
   */
  public MutualInformation partialStateBytes(long bytes) {
    if (bytes < 1) throw new IllegalArgumentException("partialStateBytes must be >= 1 but was " + bytes);
    this.partialStateBytes = bytes;
    return this;
  }

  /**
   * The most heap one pair's merged counts may take on the task that merges them (default: the
   * executor's share for aggregation states, {@link TaskMemory#stateBytes()}: a quarter of its heap
   * per core). A pair that outgrows it is counted again through Spark's shuffles ({@link
   * ShuffledPair}) instead, with memory per task bounded whatever its cardinality.
   */
  public MutualInformation maxPairBytes(long bytes) {
    if (bytes < 1) throw new IllegalArgumentException("maxPairBytes must be >= 1 but was " + bytes);
    this.maxPairBytes = bytes;
    return this;
  }

  /**
   * Whether to compute AMI (default true). Its expected-MI term costs (distinct margin totals of
   * a) x (distinct of b) x ~60 steps, at most 2 n steps per side's sqrt; false leaves ami NULL.
   */
  public MutualInformation ami(boolean compute) {
    this.withAmi = compute;
    return this;
  }

  /**
   * Computes the tidy table. Runs its jobs now (the pairs' rows are few): the one pass over the
   * rows (after the quantile job that bins numeric columns) counts every pair and merges each
   * pair's counts on one task; a pair whose merged counts outgrow {@link #maxPairBytes} is then
   * counted through shuffles instead (logged), with the same measures to 1e-13 relative.
   */
  public Dataset<Row> compute() {
    long budget = maxPairBytes;
    Counted counted = count(budget);
    String[][] names = counted.names();
    double logBase = base;
    boolean ami = withAmi;
    boolean weighted = weight != null;
    // (pair, its row, its total and rows): a pair that outgrew its task comes back without a row
    List<Tuple3<Integer, Row, double[]>> done = counted.pairs()
        .map(pair -> new Tuple3<>(pair._1(), pair._2().overflowed() ? null
            : tidyRow(names[pair._1()], pair._2().counts.pairCounts(0), logBase, ami, weighted),
            new double[] {pair._2().total, pair._2().rows}))
        .collect();
    List<Row> rows = new ArrayList<>();
    for (Tuple3<Integer, Row, double[]> t : done) {
      if (t._2() != null) {
        rows.add(t._2());
        continue;
      }
      String[] pair = names[t._1()];
      long start = System.nanoTime();
      InformationSums.Measures m = ShuffledPair.measures(counted.data(), pair[0], pair[1], weight, dropNulls, withAmi,
          t._3()[0], (long) t._3()[1]);
      LOG.info("mutual information: pair ({}, {}) outgrew one task's budget ({} MiB): counted through shuffles, {} x {} levels,"
          + " {} cells, in {} ms", pair[0], pair[1], (budget > 0 ? budget : TaskMemory.stateBytes()) >> 20, m.levelsX(),
          m.levelsY(), m.cells(), (System.nanoTime() - start) / 1_000_000);
      rows.add(tidyRow(pair, m, logBase, weighted));
    }
    return df.sparkSession().createDataFrame(rows, tidySchema(weighted)).orderBy(col("mi").desc(), col("col_a"), col("col_b"));
  }

  /** The schema of {@link #states()}: a pair and its saved contingency state. */
  public static final StructType STATES = new StructType()
      .add("col_a", DataTypes.StringType, false)
      .add("col_b", DataTypes.StringType, false)
      .add("state", DataTypes.BinaryType, false);

  /**
   * The exact joint counts of every pair as saved states ({@link #STATES}: col_a, col_b, state),
   * in the format of {@code contingency_agg} (docs/states.md), instead of the measures: save them,
   * and {@link #fromStates} gives the tidy table of any union of saved states, e.g. a year's matrix
   * from 365 daily ones. A binned numeric column records its splits in the state, and states merge
   * only when those are equal: for states that will be merged, bin with fixed {@link #splits} (or
   * {@code bins(0)}), not with quantiles fitted on each day's rows. With a {@link #weight} the states
   * hold the weights: read them with {@link #fromStates(Dataset, double, boolean) fromStates(states,
   * base, true)}.
   */
  public Dataset<Row> states() {
    Counted counted = count(Long.MAX_VALUE); // a saved state is one piece: no budget
    String[][] names = counted.names();
    String[] types = counted.valueTypes();
    double[][] columnSplits = counted.splits();
    int[][] index = counted.index();
    JavaRDD<Row> rows = counted.pairs().map(pair -> {
      int[] c = index[pair._1()];
      MergeableState s = MergeableState.of(MergeableState.Kind.CONTINGENCY, new String[] {types[c[0]], types[c[1]]},
          new double[][] {columnSplits[c[0]], columnSplits[c[1]]}, pair._2().counts.pairCounts(0));
      return RowFactory.create(names[pair._1()][0], names[pair._1()][1], s.toBytes());
    });
    return df.sparkSession().createDataFrame(rows, STATES);
  }

  /**
   * The tidy table of {@link #compute()} from saved pair states ({@link #STATES}, as {@link
   * #states()} writes them): the states of each (col_a, col_b) are merged exactly (in any order) and
   * the measures read from the merge, in log base {@code base}. States of one pair that cannot be
   * merged (different value types or bucket splits) fail the job, naming the pair.
   */
  public static Dataset<Row> fromStates(Dataset<Row> states, double base) {
    return fromStates(states, base, false);
  }

  /**
   * {@link #fromStates(Dataset, double)} of states that hold weights ({@link #weight}, or {@code
   * contingency_agg(x, y, w)}) when {@code weighted}: n is then the total weight, a double, as in
   * {@link #compute()} with a weight. Unweighted, a pair whose states hold weights that are not
   * whole counts fails the job, naming the pair, rather than giving a rounded n.
   */
  public static Dataset<Row> fromStates(Dataset<Row> states, double base, boolean weighted) {
    if (!LogBase.isValid(base)) throw new IllegalArgumentException(LogBase.problem(base));
    for (String c : STATES.fieldNames()) {
      if (!Arrays.asList(states.columns()).contains(c)) {
        throw new IllegalArgumentException("saved states need the columns " + Arrays.toString(STATES.fieldNames())
            + " but have " + Arrays.toString(states.columns()));
      }
    }
    // each value carries its pair's name, so that a merge that fails can say which pair
    JavaPairRDD<Tuple2<String, String>, Tuple2<String, MergeableState>> merged = states.select("col_a", "col_b", "state")
        .javaRDD()
        .mapToPair(r -> new Tuple2<>(new Tuple2<>(r.getString(0), r.getString(1)),
            new Tuple2<>("(" + r.getString(0) + ", " + r.getString(1) + ")", r.<byte[]>getAs(2))))
        .combineByKey(v -> new Tuple2<>(v._1(), readState(v._1(), v._2())),
            (s, v) -> mergeState(s, new Tuple2<>(v._1(), readState(v._1(), v._2()))), MutualInformation::mergeState);
    JavaRDD<Row> tidy = merged.map(p -> {
      ContingencyState counts = p._2()._2().counts();
      double total = counts.totalWeight();
      if (!weighted && (total != Math.rint(total) || total > 0x1.0p53)) {
        throw new IllegalArgumentException("pair " + p._2()._1() + ": the saved states hold weights that are not whole counts"
            + " (total " + total + "): read them with fromStates(states, base, true), whose n is the total weight");
      }
      return tidyRow(new String[] {p._1()._1(), p._1()._2()}, counts, base, true, weighted);
    });
    return states.sparkSession().createDataFrame(tidy, tidySchema(weighted)).orderBy(col("mi").desc(), col("col_a"), col("col_b"));
  }

  private static MergeableState readState(String pair, byte[] bytes) {
    if (bytes == null) throw new IllegalArgumentException("pair " + pair + ": a saved state is NULL");
    MergeableState s;
    try {
      s = MergeableState.fromBytes(bytes);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("pair " + pair + ": " + e.getMessage(), e);
    }
    if (s.kind() != MergeableState.Kind.CONTINGENCY) {
      throw new IllegalArgumentException("pair " + pair + ": a saved pair state is a " + s.kind().sqlPrefix()
          + " state, not a contingency state");
    }
    return s;
  }

  private static Tuple2<String, MergeableState> mergeState(Tuple2<String, MergeableState> into,
      Tuple2<String, MergeableState> other) {
    String problem = into._2().mergeProblem(other._2());
    if (problem != null) throw new IllegalArgumentException("pair " + into._1() + ": saved states cannot be merged: " + problem);
    into._2().merge(other._2());
    return into;
  }

  /** Each pair's merged counts, by pair index, with what a saved state records of its columns. */
  private record Counted(JavaPairRDD<Integer, MergedPair> pairs, String[][] names, int[][] index,
      String[] valueTypes, double[][] splits, Dataset<Row> data) {}

  /**
   * The one pass: every pair's counts, merged on one task per pair (lazy); a pair whose merged
   * counts outgrow {@code pairBudget} bytes (0: {@link TaskMemory#stateBytes()} where it merges) is
   * dropped there and marked {@link MergedPair#overflowed()}.
   */
  private Counted count(long pairBudget) {
    List<String> cols = resolveColumns();
    List<String[]> pairs = pairs();
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("need at least two columns" + (target != null ? " besides the target" : "")
          + " but got " + cols);
    }
    SparkSession spark = df.sparkSession();
    java.util.Map<String, double[]> binSplits = new java.util.HashMap<>();
    Dataset<Row> data = binned(df.select(withWeight(cols.stream().map(MutualInformation::quoted))), cols, binSplits);

    int k = cols.size();
    StructField[] fields = data.schema().fields();
    CategoryReader[] readers = new CategoryReader[k];
    DataType[] types = new DataType[k];
    String[] valueTypes = new String[k];
    double[][] columnSplits = new double[k][];
    for (int c = 0; c < k; c++) {
      types[c] = fields[c].dataType();
      readers[c] = CategoryReader.of(types[c]);
      columnSplits[c] = binSplits.get(cols.get(c));
      valueTypes[c] = columnSplits[c] != null ? MergeableState.BUCKET_TYPE : df.schema().apply(cols.get(c)).dataType().simpleString();
    }
    int[][] pairIndex = new int[pairs.size()][];
    String[][] names = pairs.toArray(new String[0][]);
    for (int p = 0; p < pairIndex.length; p++) {
      pairIndex[p] = new int[] {cols.indexOf(names[p][0]), cols.indexOf(names[p][1])};
    }
    boolean drop = dropNulls;
    long budget = partialStateBytes;
    String weightColumn = weight;
    LOG.info("mutual information: {} columns, {} pairs, one pass; numeric columns binned into {} quantile bins",
        k, pairs.size(), bins);

    // Each task counts every pair of its rows at once (one dictionary lookup per value); the
    // pair states then meet on one task per pair and merge exactly. Internal rows: no String or
    // Row conversion per value.
    JavaPairRDD<Integer, Partial> partial = data.queryExecution().toRdd().toJavaRDD()
        .mapPartitionsToPair(rows -> new PairCounter(rows, readers, types, pairIndex, drop, budget, weightColumn));
    // Every pair gets a row, also when no row reaches it (empty input, or NULLs dropped).
    List<Tuple2<Integer, Partial>> empty = new ArrayList<>();
    Partial emptyState = new Partial(0, 0, new ContingencyState().toBytes());
    for (int p = 0; p < pairIndex.length; p++) empty.add(new Tuple2<>(p, emptyState));
    partial = partial.union(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelizePairs(empty, 1));
    int reducers = Math.max(1, Math.min(pairs.size(), spark.sessionState().conf().numShufflePartitions()));
    boolean weighted = weight != null;
    JavaPairRDD<Integer, MergedPair> merged = partial.combineByKey(state -> new MergedPair(pairBudget, weighted).add(state),
        MergedPair::add, MergedPair::add, new HashPartitioner(reducers), false, null);
    return new Counted(merged, names, pairIndex, valueTypes, columnSplits, data);
  }

  static final StructType TIDY = new StructType()
      .add("col_a", DataTypes.StringType, false)
      .add("col_b", DataTypes.StringType, false)
      .add("n", DataTypes.LongType, false)
      .add("h_a", DataTypes.DoubleType, true)
      .add("h_b", DataTypes.DoubleType, true)
      .add("h_ab", DataTypes.DoubleType, true)
      .add("mi", DataTypes.DoubleType, true)
      .add("nmi", DataTypes.DoubleType, true)
      .add("ami", DataTypes.DoubleType, true)
      .add("g", DataTypes.DoubleType, true)
      .add("dof", DataTypes.LongType, true)
      .add("p_value", DataTypes.DoubleType, true)
      .add("levels_a", DataTypes.LongType, false)
      .add("levels_b", DataTypes.LongType, false);

  /** {@link #TIDY} with a {@link #weight}: n is the total weight. */
  static final StructType TIDY_WEIGHTED = new StructType(Arrays.stream(TIDY.fields())
      .map(f -> f.name().equals("n") ? new StructField("n", DataTypes.DoubleType, false, f.metadata()) : f)
      .toArray(StructField[]::new));

  static StructType tidySchema(boolean weighted) {
    return weighted ? TIDY_WEIGHTED : TIDY;
  }

  /**
   * One task's counts of a pair as a {@link ContingencyState}'s bytes, their total and the rows
   * they count (read without them). A plain class, not a record: the Kryo 4 of every Spark line (spark.serializer=Kryo)
   * fails on a record ("can't get field offset on a record class").
   */
  static final class Partial implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private double total;
    private long rows;
    private byte[] state;

    Partial() {}

    Partial(double total, long rows, byte[] state) {
      this.total = total;
      this.rows = rows;
      this.state = state;
    }

    double total() { return total; }

    long rows() { return rows; }

    byte[] state() { return state; }
  }

  /**
   * One pair's partial states merged on the task that owns the pair: counted densely while the
   * pair's table is small enough (16 MiB), as on the map side. Past its budget it lets its counts
   * go and only remembers that it {@link #overflowed()} and the total, so the task's memory stays
   * bounded.
   * Serializable (as its state's bytes) in case Spark spills it.
   */
  static final class MergedPair implements java.io.Externalizable {
    private static final long serialVersionUID = 1L;
    private static final long DENSE_BYTES = 16L << 20;
    private PairwiseCounts counts;
    /** Bytes the counts may take; 0 until known (then {@link TaskMemory#stateBytes()} of this JVM). */
    private long budget;
    private boolean weighted;
    /** Every state's total, also after the counts were let go: the n of the shuffled path. */
    double total;
    /** Every state's rows, also after the counts were let go: how the shuffled path sizes its tasks. */
    long rows;

    public MergedPair() {}

    MergedPair(long budget, boolean weighted) {
      this.budget = budget;
      this.weighted = weighted;
      this.counts = newCounts(weighted);
    }

    private static PairwiseCounts newCounts(boolean weighted) {
      return new PairwiseCounts(2, new int[][] {{0, 1}}, false, DENSE_BYTES + 1024, weighted);
    }

    /** A pair merged without a budget. */
    static MergedPair of(byte[] state, boolean weighted) {
      return new MergedPair(Long.MAX_VALUE, weighted).add(state);
    }

    MergedPair add(Partial p) {
      total += p.total();
      rows += p.rows();
      return add(p.state());
    }

    PairwiseCounts counts() {
      return counts;
    }

    /** Whether the counts outgrew the budget and were dropped. */
    boolean overflowed() {
      return counts == null;
    }

    MergedPair add(byte[] state) {
      if (counts == null) return this;
      counts.mergePairState(0, state);
      if (budget == 0) budget = TaskMemory.stateBytes();
      if (counts.estimatedBytes() > budget) counts = null;
      return this;
    }

    MergedPair add(MergedPair other) {
      total += other.total;
      rows += other.rows;
      if (other.counts == null) counts = null;
      return counts == null ? this : add(other.counts.pairState(0));
    }

    @Override
    public void writeExternal(java.io.ObjectOutput out) throws java.io.IOException {
      out.writeLong(budget);
      out.writeBoolean(weighted);
      out.writeDouble(total);
      out.writeLong(rows);
      byte[] b = counts == null ? null : counts.pairState(0);
      out.writeInt(b == null ? -1 : b.length);
      if (b != null) out.write(b);
    }

    @Override
    public void readExternal(java.io.ObjectInput in) throws java.io.IOException {
      budget = in.readLong();
      weighted = in.readBoolean();
      total = in.readDouble();
      rows = in.readLong();
      int length = in.readInt();
      if (length < 0) {
        counts = null;
        return;
      }
      byte[] b = new byte[length];
      in.readFully(b);
      counts = newCounts(weighted);
      add(b);
    }
  }

  /**
   * A pair's row of the tidy table, each column taken by name from the summary aggregate's values;
   * a pair without rows (all dropped as NULL) has n = 0, no levels and NULL measures.
   */
  private static Row tidyRow(String[] pair, ContingencyState state, double base, boolean withAmi, boolean weighted) {
    boolean empty = state.totalWeight() == 0;
    return tidyRow(pair, state.totalWeight(), empty ? null : InformationAggregate.summaryValues(state, state.toTable(), base, withAmi),
        weighted);
  }

  /** The same row from a pair counted through shuffles ({@link ShuffledPair}). */
  private static Row tidyRow(String[] pair, InformationSums.Measures m, double base, boolean weighted) {
    return tidyRow(pair, m.n(), m.n() == 0 ? null : InformationAggregate.summaryValues(m, base), weighted);
  }

  /** A pair's row of {@link #TIDY} from its total and its summary values (null: no rows). */
  private static Row tidyRow(String[] pair, double n, Object[] summary, boolean weighted) {
    boolean empty = summary == null;
    StructType fields = InformationAggregate.SUMMARY_TYPE;
    Object[] row = new Object[TIDY.size()];
    for (int i = 0; i < row.length; i++) {
      String name = TIDY.fields()[i].name();
      row[i] = switch (name) {
        case "col_a" -> pair[0];
        case "col_b" -> pair[1];
        // Object: a conditional of double and long would make both a double
        case "n" -> weighted ? (Object) n : (Object) (empty ? 0L : (long) n);
        case "levels_a", "levels_b" -> empty ? 0L : summary[fields.fieldIndex(name)];
        default -> empty ? null : summary[fields.fieldIndex(name)];
      };
    }
    return RowFactory.create(row);
  }

  /**
   * Reads one task's rows and yields (pair, partial state) for every pair: whenever the counts
   * outgrow the budget, and at the end of the rows.
   */
  private static final class PairCounter implements Iterator<Tuple2<Integer, Partial>> {
    /** Rows interned before they are counted pair by pair (see PairwiseCounts.addRows). */
    private static final int BATCH = 4096;
    private final Iterator<InternalRow> rows;
    private final CategoryReader[] readers;
    private final DataType[] types;
    private final PairwiseCounts counts;
    private final int[][] ids;
    private final long budget;
    /** The weight column's name for errors, and the weights of a batch; null without a weight. */
    private final String weightName;
    private final double[] weights;
    private int next = Integer.MAX_VALUE;
    private long read;
    private int flushes;
    private boolean done;

    PairCounter(Iterator<InternalRow> rows, CategoryReader[] readers, DataType[] types, int[][] pairs,
        boolean dropNulls, long budget, String weight) {
      this.rows = rows;
      this.readers = readers;
      this.types = types;
      // Half the budget may go to dense matrices of the pairs with few values.
      this.counts = new PairwiseCounts(readers.length, pairs, dropNulls, budget / 2, weight != null);
      this.ids = new int[readers.length][BATCH];
      this.budget = budget;
      this.weightName = weight;
      this.weights = weight == null ? null : new double[BATCH];
    }

    @Override
    public boolean hasNext() {
      while (true) {
        while (next < counts.pairs() && counts.rows(next) == 0) next++; // the driver seeds empty pairs
        if (next < counts.pairs()) return true;
        if (done) return false;
        if (next == counts.pairs()) counts.clear(); // every pair of the last flush was taken
        count();
        next = 0;
      }
    }

    private void count() {
      while (rows.hasNext()) {
        int n = 0;
        while (n < BATCH && rows.hasNext()) {
          InternalRow row = rows.next();
          if (weights != null) {
            int at = readers.length; // the weight follows the columns
            if (row.isNullAt(at)) continue; // like sum(): a row without weight counts nothing
            double w = row.getDouble(at);
            if (!ContingencyState.isWeight(w)) {
              throw new IllegalArgumentException("MutualInformation: weight column '" + weightName
                  + "' must hold finite weights >= 0 but has " + w);
            }
            weights[n] = w;
          }
          for (int c = 0; c < ids.length; c++) ids[c][n] = readers[c].intern(counts.column(c), row, c, types[c]);
          n++;
        }
        counts.addRows(ids, weights, n);
        read += n;
        long bytes = counts.estimatedBytes();
        if (bytes > budget && rows.hasNext()) {
          flushes++;
          LOG.debug("pair counts reached {} bytes after {} rows: emitting partial states ({} so far)", bytes, read, flushes);
          return;
        }
      }
      done = true;
    }

    @Override
    public Tuple2<Integer, Partial> next() {
      if (!hasNext()) throw new NoSuchElementException();
      int p = next++;
      return new Tuple2<>(p, new Partial(counts.totalWeight(p), counts.rows(p), counts.pairState(p)));
    }
  }

  private List<String> resolveColumns() {
    List<String> all = Arrays.asList(df.columns());
    if (weight != null) {
      if (!all.contains(weight)) throw new IllegalArgumentException("unknown weight column '" + weight + "'; the input has " + all);
      DataType w = df.schema().apply(weight).dataType();
      if (!(w instanceof NumericType)) {
        throw new IllegalArgumentException("weight column '" + weight + "' must be numeric but is " + w.simpleString());
      }
    }
    List<String> cols = new ArrayList<>(columns == null ? all : columns);
    if (columns == null && weight != null) cols.remove(weight);
    if (target != null && !cols.contains(target)) cols.add(0, target);
    for (String c : cols) {
      if (!all.contains(c)) {
        throw new IllegalArgumentException("unknown column '" + c + "'; the input has " + all);
      }
      DataType t = df.schema().apply(c).dataType();
      if (CategoryReader.of(t) == null) {
        throw new IllegalArgumentException("column '" + c + "' has type " + t.simpleString()
            + ", which cannot be a category (" + CategoryReader.SUPPORTED + ")");
      }
    }
    if (new LinkedHashSet<>(cols).size() != cols.size()) throw new IllegalArgumentException("duplicate columns in " + cols);
    if (weight != null && cols.contains(weight)) {
      throw new IllegalArgumentException("weight column '" + weight + "' cannot also be a column to analyse " + cols);
    }
    return cols;
  }

  /**
   * Replaces each numeric column (not declared categorical) by its bin: explicit splits where given,
   * else quantile bins; NULL stays NULL, NaN gets a bin of its own. The {@link #weight} column, if
   * any, stays last, as it is.
   */
  private Dataset<Row> binned(Dataset<Row> data, List<String> cols, java.util.Map<String, double[]> binSplits) {
    for (String c : splits.keySet()) {
      if (!cols.contains(c)) throw new IllegalArgumentException("splits given for '" + c + "', which is not among " + cols);
      if (!(data.schema().apply(c).dataType() instanceof NumericType)) {
        throw new IllegalArgumentException("splits given for '" + c + "', which is not numeric");
      }
    }
    Dataset<Row> data0 = data;
    for (java.util.Map.Entry<String, double[]> e : splits.entrySet()) {
      String tmp = "__split_in";
      Dataset<Row> withIn = data0.withColumn(tmp, quoted(e.getKey()).cast("double"));
      Dataset<Row> out = new org.apache.spark.ml.feature.Bucketizer().setInputCol(tmp).setOutputCol("__split_out")
          .setSplits(e.getValue()).setHandleInvalid("keep").transform(withIn);
      data0 = out.withColumn(e.getKey(), col("__split_out").cast("int")).drop(tmp, "__split_out");
      binSplits.put(e.getKey(), e.getValue());
    }
    data = data0.select(withWeight(cols.stream().map(MutualInformation::quoted)));
    if (bins == 0) return data;
    List<String> numeric = new ArrayList<>();
    for (StructField f : data.schema().fields()) {
      if (cols.contains(f.name()) && f.dataType() instanceof NumericType && !(f.dataType() instanceof BooleanType)
          && !categorical.contains(f.name()) && !splits.containsKey(f.name())) {
        numeric.add(f.name());
      }
    }
    if (numeric.isEmpty()) return data;
    String[] in = new String[numeric.size()];
    String[] out = new String[numeric.size()];
    Dataset<Row> d = data;
    for (int i = 0; i < in.length; i++) {
      in[i] = "__bin_in_" + i;
      out[i] = "__bin_out_" + i;
      d = d.withColumn(in[i], quoted(numeric.get(i)).cast("double"));
    }
    long start = System.nanoTime();
    // QuantileDiscretizer's splits, except that a column with no usable value gets one bucket
    double[][] fitted = QuantileBinning.fit(d, Arrays.asList(in), bins, relativeError);
    for (int i = 0; i < fitted.length; i++) binSplits.put(numeric.get(i), fitted[i]);
    Dataset<Row> b = new org.apache.spark.ml.feature.Bucketizer().setInputCols(in).setOutputCols(out)
        .setSplitsArray(fitted).setHandleInvalid("keep").transform(d);
    LOG.info("binned {} numeric column(s) {} into {} quantile bins in {} ms", numeric.size(), numeric, bins,
        (System.nanoTime() - start) / 1_000_000);
    return b.select(withWeight(cols.stream().map(c -> {
      int i = numeric.indexOf(c);
      return i < 0 ? quoted(c) : col(out[i]).cast("int").as(c);
    })));
  }

  /** These columns, then the {@link #weight} as a double if there is one: the rows the one pass reads. */
  private Column[] withWeight(java.util.stream.Stream<Column> columns) {
    return java.util.stream.Stream.concat(columns,
        weight == null ? java.util.stream.Stream.empty() : java.util.stream.Stream.of(quoted(weight).cast("double").as(weight)))
        .toArray(Column[]::new);
  }

  private static Column quoted(String name) { return col(sql(name)); }

  private static String sql(String name) { return "`" + name.replace("`", "``") + "`"; }
}
