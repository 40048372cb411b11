package io.github.sparkdivergence.jobs;

import static io.github.sparkdivergence.jobs.DriftJobTest.assertFails;
import static io.github.sparkdivergence.jobs.JobsTestSupport.run;
import static io.github.sparkdivergence.jobs.JobsTestSupport.sample;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14, job side: a job never writes over its inputs or one output over another, checks every
 * output before any work, swaps a path output in only when it is complete, and leaves nothing
 * behind when it fails. (The killed-JVM cases are in {@link KilledWriteTest}.)
 */
class OutputSafetyTest {
  static SparkSession spark;
  static final String DISTS = sample("distributions.jsonl");
  static final String TITANIC = sample("titanic.csv");

  @TempDir Path tmp;

  @BeforeAll
  static void session() { spark = JobsTestSupport.spark(); }

  static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** A committed score output of distributions.jsonl (400 rows) at {@code name}. */
  String scored(String name) {
    String out = tmp.resolve(name).toString();
    assertEquals(0, run("score", "--input", DISTS, "--p", "p", "--q", "q", "--output", out).exit());
    return out;
  }

  @Test
  void scoreRefusesAnOutputThatIsTheInputInAnySpelling() throws IOException {
    String self = scored("self.parquet");
    String rel = Path.of("").toAbsolutePath().relativize(Path.of(self)).toString();
    List<String> spellings = List.of(self, self + "/", self + "//", "file:" + self, "file://" + self,
        tmp + "/./x/../self.parquet", rel, "./" + rel + "/");
    for (String out : spellings) {
      assertFails(2, "--output " + out, "score", "--input", self, "--p", "p", "--q", "q", "--metrics", "js",
          "--output", out, "--mode", "overwrite");
    }
    JobsTestSupport.Run r = run("score", "--input", self, "--p", "p", "--q", "q", "--output", self, "--mode", "overwrite");
    assertTrue(r.err().contains("--output " + self + " (file:" + self + ") is --input " + self + " (file:" + self
        + "): a job never writes over an input; choose another path"), r.err());
    // the output containing the input, and lying inside it
    assertFails(2, "contains --input", "score", "--input", self, "--p", "p", "--q", "q",
        "--output", tmp.toString(), "--mode", "overwrite");
    assertFails(2, "is inside --input", "score", "--input", self, "--p", "p", "--q", "q",
        "--output", self + "/sub.parquet", "--mode", "overwrite");
    assertEquals(400, spark.read().parquet(self).count(), "the input is untouched");
    assertTrue(Files.exists(Path.of(self, "_SUCCESS")));
  }

  @Test
  void globInputsAreComparedByTheirParentAndEveryMatch() {
    String dir = tmp.resolve("parts").toString();
    scored("parts/a.parquet");
    scored("parts/b.parquet");
    String glob = dir + "/*.parquet";
    assertFails(2, "--output " + dir + " (file:" + dir + ") contains --input " + glob + " (file:" + dir + "/a.parquet)",
        "score", "--input", glob, "--p", "p", "--q", "q", "--output", dir, "--mode", "overwrite");
    // the glob's non-glob parent counts even when the glob matches nothing (yet)
    assertFails(2, "is --input " + dir + "/*.orc (file:" + dir + ")", "mutual-info", "--input", dir + "/*.orc",
        "--output", dir + "/", "--mode", "overwrite");
    assertFails(2, "contains --input " + glob, "score", "--input", glob, "--p", "p", "--q", "q",
        "--output", tmp.toString(), "--mode", "overwrite");
    assertFails(2, "is --input " + glob + " (file:" + dir + "/b.parquet)", "score", "--input", glob, "--p", "p",
        "--q", "q", "--output", dir + "/b.parquet", "--mode", "overwrite");
    assertFails(2, "is inside --input " + glob, "score", "--input", glob, "--p", "p", "--q", "q",
        "--output", dir + "/c.parquet");
    assertFails(2, "contains a glob character", "score", "--input", DISTS, "--p", "p", "--q", "q",
        "--output", dir + "/*.parquet");
    assertEquals(800, spark.read().parquet(glob).count());
  }

  @Test
  void mutualInfoAndDriftRefuseTheirInputsAsOutputs() {
    String self = tmp.resolve("t.parquet").toString();
    spark.read().option("header", "true").csv(TITANIC).write().parquet(self);
    assertFails(2, "--output " + self, "mutual-info", "--input", self, "--output", self, "--mode", "overwrite");
    assertFails(2, "is --reference", "drift", "--reference", self, "--current", TITANIC, "--output", self,
        "--mode", "overwrite");
    assertFails(2, "is --current", "drift", "--reference", TITANIC, "--current", self, "--output", self + "/",
        "--mode", "overwrite");
    assertFails(2, "--categories-output " + self + " (file:" + self + ") is --input", "drift", "--input", self,
        "--reference-filter", "Class = '1st'", "--current-filter", "Class = 'Crew'", "--categories-output", self,
        "--mode", "overwrite");
    assertEquals(2201, spark.read().parquet(self).count());
  }

  @Test
  void aCatalogTableIsNotWrittenOverWhileItIsRead() {
    spark.sql("DROP TABLE IF EXISTS safety_in");
    spark.read().json(DISTS).write().saveAsTable("safety_in");
    try {
      assertFails(2, "--output safety_in is the table --input safety_in reads", "score", "--input", "safety_in",
          "--p", "p", "--q", "q", "--output", "safety_in", "--output-format", "table", "--mode", "overwrite");
      assertFails(2, "is the table --input safety_in reads", "score", "--input", "safety_in",
          "--p", "p", "--q", "q", "--output", "DEFAULT.Safety_In", "--output-format", "table", "--mode", "overwrite");
      assertFails(2, "is the table --input safety_in reads", "mutual-info", "--input", "safety_in",
          "--columns", "id,segment", "--output", "spark_catalog.default.safety_in", "--output-format", "table",
          "--mode", "overwrite");
      // a path output at the table's location is the table too
      String location = spark.sql("DESCRIBE TABLE EXTENDED safety_in").filter("col_name = 'Location'").first().getString(1);
      assertFails(2, "is --input safety_in", "score", "--input", "safety_in", "--p", "p", "--q", "q",
          "--output", location, "--mode", "overwrite");
      assertEquals(400, spark.table("safety_in").count());
    } finally {
      spark.sql("DROP TABLE IF EXISTS safety_in");
    }
  }

  @Test
  void secondaryOutputsAreCheckedAgainstTheMainOneAndAllUpFront() throws IOException {
    String o = tmp.resolve("o").toString();
    assertFails(2, "--summary-output " + o + "/ (file:" + o + ") is --output " + o, "score", "--input", DISTS,
        "--p", "p", "--q", "q", "--output", o, "--summary-output", o + "/", "--mode", "overwrite");
    assertFails(2, "--summary-output " + o + "/s (file:" + o + "/s) is inside --output " + o, "score", "--input", DISTS,
        "--p", "p", "--q", "q", "--output", o, "--summary-output", o + "/s", "--mode", "overwrite");
    String d = tmp.resolve("d").toString();
    assertFails(2, "--categories-output " + d + " (file:" + d + ") is --output " + d, "drift", "--input", TITANIC,
        "--reference-filter", "Class = '1st'", "--current-filter", "Class = 'Crew'", "--output", d,
        "--categories-output", d, "--mode", "overwrite");
    assertFalse(Files.exists(Path.of(o)) || Files.exists(Path.of(d)), "nothing written");
    // an existing secondary output stops the job before it writes the main one
    Path cats = Files.createDirectories(tmp.resolve("cats"));
    Files.writeString(cats.resolve("_SUCCESS"), "");
    assertFails(1, "output path " + cats + " already exists (use --mode overwrite", "drift", "--input", TITANIC,
        "--reference-filter", "Class = '1st'", "--current-filter", "Class = 'Crew'", "--output", d,
        "--categories-output", cats.toString());
    assertFalse(Files.exists(Path.of(d)), "the main output is not written when a secondary one exists");
    String s = tmp.resolve("s.csv").toString();
    Files.createDirectories(Path.of(s));
    Files.writeString(Path.of(s, "_SUCCESS"), "");
    assertFails(1, "output path " + s + " already exists", "score", "--input", DISTS, "--p", "p", "--q", "q",
        "--output", o, "--summary-output", s);
    assertFalse(Files.exists(Path.of(o)));
    assertEquals(List.of("_SUCCESS"), entries(Path.of(s)));
  }

  @Test
  void overwriteSwapsTheNewOutputInAndLeavesNoSibling() throws IOException {
    String out = tmp.resolve("o.parquet").toString();
    spark.range(7).write().parquet(out);
    JobsTestSupport.Run r = run("score", "--input", DISTS, "--p", "p", "--q", "q", "--output", out, "--mode", "overwrite");
    assertEquals(0, r.exit(), r.toString());
    assertEquals(400, spark.read().parquet(out).count());
    assertTrue(Files.exists(Path.of(out, "_SUCCESS")));
    assertEquals(List.of("o.parquet"), entries(tmp), "no hidden .tmp/.old sibling left");
  }

  @Test
  void strictFailureLeavesNoOutputAndNoTemporary() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("strict"));
    String out = dir.resolve("strict.parquet").toString();
    JobsTestSupport.Run r = run("score", "--input", DISTS, "--p", "p", "--q", "q", "--strict", "--output", out);
    assertEquals(1, r.exit(), r.toString());
    assertEquals(List.of(), entries(dir), "no output, no _temporary, no hidden sibling");
    // and the default-mode rerun without --strict is not blocked
    assertEquals(0, run("score", "--input", DISTS, "--p", "p", "--q", "q", "--output", out).exit());
    assertEquals(400, spark.read().parquet(out).count());
  }

  @Test
  void aFailedRunsUncommittedDirectoryIsReplacedWithoutOverwrite() throws IOException {
    Path left = Files.createDirectories(tmp.resolve("left.parquet/_temporary/0/_temporary"));
    Path out = tmp.resolve("left.parquet");
    Files.writeString(out.resolve("part-00000-dead.snappy.parquet"), "half");
    Files.writeString(out.resolve(".part-00000-dead.snappy.parquet.crc"), "x");
    Files.writeString(left.resolve("attempt"), "x");
    try (JobsTestSupport.LogCapture log = new JobsTestSupport.LogCapture()) {
      JobsTestSupport.Run r = run("score", "--input", DISTS, "--p", "p", "--q", "q", "--output", out.toString());
      assertEquals(0, r.exit(), r.toString());
      assertTrue(log.text().contains("replacing file:" + out + ": it holds no committed output (no _SUCCESS), left by a "
          + "failed run"), log.text());
    }
    assertEquals(400, spark.read().parquet(out.toString()).count());
    assertFalse(Files.exists(out.resolve("_temporary")));
    assertFalse(Files.exists(out.resolve("part-00000-dead.snappy.parquet")));
    // an empty directory (a run killed before it wrote a file) is replaced too
    Path empty = Files.createDirectories(tmp.resolve("empty.csv"));
    assertEquals(0, run("mutual-info", "--input", TITANIC, "--output", empty.toString()).exit());
    assertTrue(Files.exists(empty.resolve("_SUCCESS")));
    // anything else in it: refused
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    assertFails(1, "output path " + other + " already exists", "mutual-info", "--input", TITANIC, "--output", other.toString());
    assertEquals(List.of("notes.txt"), entries(other));
    Path file = tmp.resolve("file.parquet");
    Files.writeString(file, "a file");
    assertFails(1, "output path " + file + " already exists", "mutual-info", "--input", TITANIC, "--output", file.toString());
  }

  @Test
  void staleSiblingsOfAKilledRunAreNamedNotDeleted() throws IOException {
    Path out = tmp.resolve("r.parquet");
    Path stale = Files.createDirectories(tmp.resolve(".r.parquet.spark-divergence-1234.tmp/_temporary"));
    try (JobsTestSupport.LogCapture log = new JobsTestSupport.LogCapture()) {
      assertEquals(0, run("mutual-info", "--input", TITANIC, "--output", out.toString()).exit());
      assertTrue(log.text().contains("WARN mutual-info: stale temporary output(s) of file:" + out + " left by a killed run: file:"
          + stale.getParent()), log.text());
    }
    assertTrue(Files.exists(stale), "not ours to delete: another run may be writing through it");
  }

  @Test
  void csvNeutralizeFormulasQuotesStringCellsOnly() throws IOException {
    Path in = tmp.resolve("cells.json");
    Files.writeString(in, String.join("\n",
        "{\"id\":1,\"name\":\"=cmd|' /C calc'!A0\",\"p\":[0.5,0.5],\"q\":[0.9,0.1],\"x\":-1.5}",
        "{\"id\":2,\"name\":\"+1\",\"p\":[0.5,0.5],\"q\":[0.5,0.5],\"x\":2}",
        "{\"id\":3,\"name\":\"-2\",\"p\":[0.5,0.5],\"q\":[0.5,0.5],\"x\":-3}",
        "{\"id\":4,\"name\":\"@SUM(A1)\",\"p\":[0.5,0.5],\"q\":[0.5,0.5],\"x\":0}",
        "{\"id\":5,\"name\":\"\\tx\",\"p\":[0.5,0.5],\"q\":[0.5,0.5],\"x\":0}",
        "{\"id\":6,\"name\":\"\\rx\",\"p\":[0.5,0.5],\"q\":[0.5,0.5],\"x\":0}",
        "{\"id\":7,\"name\":\"plain = text\",\"p\":[0.5,0.5],\"q\":[0.5,0.5],\"x\":0}") + "\n");
    String plain = tmp.resolve("plain.csv").toString();
    String safe = tmp.resolve("safe.csv").toString();
    assertEquals(0, run("score", "--input", in.toString(), "--p", "p", "--q", "q", "--output", plain).exit());
    assertEquals(0, run("score", "--input", in.toString(), "--p", "p", "--q", "q", "--output", safe,
        "--csv-neutralize-formulas").exit());
    List<Row> p = spark.read().option("header", "true").option("multiLine", "true").csv(plain).orderBy("id").collectAsList();
    List<Row> s = spark.read().option("header", "true").option("multiLine", "true").csv(safe).orderBy("id").collectAsList();
    assertEquals("=cmd|' /C calc'!A0", p.get(0).getString(p.get(0).fieldIndex("name")), "verbatim by default");
    List<String> expected = List.of("'=cmd|' /C calc'!A0", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "plain = text");
    List<String> names = new ArrayList<>();
    for (Row r : s) names.add(r.getString(r.fieldIndex("name")));
    assertEquals(expected, names);
    assertEquals("-1.5", s.get(0).getString(s.get(0).fieldIndex("x")), "numbers keep their minus sign");
    assertEquals("[0.5,0.5]", s.get(0).getString(s.get(0).fieldIndex("p")), "JSON text of arrays untouched");
    // drift: the category labels in --categories-output (data values) are neutralised too
    String cats = tmp.resolve("cats.csv").toString();
    // every name is on one side only: the column drifts (exit 3), and the outputs are written first
    assertEquals(JobException.DRIFT, run("drift", "--input", in.toString(), "--reference-filter", "id <= 4", "--current-filter",
        "id > 4", "--columns", "name", "--categories-output", cats, "--csv-neutralize-formulas").exit());
    List<String> labels = new ArrayList<>();
    for (Row r : spark.read().option("header", "true").option("multiLine", "true").csv(cats).collectAsList()) labels.add(r.getString(1));
    assertTrue(labels.contains("'=cmd|' /C calc'!A0") && labels.contains("'-2") && !labels.contains("-2"), labels.toString());
    assertFails(2, "--csv-neutralize-formulas applies to CSV outputs", "score", "--input", DISTS, "--p", "p", "--q", "q",
        "--output", tmp.resolve("x.parquet").toString(), "--csv-neutralize-formulas");
  }
}
