package io.github.sparkdivergence.jobs;

import static io.github.sparkdivergence.jobs.DriftJobTest.assertFails;
import static io.github.sparkdivergence.jobs.JobsTestSupport.run;
import static io.github.sparkdivergence.jobs.JobsTestSupport.sample;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end. Values are recomputed here from the raw file (entropies, MI, G, dof, p-value
 * of the G-test); the job only passes them through from the MutualInformation API, so these tests
 * also pin that API's results on all-categorical data, where no binning is involved.
 */
class MutualInfoJobTest {
  static SparkSession spark;
  static final String TITANIC = sample("titanic.csv");

  @TempDir Path tmp;

  @BeforeAll
  static void session() { spark = JobsTestSupport.spark(); }

  static double entropy(Map<String, Long> counts, long n) {
    double h = 0;
    for (long c : counts.values()) {
      double p = (double) c / n;
      h -= p * Math.log(p);
    }
    return h;
  }

  /** {h_a, h_b, h_ab, mi, g, dof, p_value} by hand for two columns of titanic.csv. */
  static double[] byHand(int a, int b) {
    List<String[]> rows = JobsTestSupport.csv(TITANIC);
    Map<String, Long> ca = new HashMap<>();
    Map<String, Long> cb = new HashMap<>();
    Map<String, Long> cab = new HashMap<>();
    long n = 0;
    for (String[] r : rows.subList(1, rows.size())) {
      ca.merge(r[a], 1L, Long::sum);
      cb.merge(r[b], 1L, Long::sum);
      cab.merge(r[a] + "\u0000" + r[b], 1L, Long::sum);
      n++;
    }
    double ha = entropy(ca, n);
    double hb = entropy(cb, n);
    double hab = entropy(cab, n);
    double mi = ha + hb - hab;
    // G = 2 sum O ln(O / E), computed from the contingency table, not from mi
    double g = 0;
    for (Map.Entry<String, Long> e : cab.entrySet()) {
      String[] k = e.getKey().split("\u0000");
      double expected = (double) ca.get(k[0]) * cb.get(k[1]) / n;
      g += 2 * e.getValue() * Math.log(e.getValue() / expected);
    }
    int dof = (ca.size() - 1) * (cb.size() - 1);
    double pValue = 1 - new ChiSquaredDistribution(dof).cumulativeProbability(g);
    return new double[] {ha, hb, hab, mi, g, dof, pValue, n};
  }

  static Row pair(List<Row> rows, String x, String y) {
    for (Row r : rows) {
      if (Set.of(r.getString(r.fieldIndex("col_a")), r.getString(r.fieldIndex("col_b"))).equals(Set.of(x, y))) return r;
    }
    throw new AssertionError("no pair " + x + ", " + y + " in " + rows);
  }

  static void check(Row r, String a, double[] e) {
    boolean swapped = !r.getString(r.fieldIndex("col_a")).equals(a);
    assertEquals((long) e[7], ((Number) r.get(r.fieldIndex("n"))).longValue(), "n");
    assertEquals(swapped ? e[1] : e[0], r.getDouble(r.fieldIndex("h_a")), 1e-9, "h_a");
    assertEquals(swapped ? e[0] : e[1], r.getDouble(r.fieldIndex("h_b")), 1e-9, "h_b");
    assertEquals(e[2], r.getDouble(r.fieldIndex("h_ab")), 1e-9, "h_ab");
    assertEquals(e[3], r.getDouble(r.fieldIndex("mi")), 1e-9, "mi");
    assertEquals(e[4], r.getDouble(r.fieldIndex("g")), 1e-6, "g");
    assertEquals((long) e[5], ((Number) r.get(r.fieldIndex("dof"))).longValue(), "dof");
    assertEquals(e[6], r.getDouble(r.fieldIndex("p_value")), 1e-9, "p_value");
    double nmi = r.getDouble(r.fieldIndex("nmi"));
    assertTrue(nmi >= 0 && nmi <= 1 + 1e-12, "nmi in [0, 1]: " + nmi);
  }

  @Test
  void titanicFeaturesRankedBySurvival() {
    String out = tmp.resolve("mi.parquet").toString();
    JobsTestSupport.Run r = run("mutual-info", "--input", TITANIC, "--target", "Survived", "--output", out);
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("with target Survived"), r.out());
    List<Row> rows = spark.read().parquet(out).collectAsList();
    assertEquals(3, rows.size(), "Class, Sex, Age against Survived");
    // header: Class, Sex, Age, Survived
    check(pair(rows, "Class", "Survived"), "Class", byHand(0, 3));
    check(pair(rows, "Sex", "Survived"), "Sex", byHand(1, 3));
    check(pair(rows, "Age", "Survived"), "Age", byHand(2, 3));
    // printed sorted by MI: Sex is the strongest
    int sex = r.out().indexOf("| Sex");
    int klass = r.out().indexOf("| Class");
    int age = r.out().indexOf("| Age");
    assertTrue(sex >= 0 && sex < klass && klass < age, r.out());
    assertTrue(r.out().contains("| compute"), r.out());
  }

  /**
   * Ranked by raw MI, a column with one value per row wins by construction (on birdstrikes
   * flight_date ranked first: MI 0.35, AMI 0.002). Ranked by AMI, the real dependence wins; the
   * id is flagged, dates stay out unless named, and --rank-by mi still gives the raw order.
   */
  @Test
  void ranksByAmiAndFlagsIdLikeColumns() throws IOException {
    String in = tmp.resolve("ids.parquet").toString();
    // y: 0/1; x: equals y on 4 rows of 5; id: unique; day: a date per row; one: constant
    spark.range(0, 400).selectExpr("CAST(id % 2 AS STRING) AS y", "CAST(IF(id % 5 = 0, 1 - id % 2, id % 2) AS STRING) AS x",
        "CONCAT('u', id) AS id", "DATE_ADD(DATE'2024-01-01', CAST(id AS INT)) AS day", "'k' AS one").write().parquet(in);
    String out = tmp.resolve("ranked.parquet").toString();
    JobsTestSupport.Run r = run("mutual-info", "--input", in, "--target", "y", "--output", out);
    assertEquals(0, r.exit(), r.toString());
    List<Row> rows = spark.read().parquet(out).collectAsList();
    assertEquals(List.of("x", "id", "one"), rows.stream().map(row -> row.getString(row.fieldIndex("col_b"))).toList(),
        "ranked by ami, written in that order, the constant column last; day left out");
    Row id = pair(rows, "id", "y");
    Row x = pair(rows, "x", "y");
    assertTrue(id.getDouble(id.fieldIndex("mi")) > x.getDouble(x.fieldIndex("mi")), "raw MI favours the id");
    assertTrue(id.getDouble(id.fieldIndex("ami")) < x.getDouble(x.fieldIndex("ami")), "AMI does not");
    assertEquals(400L, id.getLong(id.fieldIndex("levels_b")));
    assertEquals(2L, id.getLong(id.fieldIndex("levels_a")));
    assertTrue(r.out().contains("ranked by ami"), r.out());
    assertTrue(r.out().contains("ID-like column id: 400 distinct values in 400 rows"), r.out());
    assertFalse(r.out().contains("ID-like column x"), r.out());
    assertTrue(r.out().contains("Constant column one: one level in 400 rows"), r.out());
    assertTrue(r.out().indexOf("| x ") < r.out().indexOf("| id "), r.out());

    JobsTestSupport.Run raw = run("mutual-info", "--input", in, "--target", "y", "--rank-by", "mi", "--columns", "x,id,day");
    assertEquals(0, raw.exit(), raw.toString());
    assertTrue(raw.out().indexOf("| id ") < raw.out().indexOf("| x "), raw.out());
    assertTrue(raw.out().contains("| day "), "a date column named in --columns is used: " + raw.out());
    Path map = tmp.resolve("map.html");
    JobsTestSupport.Run matrix = run("mutual-info", "--input", in, "--columns", "x,y,one", "--report", map.toString());
    assertEquals(0, matrix.exit(), matrix.toString());
    String heat = Files.readString(map);
    assertEquals(3 + 4, count(heat, "<td class=\"na\"></td>"), "the diagonal and both cells of one's two pairs: " + heat);
    assertTrue(heat.contains("blank: the diagonal, pairs with a constant column, pairs without a value"), heat);
    JobsTestSupport.Run byP = run("mutual-info", "--input", in, "--target", "y", "--rank-by", "p_value");
    assertTrue(byP.out().indexOf("| x ") < byP.out().indexOf("| id "), "smallest p-value first: " + byP.out());
    assertFails(2, "--rank-by must be one of ami, mi, nmi, g, p_value", "mutual-info", "--input", in, "--target", "y",
        "--rank-by", "entropy");
  }

  @Test
  void pairwiseMatrixWithNumericBinning() {
    String out = tmp.resolve("pairs.json").toString();
    JobsTestSupport.Run r = run("mutual-info", "--input", sample("flights_2001_jan_jun.csv"),
        "--columns", "delay,distance,origin", "--bins", "5", "--output", out);
    assertEquals(0, r.exit(), r.toString());
    List<Row> rows = spark.read().json(out).collectAsList();
    assertEquals(3, rows.size());
    for (Row row : rows) {
      assertEquals(20210L, row.getLong(row.fieldIndex("n")));
      assertTrue(row.getDouble(row.fieldIndex("mi")) >= 0);
      assertTrue(row.getDouble(row.fieldIndex("h_a")) <= Math.log(300), "binned or categorical, not raw values");
    }
    // delay and distance in 5 quantile bins: at most ln 5 nats each
    Row dd = pair(rows, "delay", "distance");
    assertTrue(dd.getDouble(dd.fieldIndex("h_a")) <= Math.log(5) + 1e-9);
    assertTrue(dd.getDouble(dd.fieldIndex("h_b")) <= Math.log(5) + 1e-9);
  }

  /** Integer codes as categories, and NULLs left out per pair, against the SQL aggregate. */
  @Test
  void categoricalCodesAndDroppedNulls() {
    String in = tmp.resolve("codes.parquet").toString();
    spark.range(0, 3000).selectExpr("CAST(id % 40 AS INT) AS code", "IF(id % 11 = 0, NULL, CAST(id % 7 AS STRING)) AS s")
        .write().parquet(in);
    String out = tmp.resolve("codes.json").toString();
    JobsTestSupport.Run r = run("mutual-info", "--input", in, "--input-format", "parquet", "--categorical", "code",
        "--drop-nulls", "--output", out);
    assertEquals(0, r.exit(), r.toString());
    Row row = spark.read().json(out).first();
    Row sql = spark.read().parquet(in).selectExpr("count(*) FILTER (WHERE s IS NOT NULL)",
        "mutual_info(code, s) FILTER (WHERE s IS NOT NULL)", "entropy(code) FILTER (WHERE s IS NOT NULL)").first();
    assertEquals(sql.getLong(0), row.getLong(row.fieldIndex("n")), "rows without a null");
    assertEquals(sql.getDouble(1), row.getDouble(row.fieldIndex("mi")), 1e-12 * sql.getDouble(1));
    assertEquals(sql.getDouble(2), row.getDouble(row.fieldIndex("h_a")), 1e-12 * sql.getDouble(2),
        "40 codes, not 10 quantile bins");
    assertFails(2, "--categorical column 'Age' is not among the columns used", "mutual-info", "--input", TITANIC,
        "--columns", "Sex,Class", "--categorical", "Age");
  }

  /**
   * --weight on pre-aggregated counts gives the table of the rows they stand for (n the total
   * weight); the weight column is not analysed, and misplaced weights are refused.
   */
  @Test
  void weightedCountsGiveTheTableOfTheRows() {
    String counts = tmp.resolve("counts.parquet").toString();
    spark.read().option("header", "true").csv(TITANIC).groupBy("Class", "Sex", "Survived").count()
        .withColumnRenamed("count", "people").write().parquet(counts);
    String weighted = tmp.resolve("weighted.json").toString();
    String raw = tmp.resolve("raw.json").toString();
    JobsTestSupport.Run w = run("mutual-info", "--input", counts, "--input-format", "parquet", "--weight", "people",
        "--output", weighted);
    assertEquals(0, w.exit(), w.toString());
    JobsTestSupport.Run r = run("mutual-info", "--input", TITANIC, "--columns", "Class,Sex,Survived", "--output", raw);
    assertEquals(0, r.exit(), r.toString());
    List<Row> fromCounts = spark.read().json(weighted).orderBy("col_a", "col_b").collectAsList();
    List<Row> fromRows = spark.read().json(raw).orderBy("col_a", "col_b").collectAsList();
    assertEquals(3, fromCounts.size(), "the pairs of Class, Sex and Survived, not of people");
    for (int i = 0; i < fromRows.size(); i++) {
      Row a = fromCounts.get(i);
      Row b = fromRows.get(i);
      assertEquals(b.getString(b.fieldIndex("col_a")), a.getString(a.fieldIndex("col_a")));
      assertEquals(2201.0, ((Number) a.get(a.fieldIndex("n"))).doubleValue(), 0.0, "n is the total weight");
      for (String m : List.of("h_a", "h_b", "h_ab", "mi", "nmi", "ami", "g", "p_value")) {
        double e = b.getDouble(b.fieldIndex(m));
        assertEquals(e, a.getDouble(a.fieldIndex(m)), 1e-13 * Math.abs(e), a.getString(a.fieldIndex("col_a")) + " x " + a.getString(a.fieldIndex("col_b")) + " " + m);
      }
    }
    assertFails(2, "--weight column 'people' cannot also be one of --columns", "mutual-info", "--input", counts,
        "--input-format", "parquet", "--columns", "Class,people", "--weight", "people");
    assertFails(1, "a weight must be numeric", "mutual-info", "--input", counts, "--input-format", "parquet",
        "--weight", "Sex");
  }

  static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) n++;
    return n;
  }

  static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The number in the heat-map cell whose tooltip is {@code a × b}. */
  static double cell(String html, String a, String b) {
    Matcher m = Pattern.compile("title=\"" + a + " × " + b + "\">([^<]+)</td>").matcher(html);
    assertTrue(m.find(), "no cell " + a + " × " + b);
    return Double.parseDouble(m.group(1));
  }

  /**
   * --report: the ranking as a bar chart, in the printed order; an existing file refused, replaced
   * with --mode overwrite (no --output needed for --mode), nothing left beside it; a directory and
   * an input refused. Matrix mode: the --rank-by measure in both cells of a pair.
   */
  @Test
  void htmlReportOfTheRankingAndOfTheMatrix() throws Exception {
    assertTrue(run("mutual-info", "--help").out().contains("--report PATH.html"), "in --help");
    Path report = tmp.resolve("reports").resolve("mi.html"); // the directory does not exist yet
    JobsTestSupport.Run r = run("mutual-info", "--input", TITANIC, "--target", "Survived", "--report", report.toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("Report written to " + report), r.out());
    assertTrue(r.out().contains("| report "), "a stage of its own: " + r.out());
    String html = Files.readString(report);
    assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("<meta charset=\"utf-8\">"), html);
    assertFalse(html.toLowerCase(Locale.ROOT).contains("<script"));
    assertTrue(html.contains("<h1>Mutual information with target Survived</h1>"), html);
    assertTrue(html.contains("3 features ranked by ami"), html);
    assertTrue(html.contains("<li>2,201 rows; numeric columns in 10 quantile bins; mi in nats; ranked by ami"), html);
    assertEquals(3, count(html, "<g class=\"bar\">"));
    int sex = html.indexOf(">Sex</text>");
    int klass = html.indexOf(">Class</text>");
    int age = html.indexOf(">Age</text>");
    assertTrue(sex >= 0 && sex < klass && klass < age, "the printed order, Sex first");
    assertEquals(List.of("mi.html"), entries(report.getParent()), "no temporary or checksum file beside it");

    Files.writeString(report, "previous");
    assertFails(1, "--report " + report + " already exists (use --mode overwrite to replace it)",
        "mutual-info", "--input", TITANIC, "--target", "Survived", "--report", report.toString());
    assertEquals("previous", Files.readString(report), "not replaced");
    JobsTestSupport.Run again = run("mutual-info", "--input", TITANIC, "--target", "Survived", "--report", report.toString(),
        "--mode", "overwrite");
    assertEquals(0, again.exit(), again.toString());
    assertEquals(html, Files.readString(report), "replaced, by the same page");
    assertEquals(List.of("mi.html"), entries(report.getParent()));
    assertFails(1, "--report " + report.getParent() + " is a directory", "mutual-info", "--input", TITANIC,
        "--target", "Survived", "--report", report.getParent().toString(), "--mode", "overwrite");
    assertFails(2, "--report " + TITANIC + " (file:" + TITANIC + ") is --input " + TITANIC,
        "mutual-info", "--input", TITANIC, "--target", "Survived", "--report", TITANIC, "--mode", "overwrite");
    assertFails(2, "--output-format and --csv-neutralize-formulas need --output",
        "mutual-info", "--input", TITANIC, "--target", "Survived", "--report", report.toString(), "--output-format", "csv");
    String out = tmp.resolve("out").toString();
    assertFails(2, "--report " + out + "/r.html (file:" + out + "/r.html) is inside --output " + out,
        "mutual-info", "--input", TITANIC, "--target", "Survived", "--output", out, "--report", out + "/r.html");

    Path matrix = tmp.resolve("matrix.html");
    String table = tmp.resolve("pairs.json").toString();
    JobsTestSupport.Run m = run("mutual-info", "--input", TITANIC, "--columns", "Class,Sex,Age", "--rank-by", "nmi",
        "--output", table, "--report", matrix.toString());
    assertEquals(0, m.exit(), m.toString());
    String heat = Files.readString(matrix);
    assertTrue(heat.contains("nmi between every pair of 3 columns"), heat);
    assertEquals(3, count(heat, "<td class=\"na\"></td>"), "the diagonal");
    assertEquals(6, count(heat, "<td style=\"background:"), "both cells of each of the 3 pairs");
    Row classSex = pair(spark.read().json(table).collectAsList(), "Class", "Sex");
    double nmi = classSex.getDouble(classSex.fieldIndex("nmi"));
    assertEquals(nmi, cell(heat, "Class", "Sex"), Math.abs(nmi) * 5e-4, "4 significant digits of the table's nmi");
    assertEquals(cell(heat, "Class", "Sex"), cell(heat, "Sex", "Class"), "symmetric");
  }

  @Test
  void badInputs() {
    String birds = sample("birdstrikes.csv");
    assertFails(1, "input path does not exist", "mutual-info", "--input", "/no/such/dir");
    assertFails(1, "unknown column 'survived_' in input", "mutual-info", "--input", TITANIC, "--target", "survived_");
    assertFails(1, "unknown column 'nope' in input", "mutual-info", "--input", birds, "--columns", "origin_state,nope");
    assertFails(2, "--bins must be an integer in [2, 10000]", "mutual-info", "--input", TITANIC, "--bins", "1");
    assertFails(2, "--relative-error must be a number", "mutual-info", "--input", TITANIC, "--relative-error", "x");
    assertFails(2, "needs at least 2 columns", "mutual-info", "--input", TITANIC, "--columns", "Sex");
    String arrays = sample("distributions.jsonl");
    assertFails(1, "column 'p' has type array<double>", "mutual-info", "--input", arrays, "--columns", "segment,p");
    String empty = tmp.resolve("empty.csv").toString();
    spark.read().option("header", "true").csv(TITANIC).limit(0).write().option("header", "true").csv(empty);
    assertFails(1, "input is empty", "mutual-info", "--input", empty, "--input-format", "csv",
        "--input-schema", "Class STRING, Sex STRING");
  }
}
