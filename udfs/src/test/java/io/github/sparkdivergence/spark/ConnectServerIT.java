package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.connectclient.ConnectClientMain;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #8: a Spark Connect server started with the udfs jar and {@code spark.sql.extensions} (plus
 * the function catalog conf) serves the functions to Connect clients. The server is a child JVM on
 * the Maven SPARK_HOME plus the Connect server jar; the client is another child JVM with only the
 * Connect client on its classpath ({@link ConnectClientMain}), as a PySpark or JVM Connect user has.
 * A control server without the jar shows the same calls fail, so the checks depend on the jar.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a server that never binds, a client that never returns
class ConnectServerIT {
  private static final Path GOLDEN = Paths.get("src/test/resources/golden");
  private static final String TITANIC = Paths.get("src/test/resources/data/titanic.csv").toAbsolutePath().toString();
  private static final long SERVER_START_SECONDS = 240;
  private static final long CLIENT_SECONDS = 240;

  private final List<Process> children = new ArrayList<>();
  private Path workDir;

  @BeforeEach
  void requireServedArtifacts(TestInfo info) throws IOException {
    String version = System.getProperty("connect.spark.version", "");
    Assumptions.assumeFalse(version.startsWith("3."),
        "Spark Connect is tested on 4.0 and 4.2 only: 3.5's Connect server and client differ and are not covered");
    Assumptions.assumeFalse(Boolean.parseBoolean(System.getProperty("connect.it.skip", "true")),
        "org.apache.spark:spark-connect_2.13:" + version + " (the Connect server of Spark " + version
            + ") is not served where this is built, so Connect is tested on the spark-4.0 and spark-4.2 profiles only");
    workDir = Paths.get(System.getProperty("connect.dir"), "run-" + info.getTestMethod().orElseThrow().getName());
    Files.createDirectories(workDir);
  }

  @AfterEach
  void stopChildren() {
    for (Process p : children) stop(p);
    children.clear();
  }

  @Test
  void functionsOfTheExtensionAndTheCatalogReachConnectClients() throws Exception {
    String udfsJar = System.getProperty("udfs.jar");
    assertTrue(new File(udfsJar).isFile(), "packaged jar expected at " + udfsJar);
    int port = startServer(List.of(udfsJar), List.of(
        "-Dspark.sql.extensions=io.github.sparkdivergence.spark.DivergenceExtensions",
        "-Dspark.sql.catalog.divergence=io.github.sparkdivergence.spark.DivergenceCatalog"));
    Golden64 g = golden64();
    Map<String, String[]> checks = runClient(port, g.p, g.q);

    for (String route : List.of("sql_bare", "sql_catalog", "call_function", "call_function_catalog", "expr")) {
      String[] v = ok(checks, route);
      close(g.kl, v[0], 1e-12, route + " kl_div");
      close(g.jsBits, v[1], 1e-12, route + " js_distance base 2");
    }

    // Aggregates: scikit-learn / scipy (and mpmath's exact) values of golden/expected.csv.
    Map<String, Double> sex = expected("titanic_Sex_Survived");
    String[] agg = ok(checks, "aggregate");
    close(sex.get("mi_exact"), agg[0], 1e-12, "mutual_info(Sex, Survived)");
    close(sex.get("mi"), agg[0], 1e-12, "mutual_info(Sex, Survived) vs sklearn");
    close(sex.get("hx_exact"), agg[1], 1e-12, "entropy(Sex)");
    close(sex.get("hy_exact"), agg[2], 1e-12, "entropy(Survived)");
    String[] aggCatalog = ok(checks, "aggregate_catalog");
    close(sex.get("mi_exact"), aggCatalog[0], 1e-12, "divergence.mutual_info(Sex, Survived)");
    close(sex.get("hx_exact"), aggCatalog[1], 1e-12, "divergence.entropy(Sex)");
    String[] aggDf = ok(checks, "aggregate_dataframe");
    close(sex.get("mi_exact"), aggDf[0], 1e-12, "call_function(\"mutual_info\", Sex, Survived)");
    close(sex.get("hy_exact"), aggDf[1], 1e-12, "expr(\"entropy(Survived)\")");

    Map<String, Double> cls = expected("titanic_Class_Survived");
    String[] pair = ok(checks, "mi_pair_sql");
    assertEquals("2201", pair[0], "n");
    close(cls.get("hx_exact"), pair[1], 1e-12, "h_a");
    close(cls.get("hy_exact"), pair[2], 1e-12, "h_b");
    close(cls.get("hxy_exact"), pair[3], 1e-12, "h_ab");
    close(cls.get("mi_exact"), pair[4], 1e-12, "mi");
    close(cls.get("nmi_arithmetic"), pair[5], 1e-12, "nmi");
    close(cls.get("ami_arithmetic_exact"), pair[6], 1e-12, "ami");
    close(cls.get("g_exact"), pair[7], 1e-12, "g");
    assertEquals("3", pair[8], "dof");
    close(cls.get("p"), pair[9], 1e-12, "p_value");

    String[] shuffled = ok(checks, "aggregate_through_shuffles");
    close(cls.get("mi_exact"), shuffled[0], 1e-12, "mutual_info(Class, Survived) past the state limit");
    close(cls.get("ami_arithmetic_exact"), shuffled[1], 1e-12, "adjusted_mutual_info(Class, Survived) past the state limit");

    // The query fails and the client is told our condition. Only its name: the JVM client rebuilds
    // errors from its own list of conditions, which lacks ours, so 4.0.1 and 4.2.0 report
    // [INTERNAL_ERROR] Cannot find main error class 'SPARK_DIVERGENCE_INVALID_INPUT' (XX000) and
    // drop our message (README, Spark Connect).
    assertError(checks, "invalid_input", "SPARK_DIVERGENCE_INVALID_INPUT");
    assertError(checks, "unknown_function", "UNRESOLVED_ROUTINE");
  }

  /** Without the jar and the confs the same client gets errors: the checks above depend on them. */
  @Test
  void withoutTheJarTheCallsFail() throws Exception {
    int port = startServer(List.of(), List.of());
    Golden64 g = golden64();
    Map<String, String[]> checks = runClient(port, g.p, g.q);
    for (String bare : List.of("sql_bare", "call_function", "expr", "aggregate", "aggregate_dataframe", "mi_pair_sql")) {
      assertError(checks, bare, "UNRESOLVED_ROUTINE");
    }
    for (String qualified : List.of("sql_catalog", "call_function_catalog", "aggregate_catalog")) {
      String[] c = checks.get(qualified);
      assertNotNull(c, qualified + " not run");
      assertEquals("ERROR", c[0], qualified + " without the catalog conf: " + String.join(" ", c));
    }
  }

  // ---- the two JVMs ----

  /**
   * Starts a Connect server on a free loopback port and returns the port once the server has logged
   * that its gRPC service is up and the port accepts connections. The driver's RPC and block manager
   * ports are pinned to other free ports chosen at the same time: left random, one of them can take
   * the port chosen for Connect before gRPC binds it, and then the port answers (to the block
   * manager's protocol) while the Connect service has failed. A server that still loses a port to
   * another process is started again on new ports.
   */
  private int startServer(List<String> extraJars, List<String> confs) throws Exception {
    for (int attempt = 1; ; attempt++) {
      Path log = workDir.resolve("server-" + attempt + ".log");
      Integer port = tryStartServer(extraJars, confs, log);
      if (port != null) return port;
      if (attempt == 3) fail("Connect server lost its ports to other processes 3 times; last log " + log + ":\n" + tail(log));
    }
  }

  /** The port, or null when the server exited because a port it was given was taken meanwhile. */
  private Integer tryStartServer(List<String> extraJars, List<String> confs, Path log) throws Exception {
    Path sparkHomeJars = Paths.get(System.getenv("SPARK_HOME"), "jars");
    Path serverJar = only(Paths.get(System.getProperty("connect.dir")), "spark-connect_2.13-", ".jar");
    List<String> cp = new ArrayList<>();
    cp.add(sparkHomeJars + File.separator + "*");
    cp.add(serverJar.toString());
    cp.addAll(extraJars);
    int[] ports = freePorts(3);
    int port = ports[0];
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx1g"));
    cmd.addAll(opens());
    cmd.addAll(List.of("-cp", String.join(File.pathSeparator, cp),
        "-Dspark.master=local[2]",
        "-Dspark.app.name=spark-divergence-connect-it",
        "-Dspark.ui.enabled=false",
        "-Dspark.driver.host=127.0.0.1",
        "-Dspark.driver.bindAddress=127.0.0.1",
        "-Dspark.driver.port=" + ports[1],
        "-Dspark.blockManager.port=" + ports[2],
        "-Dspark.port.maxRetries=0",
        "-Dspark.sql.shuffle.partitions=4",
        "-Dspark.sql.warehouse.dir=" + workDir.resolve("warehouse").toAbsolutePath(),
        "-Dspark.connect.grpc.binding.address=127.0.0.1",
        "-Dspark.connect.grpc.binding.port=" + port));
    cmd.addAll(confs);
    cmd.add("org.apache.spark.sql.connect.service.SparkConnectServer");
    Process server = start(cmd, log, log);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SERVER_START_SECONDS);
    while (true) {
      String logged = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      boolean bindFailed = logged.contains("java.net.BindException");
      if (bindFailed || logged.contains("Error starting Spark Connect server") || !server.isAlive()) {
        stop(server);
        if (bindFailed) return null;
        fail("Connect server failed before accepting connections (exit "
            + (server.isAlive() ? "none" : server.exitValue()) + "); log " + log + ":\n" + tail(log));
      }
      if (logged.contains("Spark Connect server started at")) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
          return port;
        } catch (IOException notYet) {
          // logged before the socket is reachable: try again
        }
      }
      if (System.nanoTime() > deadline) {
        fail("Connect server not started on 127.0.0.1:" + port + " after " + SERVER_START_SECONDS + " s; log " + log + ":\n" + tail(log));
      }
      Thread.sleep(500);
    }
  }

  /** Runs {@link ConnectClientMain} on the Connect client's classpath; returns each check's fields. */
  private Map<String, String[]> runClient(int port, String p, String q) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx512m"));
    cmd.addAll(opens());
    cmd.addAll(List.of("-cp", String.join(File.pathSeparator, clientClasspath()),
        ConnectClientMain.class.getName(), "sc://127.0.0.1:" + port, TITANIC, p, q));
    Path out = workDir.resolve("client.out");
    Path err = workDir.resolve("client.err");
    Process client = start(cmd, out, err);
    if (!client.waitFor(CLIENT_SECONDS, TimeUnit.SECONDS)) {
      fail("Connect client did not finish in " + CLIENT_SECONDS + " s; stderr:\n" + tail(err) + "\nserver:\n" + tail(lastServerLog()));
    }
    String stdout = Files.readString(out);
    assertEquals(0, client.exitValue(), "Connect client failed; stdout:\n" + stdout + "\nstderr:\n" + tail(err)
        + "\nserver:\n" + tail(lastServerLog()));
    assertTrue(stdout.contains("CLIENT\torg.apache.spark.sql.connect."), "a Connect session, not a classic one:\n" + stdout);
    Map<String, String[]> checks = new LinkedHashMap<>();
    for (String line : stdout.split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length >= 3 && f[0].equals("CHECK")) checks.put(f[1], Arrays.copyOfRange(f, 2, f.length));
    }
    return checks;
  }

  /**
   * The client jar and the dependencies its pom declares, taken from the Maven SPARK_HOME (the same
   * jars at the same versions); none of Spark's classic modules (core, catalyst, sql) is among them.
   * Declared jars absent from the SPARK_HOME are the REPL's and annotation-only ones.
   */
  private static List<String> clientClasspath() throws IOException {
    Path dir = Paths.get(System.getProperty("connect.dir"));
    Path jar = only(dir, "spark-connect-client-jvm_2.13-", ".jar");
    Path pom = only(dir, "spark-connect-client-jvm_2.13-", ".pom");
    Path sparkHomeJars = Paths.get(System.getenv("SPARK_HOME"), "jars");
    List<String> cp = new ArrayList<>();
    cp.add(jar.toString());
    String deps = Files.readString(pom);
    deps = deps.substring(deps.indexOf("<dependencies>"), deps.indexOf("</dependencies>"));
    Matcher m = Pattern.compile("<dependency>.*?<artifactId>(.*?)</artifactId>.*?<version>(.*?)</version>.*?</dependency>",
        Pattern.DOTALL).matcher(deps);
    List<String> absent = new ArrayList<>();
    while (m.find()) {
      Path dep = sparkHomeJars.resolve(m.group(1) + "-" + m.group(2) + ".jar");
      if (Files.isRegularFile(dep)) cp.add(dep.toString());
      else absent.add(m.group(1));
    }
    List<String> unexpected = absent.stream().filter(a -> !List.of("scala-compiler", "jline", "java-diff-utils",
        "annotations-api", "jspecify", "j2objc-annotations", "unused", "spark-connect-shims_2.13").contains(a))
        .collect(Collectors.toList());
    assertTrue(unexpected.isEmpty(), "client dependencies not in " + sparkHomeJars + ": " + unexpected);
    for (String entry : cp) {
      String name = Paths.get(entry).getFileName().toString();
      assertFalse(name.matches("spark-(core|catalyst|sql)_2\\.13-.*"), "classic Spark on the client classpath: " + name);
    }
    // The compiled client program itself (test-classes), found through its class.
    try {
      cp.add(Paths.get(ConnectClientMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
    return cp;
  }

  private Process start(List<String> cmd, Path out, Path err) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectOutput(out.toFile());
    if (out.equals(err)) pb.redirectErrorStream(true);
    else pb.redirectError(err.toFile());
    Files.writeString(out.resolveSibling(out.getFileName() + ".cmd"), String.join(" ", cmd) + "\n");
    Process p = pb.start();
    children.add(p);
    return p;
  }

  private Path lastServerLog() throws IOException {
    try (var files = Files.list(workDir)) {
      return files.filter(f -> f.getFileName().toString().matches("server-\\d+\\.log"))
          .max(java.util.Comparator.comparing(Path::toString)).orElse(workDir.resolve("server-1.log"));
    }
  }

  private static void stop(Process p) {
    if (!p.isAlive()) return;
    p.destroy();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String java() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static List<String> opens() {
    return Arrays.stream(System.getProperty("connect.java.opens", "").trim().split("\\s+"))
        .filter(s -> !s.isEmpty()).collect(Collectors.toList());
  }

  /** Distinct free loopback ports: all held open until all are chosen. */
  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) s.close();
    }
  }

  private static Path only(Path dir, String prefix, String suffix) throws IOException {
    try (var files = Files.list(dir)) {
      List<Path> found = files.filter(f -> f.getFileName().toString().startsWith(prefix)
          && f.getFileName().toString().endsWith(suffix)).collect(Collectors.toList());
      assertEquals(1, found.size(), prefix + "*" + suffix + " in " + dir + ": " + found);
      return found.get(0);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  // ---- checks and expected values ----

  private static String[] ok(Map<String, String[]> checks, String name) {
    String[] c = checks.get(name);
    assertNotNull(c, name + " not run; checks: " + checks.keySet());
    assertEquals("OK", c[0], name + ": " + String.join(" ", c));
    return Arrays.copyOfRange(c, 1, c.length);
  }

  private static void assertError(Map<String, String[]> checks, String name, String condition) {
    String[] c = checks.get(name);
    assertNotNull(c, name + " not run; checks: " + checks.keySet());
    assertEquals("ERROR", c[0], name + " should fail: " + String.join(" ", c));
    assertTrue(c[1].contains(condition), name + ": expected " + condition + " in " + c[1]);
  }

  private static void close(double expected, String actual, double rel, String what) {
    double a = Double.parseDouble(actual);
    assertEquals(expected, a, Math.abs(expected) * rel, what);
  }

  /** P and Q as SQL double literals with mpmath's exact KL (nats) and JS distance (bits). */
  private record Golden64(String p, String q, double kl, double jsBits) {}

  /** golden/divergence_golden.csv: dirichlet_n64 (base e) and dirichlet_n64_base2, 64 entries. */
  private static Golden64 golden64() throws IOException {
    List<String> lines = Files.readAllLines(GOLDEN.resolve("divergence_golden.csv"));
    List<String> header = Arrays.asList(lines.get(0).split(",", -1));
    Map<String, String[]> rows = new HashMap<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      rows.put(f[0], f);
    }
    String[] e = rows.get("dirichlet_n64");
    String[] bits = rows.get("dirichlet_n64_base2");
    int p = header.indexOf("p");
    int q = header.indexOf("q");
    assertEquals(e[p], bits[p], "the two rows share P");
    double kl = Double.parseDouble(e[header.indexOf("kl")]);
    double js = Double.parseDouble(bits[header.indexOf("js_distance")]);
    return new Golden64(literals(e[p]), literals(e[q]), kl, js);
  }

  private static String literals(String spaceSeparated) {
    return Arrays.stream(spaceSeparated.split(" ")).map(v -> v + "D").collect(Collectors.joining(", "));
  }

  private static Map<String, Double> expected(String name) throws IOException {
    Map<String, Double> out = new HashMap<>();
    for (String l : Files.readAllLines(GOLDEN.resolve("expected.csv"))) {
      String[] f = l.split(",");
      if (f[0].equals(name)) out.put(f[1], Double.parseDouble(f[2]));
    }
    assertFalse(out.isEmpty(), name + " not in expected.csv");
    return out;
  }
}
