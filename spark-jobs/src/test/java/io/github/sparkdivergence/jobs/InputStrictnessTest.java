package io.github.sparkdivergence.jobs;

import static io.github.sparkdivergence.jobs.DriftJobTest.assertFails;
import static io.github.sparkdivergence.jobs.JobsTestSupport.run;
import static io.github.sparkdivergence.jobs.JobsTestSupport.sample;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14, input side: malformed CSV/JSON fails by default and the corrupt-record column is never
 * data; unreadable input files are bad input (exit 1); a numeric column with no usable value gets
 * one bucket; a repeated --threshold is a usage error.
 */
class InputStrictnessTest {
  static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void session() { spark = JobsTestSupport.spark(); }

  Path file(String name, String text) throws Exception {
    return Files.writeString(tmp.resolve(name), text);
  }

  @Test
  void malformedCsvAndJsonFailUnlessPermissive() throws Exception {
    String csv = file("bad.csv", "a,b\n1,x\n2,y\n3,4,5,6\n4,z\n").toString();
    assertFails(1, "has a malformed csv record; to read malformed rows as nulls, give --option mode=PERMISSIVE",
        "mutual-info", "--input", csv);
    JobsTestSupport.Run r = run("mutual-info", "--input", csv, "--option", "mode=PERMISSIVE");
    assertEquals(0, r.exit(), r.toString());
    String json = file("mixed.json", "{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":\"y\"}\nnot json\n{\"a\":3,\"b\":\"x\"}\n").toString();
    assertFails(1, "input " + json + " has a malformed json record; to read malformed rows as nulls, give --option "
        + "mode=PERMISSIVE", "mutual-info", "--input", json);
    // mixed types under a schema: the row that does not fit is malformed too
    String typed = file("typed.json", "{\"a\":1,\"b\":\"x\"}\n{\"a\":\"two\",\"b\":\"y\"}\n").toString();
    assertFails(1, "has a malformed json record", "mutual-info", "--input", typed, "--input-schema", "a INT, b STRING");
    assertFails(1, "has a malformed json record", "drift", "--reference", typed, "--current", json,
        "--input-schema", "a INT, b STRING");
    String dists = file("dists.json", "{\"p\":[0.5,0.5],\"q\":[0.9,0.1]}\n{\"p\":\"half\",\"q\":[0.5,0.5]}\n").toString();
    // Spark 4 also names the file (FAILED_READ_FILE); Spark 3.5's message does not
    String fileNamed = org.apache.spark.package$.MODULE$.SPARK_VERSION().startsWith("3.") ? "" : " (file://" + dists + ")";
    assertFails(1, "input " + dists + fileNamed + " has a malformed json record", "score", "--input", dists,
        "--input-schema", "p ARRAY<DOUBLE>, q ARRAY<DOUBLE>", "--p", "p", "--q", "q",
        "--output", tmp.resolve("o.parquet").toString());
    assertFalse(Files.exists(tmp.resolve("o.parquet")));
  }

  @Test
  void theCorruptRecordColumnIsNeverData() throws Exception {
    String json = file("mixed.json", "{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":\"y\"}\nnot json\n{\"a\":3,\"b\":\"x\"}\n").toString();
    String out = tmp.resolve("mi.parquet").toString();
    try (JobsTestSupport.LogCapture log = new JobsTestSupport.LogCapture()) {
      JobsTestSupport.Run r = run("mutual-info", "--input", json, "--option", "mode=PERMISSIVE", "--output", out);
      assertEquals(0, r.exit(), r.toString());
      assertTrue(log.text().contains("has malformed rows: column _corrupt_record holds them as text and is not used as data"),
          log.text());
    }
    List<Row> pairs = spark.read().parquet(out).collectAsList();
    assertEquals(1, pairs.size(), "only a-b, not _corrupt_record: " + pairs);
    assertEquals(List.of("a", "b"), List.of(pairs.get(0).getString(0), pairs.get(0).getString(1)).stream().sorted().toList());
    assertFails(1, "column '_corrupt_record' of input is the reader's corrupt-record column", "mutual-info",
        "--input", json, "--option", "mode=PERMISSIVE", "--target", "_corrupt_record");
    assertFails(1, "column '_corrupt_record' of input is the reader's corrupt-record column", "mutual-info",
        "--input", json, "--option", "mode=PERMISSIVE", "--columns", "a,_corrupt_record");
    assertFails(1, "column 'bad' of input is the reader's corrupt-record column", "mutual-info",
        "--input", json, "--option", "mode=PERMISSIVE", "--option", "columnNameOfCorruptRecord=bad", "--columns", "a,bad");
    assertFails(1, "column '_corrupt_record' of reference is the reader's corrupt-record column", "drift",
        "--reference", json, "--current", json, "--option", "mode=PERMISSIVE", "--columns", "_corrupt_record");
    String drift = tmp.resolve("drift.parquet").toString();
    assertEquals(0, run("drift", "--reference", json, "--current", json, "--option", "mode=PERMISSIVE",
        "--output", drift).exit());
    List<String> compared = new ArrayList<>();
    for (Row r : spark.read().parquet(drift).collectAsList()) compared.add(r.getString(0));
    assertEquals(List.of("a", "b"), compared.stream().sorted().toList(), "drift leaves it out of its default columns");
  }

  @Test
  void unreadableInputFilesAreBadInputNamingTheFile() throws Exception {
    byte[] garbage = new byte[4096];
    new Random(14).nextBytes(garbage);
    Path parquet = Files.write(tmp.resolve("x.parquet"), garbage);
    Path empty = Files.write(tmp.resolve("x.csv"), new byte[0]);
    Path noExt = Files.write(tmp.resolve("blob"), garbage);
    for (String job : List.of("mutual-info", "score", "drift")) {
      for (Path f : List.of(parquet, empty, noExt)) {
        List<String> args = new ArrayList<>(List.of(job));
        args.addAll(job.equals("drift") ? List.of("--reference", f.toString(), "--current", f.toString())
            : List.of("--input", f.toString()));
        if (job.equals("score")) args.addAll(List.of("--p", "p", "--q", "q", "--output", tmp.resolve("o").toString()));
        JobsTestSupport.Run r = run(args.toArray(new String[0]));
        assertEquals(1, r.exit(), r.toString());
        String line = r.err().lines().filter(l -> l.startsWith("spark-divergence")).findFirst().orElseThrow();
        assertTrue(line.contains(f.toString()), "names the file: " + line);
        assertFalse(r.err().contains("\tat "), r.err());
      }
    }
    assertFails(1, "input " + empty + " has no columns: an empty or unreadable csv file", "mutual-info", "--input", empty.toString());
  }

  @Test
  void numericColumnsWithNoUsableValue() {
    StructType schema = new StructType().add("nan", DataTypes.DoubleType).add("nul", DataTypes.DoubleType)
        .add("x", DataTypes.DoubleType).add("s", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) rows.add(RowFactory.create(Double.NaN, null, (double) (i % 13), i % 2 == 0 ? "a" : "b"));
    String in = tmp.resolve("empty-cols.parquet").toString();
    spark.createDataFrame(rows, schema).write().parquet(in);
    String out = tmp.resolve("mi.parquet").toString();
    JobsTestSupport.Run r = run("mutual-info", "--input", in, "--output", out);
    assertEquals(0, r.exit(), r.toString());
    List<Row> pairs = spark.read().parquet(out).collectAsList();
    assertEquals(6, pairs.size());
    for (Row p : pairs) {
      String a = p.getString(0);
      String b = p.getString(1);
      if (List.of(a, b).contains("nan") || List.of(a, b).contains("nul")) {
        assertEquals(0.0, p.getDouble(p.fieldIndex("mi")), 1e-15, a + "," + b);
        assertEquals(0.0, p.getDouble(p.fieldIndex(List.of("nan", "nul").contains(a) ? "h_a" : "h_b")), 1e-15);
      }
    }
    assertEquals(0, run("mutual-info", "--input", in, "--target", "nan").exit());
    // drift copes as before, now through the same binning
    String drift = tmp.resolve("drift.parquet").toString();
    assertEquals(0, run("drift", "--reference", in, "--current", in, "--output", drift).exit());
    assertEquals(4, spark.read().parquet(drift).filter("js_divergence = 0").count());
  }

  @Test
  void aRepeatedThresholdForOneMetricIsAUsageError() {
    String titanic = sample("titanic.csv");
    assertFails(2, "threshold given twice for psi (0.1 and 0.3): give one value per measure", "drift", "--input", titanic,
        "--reference-filter", "Class = '1st'", "--current-filter", "Class = 'Crew'",
        "--threshold", "psi=0.1", "--threshold", "PSI=0.3");
  }
}
