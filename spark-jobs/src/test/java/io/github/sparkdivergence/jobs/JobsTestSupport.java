package io.github.sparkdivergence.jobs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** One local[2] session for the test JVM (as the udfs tests do), and in-process job runs. */
final class JobsTestSupport {
  private static SparkSession spark;

  private JobsTestSupport() {}

  static synchronized SparkSession spark() {
    if (spark == null) {
      spark = SparkSession.builder()
          .master("local[2]")
          .appName("spark-divergence-jobs-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.warehouse.dir", Paths.get("target", "test-warehouse").toAbsolutePath().toString())
          .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }

  record Run(int exit, String out, String err) {
    @Override public String toString() { return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err; }
  }

  /** Runs {@code Main.run(args)} in this JVM against the shared session. */
  static Run run(String... args) {
    spark();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, o, e);
    }
    Run r = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.println("$ spark-divergence " + String.join(" ", args) + "\n" + r);
    return r;
  }

  /** Captures what the jobs' logger ("io.github.sparkdivergence.jobs") logs at WARN and above while open. */
  static final class LogCapture implements AutoCloseable {
    private final java.io.StringWriter buf = new java.io.StringWriter();
    private final org.apache.logging.log4j.core.appender.WriterAppender appender;
    private final org.apache.logging.log4j.core.Logger logger;

    LogCapture() {
      appender = org.apache.logging.log4j.core.appender.WriterAppender.newBuilder()
          .setName("capture-" + System.nanoTime()).setTarget(buf)
          .setLayout(org.apache.logging.log4j.core.layout.PatternLayout.newBuilder().withPattern("%p %m%n").build())
          .build();
      appender.start();
      logger = (org.apache.logging.log4j.core.Logger) org.apache.logging.log4j.LogManager.getLogger(JobContext.LOG.getName());
      logger.addAppender(appender);
    }

    String text() { return buf.toString(); }

    @Override public void close() {
      logger.removeAppender(appender);
      appender.stop();
    }
  }

  static Path samples() {
    String prop = System.getProperty("jobs.samples");
    if (prop != null) return Paths.get(prop).toAbsolutePath().normalize();
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("data-samples"))) return dir.resolve("data-samples");
    }
    throw new IllegalStateException("no data-samples above " + Paths.get("").toAbsolutePath());
  }

  static String sample(String name) { return samples().resolve(name).toString(); }

  /**
   * Starts {@code Main args} in a child JVM: this JVM's java, classpath and --add-opens flags,
   * {@code jvmOptions} (e.g. a log4j configuration), stdout and stderr both to {@code log}.
   */
  static Process childJvm(List<String> jvmOptions, Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Djdk.reflect")
          || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
    cmd.add("-Dspark.ui.enabled=false");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /** Lines of a small CSV file without quotes: header first. */
  static List<String[]> csv(String file) {
    try {
      List<String[]> rows = new ArrayList<>();
      for (String line : Files.readAllLines(Paths.get(file))) {
        if (!line.isEmpty()) rows.add(line.replace("\"", "").split(",", -1));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
