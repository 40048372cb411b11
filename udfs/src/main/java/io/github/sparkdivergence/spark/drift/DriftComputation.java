package io.github.sparkdivergence.spark.drift;

import static org.apache.spark.sql.functions.col;

import io.github.sparkdivergence.drift.ColumnKind;
import io.github.sparkdivergence.drift.DriftMeasure;
import io.github.sparkdivergence.drift.Numbers;
import io.github.sparkdivergence.math.CdfDistance;
import io.github.sparkdivergence.math.CompensatedSum;
import io.github.sparkdivergence.spark.ColumnNames;
import io.github.sparkdivergence.spark.QuantileBinning;
import io.github.sparkdivergence.spark.drift.DriftColumns.Spec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes a drift comparison: one job fits the reference's quantiles (bucket splits, and ranges
 * for the sort), and ONE aggregation over both inputs counts every (column, category) and every
 * (column, distinct value) for all columns at once. Those counts are partitioned by (column,
 * range of the value), sorted by value and kept, then read twice (their size is the number of
 * distinct values, not rows): a first pass gathers the per-category and per-bucket counts and
 * each range's run of values, a second integrates |F_ref - F_cur| over the sorted values, run
 * after run, for the exact Wasserstein distance and the KS statistic ({@link CdfDistance}). Vector columns are fitted
 * with {@link VectorMoments} in one more pass over their columns.
 */
public final class DriftComputation {
  private static final Logger LOG = LoggerFactory.getLogger(DriftComputation.class);

  private DriftComputation() {}

  public static DriftResult run(Dataset<Row> reference, Dataset<Row> current, DriftOptions options) {
    SparkSession spark = reference.sparkSession();
    List<String> notes = new ArrayList<>();
    List<Spec> specs = DriftColumns.select(reference.schema(), current.schema(), options, corruptColumn(spark, options), notes);
    for (Spec s : specs) options.methodOf(s.name(), s.kind()); // a method that does not apply fails before any job

    List<Spec> scalar = new ArrayList<>();
    List<Spec> vectors = new ArrayList<>();
    for (Spec s : specs) (s.kind() == ColumnKind.VECTOR ? vectors : scalar).add(s);

    Dataset<Row> refP = prepare(reference, scalar, true);
    Dataset<Row> curP = prepare(current, scalar, false);
    Map<String, ColumnDrift> byColumn = new HashMap<>();
    long[] rows;
    if (!scalar.isEmpty()) {
      Quantiles q = fitQuantiles(scalar, refP, options, notes, reference.sparkSession());
      Compared compared = compareScalars(scalar, pairs(refP, scalar, 0).union(pairs(curP, scalar, 1)), q, options);
      rows = compared.rows();
      for (ColumnDrift d : compared.columns()) byColumn.put(d.column(), d);
    } else {
      rows = new long[] {reference.count(), current.count()};
      requireRows(rows);
    }
    LOG.info("drift: reference {} rows, current {} rows, {} columns", rows[0], rows[1], specs.size());
    if (!vectors.isEmpty()) {
      for (ColumnDrift d : VectorMoments.compare(reference, current, vectors, options)) {
        byColumn.put(d.column(), d);
      }
    }
    List<ColumnDrift> results = new ArrayList<>();
    for (Spec s : specs) results.add(byColumn.get(s.name()));
    return new DriftResult(spark, rows[0], rows[1], options, results, notes);
  }

  /**
   * The comparison of {@link #run} with the reference read from a saved {@link Profile} instead of
   * rows: its columns and kinds, its bucket splits, and its exact counts per category and per
   * distinct value, which enter the same aggregation as the current rows do. The counts and so every
   * binned measure, the KS statistic and the verdict inputs are those of the rows the profile was
   * made from; the Wasserstein sums run over the same values, cut into ranges at the profile's
   * splits (not at quantiles of the reference's rows), and carry their compensation from range to
   * range, so they agree with the rows' to far below an ulp. With {@code currentIsProfile} the
   * current side is a (merged) profile too, whose columns must have the same kinds.
   */
  public static DriftResult runFromProfile(Dataset<Row> profile, Dataset<Row> current, boolean currentIsProfile,
      DriftOptions options) {
    SparkSession spark = profile.sparkSession();
    List<String> notes = new ArrayList<>();
    Profile.Columns saved = Profile.columnsOf(profile);
    for (String c : options.categoricalColumns()) {
      String name = io.github.sparkdivergence.spark.ColumnNames.resolve(saved.schema(), c, "reference profile");
      if (saved.schema().apply(name).dataType() instanceof org.apache.spark.sql.types.NumericType) {
        throw new IllegalArgumentException("column '" + name + "' is numeric in the reference profile; profile it with it"
            + " as categorical to compare it as categories");
      }
    }
    Profile.Columns savedCurrent = currentIsProfile ? Profile.columnsOf(current) : null;
    StructType curSchema = currentIsProfile ? savedCurrent.schema() : current.schema();
    List<Spec> specs = DriftColumns.select(saved.schema(), curSchema, options, corruptColumn(spark, options), notes);
    for (Spec s : specs) options.methodOf(s.name(), s.kind());
    double[][] splits = new double[specs.size()][];
    double[][] ranges = new double[specs.size()][];
    java.util.Map<String, Integer> index = new HashMap<>();
    java.util.Map<String, Integer> curIndex = new HashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      Spec s = specs.get(i);
      index.put(s.name(), i);
      curIndex.put(s.curName(), i);
      if (currentIsProfile && !curSchema.apply(s.curName()).dataType().sameType(saved.schema().apply(s.name()).dataType())) {
        throw new IllegalArgumentException("column '" + s.name() + "' is " + kindIn(saved.schema(), s.name())
            + " in the reference profile but " + kindIn(curSchema, s.curName()) + " in the current profile");
      }
      if (s.kind() == ColumnKind.NUMERIC) {
        splits[i] = saved.splits().get(s.name());
        ranges[i] = Arrays.copyOfRange(splits[i], 1, splits[i].length - 1);
      }
    }
    Dataset<Row> sides = Profile.sideCounts(profile, index, 0).union(currentIsProfile ? Profile.sideCounts(current, curIndex, 1)
        : pairs(prepare(current, specs, false), specs, 1));
    Compared compared = compareScalars(specs, sides, new Quantiles(splits, ranges), options);
    long[] rows = compared.rows();
    if (rows[0] != saved.rows()) {
      throw new IllegalStateException("the profile's column counts add up to " + rows[0] + " rows, not its " + saved.rows());
    }
    LOG.info("drift: reference profile of {} rows, current {} rows, {} columns", rows[0], rows[1], specs.size());
    List<ColumnDrift> results = new ArrayList<>(compared.columns());
    return new DriftResult(spark, rows[0], rows[1], options, results, notes);
  }

  private static String kindIn(StructType profileSchema, String column) {
    return profileSchema.apply(column).dataType() instanceof org.apache.spark.sql.types.NumericType ? "numeric" : "categorical";
  }

  private static String corruptColumn(SparkSession spark, DriftOptions options) {
    return options.corruptRecordColumn() != null ? options.corruptRecordColumn()
        : spark.conf().get("spark.sql.columnNameOfCorruptRecord", "_corrupt_record");
  }

  private static void requireRows(long[] rows) {
    if (rows[0] == 0) throw new IllegalArgumentException("reference is empty (0 rows)");
    if (rows[1] == 0) throw new IllegalArgumentException("current is empty (0 rows)");
  }

  /** Columns renamed c0..c{k-1}: numeric ones as double, categorical ones as string. */
  static Dataset<Row> prepare(Dataset<Row> df, List<Spec> specs, boolean reference) {
    Column[] cols = new Column[specs.size()];
    for (int i = 0; i < cols.length; i++) {
      Spec s = specs.get(i);
      cols[i] = ColumnNames.col(reference ? s.name() : s.curName())
          .cast(s.kind() == ColumnKind.NUMERIC ? DataTypes.DoubleType : DataTypes.StringType).as("c" + i);
    }
    return df.select(cols);
  }

  /**
   * From one {@code approxQuantile} job over the reference: per numeric column (null for the
   * others) QuantileDiscretizer's bucket splits, and the inner quantiles at 1/R, ..., (R-1)/R that
   * cut its distinct values into R ranges of about equal reference mass for the sort (R = the
   * session's shuffle partitions, at most 256), so no sampling job is needed to place them.
   */
  record Quantiles(double[][] splits, double[][] ranges) {}

  static Quantiles fitQuantiles(List<Spec> specs, Dataset<Row> refP, DriftOptions options, List<String> notes,
      SparkSession spark) {
    double[][] splits = new double[specs.size()][];
    double[][] ranges = new double[specs.size()][];
    List<Integer> numeric = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) if (specs.get(i).kind() == ColumnKind.NUMERIC) numeric.add(i);
    if (numeric.isEmpty()) return new Quantiles(splits, ranges);
    int bins = options.bins();
    int r = Math.max(1, Math.min(256, Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions", "200"))));
    double[] probs = new double[bins + 1 + Math.max(0, r - 1)];
    for (int i = 0; i <= bins; i++) probs[i] = (double) i / bins;
    for (int j = 1; j < r; j++) probs[bins + j] = (double) j / r;
    double[][] q = QuantileBinning.quantiles(refP, numeric.stream().map(i -> "c" + i).toList(), probs, options.relativeError());
    for (int j = 0; j < numeric.size(); j++) {
      int c = numeric.get(j);
      if (q[j].length == 0) {
        notes.add("column " + specs.get(c).name() + " has no non-null value in the reference: one split at 0");
        splits[c] = QuantileBinning.splits(new double[0]);
        ranges[c] = new double[0];
        continue;
      }
      splits[c] = QuantileBinning.splits(Arrays.copyOf(q[j], bins + 1));
      ranges[c] = Arrays.stream(q[j], bins + 1, q[j].length).filter(Double::isFinite).map(x -> x == 0.0 ? 0.0 : x)
          .distinct().sorted().toArray();
      LOG.info("drift: buckets of {}: {}", specs.get(c).name(), Arrays.toString(splits[c]));
    }
    return new Quantiles(splits, ranges);
  }

  /**
   * (side, c, v, x, w) for every row and column: v the category of a categorical column, x the value
   * of a numeric one, w = 1 (a saved profile's counts come in with w = the count, see {@link
   * Profile#sideCounts}).
   */
  private static Dataset<Row> pairs(Dataset<Row> df, List<Spec> specs, int side) {
    Column[] structs = new Column[specs.size()];
    for (int i = 0; i < structs.length; i++) {
      boolean numeric = specs.get(i).kind() == ColumnKind.NUMERIC;
      Column v = numeric ? functions.lit(null).cast(DataTypes.StringType) : col("c" + i);
      Column x = numeric ? col("c" + i) : functions.lit(null).cast(DataTypes.DoubleType);
      structs[i] = functions.struct(functions.lit(i).as("c"), v.as("v"), x.as("x"));
    }
    return df.select(functions.explode(functions.array(structs)).as("kv"))
        .select(functions.lit(side).as("side"), col("kv.c").as("c"), col("kv.v").as("v"), col("kv.x").as("x"),
            functions.lit(1L).as("w"));
  }

  /** The per-column results, and the rows of each side. */
  private record Compared(List<ColumnDrift> columns, long[] rows) {}

  /** {@code sides}: rows (side, c, v, x, w) of both inputs, as {@link #pairs} makes them. */
  private static Compared compareScalars(List<Spec> specs, Dataset<Row> sides, Quantiles quantiles, DriftOptions options) {
    int k = specs.size();
    double[][] splits = quantiles.splits();
    double[][] ranges = quantiles.ranges();
    Dataset<Row> counted = sides
        .groupBy("c", "v", "x").agg(
            functions.sum(functions.when(col("side").equalTo(0), col("w")).otherwise(0L)).as("n_ref"),
            functions.sum(functions.when(col("side").equalTo(1), col("w")).otherwise(0L)).as("n_cur"));
    // the range of a finite value among its column's reference quantiles; everything else range 0
    UserDefinedFunction range = functions.udf((UDF2<Integer, Double, Integer>) (c, x) -> {
      if (x == null || !Double.isFinite(x) || ranges[c] == null) return 0;
      int i = Arrays.binarySearch(ranges[c], x);
      return i >= 0 ? i + 1 : -i - 1;
    }, DataTypes.IntegerType);
    Dataset<Row> sorted = counted.withColumn("r", range.apply(col("c"), col("x")))
        .repartition(col("c"), col("r")).sortWithinPartitions("c", "r", "x")
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      int maxCategories = options.maxCategories();
      List<DriftCounts> parts = new ArrayList<>(internalRows(sorted).mapPartitionsWithIndex((index, rows) -> {
        DriftCounts dc = new DriftCounts(index, maxCategories, splits);
        while (rows.hasNext()) dc.add(rows.next());
        return List.of(dc).iterator();
      }, true).collect());
      parts.sort(Comparator.comparingInt(p -> p.partition));

      List<Map<String, long[]>> categories = new ArrayList<>();
      for (int c = 0; c < k; c++) categories.add(new HashMap<>());
      long collected = 0;
      for (DriftCounts p : parts) {
        for (int c : p.tooMany) throw tooManyCategories(specs.get(c), maxCategories);
        for (Map.Entry<Integer, Map<String, long[]>> e : p.categories.entrySet()) {
          Map<String, long[]> m = categories.get(e.getKey());
          for (Map.Entry<String, long[]> v : e.getValue().entrySet()) {
            long[] n = m.computeIfAbsent(v.getKey(), x -> new long[2]);
            n[0] += v.getValue()[0];
            n[1] += v.getValue()[1];
          }
          if (m.size() > maxCategories) throw tooManyCategories(specs.get(e.getKey()), maxCategories);
        }
      }
      for (Map<String, long[]> m : categories) collected += m.size();
      LOG.info("drift: {} (column, category) counts from one aggregation", collected);
      long[] rows = new long[2];
      for (long[] n : categories.get(0).values()) {
        rows[0] += n[0];
        rows[1] += n[1];
      }
      requireRows(rows);

      CdfResults cdf = integrate(sorted, parts, k);
      List<ColumnDrift> out = new ArrayList<>();
      for (int c = 0; c < k; c++) {
        out.add(compare(specs.get(c), splits[c], categories.get(c), rows, c, cdf, options));
      }
      return new Compared(out, rows);
    } finally {
      sorted.unpersist(false);
    }
  }

  /** The rows as Spark holds them: no conversion to {@link Row} objects in either pass over the counts. */
  private static JavaRDD<InternalRow> internalRows(Dataset<Row> df) {
    return df.queryExecution().toRdd().toJavaRDD();
  }

  private static IllegalArgumentException tooManyCategories(Spec s, int max) {
    return new IllegalArgumentException("column '" + s.name() + "' has more than " + max
        + " categories (raise the maximum, or leave the column out)");
  }

  /**
   * Per column: the finite values on each side, the Wasserstein-1 area, the KS statistic, and the
   * population standard deviation of the reference's finite values, in two passes (mean, then
   * squared deviations from it) because a one-pass update loses digits when the mean is large
   * against the spread (Spark's stddev_pop: 1e-10 relative at mean 1e6, std 1).
   */
  private record CdfResults(long[] nRef, long[] nCur, double[] area, double[] sup, double[] std) {}

  /** Where a partition's run of a column starts: the counts before it and the last value before it. */
  private record Start(long refBefore, long curBefore, double previous) implements java.io.Serializable {}

  /** The second pass: |F_ref - F_cur| integrated over each column's sorted finite values, run by run. */
  private static CdfResults integrate(Dataset<Row> sorted, List<DriftCounts> parts, int k) {
    long[] nRef = new long[k];
    long[] nCur = new long[k];
    CompensatedSum[] refSums = new CompensatedSum[k];
    for (int c = 0; c < k; c++) refSums[c] = new CompensatedSum();
    // every run in (column, range) order, with the partition that holds it
    java.util.TreeMap<Long, Integer> order = new java.util.TreeMap<>();
    Map<Long, DriftCounts.Run> byKey = new HashMap<>();
    for (DriftCounts p : parts) {
      for (Map.Entry<Long, DriftCounts.Run> e : p.runs.entrySet()) {
        if (order.put(e.getKey(), p.partition) != null) {
          throw new IllegalStateException("range " + e.getKey() + " of the sorted counts is in two partitions");
        }
        byKey.put(e.getKey(), e.getValue());
        int c = DriftCounts.column(e.getKey());
        nRef[c] += e.getValue().nRef;
        nCur[c] += e.getValue().nCur;
        refSums[c].add(e.getValue().refSum);
      }
    }
    double[] mean = new double[k];
    for (int c = 0; c < k; c++) mean[c] = nRef[c] == 0 ? 0.0 : refSums[c].value() / nRef[c];
    Map<Integer, Map<Long, Start>> starts = new HashMap<>();
    Map<Long, long[]> expectedEnds = new HashMap<>();
    long[] refBefore = new long[k];
    long[] curBefore = new long[k];
    double[] previous = new double[k];
    Arrays.fill(previous, Double.NaN);
    for (Map.Entry<Long, Integer> e : order.entrySet()) {
      int c = DriftCounts.column(e.getKey());
      DriftCounts.Run run = byKey.get(e.getKey());
      starts.computeIfAbsent(e.getValue(), x -> new HashMap<>()).put(e.getKey(), new Start(refBefore[c], curBefore[c], previous[c]));
      refBefore[c] += run.nRef;
      curBefore[c] += run.nCur;
      previous[c] = run.last;
      expectedEnds.put(e.getKey(), new long[] {refBefore[c], curBefore[c]});
    }
    double[] area = new double[k];
    double[] sup = new double[k];
    double[] std = new double[k];
    boolean any = false;
    for (int c = 0; c < k; c++) any |= nRef[c] > 0;
    if (!any) return new CdfResults(nRef, nCur, area, sup, std);

    long[] totalRef = nRef.clone();
    long[] totalCur = nCur.clone();
    List<double[]> partials = internalRows(sorted).mapPartitionsWithIndex((index, rows) -> {
      Map<Long, Start> mine = starts.getOrDefault(index, Map.of());
      List<double[]> out = new ArrayList<>();
      Partial p = null;
      while (rows.hasNext()) {
        InternalRow r = rows.next();
        if (r.isNullAt(2) || !Double.isFinite(r.getDouble(2))) continue;
        int c = r.getInt(0);
        if (totalRef[c] == 0) continue;
        long key = DriftCounts.key(c, r.getInt(5));
        if (p == null || key != p.key) {
          if (p != null) out.add(p.toArray());
          Start s = mine.get(key);
          if (s == null) throw new IllegalStateException("partition " + index + " changed between the passes (range " + key + ")");
          p = new Partial(key, mean[c], totalCur[c] == 0 ? null
              : new CdfDistance(totalRef[c], totalCur[c], s.refBefore(), s.curBefore(), s.previous()), s.refBefore());
        }
        p.add(r.getDouble(2), r.getLong(3), r.getLong(4));
      }
      if (p != null) out.add(p.toArray());
      return out.iterator();
    }, true).collect();

    CompensatedSum[] sums = new CompensatedSum[k];
    CompensatedSum[] squares = new CompensatedSum[k];
    for (int c = 0; c < k; c++) {
      sums[c] = new CompensatedSum();
      squares[c] = new CompensatedSum();
    }
    for (double[] p : partials) {
      long key = (long) p[0];
      int c = DriftCounts.column(key);
      long[] end = expectedEnds.get(key);
      if (end == null || end[0] != (long) p[3] || (nCur[c] > 0 && end[1] != (long) p[4])) {
        throw new IllegalStateException("the sorted counts of column " + c + " changed between the two passes (range " + key + ")");
      }
      sums[c].add(p[1]);
      sums[c].add(p[6]);
      sup[c] = Math.max(sup[c], p[2]);
      squares[c].add(p[5]);
      squares[c].add(p[7]);
    }
    for (int c = 0; c < k; c++) {
      area[c] = sums[c].value();
      std[c] = nRef[c] == 0 ? 0.0 : Math.sqrt(squares[c].value() / nRef[c]);
    }
    return new CdfResults(nRef, nCur, area, sup, std);
  }

  /** A run of one column and range in the second pass: its CDF distance and the reference's squared deviations. */
  private static final class Partial {
    final long key;
    final double mean;
    final CdfDistance cdf; // null when the current side has no finite value
    final CompensatedSum squares = new CompensatedSum();
    long refSeen;

    Partial(long key, double mean, CdfDistance cdf, long refBefore) {
      this.key = key;
      this.mean = mean;
      this.cdf = cdf;
      this.refSeen = refBefore;
    }

    void add(double x, long nRef, long nCur) {
      if (cdf != null) cdf.add(x, nRef, nCur);
      double d = x - mean;
      if (nRef > 0) squares.add(d * d * nRef);
      refSeen += nRef;
    }

    /**
     * {key, area, sup, refSeen, curSeen, squares, area's compensation, squares' compensation}: keys
     * and counts stay exact as doubles below 2^53; the sums go out unrounded, so that the total
     * does not depend on where the ranges cut the values (a profile's ranges are not the rows').
     */
    double[] toArray() {
      double[] a = cdf == null ? new double[2] : cdf.areaSum().parts();
      double[] q = squares.parts();
      return new double[] {key, a[0], cdf == null ? 0 : cdf.sup(),
          cdf == null ? refSeen : cdf.refSeen(), cdf == null ? 0 : cdf.curSeen(), q[0], a[1], q[1]};
    }
  }

  private static ColumnDrift compare(Spec spec, double[] splits, Map<String, long[]> counts, long[] rows, int c,
      CdfResults cdf, DriftOptions options) {
    boolean numeric = spec.kind() == ColumnKind.NUMERIC;
    List<String> keys = new ArrayList<>(counts.keySet());
    if (numeric) {
      keys.sort(Comparator.nullsLast(Comparator.comparingInt(Integer::parseInt)));
    } else {
      keys.sort(Comparator.<String, Long>comparing(key -> -counts.get(key)[0])
          .thenComparing(key -> -counts.get(key)[1])
          .thenComparing(Comparator.nullsLast(Comparator.<String>naturalOrder())));
      if (keys.remove(null)) keys.add(null); // NULL last whatever its count
    }
    int kk = keys.size();
    long sumRef = 0;
    long sumCur = 0;
    List<String> onlyRef = new ArrayList<>();
    List<String> onlyCur = new ArrayList<>();
    List<ColumnDrift.Bucket> buckets = new ArrayList<>();
    for (String key : keys) {
      long[] n = counts.get(key);
      sumRef += n[0];
      sumCur += n[1];
      String label = numeric ? bucketLabel(key, splits) : key;
      if (n[1] == 0) onlyRef.add(label);
      if (n[0] == 0) onlyCur.add(label);
      Integer bucket = numeric && key != null ? Integer.parseInt(key) : null;
      boolean real = bucket != null && bucket < splits.length - 1;
      buckets.add(new ColumnDrift.Bucket(label, bucket, real ? splits[bucket] : null, real ? splits[bucket + 1] : null,
          n[0], n[1]));
    }
    if (sumRef != rows[0] || sumCur != rows[1]) {
      throw new IllegalStateException("counts of " + spec.name() + " add up to " + sumRef + "/" + sumCur
          + " rows, not " + rows[0] + "/" + rows[1] + " like the first column's (every row counts once per column)");
    }
    double[] p = new double[kk];
    double[] q = new double[kk];
    for (int i = 0; i < kk; i++) {
      long[] n = counts.get(keys.get(i));
      p[i] = (double) n[0] / sumRef;
      q[i] = (double) n[1] / sumCur;
    }
    Map<DriftMeasure, Double> measures = new EnumMap<>(DriftMeasure.class);
    for (DriftMeasure m : DriftMeasure.values()) {
      if (!m.appliesTo(spec.kind())) continue;
      if (m.source() == DriftMeasure.Source.BINNED) {
        measures.put(m, m.ofProportions(p, q, kk, options.base(), options.eps()));
      }
    }
    if (numeric) {
      long fr = cdf.nRef()[c];
      long fc = cdf.nCur()[c];
      // no finite value on either side: no distance; on one side only: as far apart as can be
      double w = fr == 0 && fc == 0 ? 0.0 : fr == 0 || fc == 0 ? Double.POSITIVE_INFINITY : cdf.area()[c];
      double ks = fr == 0 && fc == 0 ? 0.0 : fr == 0 || fc == 0 ? 1.0 : cdf.sup()[c];
      measures.put(DriftMeasure.WASSERSTEIN_DISTANCE, w);
      measures.put(DriftMeasure.WASSERSTEIN_NORMED, w / Math.max(cdf.std()[c], DriftOptions.STD_FLOOR));
      measures.put(DriftMeasure.KS_STATISTIC, ks);
    }
    return DriftResult.verdict(spec.name(), spec.kind(), rows[0], rows[1], kk, null, measures, onlyRef, onlyCur,
        buckets, options);
  }

  static String bucketLabel(String key, double[] splits) {
    if (key == null) return null;
    int b = Integer.parseInt(key);
    if (b >= splits.length - 1) return "NaN";
    return (b == 0 ? "(" : "[") + Numbers.num(splits[b]) + ", " + Numbers.num(splits[b + 1]) + ")";
  }

}
