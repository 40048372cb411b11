package io.github.sparkdivergence.bench;

import io.github.sparkdivergence.counts.ContingencyState;
import io.github.sparkdivergence.math.InformationMeasures;
import io.github.sparkdivergence.spark.MutualInformation;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Mutual information of one pair at any cardinality (issue 12): each method on each data set at
 * each heap, in a JVM of its own, so that a method that runs out of memory fails alone and every
 * peak is its own. Run by {@code bench/aggregates.sh} after {@link AggregateBenchmark}; prints a
 * Markdown table and rewrites the "## Mutual information at any cardinality" section of
 * docs/benchmarks.md (notes after {@link #KEEP_MARKER} are kept).
 *
 * <p>Data sets (two string columns x, y, written once as Parquet under {@code --work} and read by
 * every case): flights origin x destination (3M rows), and {@code --rows} generated rows (default
 * 10M) with 50 x 50, 5000 x 5000 ({@link BenchData}), 2M x 100 and 5M x 5M values (y a function of
 * x 70% of the time, else uniform). Methods: the two-column scan, SQL {@code mutual_info(x, y)},
 * {@code MutualInformation} (all measures), the plain distributed plan a Spark user writes (MI
 * only: {@code GROUP BY x, y} counts, both margins, two joins, one sum) and {@code GROUP BY x, y}
 * collected to the driver with MI computed there; and, as a reference that computes no MI, Spark's
 * own {@code GROUP BY x, y} count of the cells. Per case: wall time of the action, task CPU
 * (executor + deserialisation CPU, SparkListener), the heap's peak use sampled every 2 ms over the
 * heap after a GC before the action, and whether it finished (an error, or killed after {@code
 * --timeout} seconds).
 *
 * <p>Each case runs its method once untimed (unless {@code --cold}), then {@code --runs} times (3),
 * and reports the median wall time and task CPU and the highest peak heap.
 *
 * <p>Options: --rows N, --heaps 2g,8g, --flights PATH|none, --timeout S (300), --cold, --runs N (3), --only REGEX (on
 * "data / method"), --work DIR (target/big-pair-bench), --out FILE|none, --command TEXT. Not a
 * unit test.
 */
public final class BigPairBenchmark {
  static final String HEADING = "## Mutual information at any cardinality";
  static final String KEEP_MARKER = "<!-- BigPairBenchmark: hand-written notes below are kept on re-runs -->";
  private static final String RESULT = "BIG-PAIR-RESULT\t";

  /** Data set name -> what it is, in table order. */
  static final Map<String, String> DATA = new LinkedHashMap<>();
  static {
    DATA.put("flights", "flights origin x destination");
    DATA.put("50x50", "generated 50 x 50");
    DATA.put("5000x5000", "generated 5000 x 5000");
    DATA.put("2Mx100", "generated 2M x 100");
    DATA.put("5Mx5M", "generated 5M x 5M");
  }

  static final Map<String, String> METHODS = new LinkedHashMap<>();
  static {
    METHODS.put("scan", "two-column scan: sum(length(x)+length(y))");
    METHODS.put("mutual_info", "SQL mutual_info(x, y)");
    METHODS.put("MutualInformation", "MutualInformation.of(df).columns(x, y)");
    METHODS.put("plain", "plain distributed plan (MI only)");
    METHODS.put("collect", "GROUP BY x, y + collect to the driver");
    METHODS.put("groupby", "Spark's own GROUP BY x, y count (cells only, no MI)");
  }

  /** Methods that compute no MI: their value is a checksum, not compared with the others. */
  private static boolean computesMi(String method) {
    return !method.equals("scan") && !method.equals("groupby");
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--case")) {
      System.exit(runCase(args[1], args[2], Paths.get(args[3]), args[4].equals("warm"),
          args.length > 5 ? Integer.parseInt(args[5]) : 1));
    }
    if (args.length > 0 && args[0].equals("--prepare")) {
      prepare(Paths.get(args[1]), Long.parseLong(args[2]), args[3]);
      return;
    }
    long rows = 10_000_000L;
    List<String> heaps = List.of("2g", "8g");
    String flights = "/work/shared/data/flights_3m.csv.gz";
    long timeout = 300;
    boolean warm = true;
    int runs = 3;
    String only = ".*";
    Path work = Paths.get("target/big-pair-bench");
    String out = "docs/benchmarks.md";
    String command = "bench/aggregates.sh";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--heaps" -> heaps = List.of(args[++i].split(","));
        case "--flights" -> flights = args[++i];
        case "--timeout" -> timeout = Long.parseLong(args[++i]);
        case "--cold" -> warm = false;
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--only" -> only = args[++i];
        case "--work" -> work = Paths.get(args[++i]);
        case "--out" -> out = args[++i];
        case "--command" -> command = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see the class comment)");
      }
    }
    long start = System.nanoTime();
    String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    Path dataDir = work.resolve("rows-" + rows).toAbsolutePath();
    String largest = heaps.stream().max((a, b) -> Long.compare(bytes(a), bytes(b))).orElseThrow();
    List<String> prep = child(largest, "--prepare", dataDir.toString(), Long.toString(rows), flights);
    Process p = new ProcessBuilder(prep).inheritIO().start();
    if (p.waitFor() != 0) throw new IllegalStateException("preparing the data failed");

    List<Result> results = new ArrayList<>();
    for (String data : DATA.keySet()) {
      if (!Files.isDirectory(dataDir.resolve(data))) continue; // flights without its file
      for (String heap : heaps) {
        for (String method : METHODS.keySet()) {
          if (!(data + " / " + method).matches(only)) continue;
          Result r = runChild(data, method, heap, dataDir, timeout, warm, runs);
          results.add(r);
          System.out.println(r.line());
        }
      }
    }
    String section = section(results, dataDir, heaps, timeout, runs, command, started, (System.nanoTime() - start) / 6e10);
    System.out.println();
    System.out.println(section);
    if (!out.equals("none")) {
      AggregateBenchmark.writeSection(Paths.get(out), HEADING, KEEP_MARKER, section);
    }
  }

  // ------------------------------------------------------------------ the parent

  record Result(String data, String method, String heap, String status, double wallS, double taskCpuS, long peakBytes,
      double mi, long cells, boolean shuffled) {
    boolean finished() { return status.equals("ok"); }

    String line() {
      return String.format(Locale.ROOT, "%-10s %-18s %-3s %-8s wall %7.2f s  task CPU %7.2f s  peak %6d MiB  mi %.15g%s",
          data, method, heap, finished() ? "ok" : "FAILED", wallS, taskCpuS, peakBytes >> 20, mi,
          finished() ? (shuffled ? " (through shuffles)" : "") : "  " + status);
    }
  }

  private static Result runChild(String data, String method, String heap, Path dataDir, long timeout, boolean warm, int runs)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(child(heap, "--case", data, method, dataDir.toString(), warm ? "warm" : "cold",
        Integer.toString(runs))).redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> {
      try {
        output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        output.append("\n(output lost: ").append(e).append(")");
      }
    });
    reader.start();
    long t0 = System.nanoTime();
    long budget = ((warm ? 1 : 0) + runs) * timeout;
    boolean exited = p.waitFor(budget + 60, TimeUnit.SECONDS); // + the JVM's and the session's start
    if (!exited) p.destroyForcibly().waitFor();
    reader.join();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    String text = output.toString();
    boolean shuffled = text.contains("counted through shuffles");
    for (String line : text.split("\n")) {
      if (line.startsWith(RESULT)) {
        String[] f = line.substring(RESULT.length()).split("\t", -1);
        return new Result(data, method, heap, f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]),
            Double.parseDouble(f[4]), Long.parseLong(f[5]), shuffled);
      }
    }
    String status = !exited ? "did not finish in " + budget + " s (killed)" : "the JVM exited with " + p.exitValue()
        + " and no result: " + lastLines(text, 3);
    return new Result(data, method, heap, status, elapsed, Double.NaN, -1, Double.NaN, -1, false);
  }

  private static String lastLines(String text, int n) {
    String[] lines = text.strip().split("\n");
    return String.join(" | ", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - n), lines.length));
  }

  /** A java command line for this class with {@code heap}, and this JVM's classpath and options (but its heap). */
  private static List<String> child(String heap, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    // The GCs before each run (the peak's baseline) also let G1 hand the heap back to the OS
    // (MaxHeapFreeRatio, 70% by default), so every run of a method that needs a large heap regrew
    // it from ~200 MB; nothing runs a full GC on an executor before each query, and the runs were
    // not warm as this benchmark says. Kept instead (2M x 100 at 8g, three JVMs each, median of 3
    // runs each: mutual_info 4.40, 4.46, 4.75 s -> 2.59, 3.23, 2.65 s; the scan, which needs
    // little heap, 1.83, 1.69, 1.61 s -> 0.99, 1.77, 1.85 s). The heap still starts at the JVM's
    // default size and grows in the untimed run.
    cmd.add("-XX:MaxHeapFreeRatio=100");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-Xmx") && !a.startsWith("-Xms")) cmd.add(a); // --add-opens, -D..., -XX:...
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BigPairBenchmark.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static long bytes(String heap) {
    String h = heap.toLowerCase(Locale.ROOT);
    long unit = h.endsWith("g") ? 1L << 30 : h.endsWith("m") ? 1L << 20 : 1;
    return Long.parseLong(h.replaceAll("[gm]$", "")) * unit;
  }

  // ------------------------------------------------------------------ the data

  private static SparkSession session(String app) {
    SparkSession spark = SparkSession.builder().master("local[2]").appName(app)
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /** Writes each data set's (x, y) as Parquet under dir, unless already there. */
  private static void prepare(Path dir, long rows, String flights) throws IOException {
    SparkSession spark = null;
    for (String data : DATA.keySet()) {
      Path target = dir.resolve(data);
      if (Files.exists(target.resolve("_SUCCESS"))) continue;
      if (data.equals("flights") && (flights.equals("none") || !new File(flights).isFile())) {
        System.out.println("flights: no file at " + flights + ", left out");
        continue;
      }
      if (spark == null) spark = session("big-pair-prepare");
      long t = System.nanoTime();
      Dataset<Row> d = switch (data) {
        case "flights" -> BenchData.flights(spark, flights).selectExpr("origin AS x", "destination AS y");
        case "50x50" -> BenchData.generated(spark, rows, 8, 42).selectExpr("a50 AS x", "b50 AS y");
        case "5000x5000" -> BenchData.generated(spark, rows, 8, 42).selectExpr("a5k AS x", "b5k AS y");
        case "2Mx100" -> highCardinality(spark, rows, 2_000_000L, 100);
        default -> highCardinality(spark, rows, 5_000_000L, 5_000_000L);
      };
      d.repartition(8).write().mode("overwrite").parquet(target.toString());
      System.out.printf(Locale.ROOT, "prepared %s in %.1f s%n", data, (System.nanoTime() - t) / 1e9);
    }
    if (spark != null) spark.stop();
  }

  /** x with about xLevels values, y with yLevels: y a function of x 70% of the time, else uniform. */
  static Dataset<Row> highCardinality(SparkSession spark, long rows, long xLevels, long yLevels) {
    return spark.range(0, rows, 1, 8).selectExpr(
        "concat('x', pmod(xxhash64(id, 1), " + xLevels + ")) AS x",
        "concat('y', IF(pmod(xxhash64(id, 2), 10) < 7, pmod(pmod(xxhash64(id, 1), " + xLevels + "), " + yLevels
            + "), pmod(xxhash64(id, 3), " + yLevels + "))) AS y");
  }

  // ------------------------------------------------------------------ one case, in its own JVM

  private static int runCase(String data, String method, Path dataDir, boolean warm, int runs) {
    SparkSession spark = session("big-pair-" + data + "-" + method);
    org.apache.logging.log4j.core.config.Configurator.setLevel(MutualInformation.class.getName(),
        org.apache.logging.log4j.Level.INFO);
    AtomicLong taskCpu = new AtomicLong();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
          taskCpu.addAndGet(end.taskMetrics().executorCpuTime() + end.taskMetrics().executorDeserializeCpuTime());
        }
      }

      @Override
      public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted done) {
        var info = done.stageInfo();
        long ms = (long) info.completionTime().getOrElse(() -> 0L) - (long) info.submissionTime().getOrElse(() -> 0L);
        System.out.printf(Locale.ROOT, "stage %d (%s): %d tasks, %.2f s%n", info.stageId(), info.name(), info.numTasks(), ms / 1e3);
      }
    });
    Dataset<Row> t = spark.read().parquet(dataDir.resolve(data).toString());
    t.createOrReplaceTempView("t");
    long rows = t.count();
    long[] cells = {-1};
    Supplier<Double> body = switch (method) {
      case "scan" -> () -> (double) spark.sql("SELECT sum(length(x) + length(y)) FROM t").first().getLong(0);
      case "mutual_info" -> () -> spark.sql("SELECT mutual_info(x, y) FROM t").first().getDouble(0);
      case "MutualInformation" -> () -> MutualInformation.of(t).columns("x", "y").compute().first().getDouble(6);
      case "plain" -> () -> spark.sql("WITH cells AS (SELECT x, y, COUNT(*) AS c FROM t GROUP BY x, y), "
          + "ax AS (SELECT x, SUM(c) AS a FROM cells GROUP BY x), by AS (SELECT y, SUM(c) AS b FROM cells GROUP BY y) "
          + "SELECT SUM(c * LN(c * " + rows + "D / (CAST(a AS DOUBLE) * b))) / " + rows + "D FROM cells JOIN ax USING (x) "
          + "JOIN by USING (y)").first().getDouble(0);
      // what counting the cells costs in Spark's own code-generated hash aggregate: the least an
      // exact MI has to do, and what any rewrite into Spark's operators would start from
      case "groupby" -> () -> (double) spark.sql("SELECT sum(c) FROM (SELECT x, y, COUNT(*) AS c FROM t GROUP BY x, y)").first().getLong(0);
      case "collect" -> () -> {
        List<Row> counted = spark.sql("SELECT x, y, COUNT(*) FROM t GROUP BY x, y").collectAsList();
        ContingencyState s = new ContingencyState();
        for (Row r : counted) s.add(intern(s, true, r.getString(0)), intern(s, false, r.getString(1)), r.getLong(2));
        cells[0] = counted.size();
        return InformationMeasures.mutualInformation(s.toTable(), Math.E);
      };
      default -> throw new IllegalArgumentException("unknown method " + method);
    };
    if (warm) {
      // A long-running executor has compiled the code and touched its heap's pages once; a fresh
      // JVM pays both during its first run (first-touch page faults vary by seconds on a VM).
      long w0 = System.nanoTime();
      try {
        body.get();
      } catch (Throwable e) {
        System.out.println(RESULT + String.join("\t", ("warm-up run: " + root(e)).replace('\t', ' ').replace('\n', ' '),
            Double.toString((System.nanoTime() - w0) / 1e9), "0", "0", "NaN", "-1"));
        System.out.flush();
        spark.stop();
        return 0;
      }
      System.out.printf(Locale.ROOT, "warm-up run: %.2f s%n", (System.nanoTime() - w0) / 1e9);
    }
    // The VM this runs on moves single runs by a second or more: the median of a few is reported.
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    String status = "ok";
    double mi = Double.NaN;
    double[] walls = new double[runs];
    double[] cpus = new double[runs];
    long peakUse = 0;
    int last = -1;
    for (int run = 0; run < runs && status.equals("ok"); run++) {
      last = run;
      System.gc();
      System.gc();
      long baseline = memory.getHeapMemoryUsage().getUsed();
      waitForListener(spark);
      taskCpu.set(0);
      AtomicLong peak = new AtomicLong(baseline);
      Thread sampler = AggregateBenchmark.startHeapSampler(peak);
      long t0 = System.nanoTime();
      try {
        mi = body.get();
      } catch (Throwable e) {
        status = root(e);
      }
      walls[run] = (System.nanoTime() - t0) / 1e9;
      sampler.interrupt();
      waitForListener(spark);
      cpus[run] = taskCpu.get() / 1e9;
      peakUse = Math.max(peakUse, peak.get() - baseline);
      System.out.printf(Locale.ROOT, "run %d: %.2f s, task CPU %.2f s%n", run + 1, walls[run], cpus[run]);
    }
    // a failed run is reported as it went, not with the runs before it
    double wall = status.equals("ok") ? median(walls) : walls[last];
    double cpu = status.equals("ok") ? median(cpus) : cpus[last];
    System.out.println(RESULT + String.join("\t", status.replace('\t', ' ').replace('\n', ' '),
        Double.toString(wall), Double.toString(cpu), Long.toString(peakUse),
        Double.toString(mi), Long.toString(cells[0])));
    System.out.flush();
    spark.stop();
    return 0;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static int intern(ContingencyState s, boolean x, String v) {
    byte[] b = v.getBytes(StandardCharsets.UTF_8);
    return (x ? s.x() : s.y()).idOfBytes(b, 0, b.length);
  }

  private static void waitForListener(SparkSession spark) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("listener bus did not drain", e);
    }
  }

  private static String root(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) c = c.getCause();
    String m = c.getClass().getSimpleName() + ": " + String.valueOf(c.getMessage()).strip();
    int end = m.indexOf('\n');
    if (end > 0) m = m.substring(0, end);
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }

  // ------------------------------------------------------------------ the report

  private static String section(List<Result> results, Path dataDir, List<String> heaps, long timeout, int runs, String command,
      String started, double minutes) {
    StringBuilder r = new StringBuilder(HEADING + "\n\n");
    r.append("Command (from the repository root): `flock /tmp/mvn.lock ").append(command).append("`, after the aggregates above;\n");
    r.append("source: `udfs/src/test/java/io/github/sparkdivergence/bench/BigPairBenchmark.java`.\n\n");
    r.append(String.format(Locale.ROOT, "Machine: %d cores, %s, %s %s, Spark %s, local[2], Spark defaults otherwise. %s, git %s, "
            + "run took %.1f min.%n%n", Runtime.getRuntime().availableProcessors(), AggregateBenchmark.memoryNote(),
        System.getProperty("java.vm.name"), System.getProperty("java.version"), org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        started, AggregateBenchmark.gitHead(), minutes));
    r.append("Each case is one JVM (`-Xmx` the heap, `-XX:MaxHeapFreeRatio=100` so that the GC before each run does not "
        + "hand the heap back to the OS) that reads the pair from Parquet (").append(dataDir.getFileName())
        .append(", 8 files) and runs one method once untimed, then " + runs + " times (`--runs`), reporting the median wall "
            + "time and the median task CPU (like a long-running executor, whose code is "
            + "compiled and whose heap pages are touched already; `--cold` skips the untimed run). *Task CPU*: executor + deserialisation CPU of all tasks "
            + "(SparkListener). *Peak heap*: the highest heap use sampled every 2 ms during the runs, over the heap after a GC "
            + "before it (garbage not yet collected included: an upper bound). A case that fails says why; one that runs "
            + "longer than " + timeout + " s per run is killed. *x scan*: wall time over the two-column scan of the same data at the "
            + "same heap. *vs plain*: the plain plan's wall time over this one (above 1: faster than the plain plan).\n\n");
    r.append("| data | heap | method | finished | wall s | x scan | vs plain | task CPU s | peak heap | MI (nats) |\n");
    r.append("|---|---|---|---|---:|---:|---:|---:|---:|---|\n");
    double maxDev = 0;
    String maxDevAt = "none";
    for (Result x : results) {
      Result scan = find(results, x.data, "scan", x.heap);
      Result plain = find(results, x.data, "plain", x.heap);
      String status = x.finished() ? "yes" + (x.shuffled ? " (through shuffles)" : "") : "**no**: " + x.status.replace("|", "\\|");
      r.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %s | %s | %s | %s | %s |%n", DATA.get(x.data), x.heap,
          METHODS.get(x.method), status, x.wallS,
          x.finished() && scan != null && scan.finished() && !x.method.equals("scan") ? String.format(Locale.ROOT, "%.2f", x.wallS / scan.wallS) : "",
          x.finished() && plain != null && plain.finished() && computesMi(x.method) && !x.method.equals("plain")
              ? String.format(Locale.ROOT, "%.2f", plain.wallS / x.wallS) : "",
          Double.isNaN(x.taskCpuS) ? "" : String.format(Locale.ROOT, "%.2f", x.taskCpuS),
          x.peakBytes < 0 ? "" : String.format(Locale.ROOT, "%.0f MiB", x.peakBytes / 1048576.0),
          x.finished() && computesMi(x.method) ? String.format(Locale.ROOT, "%.15g", x.mi) : ""));
      if (x.finished() && computesMi(x.method)) {
        for (Result y : results) {
          if (y.data.equals(x.data) && y.finished() && computesMi(y.method)) {
            double dev = Math.abs(x.mi - y.mi) / Math.max(Math.abs(y.mi), Double.MIN_NORMAL);
            if (dev > maxDev) {
              maxDev = dev;
              maxDevAt = DATA.get(x.data) + ": " + x.method + " (" + x.heap + ") against " + y.method + " (" + y.heap + ")";
            }
          }
        }
      }
    }
    r.append(String.format(Locale.ROOT, "%nEvery finished method's MI agrees with the others on the same data: largest relative "
        + "deviation %.3g (%s). The plain plan sums in whatever order its tasks meet; ours are exact to the last bits.%n%n",
        maxDev, maxDevAt));
    r.append("Targets of issue 12:\n\n");
    String smallest = heaps.stream().min((a, b) -> Long.compare(bytes(a), bytes(b))).orElseThrow();
    for (String method : List.of("mutual_info", "MutualInformation")) {
      List<String> failed = new ArrayList<>();
      List<String> slower = new ArrayList<>();
      double worst = Double.POSITIVE_INFINITY;
      for (Result x : results) {
        if (!x.method.equals(method)) continue;
        if (x.heap.equals(smallest) && !x.finished()) failed.add(DATA.get(x.data));
        Result plain = find(results, x.data, "plain", x.heap);
        if (x.finished() && plain != null && plain.finished()) {
          double speedup = plain.wallS / x.wallS;
          worst = Math.min(worst, speedup);
          if (speedup < 1.5) slower.add(String.format(Locale.ROOT, "%s at %s: %.2fx", DATA.get(x.data), x.heap, speedup));
        }
      }
      boolean ranAtSmallest = results.stream().anyMatch(x -> x.method.equals(method) && x.heap.equals(smallest));
      r.append(String.format(Locale.ROOT, "- `%s`, every case finishes at %s: %s.%n", method, smallest,
          !ranAtSmallest ? "not measured" : failed.isEmpty() ? "met" : "**missed**, failed on " + String.join(", ", failed)));
      r.append(String.format(Locale.ROOT, "- `%s` at least 1.5x faster than the plain distributed plan where both finish: %s.%n",
          method, worst == Double.POSITIVE_INFINITY ? "not measured (no case where both finished)"
              : slower.isEmpty() ? String.format(Locale.ROOT, "met (slowest %.2fx)", worst) : "**missed**: " + String.join("; ", slower)));
    }
    for (String data : List.of("flights", "50x50", "2Mx100")) {
      for (String heap : heaps) {
        Result mi = find(results, data, "mutual_info", heap);
        Result scan = find(results, data, "scan", heap);
        if (mi == null || scan == null) continue;
        double limit = data.equals("2Mx100") ? 3.0 : 1.3;
        String value = mi.finished() && scan.finished() ? String.format(Locale.ROOT, "%.2fx", mi.wallS / scan.wallS) : "did not finish";
        boolean met = mi.finished() && scan.finished() && mi.wallS / scan.wallS <= limit;
        Result cells = find(results, data, "groupby", heap);
        String floor = cells != null && cells.finished() && scan.finished()
            ? String.format(Locale.ROOT, "; Spark's own GROUP BY x, y count: %.2fx", cells.wallS / scan.wallS) : "";
        r.append(String.format(Locale.ROOT, "- `mutual_info` within %.1fx of the two-column scan, %s at %s: %s (%s)%s.%n", limit,
            DATA.get(data), heap, value, met ? "met" : "**missed**", floor));
      }
    }
    r.append("\n");
    return r.toString();
  }

  private static Result find(List<Result> results, String data, String method, String heap) {
    for (Result x : results) if (x.data.equals(data) && x.method.equals(method) && x.heap.equals(heap)) return x;
    return null;
  }
}
