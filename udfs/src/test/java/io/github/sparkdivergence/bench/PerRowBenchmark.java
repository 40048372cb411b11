package io.github.sparkdivergence.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.github.sparkdivergence.math.Divergence;
import io.github.sparkdivergence.spark.ClassicUdfs;
import io.github.sparkdivergence.spark.DivergenceExtensions;
import io.github.sparkdivergence.spark.DivergenceFunctions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import scala.collection.Seq;

/**
 * Per-row function benchmark: {@code SELECT sum(kl_div(p, q))} over a cached DataFrame, through our
 * SQL function, the DataFrame API, {@link ClassicUdfs}, a naive Java UDF, Spark's higher-order
 * functions, and a plain Java loop over the same data in {@code double[][]} (the limit), for
 * arrays, dense and sparse MLlib vectors and maps. Not a unit test; run it with
 * {@code bench/per-row.sh} (see docs/benchmarks.md). Options:
 *
 * <pre>
 *   --dims 64,1024        vector lengths to run (default both)
 *   --rows64 N            rows at length 64 (default 1,000,000)
 *   --rows1024 N          rows at length 1024 (default 100,000)
 *   --map-rows1024 N      rows that get map columns at length 1024 (default 25,000: memory)
 *   --rounds N            measured rounds (default 5; plus one warm-up round)
 *   --partitions N        partitions of the cached DataFrame (default 8)
 *   --nnz F               fraction of non-zeros of the sparse vectors (default 0.25)
 *   --seed N              data seed (default 42)
 *   --only a,b            run only these variants (ids in the table)
 *   --explain             print EXPLAIN CODEGEN (AQE off) of every Spark variant first
 *   --out FILE            update the per-row section of FILE (docs/benchmarks.md)
 *   --command TEXT        the command line to quote in FILE
 * </pre>
 */
public final class PerRowBenchmark {

  // ---- options ---------------------------------------------------------------------------------
  private int[] dims = {64, 1024};
  private int rows64 = 1_000_000;
  private int rows1024 = 100_000;
  private int mapRows1024 = 25_000;
  private int rounds = 5;
  private int partitions = 8;
  private double nnz = 0.25;
  private long seed = 42;
  private List<String> only = null;
  private boolean explain = false;
  private Path out = null;
  private String command = "bench/per-row.sh";

  private SparkSession spark;
  private final TaskCpu taskCpu = new TaskCpu();

  public static void main(String[] args) throws Exception {
    PerRowBenchmark b = new PerRowBenchmark();
    b.parse(args);
    b.run();
  }

  private void parse(String[] raw) {
    // exec:exec passes ${bench.args} as one argument; split it again.
    List<String> args = new ArrayList<>();
    for (String a : raw) for (String s : a.trim().split("\\s+")) if (!s.isEmpty()) args.add(s);
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--dims" -> dims = Arrays.stream(args.get(++i).split(",")).mapToInt(Integer::parseInt).toArray();
        case "--rows64" -> rows64 = Integer.parseInt(args.get(++i).replace("_", ""));
        case "--rows1024" -> rows1024 = Integer.parseInt(args.get(++i).replace("_", ""));
        case "--map-rows1024" -> mapRows1024 = Integer.parseInt(args.get(++i).replace("_", ""));
        case "--rounds" -> rounds = Integer.parseInt(args.get(++i));
        case "--partitions" -> partitions = Integer.parseInt(args.get(++i));
        case "--nnz" -> nnz = Double.parseDouble(args.get(++i));
        case "--seed" -> seed = Long.parseLong(args.get(++i));
        case "--only" -> only = Arrays.asList(args.get(++i).split(","));
        case "--explain" -> explain = true;
        case "--out" -> out = Path.of(args.get(++i));
        case "--command" -> command = String.join(" ", args.subList(i + 1, args.size()));
        default -> throw new IllegalArgumentException("unknown option " + a + " (see the class comment)");
      }
      if (a.equals("--command")) break;
    }
  }

  // ---- variants ----------------------------------------------------------------------------------

  /** Which data a variant reads; its sum and CPU are compared with the plain loop over the same data. */
  enum Data { DENSE, SPARSE, MAP, MAP_SHUFFLED }

  record Variant(String id, String label, Data data, boolean loop, Supplier<Dataset<Row>> query) {}

  private static final String HOF =
      "aggregate(zip_with(p, q, (x, y) -> IF(x > 0, x * ln(x / y), 0D)), 0D, (acc, v) -> acc + v)";

  private List<Variant> variants() {
    List<Variant> v = new ArrayList<>();
    v.add(new Variant("loop", "plain Java loop over `double[][]`, 2 threads (the limit)", Data.DENSE, true, null));
    v.add(new Variant("sql", "our SQL function `kl_div(p, q)`, array<double>", Data.DENSE, false,
        () -> spark.sql("SELECT sum(kl_div(p, q)) FROM bench")));
    v.add(new Variant("dataframe", "our DataFrame API `DivergenceFunctions.klDiv`, array<double>", Data.DENSE, false,
        () -> spark.table("bench").agg(sum(DivergenceFunctions.klDiv(col("p"), col("q"))))));
    v.add(new Variant("classic", "our classic UDF (`ClassicUdfs`), array<double>", Data.DENSE, false,
        () -> spark.sql("SELECT sum(classic_kl_div(p, q)) FROM bench")));
    v.add(new Variant("naive_udf", "naive Java `UDF2<Seq<Double>, Seq<Double>, Double>`, array<double>", Data.DENSE, false,
        () -> spark.sql("SELECT sum(naive_kl(p, q)) FROM bench")));
    v.add(new Variant("hof", "Spark SQL `aggregate(zip_with(p, q, ...))`, array<double>", Data.DENSE, false,
        () -> spark.sql("SELECT sum(" + HOF + ") FROM bench")));
    v.add(new Variant("sql_vector", "our SQL function, dense ml `Vector`", Data.DENSE, false,
        () -> spark.sql("SELECT sum(kl_div(pv, qv)) FROM bench")));
    v.add(new Variant("sql_map", "our SQL function, map<string,double>, same keys on every row", Data.MAP, false,
        () -> spark.sql("SELECT sum(kl_div(pm, qm)) FROM bench")));
    v.add(new Variant("sql_map_shuffled", "our SQL function, map<string,double>, q's key order random per row",
        Data.MAP_SHUFFLED, false, () -> spark.sql("SELECT sum(kl_div(pm, qx)) FROM bench")));
    v.add(new Variant("loop_sparse", "plain Java loop over the sparse vectors' arrays, 2 threads", Data.SPARSE, true, null));
    v.add(new Variant("sql_sparse", "our SQL function, sparse ml `Vector` (both sparse)", Data.SPARSE, false,
        () -> spark.sql("SELECT sum(kl_div(ps, qs)) FROM bench")));
    if (only != null) {
      v.removeIf(x -> !only.contains(x.id) && !x.loop); // the loops are the reference
    }
    return v;
  }

  /** The naive UDF as most users write it: boxed Seq arguments, inline loop. */
  static final UDF2<Seq<Double>, Seq<Double>, Double> NAIVE = (p, q) -> {
    double s = 0;
    for (int i = 0; i < p.size(); i++) {
      double x = p.apply(i);
      if (x > 0) s += x * Math.log(x / q.apply(i));
    }
    return s;
  };

  // ---- data ----------------------------------------------------------------------------------------

  private static String[] keys(int dims) {
    String[] k = new String[dims];
    for (int i = 0; i < dims; i++) k[i] = "c" + i;
    return k;
  }

  /**
   * One row, a pure function of (seed, id): dense p, q > 0 summing to 1; sparse p, q on one
   * support; p and q as maps (q's keys in reverse order), and q again as a map with its keys in a
   * random order of this row's own.
   */
  static Row row(long seed, long id, int dims, double nnz, boolean withMaps, boolean withShuffled,
      String[] keys, int[] perm) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id);
    double[] p = positive(r, dims);
    double[] q = positive(r, dims);
    int k = Math.max(1, (int) Math.round(dims * nnz));
    for (int i = 0; i < dims; i++) perm[i] = i;
    for (int i = 0; i < k; i++) {
      int j = i + r.nextInt(dims - i);
      int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
    }
    int[] idx = Arrays.copyOf(perm, k);
    Arrays.sort(idx);
    int[] idx2 = idx.clone();
    Map<String, Double> pm = null;
    Map<String, Double> qm = null;
    Map<String, Double> qx = null;
    double[] ps = positive(r, k);
    double[] qs = positive(r, k);
    if (withShuffled) {
      for (int i = dims - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
      }
      qx = new LinkedHashMap<>(dims * 2);
      for (int i = 0; i < dims; i++) qx.put(keys[perm[i]], q[perm[i]]);
    }
    if (withMaps) {
      pm = new LinkedHashMap<>(dims * 2);
      qm = new LinkedHashMap<>(dims * 2);
      for (int i = 0; i < dims; i++) pm.put(keys[i], p[i]);
      for (int i = dims - 1; i >= 0; i--) qm.put(keys[i], q[i]); // other key order: aligned by key
    }
    return RowFactory.create(id, p, q, Vectors.dense(p.clone()), Vectors.dense(q.clone()),
        Vectors.sparse(dims, idx, ps), Vectors.sparse(dims, idx2, qs),
        scalaMap(pm), scalaMap(qm), scalaMap(qx));
  }

  /** A Scala map in the same key order (a Row's map column must be one), Scala 2.12 and 2.13 alike. */
  private static scala.collection.Map<String, Double> scalaMap(java.util.Map<String, Double> m) {
    if (m == null) return null;
    scala.collection.mutable.LinkedHashMap<String, Double> out = new scala.collection.mutable.LinkedHashMap<>();
    for (java.util.Map.Entry<String, Double> e : m.entrySet()) out.put(e.getKey(), e.getValue());
    return out;
  }

  private static double[] positive(SplittableRandom r, int n) {
    double[] v = new double[n];
    double s = 0;
    for (int i = 0; i < n; i++) s += v[i] = 0.05 + r.nextDouble();
    for (int i = 0; i < n; i++) v[i] /= s;
    return v;
  }

  /** Rows of one partition, generated on the executor (static: the closure must not capture this). */
  private static org.apache.spark.api.java.function.FlatMapFunction<Integer, Row> generator(
      long seed, int dims, int rows, int mapRows, int shuffledRows, int partitions, double nnz) {
    return part -> {
      long from = (long) rows * part / partitions;
      long to = (long) rows * (part + 1) / partitions;
      String[] k = keys(dims);
      int[] perm = new int[dims];
      return new Iterator<Row>() {
        long id = from;
        @Override public boolean hasNext() { return id < to; }
        @Override public Row next() { long i = id++; return row(seed, i, dims, nnz, i < mapRows, i < shuffledRows, k, perm); }
      };
    };
  }

  /** What the plain loops read: the cached rows collected back into primitive arrays. */
  static final class LoopData {
    double[][] p, q;
    int[][] pi, qi;
    double[][] pv, qv;
    int dims;
  }

  private Dataset<Row> build(int dims, int rows, int mapRows) {
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("p", DataTypes.createArrayType(DataTypes.DoubleType, false))
        .add("q", DataTypes.createArrayType(DataTypes.DoubleType, false))
        .add("pv", SQLDataTypes.VectorType()).add("qv", SQLDataTypes.VectorType())
        .add("ps", SQLDataTypes.VectorType()).add("qs", SQLDataTypes.VectorType())
        .add("pm", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false))
        .add("qm", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false))
        .add("qx", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false));
    List<Integer> parts = new ArrayList<>();
    for (int i = 0; i < partitions; i++) parts.add(i);
    JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(parts, partitions)
        .flatMap(generator(seed, dims, rows, mapRows, shuffledRows(mapRows), partitions, nnz));
    Dataset<Row> df = spark.createDataFrame(rdd, schema).persist(StorageLevel.MEMORY_ONLY());
    long count = df.count();
    if (count != rows) throw new IllegalStateException("cached " + count + " rows, expected " + rows);
    for (RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
      if (info.numCachedPartitions() != info.numPartitions()) {
        throw new IllegalStateException("only " + info.numCachedPartitions() + " of " + info.numPartitions()
            + " partitions fit in memory: raise the heap (BENCH_HEAP) or lower the rows");
      }
      System.out.printf(Locale.ROOT, "cached %s: %d partitions, %.2f GB in memory%n", info.name(),
          info.numPartitions(), info.memSize() / 1e9);
    }
    df.createOrReplaceTempView("bench");
    return df;
  }

  /** Collects the cached rows back (in id order) into primitive arrays for the plain loops. */
  private LoopData collect(Dataset<Row> df, int dims, int rows) {
    LoopData d = new LoopData();
    d.dims = dims;
    d.p = new double[rows][];
    d.q = new double[rows][];
    d.pi = new int[rows][];
    d.qi = new int[rows][];
    d.pv = new double[rows][];
    d.qv = new double[rows][];
    Iterator<Row> it = df.select("id", "p", "q", "ps", "qs").toLocalIterator();
    while (it.hasNext()) {
      Row r = it.next();
      int i = (int) r.getLong(0);
      d.p[i] = doubles(r.getSeq(1));
      d.q[i] = doubles(r.getSeq(2));
      SparseVector ps = (SparseVector) r.get(3);
      SparseVector qs = (SparseVector) r.get(4);
      d.pi[i] = ps.indices();
      d.pv[i] = ps.values();
      d.qi[i] = qs.indices();
      d.qv[i] = qs.values();
    }
    // Re-allocate row by row so each row's arrays sit next to each other, in row order (collecting
    // interleaved them with garbage): the best case for the loop, which is the point of a limit.
    for (int i = 0; i < rows; i++) {
      d.p[i] = d.p[i].clone();
      d.q[i] = d.q[i].clone();
      d.pi[i] = d.pi[i].clone();
      d.pv[i] = d.pv[i].clone();
      d.qi[i] = d.qi[i].clone();
      d.qv[i] = d.qv[i].clone();
    }
    System.gc();
    return d;
  }

  private static double[] doubles(Seq<Object> s) {
    double[] a = new double[s.size()];
    for (int i = 0; i < a.length; i++) a[i] = (Double) s.apply(i);
    return a;
  }

  // ---- measuring -----------------------------------------------------------------------------------

  /** Sums task CPU (executor run + deserialisation) of every task that ends. */
  static final class TaskCpu extends SparkListener {
    final AtomicLong nanos = new AtomicLong();
    final AtomicLong tasks = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() == null) return;
      nanos.addAndGet(end.taskMetrics().executorCpuTime() + end.taskMetrics().executorDeserializeCpuTime());
      tasks.incrementAndGet();
    }
  }

  record Sample(double sum, long wallNanos, long cpuNanos, long allocatedBytes) {}

  /**
   * One run on a fresh Dataset: re-running a Dataset would reuse the shuffle files of its
   * materialised partial-aggregate stage and only run the final stage. Planning happens before the
   * clock starts.
   */
  private Sample runSpark(Supplier<Dataset<Row>> fresh) throws Exception {
    Dataset<Row> query = fresh.get();
    query.queryExecution().executedPlan();
    spark.sparkContext().listenerBus().waitUntilEmpty();
    taskCpu.nanos.set(0);
    long alloc0 = allocatedBytes();
    long t0 = System.nanoTime();
    List<Row> result = query.collectAsList();
    long wall = System.nanoTime() - t0;
    long alloc = allocatedBytes() - alloc0;
    spark.sparkContext().listenerBus().waitUntilEmpty();
    return new Sample(result.get(0).getDouble(0), wall, taskCpu.nanos.get(), alloc);
  }

  /** The limit: the math core called on primitive arrays, rows split over 2 threads. */
  private static Sample runLoop(LoopData d, boolean sparse, int rows) throws InterruptedException {
    int threads = 2;
    double[] sums = new double[threads];
    long[] cpu = new long[threads];
    long[] alloc = new long[threads];
    Thread[] ts = new Thread[threads];
    long t0 = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int from = rows * t / threads;
      int to = rows * (t + 1) / threads;
      int tt = t;
      ts[t] = new Thread(() -> {
        long c0 = threadCpu();
        long a0 = threadAllocated();
        double s = 0;
        int n = d.dims;
        // Each row is first copied into buffers the thread reuses, as our functions do: the math
        // core's passes (validation, then the sum) then run on cache-hot memory. Measured ~15% less
        // CPU than calling the math on the row arrays directly at length 64, so the limit is tighter.
        double[] x = new double[n];
        double[] y = new double[n];
        int[] xi = new int[n];
        int[] yi = new int[n];
        if (sparse) {
          for (int i = from; i < to; i++) {
            int pn = d.pv[i].length;
            int qn = d.qv[i].length;
            System.arraycopy(d.pi[i], 0, xi, 0, pn);
            System.arraycopy(d.pv[i], 0, x, 0, pn);
            System.arraycopy(d.qi[i], 0, yi, 0, qn);
            System.arraycopy(d.qv[i], 0, y, 0, qn);
            s += Divergence.klDivergenceSparse(n, xi, x, pn, yi, y, qn, Math.E, false, 0.0);
          }
        } else {
          for (int i = from; i < to; i++) {
            System.arraycopy(d.p[i], 0, x, 0, n);
            System.arraycopy(d.q[i], 0, y, 0, n);
            s += Divergence.klDivergence(x, y, n, Math.E, false, 0.0);
          }
        }
        sums[tt] = s;
        cpu[tt] = threadCpu() - c0;
        alloc[tt] = threadAllocated() - a0;
      });
      ts[t].start();
    }
    for (Thread t : ts) t.join();
    long wall = System.nanoTime() - t0;
    return new Sample(sums[0] + sums[1], wall, cpu[0] + cpu[1], alloc[0] + alloc[1]);
  }

  private static long threadCpu() { return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(); }

  private static long threadAllocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  /** Bytes allocated by all live threads (HotSpot's per-thread counters). */
  private static long allocatedBytes() {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) if (b > 0) total += b;
    return total;
  }

  // ---- run -------------------------------------------------------------------------------------------

  record Result(Variant v, int rows, double sum, double reference, double rowsPerSec, double wallMs,
      double cpuMs, double allocPerRow) {
    double cpuPerRow() { return cpuMs / rows; }
    double deviation() { return Math.abs(sum - reference) / Math.abs(reference); }
  }

  private void run() throws Exception {
    String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("spark-divergence per-row benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.extensions", DivergenceExtensions.class.getName())
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.memory.fraction", "0.75")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    spark.sparkContext().addSparkListener(taskCpu);
    ClassicUdfs.registerAll(spark, "classic_");
    spark.udf().register("naive_kl", NAIVE, DataTypes.DoubleType);

    Map<Integer, List<Result>> all = new LinkedHashMap<>();
    for (int d : dims) {
      int rows = d == 64 ? rows64 : d == 1024 ? rows1024 : rows64;
      int mapRows = d == 1024 ? Math.min(mapRows1024, rows) : rows;
      all.put(d, runDims(d, rows, mapRows));
    }
    String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
    String notes = machineNotes(loadBefore, loadAfter);
    StringBuilder md = new StringBuilder();
    for (var e : all.entrySet()) md.append(table(e.getKey(), e.getValue())).append('\n');
    System.out.println();
    System.out.println(notes);
    System.out.println(md);
    if (out != null) write(all, notes);
    spark.stop();
  }

  private List<Result> runDims(int dims, int rows, int mapRows) throws Exception {
    System.out.printf(Locale.ROOT, "%n== length %d: %,d rows (maps: %,d rows, shuffled maps %,d), %d partitions, sparse nnz %.0f%%%n",
        dims, rows, mapRows, shuffledRows(mapRows), partitions, nnz * 100);
    long t0 = System.nanoTime();
    Dataset<Row> df = build(dims, rows, mapRows);
    LoopData data = collect(df, dims, rows);
    System.out.printf(Locale.ROOT, "data ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    // Reference sums, untimed: the math core over the collected rows (maps: the rows that have them).
    double refDense = runLoop(data, false, rows).sum;
    double refSparse = runLoop(data, true, rows).sum;
    double refMap = 0;
    double refShuffled = 0;
    for (int i = 0; i < mapRows; i++) {
      if (i == shuffledRows(mapRows)) refShuffled = refMap;
      refMap += Divergence.klDivergence(data.p[i], data.q[i], dims, Math.E, false, 0.0);
    }
    if (shuffledRows(mapRows) == mapRows) refShuffled = refMap;

    List<Variant> variants = variants();
    if (explain) explain(variants);

    Map<Variant, List<Sample>> samples = new LinkedHashMap<>();
    for (Variant v : variants) samples.put(v, new ArrayList<>());
    Random shuffle = new Random(seed);
    for (int round = 0; round <= rounds; round++) {
      List<Variant> order = new ArrayList<>(variants);
      Collections.shuffle(order, shuffle);
      StringBuilder line = new StringBuilder(round == 0 ? "warm-up:" : "round " + round + ":");
      for (Variant v : order) {
        System.gc();
        Sample s = v.loop ? runLoop(data, v.data == Data.SPARSE, rows) : runSpark(v.query);
        if (round > 0) samples.get(v).add(s);
        line.append(String.format(Locale.ROOT, " %s %.0f ms", v.id, s.wallNanos / 1e6));
      }
      System.out.println(line);
    }
    List<Result> results = new ArrayList<>();
    for (Variant v : variants) {
      List<Sample> ss = samples.get(v);
      int n = v.data == Data.MAP ? mapRows : v.data == Data.MAP_SHUFFLED ? shuffledRows(mapRows) : rows;
      double ref = switch (v.data) {
        case SPARSE -> refSparse;
        case MAP -> refMap;
        case MAP_SHUFFLED -> refShuffled;
        case DENSE -> refDense;
      };
      double wall = median(ss.stream().mapToDouble(s -> s.wallNanos / 1e6).toArray());
      double cpu = median(ss.stream().mapToDouble(s -> s.cpuNanos / 1e6).toArray());
      double alloc = median(ss.stream().mapToDouble(s -> (double) s.allocatedBytes / n).toArray());
      // Every round must give the reference sum; report the worst.
      double worst = ss.get(0).sum;
      for (Sample s : ss) if (Math.abs(s.sum - ref) > Math.abs(worst - ref)) worst = s.sum;
      results.add(new Result(v, n, worst, ref, n / (wall / 1e3), wall, cpu, alloc));
    }
    df.unpersist(true);
    spark.catalog().dropTempView("bench");
    return results;
  }

  private void explain(List<Variant> variants) {
    String aqe = spark.conf().get("spark.sql.adaptive.enabled");
    spark.conf().set("spark.sql.adaptive.enabled", "false");
    try {
      for (Variant v : variants) {
        if (v.loop) continue;
        System.out.println("\n---- EXPLAIN CODEGEN (AQE off): " + v.id);
        v.query.get().explain("codegen");
      }
    } finally {
      spark.conf().set("spark.sql.adaptive.enabled", aqe);
    }
  }

  /** Rows that also get q as a map in a per-row random key order (memory: a quarter of the map rows). */
  private static int shuffledRows(int mapRows) { return mapRows / 4; }

  private static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  // ---- report ------------------------------------------------------------------------------------------

  private static Result find(List<Result> rs, String id) {
    for (Result r : rs) if (r.v.id.equals(id)) return r;
    return null;
  }

  private static Result loopFor(List<Result> rs, Data data) {
    return find(rs, data == Data.SPARSE ? "loop_sparse" : "loop");
  }

  private String table(int dims, List<Result> rs) {
    Result hof = find(rs, "hof");
    Result naive = find(rs, "naive_udf");
    StringBuilder b = new StringBuilder();
    int rows = loopFor(rs, Data.DENSE).rows;
    b.append(String.format(Locale.ROOT, "### Length %d, %,d rows%n%n", dims, rows));
    b.append("| variant | id | rows | rows/s | wall ms | task CPU ms | CPU/row vs plain loop | HOF CPU ÷ this | naive UDF CPU ÷ this | alloc B/row | sum rel. dev. |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    double maxDev = 0;
    for (Result r : rs) {
      Result loop = loopFor(rs, r.v.data);
      maxDev = Math.max(maxDev, r.deviation());
      b.append(String.format(Locale.ROOT, "| %s | `%s` | %,d | %s | %,.0f | %,.0f | %.2fx | %s | %s | %,.0f | %.1e |%n",
          r.v.label, r.v.id, r.rows, rate(r.rowsPerSec), r.wallMs, r.cpuMs, r.cpuPerRow() / loop.cpuPerRow(),
          hof == null ? "-" : String.format(Locale.ROOT, "%.1fx", hof.cpuPerRow() / r.cpuPerRow()),
          naive == null ? "-" : String.format(Locale.ROOT, "%.1fx", naive.cpuPerRow() / r.cpuPerRow()),
          r.allocPerRow, r.deviation()));
    }
    b.append(String.format(Locale.ROOT, "%nAll variants return the sum of the plain loop over the same rows: max relative deviation %.1e (%s 1e-9).%n",
        maxDev, maxDev <= 1e-9 ? "within" : "**NOT within**"));
    b.append("\nTargets (task CPU per row; each representation through our SQL function and the DataFrame API; "
        + "the classic UDF is no target: Spark boxes every element before any classic UDF sees it):\n\n");
    b.append("| representation | CPU vs plain loop (≤ 1.2x) | faster than HOF (≥ 5x) | faster than naive UDF (≥ 2x) |\n");
    b.append("|---|---|---|---|\n");
    for (String id : List.of("sql", "dataframe", "sql_vector", "sql_sparse", "sql_map", "sql_map_shuffled")) {
      Result r = find(rs, id);
      if (r == null) continue;
      double vsLoop = r.cpuPerRow() / loopFor(rs, r.v.data).cpuPerRow();
      b.append("| ").append(r.v.label).append(" | ").append(verdict(vsLoop, vsLoop <= 1.2));
      b.append(" | ").append(hof == null ? "-" : verdict(hof.cpuPerRow() / r.cpuPerRow(), hof.cpuPerRow() / r.cpuPerRow() >= 5));
      b.append(" | ").append(naive == null ? "-" : verdict(naive.cpuPerRow() / r.cpuPerRow(), naive.cpuPerRow() / r.cpuPerRow() >= 2));
      b.append(" |\n");
    }
    return b.toString();
  }

  private static String verdict(double x, boolean met) {
    return String.format(Locale.ROOT, "%.2fx %s", x, met ? "met" : "**missed**");
  }

  private static String rate(double r) {
    return r >= 1e6 ? String.format(Locale.ROOT, "%.2fM", r / 1e6) : String.format(Locale.ROOT, "%.0fk", r / 1e3);
  }

  private String machineNotes(String loadBefore, String loadAfter) throws IOException {
    String cpu = "unknown CPU";
    for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (l.startsWith("model name")) { cpu = l.substring(l.indexOf(':') + 1).trim(); break; }
    }
    return String.format(Locale.ROOT,
        "Run %s on %s, %d cores visible (shared with other work; load average before / after: %s / %s), "
            + "Java %s, heap %.1f GB, Spark %s `local[2]`, %s. Data: seed %d, %d partitions; dense p, q "
            + "uniform in [0.05, 1.05) then normalised; sparse vectors %.0f%% non-zeros, p and q on the same "
            + "support; map keys `c0`, `c1`, ... in that order for p and in reverse order for q (`sql_map`: "
            + "the same key arrays on every row), and for `sql_map_shuffled` q's keys in a random order of "
            + "each row's own, on a quarter of the map rows. Medians of %d interleaved "
            + "rounds after one warm-up round, variant order shuffled each round, `System.gc()` before each "
            + "variant. Task CPU = executor CPU + deserialisation CPU from a `SparkListener`; the plain loops' "
            + "CPU is their threads' CPU time. \"alloc B/row\" = bytes allocated by all JVM threads during the "
            + "query, per row. The sparse variant is compared with the plain loop over the sparse arrays, "
            + "the others with the dense loop.",
        LocalDate.now(), cpu, Runtime.getRuntime().availableProcessors(), first3(loadBefore), first3(loadAfter),
        System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / 1e9, spark.version(),
        mathCore(), seed, partitions, nnz * 100, rounds);
  }

  private static String first3(String loadavg) {
    String[] f = loadavg.split("\\s+");
    return f[0] + " " + f[1] + " " + f[2];
  }

  /** Which math core was measured: git tells whether the math package is tracked yet. */
  private static String mathCore() {
    try {
      Process p = new ProcessBuilder("git", "status", "--porcelain", "--ignored", "--",
          "udfs/src/main/java/io/github/sparkdivergence/math").redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      Process h = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
      String head = new String(h.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0 || h.waitFor() != 0) return "math core unknown (not run from the repository root)";
      String core = s.isEmpty() ? "the committed math core" : s.startsWith("!!") || s.startsWith("??")
          ? "the temporary untracked math-core stub (plain loops, no compensated summation)"
          : "a locally modified math core";
      return "commit " + head + ", " + core;
    } catch (IOException | InterruptedException e) {
      return "math core unknown";
    }
  }

  private static final String BEGIN = "<!-- per-row %d: generated by PerRowBenchmark, do not edit by hand -->";
  private static final String END = "<!-- per-row %d: end -->";

  /** Replaces (or adds) the generated block of each length under "## Per-row functions". */
  private void write(Map<Integer, List<Result>> all, String notes) throws IOException {
    String doc = Files.exists(out) ? Files.readString(out) : "# Benchmarks\n\n## Per-row functions\n\n## Aggregates\n\n";
    if (!doc.contains("## Per-row functions")) doc = doc + "\n## Per-row functions\n\n";
    for (var e : all.entrySet()) {
      String begin = String.format(Locale.ROOT, BEGIN, e.getKey());
      String end = String.format(Locale.ROOT, END, e.getKey());
      String block = begin + "\n\n" + table(e.getKey(), e.getValue()) + "\nCommand: `" + command + "`. " + notes
          + "\n\n" + end;
      int b = doc.indexOf(begin);
      int en = doc.indexOf(end);
      if (b >= 0 && en > b) {
        doc = doc.substring(0, b) + block + doc.substring(en + end.length());
      } else {
        // Before the next section after "## Per-row functions", or at the end.
        int section = doc.indexOf("## Per-row functions");
        int next = doc.indexOf("\n## ", section + 1);
        int at = next < 0 ? doc.length() : next + 1;
        doc = doc.substring(0, at) + block + "\n\n" + doc.substring(at);
      }
    }
    Files.writeString(out, doc);
    System.out.println("updated " + out.toAbsolutePath());
  }
}
