package io.github.sparkdivergence.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.github.sparkdivergence.counts.ContingencyState;
import io.github.sparkdivergence.math.InformationMeasures;
import io.github.sparkdivergence.spark.DivergenceCatalog;
import io.github.sparkdivergence.spark.DivergenceExtensions;
import io.github.sparkdivergence.spark.MutualInformation;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Benchmark of the information aggregates against a {@code count(*)} scan of the same cached data
 * and against the plan a Deequ user gets. Not a unit test: run {@code flock /tmp/mvn.lock
 * bench/aggregates.sh [options]} (see docs/benchmarks.md, section "Aggregates").
 *
 * <p>Data: (a) flights_3m.csv.gz read with an explicit schema, repartitioned (gzip is not
 * splittable) and cached, pair origin x destination; (b) a seeded generated table of 10 string
 * columns, cached: {@code a50, b50} (50 levels, b depends on a), {@code a5k, b5k} (5,000 levels, b
 * depends on a) and {@code c2 .. c200} for the 10-column matrix; (c) the int codes a50 and b50 are
 * made from, cached as a table of two int columns (Spark's cache decodes int columns in batches,
 * strings row by row).
 *
 * <p>Variants per pair: {@code count(*)}; a scan that reads both columns ({@code
 * sum(length(x) + length(y))}); {@code mutual_info(x, y)} in SQL, by its bare name and through the V2
 * function catalog ({@code divergence.mutual_info}, which Spark runs with its V2Aggregator); {@code
 * MutualInformation.of(df).columns(x, y)}; the Deequ-style plan (count job, groupBy(x, y).count,
 * two marginal groupBys over it, two joins, a UDF summing p_xy log(p_xy / (p_x p_y))). Matrix: {@code
 * MutualInformation} over the 10 columns vs 45 separate {@code mutual_info} queries vs one query
 * holding 45 {@code mutual_info} aggregates.
 *
 * <p>Every round runs every variant once in a shuffled order, with {@code System.gc()} before each
 * run; the report gives medians (and min-max) of wall time, task CPU (executor CPU + deserialisation
 * CPU of all tasks, from a SparkListener) and JVM process CPU, and the peak of the heap sampled every
 * 2 ms over the heap after the GC before the run. Every MI is checked against the others for the
 * same pair (relative 1e-9).
 *
 * <p>Options: {@code --rows N} generated rows (default 20000000), {@code --rounds R} (default 3),
 * {@code --partitions P} of each cached table (default 8), {@code --flights PATH|none} (default
 * /work/shared/data/flights_3m.csv.gz), {@code --seed S} (default 42; also seeds the order),
 * {@code --no-matrix}, {@code --no-codes}, {@code --only REGEX} (variants whose "data / variant" label matches), {@code
 * --out FILE} (rewrite the "## Aggregates" section of that Markdown file), {@code --command STR}
 * (the command line shown there).
 */
public final class AggregateBenchmark {
  private static final double TOLERANCE = 1e-9;
  private static final String[] MATRIX_COLUMNS =
      {"a50", "b50", "a5k", "b5k", "c2", "c5", "c10", "c20", "c100", "c200"};

  private long rows = 20_000_000L;
  private int rounds = 3;
  private int partitions = 8;
  private String flightsPath = "/work/shared/data/flights_3m.csv.gz";
  private long seed = 42;
  private boolean matrix = true;
  private boolean codes = true;
  private String only;
  private Path out;
  private String command = "bench/aggregates.sh";

  private SparkSession spark;
  private final AtomicLong taskCpuNanos = new AtomicLong();
  private final List<Variant> variants = new ArrayList<>();
  private final Map<String, Long> datasetRows = new LinkedHashMap<>();
  /** Reference MI per "data / x|y" (the first value seen) and the largest relative deviation. */
  private final Map<String, Double> reference = new LinkedHashMap<>();
  private double maxDeviation;
  private String maxDeviationAt = "-";
  private final List<String> stateRows = new ArrayList<>();
  private final StringBuilder notes = new StringBuilder();

  interface Body {
    /** Runs the variant once; returns MI per pair "x|y" (empty for scans). */
    Map<String, Double> run();
  }

  /** One thing to time. {@code pairs} is how many MI values one run computes. */
  static final class Variant {
    final String data;
    final String name;
    final int pairs;
    final Body body;
    final List<long[]> samples = new ArrayList<>(); // wall ns, task cpu ns, process cpu ns, peak heap delta bytes

    Variant(String data, String name, int pairs, Body body) {
      this.data = data;
      this.name = name;
      this.pairs = pairs;
      this.body = body;
    }

    String label() { return data + " / " + name; }
  }

  public static void main(String[] args) throws Exception {
    AggregateBenchmark b = new AggregateBenchmark();
    b.parse(args);
    b.run();
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--rows" -> rows = Long.parseLong(args[++i].replace("_", ""));
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--partitions" -> partitions = Integer.parseInt(args[++i]);
        case "--flights" -> flightsPath = args[++i];
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--no-matrix" -> matrix = false;
        case "--no-codes" -> codes = false;
        case "--only" -> only = args[++i];
        case "--out" -> { String o = args[++i]; out = o.equals("none") ? null : Paths.get(o); }
        case "--command" -> command = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + a + " (see the class comment)");
      }
    }
  }

  private void run() throws IOException {
    long started = System.currentTimeMillis();
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("spark-divergence-aggregate-benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.extensions", DivergenceExtensions.class.getName())
        .config("spark.sql.catalog.divergence", DivergenceCatalog.class.getName())
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
          taskCpuNanos.addAndGet(end.taskMetrics().executorCpuTime() + end.taskMetrics().executorDeserializeCpuTime());
        }
      }
    });

    long t0 = System.nanoTime();
    Dataset<Row> gen = generated();
    note("generated table: %,d rows x 10 string columns, %d partitions, cached in %.1f s (%s)",
        rows, partitions, (System.nanoTime() - t0) / 1e9, cachedSize("gen"));
    datasetRows.put("generated", rows);
    addPairVariants("generated", "gen", gen, "a50", "b50", "low card. 50x50");
    addPairVariants("generated", "gen", gen, "a5k", "b5k", "high card. 5000x5000");
    if (matrix) addMatrixVariants(gen);
    if (codes) {
      t0 = System.nanoTime();
      Dataset<Row> codesDf = generatedCodes();
      note("int-coded copy of a50, b50: %,d rows x 2 int columns, %d partitions, cached in %.1f s (%s)",
          rows, partitions, (System.nanoTime() - t0) / 1e9, cachedSize("codes"));
      datasetRows.put("codes", rows);
      addPairVariants("codes", "codes", codesDf, "a50", "b50", "low card. 50x50, int columns");
    }

    if (!flightsPath.equals("none") && Files.isRegularFile(Paths.get(flightsPath))) {
      t0 = System.nanoTime();
      Dataset<Row> flights = flights();
      long n = flights.count();
      note("flights: %,d rows from %s, %d partitions, cached in %.1f s (%s)", n, flightsPath,
          partitions, (System.nanoTime() - t0) / 1e9, cachedSize("flights"));
      datasetRows.put("flights", n);
      addPairVariants("flights", "flights", flights, "origin", "destination", "origin x destination");
    } else {
      note("flights: skipped (%s not found)", flightsPath);
    }
    if (only != null) variants.removeIf(v -> !v.label().matches(only) && !v.name.equals("count(*)"));

    measureStates();

    Random order = new Random(seed);
    for (int round = 1; round <= rounds; round++) {
      List<Variant> shuffled = new ArrayList<>(variants);
      Collections.shuffle(shuffled, order);
      for (Variant v : shuffled) {
        long[] s = measure(v);
        System.out.printf(Locale.ROOT, "round %d  %-58s %8.3f s wall  %8.3f s task CPU  %6.0f MiB heap%n",
            round, v.label(), s[0] / 1e9, s[1] / 1e9, s[3] / 1048576.0);
      }
    }
    String report = report(started);
    System.out.println();
    System.out.println(report);
    if (out != null) writeSection(out, "## Aggregates", KEEP_MARKER, report);
    spark.stop();
  }

  /** The cached table a variant's data label belongs to: its first word. */
  private static String dataset(String data) {
    return data.substring(0, data.indexOf(' '));
  }

  private void note(String format, Object... args) {
    String s = String.format(Locale.ROOT, format, args);
    System.out.println(s);
    notes.append("- ").append(s).append('\n');
  }

  // ------------------------------------------------------------------ data

  /** Seeded, reproducible: every value is a function of (seed, row id) through xxhash64. */
  private Dataset<Row> generated() {
    Dataset<Row> gen = BenchData.generated(spark, rows, partitions, seed).drop("id");
    gen = gen.persist(StorageLevel.MEMORY_ONLY());
    gen.count();
    gen.createOrReplaceTempView("gen");
    return gen;
  }

  /**
   * The a50 and b50 columns of {@link #generated()} as the int codes they are made from: Spark's
   * cache has a columnar (vectorized) output for int columns, and none for strings.
   */
  private Dataset<Row> generatedCodes() {
    String h = "xxhash64(id, " + seed + "L, %d)";
    String u = "pmod(" + h + ", %d)";
    Dataset<Row> base = spark.range(0, rows, 1, partitions).selectExpr(
        String.format(Locale.ROOT, u, 1, 50) + " AS na", String.format(Locale.ROOT, u, 2, 10) + " AS r1", "id");
    Dataset<Row> codes = base.selectExpr("CAST(na AS INT) AS a50",
        "CAST(CASE WHEN r1 < 7 THEN pmod(na * 7 + " + String.format(Locale.ROOT, u, 5, 3) + ", 50) "
            + "ELSE " + String.format(Locale.ROOT, u, 6, 50) + " END AS INT) AS b50");
    codes = codes.persist(StorageLevel.MEMORY_ONLY());
    codes.count();
    codes.createOrReplaceTempView("codes");
    return codes;
  }

  private Dataset<Row> flights() {
    Dataset<Row> f = BenchData.flights(spark, flightsPath)
        .repartition(partitions).persist(StorageLevel.MEMORY_ONLY());
    f.count();
    f.createOrReplaceTempView("flights");
    return f;
  }

  private long cachedBefore;

  /** Memory of the cached blocks added since the previous call (the table just materialised). */
  private String cachedSize(String view) {
    long bytes = 0;
    for (org.apache.spark.storage.RDDInfo info : spark.sparkContext().getRDDStorageInfo()) bytes += info.memSize();
    long added = bytes - cachedBefore;
    cachedBefore = bytes;
    return String.format(Locale.ROOT, "`%s` cache %,d MiB", view, added >> 20);
  }

  // ------------------------------------------------------------------ variants

  private void addPairVariants(String data, String view, Dataset<Row> df, String x, String y, String what) {
    String d = data + " " + what;
    if (variants.stream().noneMatch(v -> v.data.startsWith(data + " ") && v.name.equals("count(*)"))) {
      variants.add(new Variant(d, "count(*)", 0, () -> {
        spark.sql("SELECT count(*) FROM " + view).first();
        return Map.of();
      }));
    }
    boolean strings = df.schema().apply(x).dataType() instanceof org.apache.spark.sql.types.StringType;
    String scan = strings ? "sum(length(" + x + ") + length(" + y + "))" : "sum(" + x + " + " + y + ")";
    variants.add(new Variant(d, strings ? "scan: sum(length(x)+length(y))" : "scan: sum(x+y)", 0, () -> {
      spark.sql("SELECT " + scan + " FROM " + view).first();
      return Map.of();
    }));
    String key = x + "|" + y;
    variants.add(new Variant(d, "SQL mutual_info(x, y)", 1, () ->
        Map.of(key, spark.sql("SELECT mutual_info(" + x + ", " + y + ") FROM " + view).first().getDouble(0))));
    variants.add(new Variant(d, "SQL divergence.mutual_info(x, y) (V2 catalog)", 1, () ->
        Map.of(key, spark.sql("SELECT divergence.mutual_info(" + x + ", " + y + ") FROM " + view).first().getDouble(0))));
    variants.add(new Variant(d, "MutualInformation.of(df).columns(x, y)", 1, () -> api(df, x, y)));
    variants.add(new Variant(d, "Deequ-style plan (plain Spark)", 1, () -> Map.of(key, deequStyle(df, x, y))));
  }

  private void addMatrixVariants(Dataset<Row> gen) {
    String d = "generated 10-col matrix";
    List<String[]> pairs = new ArrayList<>();
    for (int i = 0; i < MATRIX_COLUMNS.length; i++) {
      for (int j = i + 1; j < MATRIX_COLUMNS.length; j++) pairs.add(new String[] {MATRIX_COLUMNS[i], MATRIX_COLUMNS[j]});
    }
    variants.add(new Variant(d, "MutualInformation.of(df).columns(10 cols)", 45, () -> api(gen, MATRIX_COLUMNS)));
    variants.add(new Variant(d, "45 x SQL mutual_info (45 queries)", 45, () -> {
      Map<String, Double> mi = new LinkedHashMap<>();
      for (String[] p : pairs) {
        mi.put(p[0] + "|" + p[1], spark.sql("SELECT mutual_info(" + p[0] + ", " + p[1] + ") FROM gen").first().getDouble(0));
      }
      return mi;
    }));
    variants.add(new Variant(d, "1 query with 45 mutual_info aggregates", 45, () -> {
      StringBuilder sql = new StringBuilder("SELECT ");
      for (int p = 0; p < pairs.size(); p++) {
        sql.append(p == 0 ? "" : ", ").append("mutual_info(").append(pairs.get(p)[0]).append(", ").append(pairs.get(p)[1]).append(')');
      }
      Row r = spark.sql(sql.append(" FROM gen").toString()).first();
      Map<String, Double> mi = new LinkedHashMap<>();
      for (int p = 0; p < pairs.size(); p++) mi.put(pairs.get(p)[0] + "|" + pairs.get(p)[1], r.getDouble(p));
      return mi;
    }));
  }

  private static Map<String, Double> api(Dataset<Row> df, String... columns) {
    Map<String, Double> mi = new LinkedHashMap<>();
    // categorical: int codes are categories here, not numbers to quantile-bin (a no-op for strings).
    for (Row r : MutualInformation.of(df).columns(columns).categorical(columns).compute()
        .select("col_a", "col_b", "mi").collectAsList()) {
      mi.put(r.getString(0) + "|" + r.getString(1), r.getDouble(2));
    }
    return mi;
  }

  /**
   * What Deequ's MutualInformation analyzer runs, written with plain Spark: a count job for the
   * rows, the joint frequencies (groupBy(x, y).count over rows where x or y is not NULL), a marginal
   * groupBy per side over the frequencies, two joins and a UDF per cell, summed.
   */
  private double deequStyle(Dataset<Row> df, String x, String y) {
    double total = df.count();
    Dataset<Row> frequencies = df.select(x, y).where(col(x).isNotNull().or(col(y).isNotNull()))
        .groupBy(x, y).count();
    Dataset<Row> m1 = frequencies.select(x, "count").groupBy(x).agg(sum("count").as("__f1"));
    Dataset<Row> m2 = frequencies.select(y, "count").groupBy(y).agg(sum("count").as("__f2"));
    UserDefinedFunction miUdf = functions.udf((UDF3<Double, Double, Double, Double>) (px, py, pxy) ->
        (pxy / total) * Math.log((pxy / total) / ((px / total) * (py / total))), DataTypes.DoubleType);
    Row r = frequencies.join(m1, x).join(m2, y)
        .withColumn("__mi", miUdf.apply(col("__f1").cast("double"), col("__f2").cast("double"), col("count").cast("double")))
        .agg(sum("__mi")).first();
    return r.getDouble(0);
  }

  // ------------------------------------------------------------------ states

  /**
   * The aggregate's per-partition states and the merged state for the measured pairs, built with
   * the same ContingencyState over the same partitions (one state per task, as the SQL aggregate
   * does); also checks their MI against the timed variants.
   */
  private void measureStates() {
    List<String[]> pairs = new ArrayList<>();
    pairs.add(new String[] {"generated", "gen", "a50", "b50"});
    pairs.add(new String[] {"generated", "gen", "a5k", "b5k"});
    if (datasetRows.containsKey("flights")) pairs.add(new String[] {"flights", "flights", "origin", "destination"});
    if (matrix) {
      for (int i = 0; i < MATRIX_COLUMNS.length; i++) {
        for (int j = i + 1; j < MATRIX_COLUMNS.length; j++) {
          String a = MATRIX_COLUMNS[i];
          String b = MATRIX_COLUMNS[j];
          if (!(a.equals("a50") && b.equals("b50")) && !(a.equals("a5k") && b.equals("b5k"))) {
            pairs.add(new String[] {"matrix", "gen", a, b});
          }
        }
      }
    }
    long matrixPartial = 0;
    long matrixWire = 0;
    long matrixCells = 0;
    long matrixMerged = 0;
    for (String[] p : pairs) {
      Dataset<Row> d = spark.table(p[1]).select(p[2], p[3]);
      List<byte[]> parts = d.mapPartitions((MapPartitionsFunction<Row, byte[]>) AggregateBenchmark::partialState,
          Encoders.BINARY()).collectAsList();
      long maxPartial = 0;
      long wire = 0;
      ContingencyState merged = new ContingencyState();
      for (byte[] b : parts) {
        long heap = bytesToLong(b, 0);
        maxPartial = Math.max(maxPartial, heap);
        ContingencyState s = ContingencyState.fromBytes(b, 8, b.length - 8);
        wire += b.length - 8;
        merged.merge(s);
      }
      double mi = InformationMeasures.mutualInformation(merged.toTable(), Math.E);
      String data = p[0].equals("matrix") ? "generated" : p[0];
      check(data, p[2] + "|" + p[3], mi, "states");
      if (matrix && p[1].equals("gen")) {
        matrixPartial += maxPartial;
        matrixWire += wire;
        matrixCells += merged.cells();
        matrixMerged += merged.estimatedBytes();
      }
      if (!p[0].equals("matrix")) {
        stateRows.add(String.format(Locale.ROOT, "| %s | %s x %s | %,d x %,d | %,d | %d | %s | %s | %s |", p[0], p[2], p[3],
            merged.distinctX(), merged.distinctY(), merged.cells(), parts.size(), mib(maxPartial), mib(wire),
            mib(merged.estimatedBytes())));
      }
      System.out.printf(Locale.ROOT, "state %s %s x %s: %,d cells, max partial %s, wire %s, merged %s%n", p[0], p[2], p[3],
          merged.cells(), mib(maxPartial), mib(wire), mib(merged.estimatedBytes()));
    }
    if (matrix) {
      stateRows.add(String.format(Locale.ROOT, "| generated | all 45 pairs of the matrix (sum) | | %,d | %d | %s | %s | %s |",
          matrixCells, partitions, mib(matrixPartial), mib(matrixWire), mib(matrixMerged)));
    }
  }

  private static Iterator<byte[]> partialState(Iterator<Row> rows) {
    ContingencyState s = new ContingencyState();
    while (rows.hasNext()) {
      Row r = rows.next();
      int x = r.isNullAt(0) ? s.x().idOfNull() : intern(s, true, r.getString(0));
      int y = r.isNullAt(1) ? s.y().idOfNull() : intern(s, false, r.getString(1));
      s.add(x, y, 1.0);
    }
    byte[] state = s.toBytes();
    byte[] b = new byte[8 + state.length];
    longToBytes(s.estimatedBytes(), b);
    System.arraycopy(state, 0, b, 8, state.length);
    return List.of(b).iterator();
  }

  private static int intern(ContingencyState s, boolean x, String v) {
    byte[] b = v.getBytes(StandardCharsets.UTF_8);
    return (x ? s.x() : s.y()).idOfBytes(b, 0, b.length);
  }

  private static void longToBytes(long v, byte[] b) {
    for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (8 * i));
  }

  private static long bytesToLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) v |= (b[off + i] & 0xFFL) << (8 * i);
    return v;
  }

  // ------------------------------------------------------------------ measuring

  private long[] measure(Variant v) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    System.gc();
    sleep(200);
    long baseline = memory.getHeapMemoryUsage().getUsed();
    waitForListener();
    taskCpuNanos.set(0);
    AtomicLong peak = new AtomicLong(baseline);
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    Thread sampler = startHeapSampler(peak);
    Map<String, Double> mi = v.body.run();
    long wall = System.nanoTime() - t0;
    long processCpu = processCpuNanos() - cpu0;
    sampler.interrupt();
    try {
      sampler.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    waitForListener();
    long[] s = {wall, taskCpuNanos.get(), processCpu, peak.get() - baseline};
    v.samples.add(s);
    // The int-coded copy holds the same a50 x b50 pair as the string table: one reference for both.
    String data = dataset(v.data).equals("flights") ? "flights" : "generated";
    for (Map.Entry<String, Double> e : mi.entrySet()) check(data, e.getKey(), e.getValue(), v.label());
    if (v.pairs > 0 && mi.size() != v.pairs) throw new IllegalStateException(v.label() + " returned " + mi.size() + " values");
    return s;
  }

  private void check(String data, String pair, double mi, String who) {
    String key = data + " / " + pair;
    Double ref = reference.putIfAbsent(key, mi);
    if (ref == null) return;
    double dev = Math.abs(mi - ref) / Math.max(Math.abs(ref), Double.MIN_NORMAL);
    if (dev > maxDeviation) {
      maxDeviation = dev;
      maxDeviationAt = key + " (" + who + ")";
    }
    if (!(dev <= TOLERANCE)) {
      System.out.printf(Locale.ROOT, "MISMATCH %s: %s gives %.17g, reference %.17g (relative %.3g)%n", key, who, mi, ref, dev);
    }
  }

  private void waitForListener() {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("listener bus did not drain", e);
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ report

  private static double median(List<long[]> samples, int k) {
    double[] v = samples.stream().mapToDouble(s -> s[k]).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static double min(List<long[]> s, int k) { return s.stream().mapToDouble(x -> x[k]).min().orElse(Double.NaN); }

  private static double max(List<long[]> s, int k) { return s.stream().mapToDouble(x -> x[k]).max().orElse(Double.NaN); }

  private static String mib(double bytes) {
    return bytes < 1024 * 1024 ? String.format(Locale.ROOT, "%.0f KiB", bytes / 1024) : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576);
  }

  private static String rate(double perSecond) {
    return perSecond >= 1e6 ? String.format(Locale.ROOT, "%.1fM", perSecond / 1e6) : String.format(Locale.ROOT, "%.0fk", perSecond / 1e3);
  }

  private String report(long started) {
    StringBuilder r = new StringBuilder();
    r.append("## Aggregates\n\n");
    r.append("Command (from the repository root):\n\n```bash\nflock /tmp/mvn.lock ").append(command).append("\n```\n\n");
    r.append("Source: `udfs/src/test/java/io/github/sparkdivergence/bench/AggregateBenchmark.java` (options in its class comment).\n\n");
    Runtime rt = Runtime.getRuntime();
    r.append(String.format(Locale.ROOT, "Machine: %d cores, %s, %s %s, max heap %.1f GiB, Spark %s, local[2], "
            + "Spark defaults otherwise (AQE on, 200 shuffle partitions before coalescing). Load average at start %.2f "
            + "(the machine is shared). %s, git %s, run took %.1f min.%n%n",
        rt.availableProcessors(), memoryNote(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
        rt.maxMemory() / 1073741824.0, spark.version(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Instant.now().toString().substring(0, 16).replace('T', ' ') + " UTC", gitHead(),
        (System.currentTimeMillis() - started) / 60000.0));
    r.append(notes).append('\n');
    r.append(String.format(Locale.ROOT, "%d interleaved rounds, order shuffled every round (seed %d), System.gc() before "
        + "every run. Medians (min-max over rounds). *x count(\\*)*: median wall time over the median `count(*)` "
        + "of the same cached table. *Task CPU*: executor + deserialisation CPU of all tasks of the run (SparkListener). "
        + "*Process CPU*: the whole JVM (driver, GC, JIT included). *Peak heap*: highest heap use sampled every 2 ms "
        + "during the run, over the heap after the GC before it (includes garbage not yet collected, so it is an upper "
        + "bound; the cached tables are in the baseline).%n%n", rounds, seed));
    r.append("| data | variant | wall s | rows/s | x count(*) | task CPU s | process CPU s | peak heap |\n");
    r.append("|---|---|---|---|---|---|---|---|\n");
    Map<String, Double> countWall = new LinkedHashMap<>();
    for (Variant v : variants) {
      if (v.name.equals("count(*)")) countWall.put(dataset(v.data), median(v.samples, 0));
    }
    Map<String, Double> wallByLabel = new LinkedHashMap<>();
    for (Variant v : variants) {
      String data = dataset(v.data);
      double wall = median(v.samples, 0);
      wallByLabel.put(v.label(), wall);
      long n = datasetRows.get(data);
      String rowsPerSecond = rate(n / (wall / 1e9)) + (v.pairs > 1 ? " (" + rate(n * (double) v.pairs / (wall / 1e9)) + " row-pairs/s)" : "");
      r.append(String.format(Locale.ROOT, "| %s | %s | %.3f (%.3f-%.3f) | %s | %.2f | %.2f | %.2f | %s |%n",
          v.data, v.name, wall / 1e9, min(v.samples, 0) / 1e9, max(v.samples, 0) / 1e9, rowsPerSecond,
          wall / countWall.get(data), median(v.samples, 1) / 1e9, median(v.samples, 2) / 1e9, mib(median(v.samples, 3))));
    }
    r.append('\n');
    r.append(String.format(Locale.ROOT, "Every variant's MI agrees with the others for the same pair: largest relative "
        + "deviation %.3g at %s (tolerance %.0e; %d pairs checked).%n%n", maxDeviation, maxDeviationAt, TOLERANCE, reference.size()));

    r.append("Aggregate state sizes (`ContingencyState` of `mutual_info`, one partial state per partition/task as the "
        + "aggregate builds them; heap estimates include growth slack; the wire form is what the partial states shuffle):\n\n");
    r.append("| data | pair | levels | cells | partial states | largest partial state (heap) | all partial states on the wire | merged state (heap) |\n");
    r.append("|---|---|---|---|---|---|---|---|\n");
    for (String s : stateRows) r.append(s).append('\n');
    r.append('\n');
    r.append(targets(countWall, wallByLabel));
    return r.toString();
  }

  private String targets(Map<String, Double> countWall, Map<String, Double> wall) {
    StringBuilder t = new StringBuilder("Targets:\n\n");
    for (Variant v : variants) {
      if (!v.name.equals("SQL mutual_info(x, y)")) continue;
      String data = dataset(v.data);
      double mi = wall.get(v.label());
      double ratio = mi / countWall.get(data);
      Double deequ = wall.get(v.data + " / Deequ-style plan (plain Spark)");
      Double scan = wall.entrySet().stream().filter(e -> e.getKey().startsWith(v.data + " / scan: "))
          .map(Map.Entry::getValue).findFirst().orElse(null);
      t.append(String.format(Locale.ROOT, "- %s: `mutual_info` %.2fx the `count(*)` time%s; %.2fx the two-column scan; "
              + "%.1fx faster than the Deequ-style plan%s.%n", v.data, ratio,
          v.data.contains("low") || v.data.startsWith("flights") ? (ratio <= 3 ? " (target <= 3x: met)" : " (target <= 3x: missed)") : "",
          scan == null ? Double.NaN : mi / scan,
          deequ == null ? Double.NaN : deequ / mi,
          deequ == null ? "" : (deequ / mi >= 3 ? " (target >= 3x: met)" : " (target >= 3x: missed)")));
    }
    Double api = wall.get("generated 10-col matrix / MutualInformation.of(df).columns(10 cols)");
    Double separate = wall.get("generated 10-col matrix / 45 x SQL mutual_info (45 queries)");
    Double one = wall.get("generated 10-col matrix / 1 query with 45 mutual_info aggregates");
    if (api != null && separate != null) {
      t.append(String.format(Locale.ROOT, "- 10-column matrix: MutualInformation %.1f s vs 45 separate queries %.1f s "
          + "(%.1fx); one query with 45 aggregates %.1f s (%.1fx vs 45 queries).%n", api / 1e9, separate / 1e9,
          separate / api, one / 1e9, separate / one));
    }
    return t.append('\n').toString();
  }

  /** Raises {@code peak} to the heap's use every 2 ms until the returned (daemon) thread is interrupted. */
  static Thread startHeapSampler(AtomicLong peak) {
    java.lang.management.MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    return sampler;
  }

  static String memoryNote() {
    try {
      for (String l : Files.readAllLines(Paths.get("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          long kb = Long.parseLong(l.replaceAll("\\D", ""));
          return String.format(Locale.ROOT, "%.0f GiB RAM", kb / 1048576.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "RAM unknown";
  }

  static String gitHead() {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      Process dirty = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no").redirectErrorStream(true).start();
      boolean modified = !new String(dirty.getInputStream().readAllBytes(), StandardCharsets.UTF_8).isBlank();
      return p.waitFor() == 0 ? s + (modified ? " (+ uncommitted changes)" : "") : "unknown";
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }

  /** Hand-written text after this line, up to the end of the section, survives a re-run. */
  static final String KEEP_MARKER = "<!-- AggregateBenchmark: hand-written notes below are kept on re-runs -->";

  /**
   * Replaces the section under {@code heading} ("## ...") of a Markdown file (up to the next "## "
   * heading), keeping the rest of the file and the section's notes after {@code keepMarker}.
   */
  static void writeSection(Path file, String heading, String keepMarker, String section) throws IOException {
    String text = Files.isRegularFile(file) ? Files.readString(file) : "# Benchmarks\n\n";
    int start = text.indexOf(heading + "\n");
    String updated;
    if (start < 0) {
      updated = text + (text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + section;
    } else {
      int end = text.indexOf("\n## ", start + 1);
      String old = end < 0 ? text.substring(start) : text.substring(start, end + 1);
      int keep = old.indexOf(keepMarker);
      String notes = keep < 0 ? keepMarker + "\n" : old.substring(keep);
      updated = text.substring(0, start) + section + notes + (end < 0 ? "" : text.substring(end + 1));
    }
    if (file.getParent() != null) Files.createDirectories(file.getParent());
    Files.writeString(file, updated);
    System.out.println("wrote the " + heading.substring(3) + " section of " + file);
  }
}
