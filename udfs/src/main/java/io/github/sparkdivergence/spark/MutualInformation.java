package io.github.sparkdivergence.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.feature.QuantileDiscretizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual information, entropies, NMI, AMI and the G-test for many column pairs in one pass:
 *
 * <pre>{@code
 * Dataset<Row> table = MutualInformation.of(df).columns("origin", "dest", "delay").target("delay").compute();
 * }</pre>
 *
 * returns one row per pair: {@code col_a, col_b, n, h_a, h_b, h_ab, mi, nmi, ami, g, dof, p_value}.
 * The data is scanned once: a single GROUPING SETS aggregation counts every pair's cells across the
 * cluster, then one exact {@code mutual_info_summary} state per pair (keyed by the grouping id) turns
 * the cells into the measures. No job per pair and no joins of marginals. Numeric columns are
 * binned with MLlib's QuantileDiscretizer (splits fitted in one job for all of them) or with
 * explicit {@link #splits} through a Bucketizer; NULL (and NaN) are categories of their own unless
 * {@link #dropNulls}.
 */
public final class MutualInformation {
  private static final Logger LOG = LoggerFactory.getLogger(MutualInformation.class);

  private final Dataset<Row> df;
  private List<String> columns;
  private String target;
  private int bins = 10;
  private double relativeError = 0.001;
  private final Set<String> categorical = new LinkedHashSet<>();
  private final java.util.Map<String, double[]> splits = new java.util.LinkedHashMap<>();
  private boolean dropNulls;
  private double base = Math.E;

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
    if (!(e >= 0 && e <= 1)) throw new IllegalArgumentException("relativeError must be in [0, 1] but was " + e);
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

  /** Drops rows where either column of a pair is NULL (default false: NULL is a category). */
  public MutualInformation dropNulls(boolean drop) {
    this.dropNulls = drop;
    return this;
  }

  /** Log base of h_a, h_b, h_ab and mi (default e). */
  public MutualInformation base(double b) {
    if (!(b > 0) || b == 1 || Double.isInfinite(b)) throw new IllegalArgumentException("base must be > 0 and not 1 but was " + b);
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

  /** Computes the tidy table (lazily: the result is a DataFrame; actions run the one pass). */
  public Dataset<Row> compute() {
    List<String> cols = resolveColumns();
    List<String[]> pairs = pairs();
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("need at least two columns" + (target != null ? " besides the target" : "")
          + " but got " + cols);
    }
    SparkSession spark = df.sparkSession();
    Divergences.register(spark);
    Dataset<Row> data = binned(df.select(cols.stream().map(MutualInformation::quoted).toArray(Column[]::new)), cols);

    // One GROUPING SETS aggregation: per pair, the count of every observed (a, b) cell.
    int k = cols.size();
    if (k > 62) throw new IllegalArgumentException("at most 62 columns per call (GROUPING SETS ids) but got " + k);
    StringBuilder sets = new StringBuilder();
    long[] gids = new long[pairs.size()];
    for (int p = 0; p < pairs.size(); p++) {
      int i = cols.indexOf(pairs.get(p)[0]);
      int j = cols.indexOf(pairs.get(p)[1]);
      // grouping_id() has a 1 bit for every column not in the set; the first column is the top bit.
      gids[p] = ((1L << k) - 1) & ~(1L << (k - 1 - i)) & ~(1L << (k - 1 - j));
      sets.append(p == 0 ? "" : ", ").append('(').append(sql(cols.get(i))).append(", ").append(sql(cols.get(j))).append(')');
    }
    String view = "__spark_divergence_mi_" + Integer.toHexString(System.identityHashCode(this));
    data.createOrReplaceTempView(view);
    String groupBy = String.join(", ", cols.stream().map(MutualInformation::sql).toList());
    Dataset<Row> cells = spark.sql("SELECT grouping_id() AS __gid, " + groupBy + ", count(*) AS __n FROM "
        + sql(view) + " GROUP BY " + groupBy + " GROUPING SETS (" + sets + ")");

    // Per pair, the two grouped columns as x and y (cast to string: one type across pairs).
    StringBuilder x = new StringBuilder("CASE __gid");
    StringBuilder y = new StringBuilder("CASE __gid");
    StringBuilder a = new StringBuilder("CASE __gid");
    StringBuilder b = new StringBuilder("CASE __gid");
    for (int p = 0; p < pairs.size(); p++) {
      String[] pair = pairs.get(p);
      x.append(" WHEN ").append(gids[p]).append(" THEN CAST(").append(sql(pair[0])).append(" AS STRING)");
      y.append(" WHEN ").append(gids[p]).append(" THEN CAST(").append(sql(pair[1])).append(" AS STRING)");
      a.append(" WHEN ").append(gids[p]).append(" THEN '").append(pair[0].replace("'", "\\'")).append('\'');
      b.append(" WHEN ").append(gids[p]).append(" THEN '").append(pair[1].replace("'", "\\'")).append('\'');
    }
    Dataset<Row> xy = cells.select(col("__gid"), expr(x + " END").as("x"), expr(y + " END").as("y"), col("__n"));
    if (dropNulls) xy = xy.where("x IS NOT NULL AND y IS NOT NULL");

    // One exact state per pair. The per-group cell limit protects the SQL aggregate from unbounded
    // groups; here a group is one pair's already-counted cells, so it is lifted while analysing.
    String previous = spark.conf().getOption(InformationAggregate.MAX_CELLS_CONF).getOrElse(() -> null);
    spark.conf().set(InformationAggregate.MAX_CELLS_CONF, Long.toString(Long.MAX_VALUE));
    Dataset<Row> summary;
    try {
      summary = xy.groupBy(col("__gid")).agg(
          Divergences.call("mutual_info_summary", col("x"), col("y"), col("__n"), org.apache.spark.sql.functions.lit(base)).as("s"));
    } finally {
      if (previous == null) spark.conf().unset(InformationAggregate.MAX_CELLS_CONF);
      else spark.conf().set(InformationAggregate.MAX_CELLS_CONF, previous);
    }
    LOG.info("mutual information: {} columns, {} pairs, numeric columns binned into {} quantile bins",
        k, pairs.size(), bins);
    Dataset<Row> tidy = summary.select(
        expr(a.append(" END").toString()).as("col_a"), expr(b.append(" END").toString()).as("col_b"),
        col("s.n").cast("long").as("n"), col("s.h_a").as("h_a"), col("s.h_b").as("h_b"), col("s.h_ab").as("h_ab"),
        col("s.mi").as("mi"), col("s.nmi").as("nmi"), col("s.ami").as("ami"), col("s.g").as("g"),
        col("s.dof").as("dof"), col("s.p_value").as("p_value"));
    return tidy.orderBy(col("mi").desc(), col("col_a"), col("col_b"));
  }

  private List<String> resolveColumns() {
    List<String> all = Arrays.asList(df.columns());
    List<String> cols = new ArrayList<>(columns == null ? all : columns);
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
    return cols;
  }

  /**
   * Replaces each numeric column (not declared categorical) by its bin: explicit splits where given,
   * else quantile bins; NULL stays NULL, NaN gets a bin of its own.
   */
  private Dataset<Row> binned(Dataset<Row> data, List<String> cols) {
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
    }
    data = data0.select(cols.stream().map(MutualInformation::quoted).toArray(Column[]::new));
    if (bins == 0) return data;
    List<String> numeric = new ArrayList<>();
    for (StructField f : data.schema().fields()) {
      if (f.dataType() instanceof NumericType && !(f.dataType() instanceof BooleanType)
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
    QuantileDiscretizer qd = new QuantileDiscretizer().setInputCols(in).setOutputCols(out)
        .setNumBuckets(bins).setRelativeError(relativeError).setHandleInvalid("keep");
    Dataset<Row> b = qd.fit(d).transform(d);
    LOG.info("binned {} numeric column(s) {} into {} quantile bins in {} ms", numeric.size(), numeric, bins,
        (System.nanoTime() - start) / 1_000_000);
    List<Column> select = new ArrayList<>();
    for (String c : cols) {
      int i = numeric.indexOf(c);
      select.add(i < 0 ? quoted(c) : col(out[i]).cast("int").as(c));
    }
    return b.select(select.toArray(Column[]::new));
  }

  private static Column quoted(String name) { return col(sql(name)); }

  private static String sql(String name) { return "`" + name.replace("`", "``") + "`"; }
}
