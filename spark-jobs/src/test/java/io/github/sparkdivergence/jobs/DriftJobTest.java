package io.github.sparkdivergence.jobs;

import static io.github.sparkdivergence.jobs.JobsTestSupport.run;
import static io.github.sparkdivergence.jobs.JobsTestSupport.sample;
import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.drift.DriftMeasure;
import io.github.sparkdivergence.spark.drift.DriftResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftJobTest {
  static SparkSession spark;
  static final String FLIGHTS = sample("flights_2001_jan_jun.csv");
  static final double EPS = 1e-4;
  /** The measures on the two sides' proportions, computed by hand in {@link #metrics}. */
  static final List<String> BINNED = java.util.Arrays.stream(DriftMeasure.values())
      .filter(m -> m.source() == DriftMeasure.Source.BINNED).map(DriftMeasure::outputName).toList();

  @TempDir Path tmp;

  @BeforeAll
  static void session() { spark = JobsTestSupport.spark(); }

  /** Counts by hand from the CSV: month -> value -> count. */
  static Map<String, Map<String, Long>> countsByMonth(int column) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    List<String[]> rows = JobsTestSupport.csv(FLIGHTS);
    for (String[] r : rows.subList(1, rows.size())) {
      out.computeIfAbsent(r[0].substring(0, 7), k -> new TreeMap<>()).merge(r[column], 1L, Long::sum);
    }
    return out;
  }

  static double kl(double[] p, double[] q) {
    double s = 0;
    for (int i = 0; i < p.length; i++) if (p[i] > 0) s += p[i] * Math.log(p[i] / q[i]);
    return s;
  }

  static double[] smooth(double[] p, double eps) {
    double[] o = new double[p.length];
    for (int i = 0; i < p.length; i++) o[i] = (p[i] + eps) / (1 + p.length * eps);
    return o;
  }

  /** All metrics by hand from two count vectors over the same categories. */
  static Map<String, Double> metrics(long[] ref, long[] cur, double eps) {
    long nr = 0;
    long nc = 0;
    for (long c : ref) nr += c;
    for (long c : cur) nc += c;
    double[] p = new double[ref.length];
    double[] q = new double[ref.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = (double) ref[i] / nr;
      q[i] = (double) cur[i] / nc;
    }
    Map<String, Double> m = new HashMap<>();
    for (int raw = 0; raw < 2; raw++) {
      double[] a = raw == 1 ? p : smooth(p, eps);
      double[] b = raw == 1 ? q : smooth(q, eps);
      double[] mid = new double[a.length];
      for (int i = 0; i < a.length; i++) mid[i] = (a[i] + b[i]) / 2;
      double js = 0.5 * kl(a, mid) + 0.5 * kl(b, mid);
      double psi = 0;
      for (int i = 0; i < a.length; i++) {
        psi += (b[i] - a[i]) * Math.log(b[i] / a[i]);
      }
      String suffix = raw == 1 ? "_raw" : "";
      m.put("kl_ref_cur" + suffix, kl(a, b));
      m.put("kl_cur_ref" + suffix, kl(b, a));
      m.put("js_divergence" + suffix, js);
      m.put("js_distance" + suffix, Math.sqrt(js));
      m.put("psi" + suffix, raw == 1 && hasZero(a, b) ? Double.POSITIVE_INFINITY : psi);
    }
    double hellinger = 0;
    double tv = 0;
    double linf = 0;
    for (int i = 0; i < p.length; i++) {
      double d = Math.sqrt(p[i]) - Math.sqrt(q[i]);
      hellinger += d * d;
      tv += Math.abs(p[i] - q[i]);
      linf = Math.max(linf, Math.abs(p[i] - q[i]));
    }
    m.put("hellinger_distance", Math.sqrt(hellinger / 2));
    m.put("total_variation", tv / 2);
    m.put("linf_distance", linf);
    return m;
  }

  private static boolean hasZero(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) if ((a[i] == 0) != (b[i] == 0)) return true;
    return false;
  }

  static void assertClose(double expected, double actual, String what) {
    if (Double.isInfinite(expected)) assertEquals(expected, actual, what);
    else assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)), what);
  }

  static Row byColumn(List<Row> rows, String column) {
    for (Row r : rows) if (r.getString(r.fieldIndex("column")).equals(column)) return r;
    throw new AssertionError("no row for " + column + " in " + rows);
  }

  @Test
  void flightsJanuaryVersusJuneMatchesHandComputation() {
    String out = tmp.resolve("drift.parquet").toString();
    String cats = tmp.resolve("categories.parquet").toString();
    JobsTestSupport.Run r = run("drift", "--input", FLIGHTS, "--reference-filter", "month(date) = 1",
        "--current-filter", "month(date) = 6", "--columns", "delay,distance,origin,destination",
        "--output", out, "--categories-output", cats);
    assertTrue(r.exit() == 0 || r.exit() == JobException.DRIFT, r.toString());
    assertTrue(r.out().contains("| origin"), r.out());
    assertTrue(r.out().contains("| compute"), "stage timings printed: " + r.out());
    List<Row> rows = spark.read().parquet(out).collectAsList();
    assertEquals(4, rows.size());

    // categorical: origin, counts by hand from the file
    Map<String, Map<String, Long>> origin = countsByMonth(3);
    Map<String, Long> jan = origin.get("2001-01");
    Map<String, Long> jun = origin.get("2001-06");
    Set<String> union = new LinkedHashSet<>(jan.keySet());
    union.addAll(jun.keySet());
    long[] ref = new long[union.size()];
    long[] cur = new long[union.size()];
    int i = 0;
    List<String> onlyJan = new ArrayList<>();
    for (String k : union) {
      ref[i] = jan.getOrDefault(k, 0L);
      cur[i] = jun.getOrDefault(k, 0L);
      if (cur[i] == 0) onlyJan.add(k);
      i++;
    }
    Row o = byColumn(rows, "origin");
    assertEquals("categorical", o.getString(o.fieldIndex("kind")));
    assertEquals(10165L, o.getLong(o.fieldIndex("n_ref")));
    assertEquals(10045L, o.getLong(o.fieldIndex("n_cur")));
    assertEquals(union.size(), o.getInt(o.fieldIndex("categories")));
    Map<String, Double> expected = metrics(ref, cur, EPS);
    for (String m : BINNED) assertClose(expected.get(m), o.getDouble(o.fieldIndex(m)), "origin " + m);
    assertEquals(Double.POSITIVE_INFINITY, o.getDouble(o.fieldIndex("kl_ref_cur_raw")));
    assertEquals(new java.util.TreeSet<>(onlyJan), new java.util.TreeSet<>(o.getList(o.fieldIndex("only_in_ref"))));

    // numeric: delay; the per-bucket counts are checked against the raw values by hand, then the metrics
    List<Row> buckets = spark.read().parquet(cats).filter("column = 'delay'").orderBy("bucket").collectAsList();
    assertTrue(buckets.size() >= 8 && buckets.size() <= 10, "about 10 quantile buckets: " + buckets);
    assertEquals(Double.NEGATIVE_INFINITY, buckets.get(0).getDouble(3));
    assertEquals(Double.POSITIVE_INFINITY, buckets.get(buckets.size() - 1).getDouble(4));
    List<String[]> lines = JobsTestSupport.csv(FLIGHTS);
    long[] bref = new long[buckets.size()];
    long[] bcur = new long[buckets.size()];
    for (String[] line : lines.subList(1, lines.size())) {
      double v = Double.parseDouble(line[1]);
      boolean isJan = line[0].startsWith("2001-01");
      for (int b = 0; b < buckets.size(); b++) {
        if (v >= buckets.get(b).getDouble(3) && v < buckets.get(b).getDouble(4)) {
          if (isJan) bref[b]++;
          else bcur[b]++;
        }
      }
    }
    for (int b = 0; b < buckets.size(); b++) {
      assertEquals(bref[b], buckets.get(b).getLong(5), "reference count of bucket " + b);
      assertEquals(bcur[b], buckets.get(b).getLong(6), "current count of bucket " + b);
    }
    Row d = byColumn(rows, "delay");
    Map<String, Double> ed = metrics(bref, bcur, EPS);
    for (String m : BINNED) assertClose(ed.get(m), d.getDouble(d.fieldIndex(m)), "delay " + m);

    // Wasserstein-1 of the raw delays, by hand: sort both samples, integrate |F_jan - F_jun| step by step
    List<Double> janDelays = new ArrayList<>();
    List<Double> junDelays = new ArrayList<>();
    for (String[] line : lines.subList(1, lines.size())) {
      if (line[0].startsWith("2001-01")) janDelays.add(Double.parseDouble(line[1]));
      else if (line[0].startsWith("2001-06")) junDelays.add(Double.parseDouble(line[1]));
    }
    double w = wassersteinByHand(janDelays, junDelays);
    assertEquals(w, d.getDouble(d.fieldIndex("wasserstein_distance")), 1e-12 * w, "delay wasserstein_distance");
    double mean = janDelays.stream().mapToDouble(x -> x).average().orElseThrow();
    double var = janDelays.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / janDelays.size();
    assertEquals(w / Math.sqrt(var), d.getDouble(d.fieldIndex("wasserstein_normed")), 1e-12 * w / Math.sqrt(var),
        "normed by the reference's population standard deviation");
    assertTrue(o.isNullAt(o.fieldIndex("wasserstein_distance")), "no Wasserstein for a categorical column");

    // verdicts: Evidently's default methods, threshold 0.1, and the dataset verdict decides the exit status
    assertEquals("wasserstein_normed", d.getString(d.fieldIndex("method")));
    assertEquals("js_distance_raw", o.getString(o.fieldIndex("method")));
    int drifted = 0;
    for (Row row : rows) {
      double score = row.getDouble(row.fieldIndex("score"));
      assertEquals(row.getDouble(row.fieldIndex(row.getString(row.fieldIndex("method")))), score, "score is the method's value");
      assertEquals(0.1, row.getDouble(row.fieldIndex("threshold")));
      assertEquals(score > 0.1, row.getBoolean(row.fieldIndex("drifted")), row.toString());
      if (row.getBoolean(row.fieldIndex("drifted"))) drifted++;
    }
    assertEquals(drifted >= 2 ? JobException.DRIFT : 0, r.exit(), "dataset drifts at half of the 4 columns: " + r);
    assertTrue(r.out().contains("drift in " + drifted + " of 4 column(s)"), r.out());
  }

  /** Wasserstein-1 between two samples: the area between their empirical CDFs, over the merged sorted values. */
  static double wassersteinByHand(List<Double> a, List<Double> b) {
    double[] x = a.stream().mapToDouble(v -> v).sorted().toArray();
    double[] y = b.stream().mapToDouble(v -> v).sorted().toArray();
    int i = 0;
    int j = 0;
    double area = 0;
    double comp = 0;
    double prev = Math.min(x[0], y[0]);
    while (i < x.length || j < y.length) {
      double next = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i] : y[j];
      double term = Math.abs((double) i / x.length - (double) j / y.length) * (next - prev);
      double t = area + term; // Neumaier
      comp += Math.abs(area) >= Math.abs(term) ? (area - t) + term : (term - t) + area;
      area = t;
      while (i < x.length && x[i] == next) i++;
      while (j < y.length && y[j] == next) j++;
      prev = next;
    }
    return area + comp;
  }

  @Test
  void outOfRangeValuesNullsAndNaNsAndThresholds() {
    StructType schema = new StructType().add("x", DataTypes.DoubleType).add("cat", DataTypes.StringType)
        .add("ints", DataTypes.IntegerType);
    List<Row> refRows = new ArrayList<>();
    for (int i = 0; i < 100; i++) refRows.add(RowFactory.create((double) i, i % 2 == 0 ? "a" : "b", i % 3));
    for (int i = 0; i < 10; i++) refRows.add(RowFactory.create(null, null, 0));
    List<Row> curRows = List.of(RowFactory.create(-1000.0, "a", 0), RowFactory.create(1000.0, "c", 1),
        RowFactory.create(50.0, "a", 2), RowFactory.create(null, "a", 0), RowFactory.create(Double.NaN, "a", 7));
    String refPath = tmp.resolve("ref.parquet").toString();
    String curPath = tmp.resolve("cur.orc").toString();
    spark.createDataFrame(refRows, schema).write().parquet(refPath);
    spark.createDataFrame(curRows, schema).write().orc(curPath);
    String out = tmp.resolve("out.json").toString();
    String cats = tmp.resolve("cats.json").toString();
    JobsTestSupport.Run r = run("drift", "--reference", refPath, "--current", curPath, "--bins", "4",
        "--relative-error", "0", "--categorical", "ints", "--output", out, "--categories-output", cats,
        "--threshold", "js_distance=0.3", "--threshold", "psi=100");
    assertEquals(JobException.DRIFT, r.exit(), r.toString());
    assertTrue(r.err().contains("--threshold exceeded in"), r.err());
    assertTrue(r.err().contains("cat (js_distance="), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());

    List<Row> c = spark.read().schema(DriftResult.categoriesSchema()).json(cats).filter("column = 'x'").collectAsList();
    Map<String, long[]> byLabel = new HashMap<>();
    long curTotal = 0;
    for (Row row : c) {
      String label = row.isNullAt(row.fieldIndex("category")) ? null : row.getString(row.fieldIndex("category"));
      byLabel.put(label, new long[] {row.getLong(row.fieldIndex("n_ref")), row.getLong(row.fieldIndex("n_cur"))});
      curTotal += row.getLong(row.fieldIndex("n_cur"));
    }
    assertEquals(5, curTotal, "every current row counted once: " + byLabel.keySet());
    assertArrayEquals(new long[] {10, 1}, byLabel.get(null), "null is its own category");
    assertArrayEquals(new long[] {0, 1}, byLabel.get("NaN"), "NaN is its own category");
    Row first = null;
    Row last = null;
    for (Row row : c) {
      if (row.isNullAt(row.fieldIndex("bucket")) || row.isNullAt(row.fieldIndex("lower"))) continue;
      if (first == null || row.getInt(row.fieldIndex("bucket")) < first.getInt(first.fieldIndex("bucket"))) first = row;
      if (last == null || row.getInt(row.fieldIndex("bucket")) > last.getInt(last.fieldIndex("bucket"))) last = row;
    }
    assertEquals(4, c.size() - 2, "4 buckets plus null and NaN");
    assertEquals(1, first.getLong(first.fieldIndex("n_cur")), "-1000 lands in the first bucket");
    assertEquals(1, last.getLong(last.fieldIndex("n_cur")), "+1000 lands in the last bucket");
    double firstUpper = first.getDouble(first.fieldIndex("upper"));
    assertEquals((long) Math.ceil(firstUpper), first.getLong(first.fieldIndex("n_ref")), "reference 0..99 below " + firstUpper);

    // JSON holds non-finite doubles as "Infinity" strings: read with the table's schema
    List<Row> rows = spark.read().schema(DriftResult.tableSchema()).json(out).collectAsList();
    Row cat = byColumn(rows, "cat");
    assertTrue(cat.getBoolean(cat.fieldIndex("drifted")));
    assertEquals(List.of("b"), cat.getList(cat.fieldIndex("only_in_ref")).subList(0, 1));
    assertTrue(cat.getList(cat.fieldIndex("only_in_cur")).contains("c"));
    // cat: reference a 50, b 50, null 10; current a 4, c 1
    Map<String, Double> e = metrics(new long[] {50, 50, 10, 0}, new long[] {4, 0, 0, 1}, EPS);
    for (String m : BINNED) assertClose(e.get(m), cat.getDouble(cat.fieldIndex(m)), "cat " + m);
    Row ints = byColumn(rows, "ints");
    assertEquals("categorical", ints.getString(ints.fieldIndex("kind")));
    assertEquals(List.of("7"), ints.getList(ints.fieldIndex("only_in_cur")));
  }

  @Test
  void catalogTableInputAndOverwrite() {
    spark.sql("DROP TABLE IF EXISTS drift_ref");
    spark.read().option("header", "true").option("inferSchema", "true").csv(sample("titanic.csv"))
        .write().saveAsTable("drift_ref");
    String out = tmp.resolve("t.csv").toString();
    String[] args = {"drift", "--input", "drift_ref", "--reference-filter", "Class = '1st'",
        "--current-filter", "Class = 'Crew'", "--columns", "Sex,Age,Survived", "--output", out};
    JobsTestSupport.Run r = run(args);
    assertEquals(JobException.DRIFT, r.exit(), "first class and crew differ in sex, age and survival: " + r);
    JobsTestSupport.Run again = run(args);
    assertEquals(JobException.INPUT, again.exit());
    assertTrue(again.err().contains("already exists (use --mode overwrite"), again.err());
    List<String> argv = new ArrayList<>(List.of(args));
    argv.addAll(List.of("--mode", "overwrite"));
    assertEquals(JobException.DRIFT, run(argv.toArray(new String[0])).exit());
    List<String[]> lines = new ArrayList<>();
    for (java.io.File f : new java.io.File(out).listFiles((dir, name) -> name.startsWith("part-"))) {
      lines.addAll(JobsTestSupport.csv(f.getPath()));
    }
    assertEquals(4, lines.size(), "header + 3 columns");
    assertEquals("column", lines.get(0)[0]);
    spark.sql("DROP TABLE IF EXISTS drift_ref");
  }

  @Test
  void badInputs() {
    String out = tmp.resolve("x.parquet").toString();
    assertFails(1, "reference path does not exist: /no/such/file.csv",
        "drift", "--reference", "/no/such/file.csv", "--current", FLIGHTS);
    assertFails(1, "unknown column 'nope' in reference",
        "drift", "--input", FLIGHTS, "--reference-filter", "true", "--current-filter", "true", "--columns", "delay,nope");
    assertFails(1, "current is empty",
        "drift", "--input", FLIGHTS, "--reference-filter", "true", "--current-filter", "delay > 1e9", "--columns", "delay");
    assertFails(1, "has type timestamp",
        "drift", "--input", FLIGHTS, "--reference-filter", "true", "--current-filter", "true", "--columns", "date");
    assertFails(2, "--bins must be an integer",
        "drift", "--input", FLIGHTS, "--reference-filter", "true", "--current-filter", "true", "--bins", "ten");
    assertFails(2, "threshold measure must be a drift measure",
        "drift", "--input", FLIGHTS, "--reference-filter", "true", "--current-filter", "true", "--threshold", "foo=1");
    assertFails(2, "--eps must be a number",
        "drift", "--input", FLIGHTS, "--reference-filter", "true", "--current-filter", "true", "--eps", "-1");
    assertFails(2, "unknown option --colums",
        "drift", "--input", FLIGHTS, "--colums", "delay");
    assertFails(2, "give either --reference and --current",
        "drift", "--input", FLIGHTS, "--reference", FLIGHTS, "--current", FLIGHTS);
    assertFails(2, "is not a valid condition",
        "drift", "--input", FLIGHTS, "--reference-filter", "month(date) =", "--current-filter", "true", "--output", out);
    assertFails(2, "--mode must be one of error, overwrite",
        "drift", "--input", FLIGHTS, "--reference-filter", "true", "--current-filter", "true", "--output", out, "--mode", "append");
  }

  @Test
  void directoriesOfPartFilesAndAnAllNullReferenceColumn() {
    StructType schema = new StructType().add("x", DataTypes.DoubleType).add("y", DataTypes.StringType);
    String refDir = tmp.resolve("refdir").toString();
    String curDir = tmp.resolve("curdir").toString();
    spark.createDataFrame(List.of(RowFactory.create(null, "a"), RowFactory.create(null, "b")), schema)
        .write().parquet(refDir);
    spark.createDataFrame(List.of(RowFactory.create(1.0, "a"), RowFactory.create(null, "a"), RowFactory.create(-2.0, "b")),
        schema).write().json(curDir);
    String out = tmp.resolve("nulls.parquet").toString();
    JobsTestSupport.Run r = run("drift", "--reference", refDir, "--current", curDir, "--output", out);
    assertEquals(JobException.DRIFT, r.exit(), "x and y drifted (y: js_distance_raw 0.12): " + r);
    assertTrue(r.err().contains("dataset drift: drift in 2 of 2 column(s)"), r.err());
    Row x = byColumn(spark.read().parquet(out).collectAsList(), "x");
    assertEquals(2L, x.getLong(x.fieldIndex("n_ref")));
    assertEquals(3L, x.getLong(x.fieldIndex("n_cur")));
    assertEquals(3, x.getInt(x.fieldIndex("categories")), "null plus the two buckets around 0");
    assertEquals(Double.POSITIVE_INFINITY, x.getDouble(x.fieldIndex("kl_cur_ref_raw")));
    // values on one side only: as far apart as can be, never NaN
    assertEquals(Double.POSITIVE_INFINITY, x.getDouble(x.fieldIndex("wasserstein_normed")));
    assertEquals(1.0, x.getDouble(x.fieldIndex("ks_statistic")));
    assertTrue(x.getBoolean(x.fieldIndex("drifted")));
  }

  /** Every JSON file the job writes parses with a strict parser (no bare Infinity or NaN tokens). */
  static com.fasterxml.jackson.databind.JsonNode strictJson(String text) throws java.io.IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
  }

  @Test
  void summaryJsonReportAndExitStatusSayWhy() throws Exception {
    String summary = tmp.resolve("summary.json").toString();
    String report = tmp.resolve("drift.html").toString();
    String out = tmp.resolve("out.json").toString();
    String[] args = {"drift", "--input", FLIGHTS, "--reference-filter", "month(date) = 1", "--current-filter", "month(date) = 6",
        "--columns", "delay,distance,origin,destination", "--summary-json", summary, "--report", report, "--output", out,
        "--dataset-share", "1", "--threshold", "origin:js_distance_raw=0.05"};
    JobsTestSupport.Run r = run(args);
    assertEquals(JobException.DRIFT, r.exit(), r.toString());
    assertFalse(r.err().contains("dataset drift:"), "4 of 4 columns are needed at share 1: " + r.err());
    assertTrue(r.err().contains("--threshold exceeded in 1 of 4 column(s): origin (js_distance_raw="), r.err());

    var json = strictJson(java.nio.file.Files.readString(java.nio.file.Path.of(summary)));
    assertFalse(json.get("dataset_drifted").asBoolean());
    assertEquals(4, json.get("columns_compared").asInt());
    assertEquals(1.0, json.get("dataset_share").asDouble());
    assertEquals(1, json.get("thresholds_exceeded").size());
    List<Row> rows = spark.read().schema(DriftResult.tableSchema()).json(out).collectAsList();
    int drifted = 0;
    for (var c : json.get("columns")) {
      Row row = byColumn(rows, c.get("column").asText());
      assertEquals(row.getString(row.fieldIndex("method")), c.get("method").asText());
      assertEquals(row.getDouble(row.fieldIndex("score")), c.get("score").asDouble(), 0.0, "the summary's score is the table's");
      assertEquals(row.getBoolean(row.fieldIndex("drifted")), c.get("drifted").asBoolean());
      if (c.get("drifted").asBoolean()) drifted++;
    }
    assertEquals(drifted, json.get("drifted_columns").asInt());
    // Spark's JSON writer: the infinite kl_ref_cur_raw of origin is the string "Infinity"
    java.io.File[] parts = new java.io.File(out).listFiles((d, n) -> n.startsWith("part-"));
    int lines = 0;
    for (java.io.File f : parts) {
      for (String line : java.nio.file.Files.readAllLines(f.toPath())) {
        var node = strictJson(line);
        if (node.get("column").asText().equals("origin")) assertEquals("Infinity", node.get("kl_ref_cur_raw").asText());
        lines++;
      }
    }
    assertEquals(4, lines);

    String html = java.nio.file.Files.readString(java.nio.file.Path.of(report));
    assertTrue(html.startsWith("<!DOCTYPE html>"), html.substring(0, 40));
    for (String c : List.of("delay", "distance", "origin", "destination")) assertTrue(html.contains(">" + c + "<"), c);
    assertFalse(html.contains("<script"), "no scripts");
    assertTrue(html.length() < 200_000, "built from the counts: " + html.length() + " chars");

    // nothing silently replaced: the same command again fails before any work, on the first existing output
    JobsTestSupport.Run again = run(args);
    assertEquals(JobException.INPUT, again.exit(), again.toString());

    // the dataset verdict alone also exits 3; a share no column set reaches, exit 0
    String out2 = tmp.resolve("out2.parquet").toString();
    JobsTestSupport.Run dataset = run("drift", "--input", FLIGHTS, "--reference-filter", "month(date) = 1",
        "--current-filter", "month(date) = 6", "--columns", "origin,destination", "--method", "origin=js_distance",
        "--threshold", "js_distance_raw=0.05", "--dataset-share", "0.5", "--output", out2);
    assertEquals(JobException.DRIFT, dataset.exit(), dataset.toString());
    assertTrue(dataset.err().contains("dataset drift: drift in 1 of 2 column(s)"), dataset.err());
    Row origin = byColumn(spark.read().parquet(out2).collectAsList(), "origin");
    assertEquals("js_distance", origin.getString(origin.fieldIndex("method")), "--method");
    assertEquals(0.1, origin.getDouble(origin.fieldIndex("threshold")), "a js_distance_raw threshold is not js_distance's");
    Row dest = byColumn(spark.read().parquet(out2).collectAsList(), "destination");
    assertEquals(0.05, dest.getDouble(dest.fieldIndex("threshold")), "the measure's threshold is the verdict's");

    JobsTestSupport.Run calm = run("drift", "--input", FLIGHTS, "--reference-filter", "month(date) = 1",
        "--current-filter", "month(date) = 1", "--columns", "delay,origin");
    assertEquals(0, calm.exit(), "identical sides: " + calm);
    assertTrue(calm.out().contains("no dataset drift: drift in 0 of 2 column(s)"), calm.out());

    assertFails(2, "method of column 'origin' must be a drift measure",
        "drift", "--input", FLIGHTS, "--reference-filter", "true", "--current-filter", "true", "--method", "origin=nope");
    assertFails(1, "wasserstein_normed does not apply to categorical column 'origin'",
        "drift", "--input", FLIGHTS, "--reference-filter", "true", "--current-filter", "true", "--columns", "origin",
        "--method", "origin=wasserstein_normed");
    assertFails(1, "a method or threshold is given for column 'nope'",
        "drift", "--input", FLIGHTS, "--reference-filter", "true", "--current-filter", "true", "--columns", "origin",
        "--threshold", "nope:psi=1");
    assertFails(2, "dataset-share",
        "drift", "--input", FLIGHTS, "--reference-filter", "true", "--current-filter", "true", "--dataset-share", "0");
  }

  @Test
  void verboseShowsTheStackTrace() {
    JobsTestSupport.Run r = run("drift", "--reference", "/no/such", "--current", "/no/such", "--verbose");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("\tat io.github.sparkdivergence.jobs"), r.err());
  }

  static void assertFails(int exit, String message, String... args) {
    JobsTestSupport.Run r = run(args);
    assertEquals(exit, r.exit(), r.toString());
    assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
    assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("spark-divergence")).count(), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
  }
}
