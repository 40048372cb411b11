package io.github.sparkdivergence.jobs;

import static io.github.sparkdivergence.jobs.JobsTestSupport.run;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The entry point, the arg parser and format detection; no Spark job runs here. */
class MainTest {

  @Test
  void usageAndHelp() {
    JobsTestSupport.Run none = run();
    assertEquals(2, none.exit());
    assertTrue(none.err().contains("Usage: spark-divergence <job>"), none.err());
    JobsTestSupport.Run help = run("--help");
    assertEquals(0, help.exit());
    for (String job : List.of("drift", "mutual-info", "score")) {
      assertTrue(help.out().contains(job), help.out());
      JobsTestSupport.Run h = run(job, "--help");
      assertEquals(0, h.exit(), h.toString());
      assertTrue(h.out().startsWith("Usage: spark-divergence " + job), h.out());
      assertTrue(h.out().contains("--output PATH"), h.out());
      assertTrue(h.out().contains("--mode MODE"), h.out());
      assertTrue(h.out().contains("--csv-neutralize-formulas"), h.out());
      assertTrue(h.out().contains("mode=FAILFAST"), h.out());
    }
    JobsTestSupport.Run unknown = run("drfit");
    assertEquals(2, unknown.exit());
    assertEquals("spark-divergence: error: unknown job 'drfit' (jobs: drift, mutual-info, profile, score)", unknown.err().strip());
  }

  @Test
  void parser() {
    List<JobArgs.Option> opts = List.of(JobArgs.Option.value("bins", "N", "x", "10"), JobArgs.Option.flag("verbose", "v"),
        JobArgs.Option.repeated("threshold", "M=V", "t"), JobArgs.Option.value("columns", "A,B", "c"));
    JobArgs a = JobArgs.parse("drift", opts, new String[] {"--bins=7", "--verbose", "--threshold", "psi=0.2",
        "--threshold", "js_distance=0.1", "--columns", " a, b "});
    assertEquals(7, a.intValue("bins", 2, 100));
    assertEquals(10, JobArgs.parse("drift", opts, new String[0]).intValue("bins", 2, 100), "the declared default");
    assertFalse(JobArgs.parse("drift", opts, new String[0]).has("bins"), "a default is not given");
    assertTrue(a.flag("verbose"));
    assertEquals(Map.of("psi", "0.2", "js_distance", "0.1"), a.pairs("threshold"));
    assertEquals(List.of("a", "b"), a.list("columns"));
    assertEquals(2, assertThrows(JobException.class, () -> JobArgs.parse("drift", opts, new String[] {"--bins"})).exitCode());
    assertThrows(JobException.class, () -> JobArgs.parse("drift", opts, new String[] {"--bins", "1", "--bins", "2"}));
    assertThrows(JobException.class, () -> JobArgs.parse("drift", opts, new String[] {"bins"}));
    assertThrows(JobException.class, () -> JobArgs.parse("drift", opts, new String[] {"--verbose=yes"}));
    JobException e = assertThrows(JobException.class,
        () -> JobArgs.parse("drift", opts, new String[] {"--bins", "1"}).intValue("bins", 2, 100));
    assertEquals("option --bins must be an integer in [2, 100] but was '1'", e.getMessage());
    assertThrows(JobException.class, () -> JobArgs.parse("drift", opts, new String[] {"--columns", "a,,b"}).list("columns"));
  }

  @Test
  void localModeSessionsGetOneShufflePartitionPerCore() {
    assertEquals(1, Main.localCores("local"));
    assertEquals(3, Main.localCores("local[3]"));
    assertEquals(2, Main.localCores("local[2,4]"));
    assertEquals(Runtime.getRuntime().availableProcessors(), Main.localCores("local[*]"));
    assertEquals(Runtime.getRuntime().availableProcessors(), Main.localCores("local[*,3]"));
    assertEquals(0, Main.localCores("local-cluster[2,1,1024]"));
    assertEquals(0, Main.localCores("spark://host:7077"));
    assertEquals(0, Main.localCores("yarn"));
    List<JobArgs.Option> opts = new ScoreJob().options();
    assertEquals("3", Main.sessionConf("score", JobArgs.parse("score", opts, new String[] {"--master", "local[3]"}))
        .get("spark.sql.shuffle.partitions"));
    assertEquals("7", Main.sessionConf("score", JobArgs.parse("score", opts, new String[] {"--master", "local[3]",
        "--conf", "spark.sql.shuffle.partitions=7"})).get("spark.sql.shuffle.partitions"), "--conf wins");
    assertFalse(Main.sessionConf("score", JobArgs.parse("score", opts, new String[] {"--master", "spark://host:7077"}))
        .contains("spark.sql.shuffle.partitions"), "a cluster keeps Spark's default");
  }

  @Test
  void formatFromName() {
    assertEquals("csv", JobOptions.formatFromName("x/flights.csv.gz"));
    assertEquals("json", JobOptions.formatFromName("a.JSONL"));
    assertEquals("parquet", JobOptions.formatFromName("out.parquet/"));
    assertEquals("parquet", JobOptions.formatFromName("part-00000-abc.snappy.parquet"));
    assertEquals("orc", JobOptions.formatFromName("t.orc"));
    assertNull(JobOptions.formatFromName("table_name"));
  }

  @Test
  void textTable() {
    String t = new TextTable(List.of("a", "n")).row("x", 1.5).row("long", Double.POSITIVE_INFINITY).render();
    assertTrue(t.contains("| x    | 1.5 |"), t);
    assertTrue(t.contains("| long | inf |"), t);
    assertEquals("1.2346e-05", TextTable.num(0.0000123456));
  }
}
