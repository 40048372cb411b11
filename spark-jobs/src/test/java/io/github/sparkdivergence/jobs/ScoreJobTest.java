package io.github.sparkdivergence.jobs;

import static io.github.sparkdivergence.jobs.DriftJobTest.assertFails;
import static io.github.sparkdivergence.jobs.JobsTestSupport.run;
import static io.github.sparkdivergence.jobs.JobsTestSupport.sample;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreJobTest {
  static SparkSession spark;
  static final String DISTS = sample("distributions.jsonl");
  static final String SCHEMA = "id INT, segment STRING, p ARRAY<DOUBLE>, q ARRAY<DOUBLE>, logp ARRAY<DOUBLE>, "
      + "logq ARRAY<DOUBLE>, p_map MAP<STRING,DOUBLE>, q_map MAP<STRING,DOUBLE>";

  @TempDir Path tmp;

  @BeforeAll
  static void session() { spark = JobsTestSupport.spark(); }

  static double kl(List<Double> p, List<Double> q) {
    double s = 0;
    for (int i = 0; i < p.size(); i++) if (p.get(i) > 0) s += p.get(i) * Math.log(p.get(i) / q.get(i));
    return s;
  }

  static double js(List<Double> p, List<Double> q) {
    double s = 0;
    for (int i = 0; i < p.size(); i++) {
      double m = (p.get(i) + q.get(i)) / 2;
      if (p.get(i) > 0) s += 0.5 * p.get(i) * Math.log(p.get(i) / m);
      if (q.get(i) > 0) s += 0.5 * q.get(i) * Math.log(q.get(i) / m);
    }
    return s;
  }

  @Test
  void arraysScoredPerRowWithGroupedSummary() {
    String out = tmp.resolve("scored.parquet").toString();
    String summary = tmp.resolve("summary.parquet").toString();
    JobsTestSupport.Run r = run("score", "--input", DISTS, "--p", "p", "--q", "q",
        "--metrics", "kl,reverse_kl,js,js_distance,entropy_p", "--group-by", "segment",
        "--output", out, "--summary-output", summary);
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("| segment | metric"), r.out());
    List<Row> rows = spark.read().parquet(out).orderBy("id").collectAsList();
    assertEquals(400, rows.size());
    int nulls = 0;
    Map<String, Integer> validPerSegment = new HashMap<>();
    Map<String, Integer> nullsPerSegment = new HashMap<>();
    for (Row row : rows) {
      List<Double> p = row.getList(row.fieldIndex("p"));
      List<Double> q = row.getList(row.fieldIndex("q"));
      int id = ((Number) row.get(row.fieldIndex("id"))).intValue();
      if (p.size() != q.size()) {
        assertEquals(99, id % 100, "only the generator's mismatched rows");
        assertTrue(row.isNullAt(row.fieldIndex("kl_div")), "invalid row scores NULL");
        nullsPerSegment.merge(row.getString(row.fieldIndex("segment")), 1, Integer::sum);
        nulls++;
        continue;
      }
      validPerSegment.merge(row.getString(row.fieldIndex("segment")), 1, Integer::sum);
      assertEquals(kl(p, q), row.getDouble(row.fieldIndex("kl_div")), 1e-12, "kl row " + id);
      assertEquals(kl(q, p), row.getDouble(row.fieldIndex("reverse_kl_div")), 1e-12, "reverse kl row " + id);
      assertEquals(js(p, q), row.getDouble(row.fieldIndex("js_div")), 1e-12, "js row " + id);
      assertEquals(Math.sqrt(js(p, q)), row.getDouble(row.fieldIndex("js_distance")), 1e-12, "js distance row " + id);
    }
    assertEquals(4, nulls);
    List<Row> s = spark.read().parquet(summary).filter("metric = 'kl_div'").orderBy("segment").collectAsList();
    assertEquals(4, s.size());
    double previousMean = 0;
    for (Row row : s) {
      String seg = row.getString(0);
      assertEquals((long) validPerSegment.get(seg), row.getLong(row.fieldIndex("count")), "count of " + seg);
      assertEquals((long) nullsPerSegment.getOrDefault(seg, 0), row.getLong(row.fieldIndex("nulls")), "nulls of " + seg);
      double mean = row.getDouble(row.fieldIndex("mean"));
      assertTrue(mean > previousMean, "the generator's tilt grows by segment");
      previousMean = mean;
      assertTrue(row.getDouble(row.fieldIndex("p50")) <= row.getDouble(row.fieldIndex("p90")));
      assertTrue(row.getDouble(row.fieldIndex("p99")) <= row.getDouble(row.fieldIndex("max")));
    }
  }

  @Test
  void mapsLogprobsAndLogitsAgreeWithArrays() {
    String arrays = tmp.resolve("a.parquet").toString();
    String maps = tmp.resolve("m.parquet").toString();
    String logs = tmp.resolve("l.parquet").toString();
    String logits = tmp.resolve("g.json").toString();
    assertEquals(0, run("score", "--input", DISTS, "--input-schema", SCHEMA, "--p", "p", "--q", "q",
        "--metrics", "kl", "--base", "2", "--output", arrays).exit());
    assertEquals(0, run("score", "--input", DISTS, "--input-schema", SCHEMA, "--p", "p_map", "--q", "q_map",
        "--metrics", "kl", "--base", "2", "--output", maps).exit());
    assertEquals(0, run("score", "--input", DISTS, "--input-schema", SCHEMA, "--p", "logp", "--q", "logq",
        "--input-kind", "logprobs", "--base", "2", "--output", logs).exit());
    // logits: log-probabilities are logits too (softmax gives the same distribution back)
    assertEquals(0, run("score", "--input", DISTS, "--input-schema", SCHEMA, "--p", "logp", "--q", "logq",
        "--input-kind", "logits", "--base", "2", "--output", logits, "--output-format", "json").exit());
    List<Row> a = spark.read().parquet(arrays).orderBy("id").collectAsList();
    List<Row> m = spark.read().parquet(maps).orderBy("id").collectAsList();
    List<Row> l = spark.read().parquet(logs).orderBy("id").collectAsList();
    List<Row> g = spark.read().schema("id INT, kl_div DOUBLE").json(logits).orderBy("id").collectAsList();
    for (int i = 0; i < 400; i++) {
      if (a.get(i).isNullAt(a.get(i).fieldIndex("kl_div"))) continue; // length mismatch rows
      double expected = a.get(i).getDouble(a.get(i).fieldIndex("kl_div"));
      assertEquals(expected, m.get(i).getDouble(m.get(i).fieldIndex("kl_div")), 1e-9, "map row " + i);
      assertEquals(expected, l.get(i).getDouble(l.get(i).fieldIndex("kl_div")), 1e-9, "logprobs row " + i);
      if (i % 7 != 0) { // rows with a -Infinity logit are the math core's edge case, not the job's
        assertEquals(expected, g.get(i).getDouble(1), 1e-9, "logits row " + i);
      }
    }
  }

  @Test
  void vectorsAndCsvOutput() {
    StructType schema = new StructType().add("k", DataTypes.StringType)
        .add("p", SQLDataTypes.VectorType()).add("q", SQLDataTypes.VectorType());
    List<Row> rows = List.of(
        RowFactory.create("x", Vectors.dense(0.5, 0.5), Vectors.dense(0.9, 0.1)),
        RowFactory.create("y", Vectors.sparse(3, new int[] {0}, new double[] {1.0}), Vectors.dense(0.5, 0.25, 0.25)));
    String in = tmp.resolve("vec.parquet").toString();
    spark.createDataFrame(rows, schema).write().parquet(in);
    String out = tmp.resolve("vec.csv").toString();
    JobsTestSupport.Run r = run("score", "--input", in, "--p", "p", "--q", "q", "--metrics", "kl_div,cross_entropy",
        "--output", out);
    assertEquals(0, r.exit(), r.toString());
    List<Row> back = spark.read().option("header", "true").option("inferSchema", "true").csv(out).orderBy("k").collectAsList();
    assertEquals(Math.log(0.5 / 0.9) * 0.5 + Math.log(0.5 / 0.1) * 0.5, back.get(0).getDouble(3), 1e-12);
    assertEquals(Math.log(2), back.get(1).getDouble(3), 1e-12);
    assertEquals(Math.log(2), back.get(1).getDouble(4), 1e-12, "cross-entropy -ln 0.5");
    assertEquals("[0.5,0.5]", back.get(0).getString(1), "vectors become JSON arrays in CSV");
  }

  /**
   * --strict failed with a message advising spark.sql.ansi.enabled=false; doing that gave exit 0
   * and NULL rows. Now strict whatever the ANSI setting, and the message names the row's problem.
   */
  @Test
  void strictFailsOnAnInvalidRowInOneLineWhateverTheAnsiSetting() {
    for (String ansi : new String[] {"true", "false"}) {
      spark.conf().set("spark.sql.ansi.enabled", ansi);
      try {
        JobsTestSupport.Run r = run("score", "--input", DISTS, "--p", "p", "--q", "q", "--strict",
            "--output", tmp.resolve("strict-" + ansi + ".parquet").toString());
        assertEquals(1, r.exit(), "ANSI " + ansi + ": " + r);
        assertTrue(r.err().contains("--strict: a row cannot be scored: kl_div: argument"), r.err());
        assertTrue(r.err().contains("without --strict such rows score NULL"), r.err());
        assertFalse(r.err().contains("ansi"), "no advice to turn ANSI off: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one error line: " + r.err());
      } finally {
        spark.conf().set("spark.sql.ansi.enabled", "true");
      }
    }
  }

  /** One infinite row made the group's mean inf and hid the rest. */
  @Test
  void summaryCountsInfiniteRowsAndSummarisesTheFiniteOnes() {
    String in = tmp.resolve("inf.json").toString();
    spark.sql("SELECT * FROM VALUES (1, array(0.5D, 0.5D), array(0.9D, 0.1D)), (2, array(0.5D, 0.5D), array(1.0D, 0.0D)),"
        + " (3, array(0.2D, 0.8D), array(0.5D, 0.5D)) AS t(id, p, q)").write().json(in);
    String summary = tmp.resolve("inf-summary.parquet").toString();
    JobsTestSupport.Run r = run("score", "--input", in, "--p", "p", "--q", "q", "--metrics", "kl",
        "--output", tmp.resolve("inf-out.parquet").toString(), "--summary-output", summary);
    assertEquals(0, r.exit(), r.toString());
    Row s = spark.read().parquet(summary).first();
    double kl1 = kl(List.of(0.5, 0.5), List.of(0.9, 0.1));
    double kl3 = kl(List.of(0.2, 0.8), List.of(0.5, 0.5));
    assertEquals(3L, s.getLong(s.fieldIndex("count")));
    assertEquals(1L, s.getLong(s.fieldIndex("infinite")));
    assertEquals(Double.POSITIVE_INFINITY, s.getDouble(s.fieldIndex("mean")));
    assertEquals((kl1 + kl3) / 2, s.getDouble(s.fieldIndex("finite_mean")), 1e-15);
    assertEquals(Math.max(kl1, kl3), s.getDouble(s.fieldIndex("finite_max")), 1e-15);
    assertEquals(Double.POSITIVE_INFINITY, s.getDouble(s.fieldIndex("max")));
    assertTrue(r.out().contains("finite_mean"), r.out());
  }

  @Test
  void badInputs() {
    String out = tmp.resolve("o.parquet").toString();
    assertFails(1, "input path does not exist", "score", "--input", "/no/such.jsonl", "--p", "p", "--q", "q", "--output", out);
    assertFails(1, "unknown column 'pp' in input", "score", "--input", DISTS, "--p", "pp", "--q", "q", "--output", out);
    assertFails(1, "column 'segment' has type string", "score", "--input", DISTS, "--p", "segment", "--q", "q", "--output", out);
    assertFails(1, "--input-kind vector needs an MLlib vector", "score", "--input", DISTS, "--p", "p", "--q", "q",
        "--input-kind", "vector", "--output", out);
    assertFails(2, "is not a metric for logprobs input", "score", "--input", DISTS, "--p", "logp", "--q", "logq",
        "--input-kind", "logprobs", "--metrics", "js", "--output", out);
    assertFails(2, "--base must be e or a number", "score", "--input", DISTS, "--p", "p", "--q", "q", "--base", "1",
        "--output", out);
    assertFails(2, "missing required option --output", "score", "--input", DISTS, "--p", "p", "--q", "q");
    String empty = tmp.resolve("empty.parquet").toString();
    spark.read().json(DISTS).limit(0).write().parquet(empty);
    assertFails(1, "input is empty", "score", "--input", empty, "--p", "p", "--q", "q", "--output", out);
  }
}
