package io.github.sparkdivergence.jobs;

import static io.github.sparkdivergence.jobs.JobsTestSupport.sample;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes that need no Spark are reported before the session starts: each case runs {@code Main}
 * in a child JVM (no session to reuse there) whose log4j configuration shows SparkContext's INFO
 * line "Running Spark version", and asserts the exit status, the one-line error and that this line
 * is absent. The control case (a name that may be a catalog table needs the session) shows the
 * line is there when a session does start.
 */
class FailFastTest {
  static final String SPARK_STARTED = "Running Spark version";

  @TempDir static Path dir;
  static Path log4j;

  @TempDir Path tmp;

  @BeforeAll
  static void logConfig() throws Exception {
    log4j = dir.resolve("log4j2-failfast.properties");
    Files.writeString(log4j, String.join("\n",
        "rootLogger.level = warn",
        "rootLogger.appenderRef.stderr.ref = console",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.target = SYSTEM_ERR",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = %p %c{1}: %m%n",
        "logger.context.name = org.apache.spark.SparkContext",
        "logger.context.level = info",
        ""));
  }

  record Child(int exit, String log) {}

  Child run(String... args) throws Exception {
    Path log = Files.createTempFile(tmp, "child", ".log");
    Process p = JobsTestSupport.childJvm(List.of("-Dlog4j2.configurationFile=" + log4j.toUri()), log, args);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the child did not end");
    Child c = new Child(p.exitValue(), Files.readString(log));
    System.out.println("$ spark-divergence " + String.join(" ", args) + "\nexit " + c.exit() + "\n" + c.log());
    return c;
  }

  static void assertNoSpark(Child c) {
    assertFalse(c.log().contains(SPARK_STARTED), "a SparkContext was started:\n" + c.log());
  }

  @Test
  void aMissingInputPathFailsBeforeSparkStarts() throws Exception {
    String missing = tmp.resolve("nope.parquet").toString();
    Child c = run("score", "--input", missing, "--p", "p", "--q", "q", "--output", tmp.resolve("out").toString());
    assertEquals(JobException.INPUT, c.exit(), c.log());
    assertTrue(c.log().contains("spark-divergence score: error: input path does not exist: " + missing), c.log());
    assertNoSpark(c);
  }

  @Test
  void aMissingDriftInputFailsBeforeSparkStarts() throws Exception {
    String missing = tmp.resolve("current.csv").toString();
    Child c = run("drift", "--reference", sample("titanic.csv"), "--current", missing);
    assertEquals(JobException.INPUT, c.exit(), c.log());
    assertTrue(c.log().contains("spark-divergence drift: error: current path does not exist: " + missing), c.log());
    assertNoSpark(c);
  }

  @Test
  void anExistingOutputWithoutModeOverwriteFailsBeforeSparkStarts() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("scored.parquet"));
    Files.writeString(out.resolve("_SUCCESS"), ""); // a committed output
    Files.writeString(out.resolve("part-00000.parquet"), "x");
    Child c = run("score", "--input", sample("distributions.jsonl"), "--p", "p", "--q", "q", "--output", out.toString());
    assertEquals(JobException.INPUT, c.exit(), c.log());
    assertTrue(c.log().contains("spark-divergence score: error: output path " + out
        + " already exists (use --mode overwrite to replace it)"), c.log());
    assertNoSpark(c);
  }

  @Test
  void anOutputInsideTheInputFailsBeforeSparkStarts() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.copy(Path.of(sample("titanic.csv")), in.resolve("titanic.csv"));
    String out = in.resolve("mi").toString();
    Child c = run("mutual-info", "--input", in.toString(), "--target", "Survived", "--output", out);
    assertEquals(JobException.USAGE, c.exit(), c.log());
    assertTrue(c.log().contains("spark-divergence mutual-info: error: --output " + out + " (file:" + out
        + ") is inside --input " + in), c.log());
    assertNoSpark(c);
    assertFalse(Files.exists(Path.of(out)));
  }

  @Test
  void anExistingReportFailsBeforeSparkStarts() throws Exception {
    Path report = Files.writeString(tmp.resolve("mi.html"), "previous");
    Child c = run("mutual-info", "--input", sample("titanic.csv"), "--target", "Survived", "--report", report.toString());
    assertEquals(JobException.INPUT, c.exit(), c.log());
    assertTrue(c.log().contains("spark-divergence mutual-info: error: --report " + report
        + " already exists (use --mode overwrite to replace it)"), c.log());
    assertNoSpark(c);
    assertEquals("previous", Files.readString(report));
  }

  @Test
  void aBadFlagValueFailsBeforeSparkStarts() throws Exception {
    Child c = run("mutual-info", "--input", sample("titanic.csv"), "--bins", "1");
    assertEquals(JobException.USAGE, c.exit(), c.log());
    assertTrue(c.log().contains("spark-divergence mutual-info: error: option --bins must be an integer in [2, 10000] but was '1'"),
        c.log());
    assertNoSpark(c);
  }

  /** The control: a missing name that may be a catalog table is looked up in the catalog, so Spark starts. */
  @Test
  void aNameThatMayBeATableStartsTheSessionToLookItUp() throws Exception {
    Child c = run("mutual-info", "--input", "no_such_table_ff", "--master", "local[1]");
    assertEquals(JobException.INPUT, c.exit(), c.log());
    assertTrue(c.log().contains("spark-divergence mutual-info: error: input path does not exist: no_such_table_ff"), c.log());
    assertTrue(c.log().contains(SPARK_STARTED), "the session should have started:\n" + c.log());
  }
}
