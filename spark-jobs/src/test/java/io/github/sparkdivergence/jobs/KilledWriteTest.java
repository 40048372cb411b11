package io.github.sparkdivergence.jobs;

import static io.github.sparkdivergence.jobs.JobsTestSupport.run;
import static io.github.sparkdivergence.jobs.JobsTestSupport.sample;
import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job killed with SIGKILL ({@code Process.destroyForcibly}) in a child JVM while it writes: the
 * old output is still there and readable, and a killed first run does not block the default-mode
 * rerun. The child runs {@code Main} with this JVM's java, classpath and --add-opens flags on a
 * generated input big enough (300,000 rows of two 16-element distributions) that the write takes
 * seconds; it is killed as soon as its hidden temporary sibling appears.
 */
class KilledWriteTest {
  static SparkSession spark;
  static final int ROWS = 300_000;

  @TempDir static Path shared;
  static String big;

  @TempDir Path tmp;

  @BeforeAll
  static void bigInput() {
    spark = JobsTestSupport.spark();
    big = shared.resolve("big.parquet").toString();
    spark.range(0, ROWS, 1, 4).selectExpr("id", "transform(sequence(1, 16), i -> rand() + 0.01) AS p",
        "transform(sequence(1, 16), i -> rand() + 0.01) AS q").write().parquet(big);
  }

  static Process child(Path log, String... args) throws IOException {
    return JobsTestSupport.childJvm(List.of(), log, args);
  }

  static Optional<Path> tempSibling(Path output) throws IOException {
    try (Stream<Path> s = Files.list(output.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith("." + output.getFileName() + ".spark-divergence-")
          && p.getFileName().toString().endsWith(".tmp")).findFirst();
    }
  }

  /** Starts the child job and SIGKILLs it once it writes (its temporary sibling exists); returns that sibling. */
  static Path killWhileWriting(Path output, Path log, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("score", "--input", big, "--p", "p", "--q", "q", "--normalize",
        "--metrics", "kl,reverse_kl,js,js_distance,jeffreys", "--master", "local[2]", "--output", output.toString()));
    args.addAll(List.of(extra));
    Process p = child(log, args.toArray(new String[0]));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      Optional<Path> sibling = Optional.empty();
      while (sibling.isEmpty()) {
        assertTrue(p.isAlive(), "the child ended before it wrote (exit " + (p.isAlive() ? "" : p.exitValue()) + "):\n"
            + Files.readString(log));
        assertTrue(System.nanoTime() < deadline, "no temporary sibling after 240 s:\n" + Files.readString(log));
        Thread.sleep(10);
        sibling = tempSibling(output);
      }
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not die");
      assertEquals(137, p.exitValue(), "killed by SIGKILL");
      assertTrue(Files.exists(sibling.get()), "killed while writing: the temporary sibling is still there");
      return sibling.get();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void killedOverwriteLeavesTheOldOutputIntact() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out")).resolve("scored.parquet");
    spark.range(7).selectExpr("id", "'old' AS marker").write().parquet(out.toString());
    Path sibling = killWhileWriting(out, tmp.resolve("child.log"), "--mode", "overwrite");
    assertTrue(Files.exists(out.resolve("_SUCCESS")), "the old output is still committed");
    var old = spark.read().parquet(out.toString());
    assertEquals(List.of("id", "marker"), List.of(old.columns()));
    assertEquals(7, old.filter("marker = 'old'").count(), "the old output is intact and readable");
    // the next run names the stale sibling (and leaves it: it is not known to be dead)
    try (JobsTestSupport.LogCapture log = new JobsTestSupport.LogCapture()) {
      JobsTestSupport.Run r = run("score", "--input", sample("distributions.jsonl"), "--p", "p", "--q", "q",
          "--output", out.toString(), "--mode", "overwrite");
      assertEquals(0, r.exit(), r.toString());
      assertTrue(log.text().contains("stale temporary output(s) of file:" + out + " left by a killed run: file:" + sibling),
          log.text());
    }
    assertEquals(400, spark.read().parquet(out.toString()).count());
    assertTrue(Files.exists(sibling));
  }

  @Test
  void aKilledFirstRunDoesNotBlockTheDefaultModeRerun() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("first")).resolve("scored.parquet");
    killWhileWriting(out, tmp.resolve("child.log"));
    assertFalse(Files.exists(out), "nothing at the output path: the write went to the hidden sibling");
    JobsTestSupport.Run r = run("score", "--input", sample("distributions.jsonl"), "--p", "p", "--q", "q",
        "--output", out.toString());
    assertEquals(0, r.exit(), r.toString());
    assertEquals(400, spark.read().parquet(out.toString()).count());
    assertTrue(new File(out.toFile(), "_SUCCESS").exists());
  }
}
