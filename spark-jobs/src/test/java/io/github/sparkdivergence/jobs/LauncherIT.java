package io.github.sparkdivergence.jobs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/spark-divergence itself, on the jar this build made: its own option --spark, its help, and
 * that the line asked for is the line that runs. An integration test because the launcher needs
 * the packaged jar; MVN=false in its environment makes a build attempt fail at once instead of
 * running Maven inside this Maven run. The class-data archive is off (SPARK_DIVERGENCE_CDS=0) but
 * in its own test, which records it if this build has none yet (~30 s).
 */
class LauncherIT {
  static final Path LAUNCHER = Paths.get(System.getProperty("jobs.launcher", "../bin/spark-divergence"));
  /** This build's line as --spark takes it, e.g. 4.1_2.13 (the pom passes spark-4.1_2.13). */
  static final String LINE = System.getProperty("jobs.launcher.line", "spark-4.1_2.13").replaceFirst("^spark-", "");
  static final String LINES = "4.1 (default), 4.0, 4.2, 3.5_2.13, 3.5_2.12";
  static final Path JAR = Paths.get(System.getProperty("jobs.jar", "target/spark-divergence-jobs-0.1.0-SNAPSHOT.jar"));

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {
    @Override public String toString() { return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err; }
  }

  Run launch(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("MVN", "false");
    pb.environment().put("SPARK_DIVERGENCE_CDS", "0");
    pb.environment().put("SPARK_DIVERGENCE_JAVA_OPTS", "-Xmx1g");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the launcher did not end");
    Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    System.out.println("$ spark-divergence " + String.join(" ", args) + "\n" + r);
    return r;
  }

  Run launch(String... args) throws Exception { return launch(Map.of(), args); }

  @Test
  void anUnknownLineFailsAtOnceNamingTheValidOnes() throws Exception {
    for (String bad : List.of("3.4", "3.5", "4.1_2.12", "")) {
      Run r = launch("--spark", bad, "mutual-info", "--input", "data.csv");
      assertEquals(JobException.USAGE, r.exit(), r.toString());
      assertEquals("spark-divergence: error: unknown Spark line '" + bad + "' for --spark (lines: " + LINES + ")",
          r.err().strip());
      assertEquals("", r.out());
    }
    Run r = launch("--spark=9", "--help");
    assertEquals(JobException.USAGE, r.exit(), r.toString());
    assertEquals("spark-divergence: error: unknown Spark line '9' for --spark (lines: " + LINES + ")", r.err().strip());
    Run none = launch("--spark");
    assertEquals(JobException.USAGE, none.exit(), none.toString());
    assertEquals("spark-divergence: error: --spark needs a Spark line (" + LINES + ")", none.err().strip());
  }

  @Test
  void helpListsTheJobsAndTheLauncherOptions() throws Exception {
    Run r = launch("--spark", LINE, "--help");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().startsWith("Usage: spark-divergence <job> [options]"), r.toString());
    for (String job : List.of("drift", "mutual-info", "score")) assertTrue(r.out().contains("  " + job + " "), r.toString());
    assertTrue(r.out().contains("--spark LINE"), r.toString());
    assertTrue(r.out().contains(LINES), r.toString());
    assertEquals("", r.err());
    Run usage = launch("--spark", LINE);
    assertEquals(JobException.USAGE, usage.exit(), usage.toString());
    assertTrue(usage.err().contains("Usage: spark-divergence <job>") && usage.err().contains("--spark LINE"), usage.toString());
  }

  /** The jar refuses to run on another line's Spark (SparkVersionCheck), so a clean error means jar and classpath agree. */
  @Test
  void theLineAskedForRunsOnItsOwnJarAndClasspath() throws Exception {
    String missing = tmp.resolve("nope.csv").toString();
    Run r = launch("--spark", LINE, "score", "--input", missing, "--p", "p", "--q", "q", "--output", tmp.resolve("o").toString());
    assertEquals(JobException.INPUT, r.exit(), r.toString());
    assertEquals("spark-divergence score: error: input path does not exist: " + missing, r.err().strip());
    assertEquals("", r.out());
  }

  /**
   * The class-data archive is recorded before the first job after a build (or is there already),
   * then every job start maps it without a word on stdout or stderr; the JVM's class-load log shows
   * where Main came from. SPARK_DIVERGENCE_CDS=0 runs without it.
   */
  @Test
  void theClassDataArchiveIsRecordedOnceThenMappedQuietly() throws Exception {
    String missing = tmp.resolve("nope.csv").toString();
    String error = "spark-divergence score: error: input path does not exist: " + missing;
    String[] args = {"--spark", LINE, "score", "--input", missing, "--p", "p", "--q", "q", "--output", tmp.resolve("o").toString()};
    Run first = launch(Map.of("SPARK_DIVERGENCE_CDS", "1"), args);
    assertEquals(JobException.INPUT, first.exit(), first.toString());
    assertTrue(first.err().strip().endsWith(error), first.toString());
    Path archive = JAR.toAbsolutePath().getParent().resolve("launcher/jobs-cds.jsa");
    assertTrue(Files.size(archive) > 10_000_000, archive + " is " + Files.size(archive) + " bytes");

    Path classes = tmp.resolve("classes-cds.txt");
    Run mapped = launch(Map.of("SPARK_DIVERGENCE_CDS", "1",
        "SPARK_DIVERGENCE_JAVA_OPTS", "-Xmx1g -Xlog:class+load=info:file=" + classes), args);
    assertEquals(JobException.INPUT, mapped.exit(), mapped.toString());
    assertEquals(error, mapped.err().strip(), "nothing but the error");
    assertEquals("", mapped.out());
    assertTrue(Files.readString(classes).contains("io.github.sparkdivergence.jobs.Main source: shared objects file (top)"),
        "Main from the archive; see " + classes);

    Path plain = tmp.resolve("classes-plain.txt");
    Run off = launch(Map.of("SPARK_DIVERGENCE_JAVA_OPTS", "-Xmx1g -Xlog:class+load=info:file=" + plain), args);
    assertEquals(error, off.err().strip());
    assertFalse(Files.readString(plain).contains("shared objects file (top)"), "no archive with SPARK_DIVERGENCE_CDS=0");
  }
}
