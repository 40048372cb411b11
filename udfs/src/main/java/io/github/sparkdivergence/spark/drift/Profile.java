package io.github.sparkdivergence.spark.drift;

import io.github.sparkdivergence.counts.CategoryDictionary;
import io.github.sparkdivergence.counts.ContingencyState;
import io.github.sparkdivergence.counts.MergeableState;
import io.github.sparkdivergence.drift.ColumnKind;
import io.github.sparkdivergence.math.ContingencyTable;
import io.github.sparkdivergence.spark.MutualInformation;
import io.github.sparkdivergence.spark.drift.DriftColumns.Spec;
import io.github.sparkdivergence.spark.input.CategoryReader;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * A saved profile of a dataset (docs/states.md): per column the exact counts of its values as a
 * distribution state, and optionally per pair of columns their exact joint counts as a contingency
 * state, one row each ({@link #SCHEMA}). Profiles of disjoint parts of the data (days) merge exactly
 * ({@link #merge}); drift compares current rows with a profile as with the rows it was made from
 * ({@link io.github.sparkdivergence.spark.Drift#fromProfile}), and {@link MutualInformation#fromStates}
 * reads the pair rows.
 *
 * <p>A column is profiled as drift reads it ({@link DriftOptions}: the columns, {@code categorical}):
 * a numeric one counted per distinct double value (so the exact Wasserstein distance and KS
 * statistic can be computed from it), with the bucket splits drift fits on these rows (or those of
 * {@link #splitsFrom}); a categorical one per value cast to string. Pairs bin numeric columns by the
 * same splits. Profiles whose splits differ do not merge: make daily profiles with the splits of
 * one reference profile.
 */
public final class Profile {
  private static final Logger LOG = LoggerFactory.getLogger(Profile.class);

  /** {@code kind} of a column's row and of a pair's row. */
  public static final String COLUMN = "column";
  public static final String PAIR = "pair";

  /**
   * kind (column or pair), col_a, col_b (NULL for a column), drift_kind (numeric or categorical,
   * NULL for a pair), splits (a numeric column's bucket splits), state (BINARY, docs/states.md),
   * rows (of the dataset profiled), created_at, position (the column's place among the profiled
   * columns, and after them each pair's place in the upper triangle: the order results come in).
   */
  public static final StructType SCHEMA = new StructType()
      .add("kind", DataTypes.StringType, false)
      .add("col_a", DataTypes.StringType, false)
      .add("col_b", DataTypes.StringType, true)
      .add("drift_kind", DataTypes.StringType, true)
      .add("splits", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
      .add("state", DataTypes.BinaryType, false)
      .add("rows", DataTypes.LongType, false)
      .add("created_at", DataTypes.TimestampType, false)
      .add("position", DataTypes.IntegerType, false);

  private final Dataset<Row> df;
  private DriftOptions options = new DriftOptions();
  private boolean pairs;
  private Dataset<Row> splitsFrom;

  private Profile(Dataset<Row> df) { this.df = df; }

  public static Profile of(Dataset<Row> df) { return new Profile(df); }

  /** The columns and their kinds as drift reads them: its columns, categorical, bins and relativeError. */
  public Profile options(DriftOptions o) {
    this.options = o;
    return this;
  }

  public Profile columns(String... names) { options.columns(Arrays.asList(names)); return this; }
  public Profile categorical(String... names) { options.categorical(Arrays.asList(names)); return this; }
  public Profile bins(int n) { options.bins(n); return this; }

  /** Also the joint counts of every pair of the profiled columns (k(k-1)/2 states). */
  public Profile pairs(boolean p) {
    this.pairs = p;
    return this;
  }

  /**
   * Bins numeric columns by the splits of this earlier profile instead of fitting them on these
   * rows, so that this profile merges with the others made so.
   */
  public Profile splitsFrom(Dataset<Row> profile) {
    this.splitsFrom = profile;
    return this;
  }

  /** The profile's rows ({@link #SCHEMA}); computed when called (one quantile job unless splitsFrom, one pass, one more for pairs). */
  public Dataset<Row> compute() {
    SparkSession spark = df.sparkSession();
    List<String> notes = new ArrayList<>();
    String corrupt = options.corruptRecordColumn() != null ? options.corruptRecordColumn()
        : spark.conf().get("spark.sql.columnNameOfCorruptRecord", "_corrupt_record");
    List<Spec> specs = new ArrayList<>();
    for (Spec s : DriftColumns.select(df.schema(), df.schema(), options, corrupt, notes)) {
      if (s.kind() == ColumnKind.VECTOR) notes.add("left out vector column " + s.name() + ": profiles hold no vectors yet");
      else specs.add(s);
    }
    for (String n : notes) LOG.info("profile: {}", n);
    if (specs.isEmpty()) throw new IllegalArgumentException("no numeric or categorical column to profile");
    Dataset<Row> prepared = DriftComputation.prepare(df, specs, true);
    double[][] splits = new double[specs.size()][];
    if (splitsFrom != null) {
      Map<String, double[]> given = columnsOf(splitsFrom).splits();
      for (int i = 0; i < specs.size(); i++) {
        if (specs.get(i).kind() != ColumnKind.NUMERIC) continue;
        splits[i] = given.get(specs.get(i).name());
        if (splits[i] == null) {
          throw new IllegalArgumentException("the profile given for the splits has no numeric column '" + specs.get(i).name() + "'");
        }
      }
    } else if (specs.stream().anyMatch(s -> s.kind() == ColumnKind.NUMERIC)) {
      splits = DriftComputation.fitQuantiles(specs, prepared, options, notes, spark).splits();
    }

    int k = specs.size();
    DataType[] types = new DataType[k];
    CategoryReader[] readers = new CategoryReader[k];
    for (int c = 0; c < k; c++) {
      types[c] = prepared.schema().fields()[c].dataType();
      readers[c] = CategoryReader.of(types[c]);
    }
    JavaRDD<InternalRow> rows = prepared.queryExecution().toRdd().toJavaRDD();
    JavaPairRDD<Integer, MergeableState> counted = rows.mapPartitionsToPair(it -> {
      ContingencyState[] s = new ContingencyState[k];
      for (int c = 0; c < k; c++) s[c] = new ContingencyState();
      while (it.hasNext()) {
        InternalRow r = it.next();
        for (int c = 0; c < k; c++) s[c].add(readers[c].intern(s[c].x(), r, c, types[c]), s[c].y().idOfNull(), 1);
      }
      List<Tuple2<Integer, MergeableState>> out = new ArrayList<>();
      for (int c = 0; c < k; c++) out.add(new Tuple2<>(c, columnState(types[c], s[c])));
      return out.iterator();
    });
    List<Tuple2<Integer, MergeableState>> seeds = new ArrayList<>();
    for (int c = 0; c < k; c++) seeds.add(new Tuple2<>(c, columnState(types[c], new ContingencyState())));
    counted = counted.union(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelizePairs(seeds, 1))
        .reduceByKey((a, b) -> {
          a.merge(b);
          return a;
        });
    List<Tuple2<Integer, MergeableState>> states = new ArrayList<>(counted.collect());
    states.sort(java.util.Comparator.comparingInt(Tuple2::_1));
    long n = (long) states.get(0)._2().counts().totalWeight();
    Timestamp now = new Timestamp(System.currentTimeMillis());
    List<Row> out = new ArrayList<>();
    for (Tuple2<Integer, MergeableState> t : states) {
      Spec s = specs.get(t._1());
      out.add(RowFactory.create(COLUMN, s.name(), null, kindName(s.kind()), splits[t._1()] == null ? null : box(splits[t._1()]),
          t._2().toBytes(), n, now, t._1()));
    }
    LOG.info("profile: {} columns of {} rows", k, n);
    Dataset<Row> columns = spark.createDataFrame(out, SCHEMA);
    if (!pairs || k < 2) return columns;
    MutualInformation mi = MutualInformation.of(df).columns(specs.stream().map(Spec::name).toArray(String[]::new)).bins(0);
    List<String> categorical = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      if (splits[c] != null) mi = mi.splits(specs.get(c).name(), splits[c]);
      else categorical.add(specs.get(c).name());
    }
    mi = mi.categorical(categorical.toArray(new String[0]));
    Map<String, Integer> position = new HashMap<>();
    for (int c = 0; c < k; c++) position.put(specs.get(c).name(), c);
    long rowsOfData = n;
    JavaRDD<Row> pairRows = mi.states().javaRDD().map(r -> RowFactory.create(PAIR, r.getString(0), r.getString(1), null, null,
        r.get(2), rowsOfData, now, k + position.get(r.getString(0)) * k + position.get(r.getString(1))));
    return columns.union(spark.createDataFrame(pairRows, SCHEMA)).orderBy("position");
  }

  private static MergeableState columnState(DataType t, ContingencyState s) {
    return MergeableState.of(MergeableState.Kind.DISTRIBUTION, new String[] {t.simpleString()}, null, s);
  }

  private static String kindName(ColumnKind k) { return k == ColumnKind.NUMERIC ? "numeric" : "categorical"; }

  private static Double[] box(double[] d) { return Arrays.stream(d).boxed().toArray(Double[]::new); }

  /**
   * The merge of profiles (their rows in one Dataset, e.g. read from several paths): per column and
   * pair the states merged exactly, the rows added, the latest created_at. Rows of one column or
   * pair that differ in kind or splits fail, naming it.
   */
  public static Dataset<Row> merge(Dataset<Row> profiles) {
    requireSchema(profiles);
    JavaPairRDD<String, Row> keyed = profiles.select(SCHEMA.fieldNames()[0], Arrays.copyOfRange(SCHEMA.fieldNames(), 1, 9))
        .javaRDD().mapToPair(r -> new Tuple2<>(r.getString(0) + "\u0000" + r.getString(1) + "\u0000" + r.getString(2), r));
    JavaRDD<Row> merged = keyed.reduceByKey(Profile::mergeRows).values();
    return profiles.sparkSession().createDataFrame(merged, SCHEMA).orderBy("position", "kind", "col_a", "col_b");
  }

  private static Row mergeRows(Row a, Row b) {
    String what = a.getString(0) + " " + a.getString(1) + (a.isNullAt(2) ? "" : ", " + a.getString(2));
    if (!java.util.Objects.equals(a.get(3), b.get(3))) {
      throw new IllegalArgumentException("profiles cannot be merged: " + what + " is " + a.get(3) + " in one and " + b.get(3)
          + " in another");
    }
    if (!Arrays.equals(splitsOf(a), splitsOf(b))) {
      throw new IllegalArgumentException("profiles cannot be merged: the bucket splits of " + what + " differ ("
          + Arrays.toString(splitsOf(a)) + " and " + Arrays.toString(splitsOf(b)) + "); make the profiles to merge with"
          + " the splits of one of them (splitsFrom, --splits-from)");
    }
    MergeableState s = read(what, a.getAs(5));
    MergeableState o = read(what, b.getAs(5));
    String problem = s.mergeProblem(o);
    if (problem != null) throw new IllegalArgumentException("profiles cannot be merged: " + what + ": " + problem);
    s.merge(o);
    Timestamp ta = a.getTimestamp(7);
    Timestamp tb = b.getTimestamp(7);
    return RowFactory.create(a.get(0), a.get(1), a.get(2), a.get(3), a.get(4), s.toBytes(), a.getLong(6) + b.getLong(6),
        ta.after(tb) ? ta : tb, Math.min(a.getInt(8), b.getInt(8)));
  }

  private static MergeableState read(String what, byte[] bytes) {
    try {
      return MergeableState.fromBytes(bytes);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("profile row " + what + ": " + e.getMessage(), e);
    }
  }

  private static double[] splitsOf(Row r) {
    if (r.isNullAt(4)) return null;
    List<Double> l = r.getList(4);
    double[] d = new double[l.size()];
    for (int i = 0; i < d.length; i++) d[i] = l.get(i);
    return d;
  }

  private static void requireSchema(Dataset<Row> profile) {
    List<String> have = Arrays.asList(profile.columns());
    for (String c : SCHEMA.fieldNames()) {
      if (!have.contains(c)) {
        throw new IllegalArgumentException("not a profile: it needs the columns " + String.join(", ", SCHEMA.fieldNames())
            + " but has " + String.join(", ", have));
      }
    }
  }

  /** What drift needs of a profile before reading its states: a schema of its columns, their splits, its rows. */
  record Columns(StructType schema, Map<String, double[]> splits, long rows) {}

  /** The column rows of a (merged) profile: one per column, else an error naming the column. */
  static Columns columnsOf(Dataset<Row> profile) {
    requireSchema(profile);
    List<Row> rows = profile.where("kind = '" + COLUMN + "'").orderBy("position", "col_a")
        .select("col_a", "drift_kind", "splits", "rows").collectAsList();
    if (rows.isEmpty()) throw new IllegalArgumentException("the profile has no column rows");
    StructType schema = new StructType();
    Map<String, double[]> splits = new LinkedHashMap<>();
    long n = -1;
    for (Row r : rows) {
      String name = r.getString(0);
      if (Arrays.asList(schema.fieldNames()).contains(name)) {
        throw new IllegalArgumentException("the profile has column '" + name + "' twice: merge profiles first (Profile.merge)");
      }
      boolean numeric = "numeric".equals(r.getString(1));
      schema = schema.add(name, numeric ? DataTypes.DoubleType : DataTypes.StringType);
      if (numeric) {
        if (r.isNullAt(2)) throw new IllegalArgumentException("numeric column '" + name + "' of the profile has no splits");
        List<Double> l = r.getList(2);
        splits.put(name, l.stream().mapToDouble(Double::doubleValue).toArray());
      }
      if (n >= 0 && n != r.getLong(3)) throw new IllegalArgumentException("the profile's columns count different rows");
      n = r.getLong(3);
    }
    return new Columns(schema, splits, n);
  }

  /**
   * One side of drift's aggregation from a profile's column states: rows (side, c, v, x, w) with c
   * from {@code index} (column name to drift's column index), v the category of a categorical
   * column, x the value of a numeric one, w its count. Read on the executors.
   */
  static Dataset<Row> sideCounts(Dataset<Row> profile, Map<String, Integer> index, int side) {
    Map<String, Integer> idx = new HashMap<>(index);
    JavaRDD<Row> rows = profile.where("kind = '" + COLUMN + "'").select("col_a", "drift_kind", "state").javaRDD()
        .flatMap(r -> {
          Integer c = idx.get(r.getString(0));
          if (c == null) return java.util.Collections.<Row>emptyIterator();
          boolean numeric = "numeric".equals(r.getString(1));
          ContingencyState s = read("column " + r.getString(0), r.getAs(2)).counts();
          return counts(side, c, numeric, s);
        });
    StructType schema = new StructType()
        .add("side", DataTypes.IntegerType, false)
        .add("c", DataTypes.IntegerType, false)
        .add("v", DataTypes.StringType, true)
        .add("x", DataTypes.DoubleType, true)
        .add("w", DataTypes.LongType, false);
    return profile.sparkSession().createDataFrame(rows, schema);
  }

  private static Iterator<Row> counts(int side, int c, boolean numeric, ContingencyState s) {
    ContingencyTable t = s.toTable();
    CategoryDictionary d = s.x();
    List<Row> out = new ArrayList<>(t.nnz());
    for (int k = 0; k < t.nnz(); k++) {
      int id = t.rowId(k);
      long w = (long) t.count(k);
      boolean isNull = d.kind(id) == CategoryDictionary.KIND_NULL;
      if (numeric) {
        out.add(RowFactory.create(side, c, null, isNull ? null : Double.longBitsToDouble(d.longValue(id)), w));
      } else {
        out.add(RowFactory.create(side, c, isNull ? null : new String(d.bytesValue(id), StandardCharsets.UTF_8), null, w));
      }
    }
    return out.iterator();
  }
}
