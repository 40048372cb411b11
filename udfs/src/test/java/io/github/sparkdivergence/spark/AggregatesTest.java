package io.github.sparkdivergence.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.counts.ContingencyState;
import io.github.sparkdivergence.math.InformationMeasures;
import io.github.sparkdivergence.spark.functions.InformationAggregate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The information aggregates through SQL against the scikit-learn / scipy golden values of
 * {@code golden/expected.csv} (generated once by {@code make_info_golden.py} on the real data sets),
 * weighted and unweighted, under several partitionings.
 */
class AggregatesTest {
  private static final java.util.Map<String, String[]> CASES = GoldenCases.CASES;
  private static final java.util.Map<String, java.util.Map<String, Double>> EXPECTED = GoldenCases.EXPECTED;
  private static SparkSession spark;

  @BeforeAll
  static void load() {
    spark = SparkTestSession.get();
  }

  @AfterEach
  void reset() { spark.conf().set("spark.sql.ansi.enabled", "true"); }

  private static Dataset<Row> table(String name) { return GoldenCases.table(spark, name); }

  private static void close(double expected, double actual, double rel, double abs, String what) {
    assertEquals(expected, actual, Math.max(abs, Math.abs(expected) * rel), what);
  }

  @Test
  void everyGoldenCaseThroughSql() {
    int checked = 0;
    for (String name : CASES.keySet()) {
      Map<String, Double> e = EXPECTED.get(name);
      table(name).createOrReplaceTempView("golden_case");
      Row r = spark.sql("SELECT mutual_info(x, y, count), entropy(x, count), entropy(y, count), "
          + "joint_entropy(x, y, count), conditional_entropy(x, y, count), variation_of_information(x, y, count), "
          + "normalized_mutual_info(x, y, count), normalized_mutual_info(x, y, count, 'geometric'), "
          + "normalized_mutual_info(x, y, count, 'min'), normalized_mutual_info(x, y, count, 'max'), "
          + "adjusted_mutual_info(x, y, count), adjusted_mutual_info(x, y, count, 'max'), g_test(x, y, count), "
          + "mutual_info(x, y, count, 2), mutual_info_summary(x, y, count) FROM golden_case").first();
      if (name.equals("syn_empty")) {
        for (int i = 0; i < r.length(); i++) assertTrue(r.isNullAt(i), "an empty group gives NULL");
        continue;
      }
      double mi = r.getDouble(0);
      if (e.containsKey("mi")) close(e.get("mi"), mi, 1e-12, 1e-14, name + " mi vs sklearn");
      close(e.get("mi_exact"), mi, 1e-12, 1e-16, name + " mi exact");
      close(e.get("hx_exact"), r.getDouble(1), 1e-12, 0, name + " H(X)");
      close(e.get("hy_exact"), r.getDouble(2), 1e-12, 0, name + " H(Y)");
      close(e.get("hxy_exact"), r.getDouble(3), 1e-12, 0, name + " H(X,Y)");
      close(e.get("hx_given_y_exact"), r.getDouble(4), 1e-12, 1e-16, name + " H(X|Y)");
      close(e.get("vi_exact"), r.getDouble(5), 1e-12, 1e-16, name + " VI");
      String[] methods = {"arithmetic", "geometric", "min", "max"};
      for (int m = 0; m < 4; m++) close(e.get("nmi_" + methods[m]), r.getDouble(6 + m), 1e-12, 1e-14, name + " NMI " + methods[m]);
      close(e.get("ami_arithmetic"), r.getDouble(10), 1e-9, 1e-13, name + " AMI");
      close(e.get("ami_max"), r.getDouble(11), 1e-9, 1e-13, name + " AMI max");
      Row g = r.getStruct(12);
      if (e.containsKey("g")) {
        close(e.get("g"), g.getDouble(0), 1e-12, 2 * Double.parseDouble(CASES.get(name)[2]) * 1e-14, name + " G");
        assertEquals(e.get("dof").longValue(), g.getLong(1), name + " dof");
        close(e.get("p"), g.getDouble(2), 1e-12, 1e-300, name + " p-value");
      }
      close(e.get("mi_exact") / Math.log(2), r.getDouble(13), 1e-12, 1e-16, name + " MI in bits");
      Row s = r.getStruct(14);
      assertEquals(Double.parseDouble(CASES.get(name)[2]), s.getDouble(0), name + " n");
      close(mi, s.getDouble(7), 1e-15, 0, name + " summary mi");
      checked++;
    }
    assertTrue(checked >= 35, "checked " + checked);
  }

  /** Titanic and UCB as raw rows: unweighted, and identical under 1, 7 and 200 partitions. */
  @Test
  void exactWhateverThePartitioning() {
    for (String name : List.of("titanic_Class_Survived", "ucb_Admit_Dept", "bird_wildlife_size_effect_amount_of_damage", "syn_nulls")) {
      Dataset<Row> rows = table(name).selectExpr("x", "y", "explode(sequence(1, count)) AS k").drop("k");
      Map<String, Double> e = EXPECTED.get(name);
      double first = Double.NaN;
      for (int parts : new int[] {1, 7, 200}) {
        rows.repartition(parts).createOrReplaceTempView("raw");
        Row r = spark.sql("SELECT mutual_info(x, y), adjusted_mutual_info(x, y), entropy(x) FROM raw").first();
        close(e.get("mi_exact"), r.getDouble(0), 1e-12, 1e-16, name + " mi, " + parts + " partitions");
        close(e.get("ami_arithmetic"), r.getDouble(1), 1e-9, 1e-13, name + " ami, " + parts + " partitions");
        close(e.get("hx_exact"), r.getDouble(2), 1e-12, 0, name + " H(X), " + parts + " partitions");
        if (Double.isNaN(first)) first = r.getDouble(0);
        close(first, r.getDouble(0), 1e-12, 0, name + " same MI across partitionings");
      }
    }
  }

  /**
   * One partition whose table starts small (rows counted one at a time, straight into it) and
   * outgrows the direct limits part way (rows staged in batches from then on), with NULLs and
   * fractional weights: the same state, to the last bit, as the rows added one by one in Java.
   */
  @Test
  void rowsCountedDirectlyThenStagedGiveTheTableOfTheRows() {
    List<Row> rows = new java.util.ArrayList<>();
    java.util.Random r = new java.util.Random(5);
    ContingencyState expected = new ContingencyState();
    for (int i = 0; i < 60_000; i++) {
      // 20,000 rows of a 30 x 20 table, then x from 9,000 values and y from 40: past both limits
      String x = i % 97 == 0 ? null : "x" + (i < 20_000 ? r.nextInt(30) : r.nextInt(9_000));
      String y = "y" + (i < 20_000 ? r.nextInt(20) : r.nextInt(40));
      double w = 0.1 * (i % 7) + 0.05;
      rows.add(RowFactory.create(x, y, w));
      int ix = x == null ? expected.x().idOfNull() : expected.x().idOfBytes(x.getBytes(StandardCharsets.UTF_8), 0, x.length());
      int iy = expected.y().idOfBytes(y.getBytes(StandardCharsets.UTF_8), 0, y.length());
      expected.add(ix, iy, w);
    }
    assertTrue(expected.cells() > 16_384 && expected.distinctX() > 4096, "the rows outgrow the direct limits");
    // the state crosses the wire once between the partial and the final aggregate: so does this one
    ContingencyState wire = ContingencyState.fromBytes(expected.toBytes());
    double mi = InformationMeasures.mutualInformation(wire.toTable(), Math.E);
    StructType schema = new StructType()
        .add("x", "string").add("y", "string").add("w", "double");
    spark.createDataFrame(rows, schema).coalesce(1).createOrReplaceTempView("switching");
    Row got = spark.sql("SELECT mutual_info(x, y, w), count(*) FROM switching").first();
    assertEquals(60_000L, got.getLong(1));
    assertEquals(mi, got.getDouble(0), 0.0, "MI of the switching partition");
    assertTrue(mi > 0.01, "a table with some dependence: " + mi);
  }

  @Test
  void nullIsACategoryUnlessFiltered() {
    table("syn_nulls").createOrReplaceTempView("nulls");
    Row r = spark.sql("SELECT mutual_info(x, y, count), mutual_info(x, y, count) FILTER (WHERE x IS NOT NULL AND y IS NOT NULL), "
        + "mutual_info(x, y, count) FILTER (WHERE x = 'a') FROM nulls").first();
    close(EXPECTED.get("syn_nulls").get("mi_exact"), r.getDouble(0), 1e-12, 1e-16, "nulls as categories");
    // Without NULLs the table is a -> p (5), b -> q (4): MI = H = -(5/9 ln 5/9 + 4/9 ln 4/9).
    double h = -(5.0 / 9 * Math.log(5.0 / 9) + 4.0 / 9 * Math.log(4.0 / 9));
    close(h, r.getDouble(1), 1e-14, 0, "FILTER drops NULL rows");
    assertEquals(0.0, r.getDouble(2), 0.0, "one x level: MI 0");
  }

  @Test
  void groupedAndTypedInputs() {
    List<Row> rows = spark.sql("SELECT f, mutual_info(x, y), entropy(x, 1, 2), kl_div_agg(p, q) FROM VALUES "
        + "('a', 1, true, 1.0, 9.0), ('a', 1, true, 1.0, 1.0), ('a', 2, false, 0.0, 1.0), "
        + "('b', 3, true, 5.0, 5.0), ('b', 3, false, 5.0, 5.0) AS t(f, x, y, p, q) GROUP BY f ORDER BY f").collectAsList();
    // a: x = [1, 1, 2], y = [T, T, F] -> MI = H(X) = H(2/3, 1/3)
    double h = -(2.0 / 3 * Math.log(2.0 / 3) + 1.0 / 3 * Math.log(1.0 / 3));
    close(h, rows.get(0).getDouble(1), 1e-15, 0, "integer x boolean");
    close(h / Math.log(2), rows.get(0).getDouble(2), 1e-15, 0, "entropy in bits");
    double kl = 0.5 * Math.log(0.5 / (9.0 / 11)) + 0.5 * Math.log(0.5 / (1.0 / 11));
    close(kl, rows.get(0).getDouble(3), 1e-14, 0, "kl_div_agg over long rows");
    assertEquals(0.0, rows.get(1).getDouble(1), 0.0, "b: one x level");
    assertEquals(0.0, rows.get(1).getDouble(3), 0.0, "b: same distribution");

    Row t = spark.sql("SELECT mutual_info(d, c), mutual_info(z, c), entropy(dec), entropy(ts) FROM VALUES "
        + "(DATE'2024-01-01', 0.0D, 'u', 1.50BD, TIMESTAMP'2024-01-01 00:00:00'), "
        + "(DATE'2024-01-01', -0.0D, 'u', 1.5BD, TIMESTAMP'2024-01-01 00:00:00'), "
        + "(DATE'2024-01-02', double('NaN'), 'v', 2.00BD, TIMESTAMP'2024-01-02 00:00:00'), "
        + "(DATE'2024-01-02', -double('NaN'), 'v', 2.0BD, TIMESTAMP'2024-01-02 00:00:00') AS t(d, z, c, dec, ts)").first();
    double ln2 = Math.log(2);
    close(ln2, t.getDouble(0), 1e-15, 0, "dates");
    close(ln2, t.getDouble(1), 1e-15, 0, "0.0 = -0.0 and NaN is one category, as in GROUP BY");
    close(ln2, t.getDouble(2), 1e-15, 0, "decimals by value");
    close(ln2, t.getDouble(3), 1e-15, 0, "timestamps");
  }

  @Test
  void columnsAreNamedAfterTheCall() {
    Dataset<Row> df = spark.sql("SELECT mutual_info(x, y), g_test(x, y), kl_div_agg(p, q) FROM VALUES "
        + "('a', 'b', 1.0, 2.0) AS t(x, y, p, q)");
    assertEquals(List.of("mutual_info(x, y)", "g_test(x, y)", "kl_div_agg(p, q)"), List.of(df.columns()));
    assertEquals(0.0, df.first().getDouble(0), 0.0);
  }

  @Test
  void invalidWeightsAndOptions() {
    spark.sql("SELECT * FROM VALUES ('a', 'p', 1.0), ('b', 'q', -2.0) AS t(x, y, w)").createOrReplaceTempView("bad_w");
    Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT mutual_info(x, y, w) FROM bad_w").collect());
    assertTrue(rootMessage(e).contains("mutual_info: argument `w`") && rootMessage(e).contains("-2.0"), rootMessage(e));
    e = assertThrows(Exception.class, () -> spark.sql("SELECT normalized_mutual_info(x, y, 'median') FROM bad_w").collect());
    assertTrue(rootMessage(e).contains("'arithmetic', 'geometric', 'min' or 'max'"), rootMessage(e));
    e = assertThrows(Exception.class, () -> spark.sql("SELECT mutual_info(x, array(1)) FROM bad_w").collect());
    assertTrue(e.getMessage().contains("mutual_info") && e.getMessage().contains("must be string"), e.getMessage());
    spark.conf().set("spark.sql.ansi.enabled", "false");
    Row r = spark.sql("SELECT mutual_info(x, y, w), mutual_info(x, y, 1, 1), mutual_info(x, y) FROM bad_w").first();
    assertTrue(r.isNullAt(0));
    assertTrue(r.isNullAt(1));
    close(Math.log(2), r.getDouble(2), 1e-15, 0, "valid call in the same query");
  }

  /** Past the cell limit a global call is counted through shuffles; a group's names the scalable path. */
  @Test
  void cellLimitFallsBackGloballyAndNamesTheScalablePathPerGroup() {
    double inMemory = spark.range(100).selectExpr("mutual_info(id, id % 7)").first().getDouble(0);
    spark.conf().set(InformationAggregate.MAX_CELLS_CONF, "10");
    try {
      double shuffled = spark.range(100).selectExpr("mutual_info(id, id % 7)").first().getDouble(0);
      assertEquals(inMemory, shuffled, 1e-13 * inMemory);
      Exception e = assertThrows(Exception.class,
          () -> spark.range(100).groupBy(functions.expr("id % 2")).agg(functions.expr("mutual_info(id, id % 7)")).collect());
      assertTrue(rootMessage(e).contains("MutualInformation.of(df)"), rootMessage(e));
    } finally {
      spark.conf().unset(InformationAggregate.MAX_CELLS_CONF);
    }
  }

  @Test
  void mutualInformationApiMatchesGoldenValues() {
    Dataset<Row> titanic = spark.read().option("header", "true").csv("src/test/resources/data/titanic.csv");
    List<Row> tidy = MutualInformation.of(titanic).compute().collectAsList();
    assertEquals(6, tidy.size());
    assertEquals(List.of("col_a", "col_b", "n", "h_a", "h_b", "h_ab", "mi", "nmi", "ami", "g", "dof", "p_value",
        "levels_a", "levels_b"),
        List.of(MutualInformation.of(titanic).compute().columns()));
    double previous = Double.POSITIVE_INFINITY;
    for (Row r : tidy) {
      String name = "titanic_" + r.getString(0) + "_" + r.getString(1);
      Map<String, Double> e = EXPECTED.get(name);
      assertNotNull(e, name);
      assertTidyRowMatches(e, 2201L, r, name);
      assertTrue(r.getDouble(6) <= previous, "ordered by mi desc");
      previous = r.getDouble(6);
    }
    List<Row> ranked = MutualInformation.of(titanic).target("Survived").compute().collectAsList();
    List<String> expectedOrder = List.of("Class", "Sex", "Age").stream().sorted((a, b) -> Double.compare(
        EXPECTED.get("titanic_" + b + "_Survived").get("mi"), EXPECTED.get("titanic_" + a + "_Survived").get("mi"))).toList();
    assertEquals(expectedOrder, ranked.stream().map(r -> r.getString(1)).toList(), "ranked by MI with the target");
    for (Row r : ranked) {
      assertEquals("Survived", r.getString(0));
      close(EXPECTED.get("titanic_" + r.getString(1) + "_Survived").get("mi"), r.getDouble(6), 1e-12, 1e-14, "target mode");
    }
  }

  /**
   * {@code MutualInformation} on every golden case (the tables expanded back to one row per
   * observation, each side in its original type, no binning) against the scikit-learn / scipy
   * values: 3M rows for the flights cases.
   */
  @Test
  void mutualInformationApiOnEveryGoldenCase() {
    int checked = 0;
    for (String name : CASES.keySet()) {
      Map<String, Double> e = EXPECTED.get(name);
      Dataset<Row> rows = table(name).selectExpr("x", "y", "explode(sequence(1, count)) AS k").drop("k");
      Row r = MutualInformation.of(rows).columns("x", "y").bins(0).compute().first();
      if (name.equals("syn_empty")) {
        assertEquals(0L, r.getLong(2), name);
        assertTrue(r.isNullAt(6), "no rows: NULL measures, as the SQL aggregates give");
        continue;
      }
      assertTidyRowMatches(e, Long.parseLong(CASES.get(name)[2]), r, name);
      checked++;
    }
    assertTrue(checked >= 30, "cases checked: " + checked);
  }

  /** A row of MutualInformation's tidy table against a golden case (exact references where given). */
  private static void assertTidyRowMatches(Map<String, Double> e, long n, Row r, String name) {
    assertEquals(n, r.getLong(2), name + " n");
    close(e.get("hx_exact"), r.getDouble(3), 1e-12, 1e-15, name + " h_a");
    close(e.get("hy_exact"), r.getDouble(4), 1e-12, 1e-15, name + " h_b");
    close(e.get("hxy_exact"), r.getDouble(5), 1e-12, 1e-15, name + " h_ab");
    close(e.get("mi_exact"), r.getDouble(6), 1e-12, 1e-15, name + " mi");
    close(e.get("nmi_arithmetic"), r.getDouble(7), 1e-12, 1e-14, name + " nmi");
    close(e.get("ami_arithmetic"), r.getDouble(8), 1e-9, 1e-13, name + " ami");
    close(e.get("g_exact"), r.getDouble(9), 1e-12, 1e-12, name + " g");
    assertEquals(e.get("dof").longValue(), r.getLong(10), name + " dof");
    close(e.get("p"), r.getDouble(11), 1e-12, 1e-300, name + " p");
  }

  /**
   * The one-pass pair counting of {@code MutualInformation} against one SQL query per pair, over
   * mixed column types with NULLs, under several partitionings and with partial states emitted
   * every few thousand rows (a 1-byte budget) as well as once per task.
   */
  @Test
  void mutualInformationApiEqualsSqlPerPairWhateverThePartitioningAndFlushes() {
    Dataset<Row> df = spark.range(0, 30_000).selectExpr(
        "IF(id % 13 = 0, NULL, CONCAT('label-', CAST(id % 37 AS STRING))) AS s",
        "CAST(id % 11 AS INT) AS i", "(id % 37) % 3 = 0 AS b",
        "DATE_ADD(DATE'2024-01-01', CAST(id % 5 AS INT)) AS d",
        "IF(id % 17 = 0, NULL, CAST((id * 7) % 101 AS DOUBLE) / 4) AS v");
    String[] cols = {"s", "i", "b", "d", "v"};
    Map<String, Row> expected = new HashMap<>();
    for (int a = 0; a < cols.length; a++) {
      for (int b = a + 1; b < cols.length; b++) {
        String x = cols[a];
        String y = cols[b];
        expected.put(x + "|" + y, df.selectExpr("count(*)", "entropy(" + x + ")", "entropy(" + y + ")",
            "joint_entropy(" + x + ", " + y + ")", "mutual_info(" + x + ", " + y + ")",
            "normalized_mutual_info(" + x + ", " + y + ")", "adjusted_mutual_info(" + x + ", " + y + ")",
            "g_test(" + x + ", " + y + ")").first());
      }
    }
    for (int parts : new int[] {1, 7, 200}) {
      for (long budget : new long[] {64L << 20, 1}) {
        String run = parts + " partitions, budget " + budget;
        List<Row> tidy = MutualInformation.of(df.repartition(parts)).columns(cols).bins(0)
            .partialStateBytes(budget).compute().collectAsList();
        assertEquals(10, tidy.size(), run);
        for (Row r : tidy) {
          Row e = expected.get(r.getString(0) + "|" + r.getString(1));
          assertNotNull(e, r.toString());
          String what = r.getString(0) + " x " + r.getString(1) + ", " + run;
          assertEquals(e.getLong(0), r.getLong(2), what + " n");
          for (int k = 1; k <= 6; k++) close(e.getDouble(k), r.getDouble(2 + k), 1e-12, 1e-15, what + " measure " + k);
          Row g = e.getStruct(7);
          close(g.getDouble(0), r.getDouble(9), 1e-12, 1e-12, what + " g");
          assertEquals(g.getLong(1), r.getLong(10), what + " dof");
          close(g.getDouble(2), r.getDouble(11), 1e-12, 1e-300, what + " p");
        }
      }
    }
  }

  /** Spark serializes a pair's merge state only when it spills; the round trip keeps every cell, counts or weights. */
  @Test
  void mergedPairSurvivesJavaSerialization() throws Exception {
    for (boolean weighted : new boolean[] {false, true}) {
      io.github.sparkdivergence.counts.ContingencyState s = new io.github.sparkdivergence.counts.ContingencyState();
      for (int i = 0; i < 5_000; i++) {
        byte[] label = ("v" + i % 97).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        s.add(s.x().idOfBytes(label, 0, label.length), s.y().idOfLong(i % 13), weighted ? 0.25 * (i % 5) : 1.0);
      }
      MutualInformation.MergedPair merged = MutualInformation.MergedPair.of(s.toBytes(), weighted)
          .add(new MutualInformation.Partial(0, 5_000, new io.github.sparkdivergence.counts.ContingencyState().toBytes()));
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
        out.writeObject(merged);
      }
      MutualInformation.MergedPair back;
      try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
        back = (MutualInformation.MergedPair) in.readObject();
      }
      io.github.sparkdivergence.counts.ContingencyState after = back.counts().pairCounts(0);
      assertEquals(weighted ? 2_500.0 : 5_000.0, after.totalWeight(), 0.0, "weighted " + weighted);
      assertEquals(s.cells(), after.cells());
      assertEquals(5_000, back.rows, "the rows the shuffled path sizes its tasks by");
      assertEquals(io.github.sparkdivergence.math.InformationMeasures.mutualInformation(s.toTable(), Math.E),
          io.github.sparkdivergence.math.InformationMeasures.mutualInformation(after.toTable(), Math.E), 1e-15);
    }
    // what MutualInformation shuffles also survives Kryo, which clusters often configure
    org.apache.spark.serializer.SerializerInstance kryo =
        new org.apache.spark.serializer.KryoSerializer(new org.apache.spark.SparkConf()).newInstance();
    io.github.sparkdivergence.counts.ContingencyState cells = new io.github.sparkdivergence.counts.ContingencyState();
    cells.add(cells.x().idOfLong(1), cells.y().idOfLong(2), 3.0);
    scala.reflect.ClassTag<Object> any = scala.reflect.ClassTag$.MODULE$.Any();
    MutualInformation.Partial partial = (MutualInformation.Partial) kryo.deserialize(
        kryo.serialize(new MutualInformation.Partial(3.0, 1, cells.toBytes()), any), any);
    assertEquals(3.0, partial.total(), 0.0);
    assertEquals(1, partial.rows());
    assertArrayEquals(cells.toBytes(), partial.state());
    MutualInformation.MergedPair viaKryo = (MutualInformation.MergedPair) kryo.deserialize(
        kryo.serialize(MutualInformation.MergedPair.of(cells.toBytes(), false).add(partial), any), any);
    assertEquals(6.0, viaKryo.counts().pairCounts(0).totalWeight(), 0.0);
    assertEquals(3.0, viaKryo.total, 0.0, "the totals of the partial states added");
    assertEquals(1, viaKryo.rows, "the rows of the partial states added");
    // fractional weights only merge into weighted counts
    io.github.sparkdivergence.counts.ContingencyState half = new io.github.sparkdivergence.counts.ContingencyState();
    half.add(half.x().idOfLong(1), half.y().idOfLong(2), 0.5);
    assertThrows(IllegalArgumentException.class, () -> MutualInformation.MergedPair.of(half.toBytes(), false));
  }


  @Test
  void mutualInformationApiDropsNullsPerPair() {
    Dataset<Row> df = spark.range(0, 5_000).selectExpr(
        "IF(id % 13 = 0, NULL, CAST(id % 37 AS STRING)) AS s", "IF(id % 7 = 0, NULL, id % 5) AS l",
        "CAST(NULL AS STRING) AS gone");
    Map<String, Row> byPair = new HashMap<>();
    for (Row r : MutualInformation.of(df).columns("s", "l", "gone").bins(0).dropNulls(true).compute().collectAsList()) {
      byPair.put(r.getString(0) + "|" + r.getString(1), r);
    }
    Row sql = df.selectExpr("count(*) FILTER (WHERE s IS NOT NULL AND l IS NOT NULL)",
        "mutual_info(s, l) FILTER (WHERE s IS NOT NULL AND l IS NOT NULL)").first();
    Row sl = byPair.get("s|l");
    assertEquals(sql.getLong(0), sl.getLong(2), "rows with both values");
    close(sql.getDouble(1), sl.getDouble(6), 1e-12, 0, "MI without the NULL rows");
    Row none = byPair.get("s|gone");
    assertEquals(0L, none.getLong(2), "no row has both values");
    assertTrue(none.isNullAt(6) && none.isNullAt(3), "measures of an empty pair are NULL: " + none);

    List<Row> empty = MutualInformation.of(df.limit(0)).columns("s", "l").bins(0).compute().collectAsList();
    assertEquals(1, empty.size(), "an empty input still reports its pair");
    assertEquals(0L, empty.get(0).getLong(2));
    assertTrue(empty.get(0).isNullAt(6));
  }

  @Test
  void numericColumnsAreBinnedWithQuantileDiscretizer() {
    Dataset<Row> df = spark.range(0, 2000).selectExpr("CAST(id AS DOUBLE) / 10 AS v",
        "IF(id % 97 = 0, NULL, CAST(id % 3 AS STRING)) AS c", "IF(id < 1000, 'low', 'high') AS half");
    List<Row> tidy = MutualInformation.of(df).bins(4).relativeError(0).target("half").compute().collectAsList();
    Row v = tidy.stream().filter(r -> r.getString(1).equals("v")).findFirst().orElseThrow();
    // Independently: MLlib's own discretizer on the same column, then the SQL aggregate.
    Dataset<Row> bucketed = new org.apache.spark.ml.feature.QuantileDiscretizer().setInputCol("v").setOutputCol("b")
        .setNumBuckets(4).setRelativeError(0).fit(df).transform(df);
    double expected = bucketed.selectExpr("mutual_info(b, half)").first().getDouble(0);
    close(expected, v.getDouble(6), 1e-14, 0, "binned MI");
    assertTrue(v.getDouble(6) > 0.68, "the bins nearly separate the halves: " + v.getDouble(6));
    assertEquals(3L, v.getLong(10), "4 bins x 2 levels: dof 3");
    Row c = tidy.stream().filter(r -> r.getString(1).equals("c")).findFirst().orElseThrow();
    Row sql = df.selectExpr("mutual_info(half, c)").first();
    close(sql.getDouble(0), c.getDouble(6), 1e-14, 0, "categorical column with NULLs as a category");
    assertThrows(IllegalArgumentException.class, () -> MutualInformation.of(df).columns("v", "nope").compute());

    // Explicit splits: v < 100 and v >= 100 are exactly the halves.
    Row split = MutualInformation.of(df).splits("v", Double.NEGATIVE_INFINITY, 100, Double.POSITIVE_INFINITY)
        .columns("v", "half").compute().first();
    close(Math.log(2), split.getDouble(6), 1e-15, 0, "Bucketizer splits");
    assertThrows(IllegalArgumentException.class, () -> MutualInformation.of(df).splits("v", 1, 0, 2));
  }

  /**
   * Called by bare name, the aggregates read plain column arguments straight from the input row
   * and project computed ones (casts, expressions, literal options) first; both give the same
   * result, and the result column carries the function's name.
   */
  @Test
  void columnAndComputedArgumentsAgree() {
    Dataset<Row> df = spark.range(0, 5000).selectExpr("CAST(id % 7 AS STRING) AS x", "concat('label_', id % 11 + id % 3) AS y",
        "id % 4 AS w");
    Row r = df.selectExpr("mutual_info(x, y)", "mutual_info(concat(x, ''), y)", "mutual_info(x, y, w)",
        "mutual_info(x, y, CAST(w AS DOUBLE))", "mutual_info(x, y, w, 2)", "mutual_info(x, y, w) / ln(2)").first();
    close(r.getDouble(1), r.getDouble(0), 0, 0, "computed x");
    close(r.getDouble(3), r.getDouble(2), 0, 0, "weight cast by Spark vs by the caller");
    close(r.getDouble(5), r.getDouble(4), 1e-15, 0, "base 2");
    Dataset<Row> plain = df.selectExpr("mutual_info(x, y)");
    assertEquals("mutual_info(x, y)", plain.columns()[0]);
    assertTrue(plain.queryExecution().executedPlan().toString().contains("mutual_info"), plain.queryExecution().executedPlan().toString());
  }

  private static String rootMessage(Throwable t) {
    StringBuilder s = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) s.append(c.getMessage()).append(" | ");
    return s.toString();
  }
}
