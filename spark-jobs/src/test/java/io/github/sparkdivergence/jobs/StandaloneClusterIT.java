package io.github.sparkdivergence.jobs;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged shaded jar submitted with {@code org.apache.spark.deploy.SparkSubmit} to a real
 * standalone Master and 2 Workers on 127.0.0.1, each its own JVM, with a SPARK_HOME that holds only
 * the jars/ Maven copied (no Spark distribution). Runs in the integration-test phase, after the
 * shade; every process is stopped by PID.
 */
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES) // a cluster that never comes up hangs
class StandaloneClusterIT {
  static final Path SPARK_HOME = Paths.get(System.getProperty("jobs.spark.home", "target/spark-home")).toAbsolutePath();
  static final Path JAR = Paths.get(System.getProperty("jobs.jar", "target/spark-divergence-jobs-0.1.0-SNAPSHOT.jar")).toAbsolutePath();
  static final Path SAMPLES = Paths.get(System.getProperty("jobs.samples", "../data-samples")).toAbsolutePath().normalize();
  static final Path WORK = Paths.get(System.getProperty("jobs.work", "target/cluster-it")).toAbsolutePath();
  static final List<String> OPENS = Arrays.asList(System.getProperty("jobs.java.opens", "").trim().split("\\s+"));
  static final String JAVA = Paths.get(System.getProperty("java.home"), "bin", "java").toString();

  static final List<Process> daemons = new ArrayList<>();
  static String masterUrl;

  @BeforeAll
  static void startCluster() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "shaded jar missing: " + JAR);
    assertTrue(Files.isDirectory(SPARK_HOME.resolve("jars")), "SPARK_HOME jars missing: " + SPARK_HOME);
    deleteRecursively(WORK);
    Files.createDirectories(WORK);
    int port = freePort();
    int ui = freePort();
    masterUrl = "spark://127.0.0.1:" + port;
    daemons.add(start("master", "-Xmx256m", List.of("org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", "" + port, "--webui-port", "" + ui)));
    for (int w = 1; w <= 2; w++) {
      Path dir = Files.createDirectories(WORK.resolve("worker" + w));
      daemons.add(start("worker" + w, "-Xmx256m", List.of("org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--port", "" + freePort(), "--webui-port", "" + freePort(),
          "--cores", "1", "--memory", "1g", "--work-dir", dir.toString(), masterUrl)));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int alive = 0;
    while (System.nanoTime() < deadline) {
      alive = aliveWorkers(ui);
      if (alive == 2) break;
      for (Process p : daemons) assertTrue(p.isAlive(), "a cluster JVM died; see " + WORK);
      Thread.sleep(1000);
    }
    assertEquals(2, alive, "workers ALIVE at the master's /json/ (logs in " + WORK + ")");
  }

  @AfterAll
  static void stopCluster() {
    // workers first, then the master, each by its PID
    for (int i = daemons.size() - 1; i >= 0; i--) stop(daemons.get(i));
    daemons.clear();
  }

  @Test
  void driftOnTheClusterMatchesHandComputation() throws Exception {
    Path out = WORK.resolve("drift-out");
    Result r = submit("drift", List.of("drift", "--input", SAMPLES.resolve("flights_2001_jan_jun.csv").toString(),
        "--reference-filter", "month(date) = 1", "--current-filter", "month(date) = 6",
        "--columns", "delay,distance,origin,destination", "--output", out.toString(), "--output-format", "csv",
        "--threshold", "js_distance=0.05", "--report", WORK.resolve("drift.html").toString(),
        "--summary-json", WORK.resolve("drift-summary.json").toString()));
    assertEquals(JobException.DRIFT, r.exit, r.toString());
    String html = Files.readString(WORK.resolve("drift.html"));
    for (String c : List.of("delay", "distance", "origin", "destination")) assertTrue(html.contains(">" + c + "<"), c);
    assertTrue(Files.readString(WORK.resolve("drift-summary.json")).contains("\"columns_compared\": 4"));
    assertTrue(r.err.contains("--threshold exceeded in 2 of 4 column(s): origin"), r.toString());
    assertTrue(r.out.contains("| destination"), r.toString());

    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        lines.addAll(Files.readAllLines(f));
      }
    }
    assertTrue(Files.exists(out.resolve("_SUCCESS")), "committed through Spark's writer");
    List<String> header = Arrays.asList(lines.get(0).split(","));
    Map<String, String[]> byColumn = new HashMap<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] cells = l.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
      byColumn.put(cells[0], cells);
    }
    assertEquals(Set.of("delay", "distance", "origin", "destination"), byColumn.keySet());

    // origin by hand from the sample file
    Map<String, Long> jan = new HashMap<>();
    Map<String, Long> jun = new HashMap<>();
    List<String> raw = Files.readAllLines(SAMPLES.resolve("flights_2001_jan_jun.csv"));
    for (String l : raw.subList(1, raw.size())) {
      String[] c = l.split(",");
      (c[0].startsWith("2001-01") ? jan : jun).merge(c[3], 1L, Long::sum);
    }
    Set<String> union = new LinkedHashSet<>(jan.keySet());
    union.addAll(jun.keySet());
    long[] ref = new long[union.size()];
    long[] cur = new long[union.size()];
    int i = 0;
    for (String k : union) {
      ref[i] = jan.getOrDefault(k, 0L);
      cur[i++] = jun.getOrDefault(k, 0L);
    }
    Map<String, Double> expected = DriftJobTest.metrics(ref, cur, 1e-4);
    String[] origin = byColumn.get("origin");
    for (String m : List.of("kl_ref_cur", "kl_cur_ref", "js_divergence", "js_distance", "psi", "js_distance_raw")) {
      double actual = Double.parseDouble(origin[header.indexOf(m)]);
      assertEquals(expected.get(m), actual, 1e-12, "origin " + m);
    }
    assertEquals("Infinity", origin[header.indexOf("kl_ref_cur_raw")]);
  }

  @Test
  void scoreRunsTheUdfsOnExecutors() throws Exception {
    Path out = WORK.resolve("score-out");
    Result r = submit("score", List.of("score", "--input", SAMPLES.resolve("distributions.jsonl").toString(),
        "--p", "p", "--q", "q", "--metrics", "kl,js_distance", "--group-by", "segment",
        "--output", out.toString(), "--output-format", "json"));
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.contains("| d       | kl_div"), r.toString());
    Pattern id = Pattern.compile("\"id\":(\\d+)");
    Pattern p = Pattern.compile("\"p\":\\[([^\\]]*)\\]");
    Pattern q = Pattern.compile("\"q\":\\[([^\\]]*)\\]");
    Pattern kl = Pattern.compile("\"kl_div\":([-0-9.Ee]+)");
    int checked = 0;
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.filter(x -> x.getFileName().toString().startsWith("part-")).toList()) {
        for (String line : Files.readAllLines(f)) {
          Matcher mp = p.matcher(line);
          Matcher mq = q.matcher(line);
          Matcher mk = kl.matcher(line);
          Matcher mi = id.matcher(line);
          assertTrue(mp.find() && mq.find() && mi.find(), line);
          double[] a = Arrays.stream(mp.group(1).split(",")).mapToDouble(Double::parseDouble).toArray();
          double[] b = Arrays.stream(mq.group(1).split(",")).mapToDouble(Double::parseDouble).toArray();
          if (a.length != b.length) {
            assertFalse(mk.find(), "invalid row has no kl_div (NULL): " + line);
            continue;
          }
          assertTrue(mk.find(), line);
          double s = 0;
          for (int i = 0; i < a.length; i++) if (a[i] > 0) s += a[i] * Math.log(a[i] / b[i]);
          assertEquals(s, Double.parseDouble(mk.group(1)), 1e-12, "row " + mi.group(1));
          checked++;
        }
      }
    }
    assertEquals(396, checked);
  }

  record Result(int exit, String out, String err) {
    @Override public String toString() { return "exit " + exit + "\n--- stdout\n" + out + "--- stderr (tail)\n" + tail(err, 60); }
  }

  /** spark-submit in client mode; the driver is ended by PID if it does not finish in time. */
  static Result submit(String name, List<String> jobArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", masterUrl,
        "--deploy-mode", "client", "--class", "io.github.sparkdivergence.jobs.Main",
        "--name", "spark-divergence-it-" + name, "--total-executor-cores", "2", "--executor-cores", "1",
        "--executor-memory", "512m", "--driver-memory", "768m",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=4",
        JAR.toString()));
    cmd.addAll(jobArgs);
    Process driver = start("submit-" + name, "-Xmx768m", cmd);
    try {
      boolean done = driver.waitFor(300, TimeUnit.SECONDS);
      assertTrue(done, "spark-submit " + name + " did not finish in 300 s; see " + WORK);
      return new Result(driver.exitValue(), Files.readString(WORK.resolve("submit-" + name + ".out")),
          Files.readString(WORK.resolve("submit-" + name + ".err")));
    } finally {
      stop(driver);
    }
  }

  static Process start(String name, String heap, List<String> mainAndArgs) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(JAVA, heap));
    for (String o : OPENS) if (!o.isBlank()) cmd.add(o);
    cmd.add("-Dlog4j2.configurationFile=" + SAMPLES.resolve("../conf/log4j2.properties").normalize().toUri());
    cmd.addAll(List.of("-cp", SPARK_HOME.resolve("jars") + "/*"));
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectOutput(WORK.resolve(name + ".out").toFile())
        .redirectError(WORK.resolve(name + ".err").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", SPARK_HOME.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.remove("SPARK_CONF_DIR");
    Process p = pb.start();
    System.out.println("started " + name + " pid " + p.pid());
    return p;
  }

  static void stop(Process p) {
    if (!p.isAlive()) return;
    p.destroy(); // SIGTERM to this PID only
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    System.out.println("stopped pid " + p.pid());
  }

  static int aliveWorkers(int uiPort) {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + uiPort + "/json/").openConnection();
      c.setConnectTimeout(2000);
      c.setReadTimeout(2000);
      try (InputStream in = c.getInputStream()) {
        String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\"state\"\\s*:\\s*\"ALIVE\"").matcher(json);
        int n = 0;
        while (m.find()) n++;
        return n;
      }
    } catch (IOException e) {
      return 0;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  static String tail(String s, int lines) {
    List<String> l = s.lines().toList();
    return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size())) + "\n";
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
    }
  }
}
