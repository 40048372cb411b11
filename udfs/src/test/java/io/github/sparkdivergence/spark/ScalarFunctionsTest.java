package io.github.sparkdivergence.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.math.DistributionMeasure;
import io.github.sparkdivergence.math.Divergence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-row functions through every entry point (bare SQL names, the V2 catalog, the DataFrame
 * API) and every representation, against the math core called directly on the same vectors.
 */
class ScalarFunctionsTest {
  private static SparkSession spark;
  /** Every measure of two distributions, from the one list of measures. */
  private static final String[] PAIR = Arrays.stream(DistributionMeasure.values()).filter(DistributionMeasure::pair)
      .map(DistributionMeasure::sqlName).toArray(String[]::new);
  private static final double[][][] ROWS = {
      {{0.5, 0.5}, {0.9, 0.1}},
      {{0.1, 0.2, 0.3, 0.4}, {0.25, 0.25, 0.25, 0.25}},
      {{0.0, 0.3, 0.0, 0.7}, {0.1, 0.2, 0.3, 0.4}},
      {{0.0, 0.0, 0.6, 0.0, 0.4}, {0.0, 0.5, 0.5, 0.0, 0.0}}, // p > 0 = q: KL = +Infinity
      {{2.0, 6.0, 2.0}, {1.0, 1.0, 2.0}},                     // unnormalised
  };

  @BeforeAll
  static void setUp() {
    spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS.length; i++) {
      double[] p = ROWS[i][0];
      double[] q = ROWS[i][1];
      rows.add(RowFactory.create(i, boxed(p), boxed(q), Vectors.dense(p), Vectors.dense(q),
          Vectors.dense(p).toSparse(), Vectors.dense(q).toSparse()));
    }
    rows.add(RowFactory.create(ROWS.length, null, boxed(ROWS[0][1]), null, Vectors.dense(ROWS[0][1]), null, null));
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType)
        .add("p", DataTypes.createArrayType(DataTypes.DoubleType, false))
        .add("q", DataTypes.createArrayType(DataTypes.DoubleType, false))
        .add("pv", SQLDataTypes.VectorType()).add("qv", SQLDataTypes.VectorType())
        .add("ps", SQLDataTypes.VectorType()).add("qs", SQLDataTypes.VectorType());
    spark.createDataFrame(rows, schema)
        .selectExpr("*",
            "map_from_arrays(transform(p, (x, i) -> concat('c', i)), p) AS pm",
            // q's keys in reverse order: maps are aligned by key, not position
            "map_from_arrays(reverse(transform(q, (x, i) -> concat('c', i))), reverse(q)) AS qm")
        .createOrReplaceTempView("dists");
  }

  @AfterEach
  void resetConf() { spark.conf().set("spark.sql.ansi.enabled", "true"); }

  private static Double[] boxed(double[] a) { return Arrays.stream(a).boxed().toArray(Double[]::new); }

  /** The math core's value, or null where it rejects the input (what SQL gives with ANSI off). */
  private static Double expected(String fn, double[] p, double[] q, double base, boolean norm, double eps) {
    try {
      return expectedOrThrow(fn, p, q, base, norm, eps);
    } catch (io.github.sparkdivergence.math.InvalidInputException e) {
      return null;
    }
  }

  private static double expectedOrThrow(String fn, double[] p, double[] q, double base, boolean norm, double eps) {
    int n = p.length;
    return switch (fn) {
      case "kl_div" -> Divergence.klDivergence(p, q, n, base, norm, eps);
      case "cross_entropy" -> Divergence.crossEntropy(p, q, n, base, norm, eps);
      case "js_div" -> Divergence.jsDivergence(p, q, n, base, norm, eps);
      case "js_distance" -> Divergence.jsDistance(p, q, n, base, norm, eps);
      case "jeffreys_div" -> Divergence.jeffreysDivergence(p, q, n, base, norm, eps);
      case "dist_entropy" -> Divergence.entropy(p, n, base, norm, eps);
      default -> DistributionMeasure.bySqlName(fn).dense(p, q, n, base, norm, eps);
    };
  }

  private static void assertSame(Double expected, Object actual, String what) {
    if (expected == null) {
      assertNull(actual, what + ": invalid input, NULL with ANSI off");
      return;
    }
    assertNotNull(actual, what);
    double a = (Double) actual;
    if (Double.isInfinite(expected) || Double.isNaN(expected)) {
      assertEquals(expected, a, what);
    } else {
      assertEquals(expected, a, Math.max(1e-300, Math.abs(expected) * 1e-12), what);
    }
  }

  /** ANSI off: the unnormalised row gives NULL where it is used as given, a value where normalized. */
  @Test
  void everyRepresentationAndEntryPointAgrees() {
    spark.conf().set("spark.sql.ansi.enabled", "false");
    String[] optionSets = {"", ", 2", ", 2, true", ", 10, true, 0.01", ", 2.718281828459045, false, 0.001"};
    // measures without a log base: the same calls minus the base
    String[] noBaseSets = {"", "", ", true", ", true, 0.01", ", false, 0.001"};
    double[][] opts = {{Math.E, 0, 0}, {2, 0, 0}, {2, 1, 0}, {10, 1, 0.01}, {2.718281828459045, 0, 0.001}};
    for (String fn : PAIR) {
      boolean takesBase = DistributionMeasure.bySqlName(fn).takesBase();
      for (int o = 0; o < optionSets.length; o++) {
        String a = takesBase ? optionSets[o] : noBaseSets[o];
        List<Row> rows = spark.sql("SELECT id, " + fn + "(p, q" + a + "), " + fn + "(pv, qv" + a + "), "
            + fn + "(ps, qs" + a + "), " + fn + "(pm, qm" + a + "), divergence." + fn + "(p, q" + a + "), "
            + fn + "(pv, qs" + a + ") FROM dists ORDER BY id").collectAsList();
        for (Row r : rows) {
          int id = r.getInt(0);
          if (id == ROWS.length) {
            for (int c = 1; c < 6; c++) assertTrue(r.isNullAt(c), fn + " null p -> null");
            continue;
          }
          Double e = expected(fn, ROWS[id][0], ROWS[id][1], opts[o][0], opts[o][1] == 1, opts[o][2]);
          for (int c = 1; c <= 6; c++) assertSame(e, r.get(c), fn + a + " row " + id + " column " + c);
        }
      }
    }
  }

  /** Hellinger, total variation and L-infinity have no base; their options are normalize and eps. */
  @Test
  void boundedMeasuresTakeNoBase() {
    List<Row> r = spark.sql("SELECT hellinger_distance(array(1, 0), array(0, 1)), total_variation(p, q, true), "
        + "linf_distance(pm, qm, false, 0.0), hellinger_distance(p, q) = hellinger_distance(q, p) FROM dists WHERE id = 0")
        .collectAsList();
    assertEquals(1.0, r.get(0).getDouble(0), "disjoint supports");
    assertEquals(0.4, r.get(0).getDouble(1), 1e-15);
    assertEquals(0.4, r.get(0).getDouble(2), 1e-15);
    assertTrue(r.get(0).getBoolean(3), "symmetric");
    for (String fn : new String[] {"hellinger_distance", "total_variation", "linf_distance"}) {
      AnalysisException e = assertThrows(AnalysisException.class,
          () -> spark.sql("SELECT " + fn + "(p, q, 2) FROM dists").collect(), fn);
      assertTrue(e.getMessage().contains("argument `normalize` must be boolean but was int"), e.getMessage());
      e = assertThrows(AnalysisException.class, () -> spark.sql("SELECT " + fn + "(p, q, true, 0.1, 2) FROM dists").collect());
      assertTrue(e.getMessage().contains("expects 2 to 4 arguments but got 5"), e.getMessage());
    }
    spark.conf().set("spark.sql.ansi.enabled", "false"); // the unnormalised row is NULL without normalize
    Dataset<Row> df = spark.table("dists").where("id < " + ROWS.length).orderBy("id");
    assertEquals(df.selectExpr("hellinger_distance(pv, qv, true, 0.01)", "total_variation(ps, qs)").collectAsList(),
        df.select(DivergenceFunctions.measure(DistributionMeasure.HELLINGER_DISTANCE, col("pv"), col("qv"), 2, true, 0.01),
            DivergenceFunctions.measure(DistributionMeasure.TOTAL_VARIATION, col("ps"), col("qs"))).collectAsList());
  }

  @Test
  void entropyOnEveryRepresentation() {
    spark.conf().set("spark.sql.ansi.enabled", "false");
    List<Row> rows = spark.sql("SELECT id, dist_entropy(p), dist_entropy(pv, 2), dist_entropy(ps, 2, true), "
        + "dist_entropy(pm, 2, true, 0.01), divergence.dist_entropy(p, 2, true, 0.01) FROM dists ORDER BY id")
        .collectAsList();
    for (Row r : rows) {
      int id = r.getInt(0);
      if (id == ROWS.length) continue;
      double[] p = ROWS[id][0];
      assertSame(expected("dist_entropy", p, null, Math.E, false, 0), r.get(1), "H " + id);
      assertSame(expected("dist_entropy", p, null, 2, false, 0), r.get(2), "H2 " + id);
      assertSame(expected("dist_entropy", p, null, 2, true, 0), r.get(3), "H2 norm " + id);
      assertSame(expected("dist_entropy", p, null, 2, true, 0.01), r.get(4), "H2 eps " + id);
      assertSame(expected("dist_entropy", p, null, 2, true, 0.01), r.get(5), "catalog " + id);
    }
  }

  @Test
  void dataFrameApiMatchesSql() {
    spark.conf().set("spark.sql.ansi.enabled", "false"); // the unnormalised row is NULL for some calls
    Dataset<Row> df = spark.table("dists").where("id < " + ROWS.length).orderBy("id");
    List<Row> api = df.select(
        DivergenceFunctions.klDiv(col("p"), col("q")), DivergenceFunctions.jsDistance(col("pv"), col("qv"), 2),
        DivergenceFunctions.crossEntropy(col("pm"), col("qm"), 2, true, 0.01), DivergenceFunctions.distEntropy(col("ps"), 2),
        DivergenceFunctions.jeffreysDiv(col("p"), col("q"), 10), DivergenceFunctions.jsDiv(col("ps"), col("qs"))).collectAsList();
    List<Row> sql = df.selectExpr("kl_div(p, q)", "js_distance(pv, qv, 2)", "cross_entropy(pm, qm, 2, true, 0.01)",
        "dist_entropy(ps, 2)", "jeffreys_div(p, q, 10)", "js_div(ps, qs)").collectAsList();
    assertEquals(sql, api);
    assertEquals("kl_div(p, q)", df.select(DivergenceFunctions.klDiv(col("p"), col("q"))).columns()[0]);
    assertEquals(List.of("kl_div(p, q, 2)", "js_div(pv, qv)", "v"),
        Arrays.asList(df.selectExpr("kl_div(p, q, 2)", "js_div(pv, qv)", "dist_entropy(p) AS v").columns()));
    // Grouping by a call and selecting the same call is the same expression to the analyser.
    assertEquals(ROWS.length, spark.sql("SELECT kl_div(p, q), count(*) FROM dists WHERE p IS NOT NULL "
        + "GROUP BY kl_div(p, q)").count());
  }

  @Test
  void dataFrameApiForLogSpaceGaussianAndRlhf() {
    // lp, ref: normalized log-probabilities (kl_div_log needs them), also per-token log-probs for rlhf
    Dataset<Row> df = spark.range(5).selectExpr("id", "array(ln(0.2D), ln(0.3D + id / 100D), ln(0.5D - id / 100D)) AS lp",
        "array(ln(0.25D + id / 50D), ln(0.25D), ln(0.5D - id / 50D)) AS ref",
        "array(1, 1, IF(id % 2 = 0, 1, 0)) AS mask", "id / 10D AS mu", "-id / 5D AS lv", "array(id / 10D, 0.5D) AS mus",
        "array(-id / 5D, 0.1D) AS lvs", "array(1D + id / 10D, 0.5D) AS sig", "1D + id AS s1", "array(1.0D, 2.0D + id, 0.5D) AS x", "array(0.0D, id + 0D, 1.0D) AS y");
    List<Row> api = df.orderBy("id").select(
        DivergenceFunctions.klDivLog(col("lp"), col("ref")), DivergenceFunctions.klDivLogits(col("x"), col("y"), 2),
        DivergenceFunctions.klGaussian(col("mu"), col("s1"), functions.lit(0), functions.lit(1)),
        DivergenceFunctions.klGaussian(col("mus"), col("sig"), col("mus"), col("sig"), 10),
        DivergenceFunctions.klStdNormal(col("mu"), col("lv")), DivergenceFunctions.klStdNormal(col("mus"), col("lvs"), 2),
        DivergenceFunctions.rlhfKl(col("lp"), col("ref")), DivergenceFunctions.rlhfKl(col("lp"), col("ref"), col("mask"), "k2", "mean"),
        DivergenceFunctions.rlhfKlPerToken(col("lp"), col("ref"), col("mask"), "k1")).collectAsList();
    List<Row> sql = df.orderBy("id").selectExpr("kl_div_log(lp, ref)", "kl_div_logits(x, y, 2)", "kl_gaussian(mu, s1, 0, 1)",
        "kl_gaussian(mus, sig, mus, sig, 10)", "kl_std_normal(mu, lv)", "kl_std_normal(mus, lvs, 2)", "rlhf_kl(lp, ref)",
        "rlhf_kl(lp, ref, mask, 'k2', 'mean')", "rlhf_kl_per_token(lp, ref, mask, 'k1')").collectAsList();
    assertEquals(sql, api);
    assertEquals(0.0, api.get(1).getDouble(3), 0.0, "KL of a Gaussian with itself");
  }

  @Test
  void otherNumericArraysAreCast() {
    Row r = spark.sql("SELECT kl_div(array(1, 1), array(9, 1), 2, true), "
        + "kl_div(array(CAST(0.5 AS FLOAT), CAST(0.5 AS FLOAT)), array(0.9D, 0.1D)), "
        + "kl_div(array(0.5BD, 0.5BD), array(0.9BD, 0.1BD))").first();
    assertSame(0.7369655941662062, r.get(0), "int arrays");
    assertSame(0.5108256237659907, r.get(1), "float arrays");
    assertSame(0.5108256237659907, r.get(2), "decimal arrays");
  }

  @Test
  void nullsPropagate() {
    spark.sql("SELECT p, q, CAST(NULL AS DOUBLE) AS nb, IF(id = 0, NULL, 2D) AS b FROM dists WHERE id < 2")
        .createOrReplaceTempView("with_null_base");
    List<Row> rows = spark.sql("SELECT kl_div(p, q, nb), kl_div(p, q, b), divergence.kl_div(p, q, b), "
        + "kl_div(NULL, q), kl_div(p, q, 2, CAST(NULL AS BOOLEAN)), dist_entropy(p, b) FROM with_null_base")
        .collectAsList();
    for (Row r : rows) {
      assertTrue(r.isNullAt(0));
      assertTrue(r.isNullAt(3));
      assertTrue(r.isNullAt(4));
    }
    long nulls = rows.stream().filter(r -> r.isNullAt(1)).count();
    assertEquals(1, nulls, "exactly the row with a NULL base gives NULL");
    assertEquals(rows.stream().map(r -> r.get(1)).toList(), rows.stream().map(r -> r.get(2)).toList(),
        "catalog path (produceResult for nullable options) agrees with the extension path");
  }

  @Test
  void invalidInputFailsUnderAnsiWithAClearMessage() {
    spark.sql("SELECT array(0.5D, 0.5D) AS prob_a, array(1.5D, -0.5D) AS prob_b, array(0.2D, 0.3D, 0.5D) AS three, "
        + "array(0.5D, CAST(NULL AS DOUBLE)) AS with_null, CAST(array() AS array<double>) AS empty")
        .createOrReplaceTempView("bad");
    spark.conf().set("spark.sql.ansi.enabled", "true");
    assertInvalid("SELECT kl_div(prob_a, prob_b) FROM bad", "kl_div", "`q` (prob_b)", "negative");
    assertInvalid("SELECT js_div(prob_a, three) FROM bad", "js_div", "`q` (three)", "length 3");
    assertInvalid("SELECT kl_div(with_null, prob_a) FROM bad", "kl_div", "`p` (with_null)", "null element at index 1");
    assertInvalid("SELECT dist_entropy(empty) FROM bad", "dist_entropy", "`p` (empty)", "empty");
    assertInvalid("SELECT kl_div(prob_a, prob_a, 1) FROM bad", "kl_div", "`base`", "log base");
    assertInvalid("SELECT kl_div(prob_a, prob_a, 2, false, -1) FROM bad", "kl_div", "`eps`", ">= 0");
    assertInvalid("SELECT kl_gaussian(0, 0, 0, 1)", "kl_gaussian", "`sigma1`", "sigma");
    assertInvalid("SELECT rlhf_kl(array(-1D), array(-2D), 'k4')", "rlhf_kl", "`estimator`", "'k1', 'k2' or 'k3'");
    assertInvalid("SELECT rlhf_kl(array(-1D), array(-2D), array(2D), 'k1')", "rlhf_kl", "`mask`", "");
    assertInvalid("SELECT divergence.kl_div(prob_a, prob_b) FROM bad", "kl_div", "`q`", "negative");

    spark.conf().set("spark.sql.ansi.enabled", "false");
    Row r = spark.sql("SELECT kl_div(prob_a, prob_b), js_div(prob_a, three), kl_div(with_null, prob_a), "
        + "dist_entropy(empty), kl_div(prob_a, prob_a, 1), kl_gaussian(0, 0, 0, 1), "
        + "rlhf_kl(array(-1D), array(-2D), 'k4'), divergence.kl_div(prob_a, prob_b) FROM bad").first();
    for (int i = 0; i < r.length(); i++) assertTrue(r.isNullAt(i), "ANSI off: NULL for invalid input, column " + i);
  }

  /**
   * +Infinity gave kl_div = -Infinity; counts used as given gave kl_div = -0.32, dist_entropy =
   * -2.77 and js_distance = 1.86 > 1 bit. Now invalid input, in every representation.
   */
  @Test
  void onlyDistributionsAreUsedAsGiven() {
    assertInvalid("SELECT kl_div(array(CAST('Infinity' AS DOUBLE), 0.0D), array(0.5D, 0.5D))", "kl_div", "`p`",
        "infinite value Infinity at index 0");
    assertInvalid("SELECT kl_div(array(1D, 1D), array(CAST('Infinity' AS DOUBLE), 1D), 2, true)", "kl_div", "`q`",
        "infinite value");
    assertInvalid("SELECT kl_div(array(0.1D, 0.1D), array(0.5D, 0.5D))", "kl_div", "`p`", "sums to 0.2");
    assertInvalid("SELECT dist_entropy(array(2D, 2D))", "dist_entropy", "`p`", "sums to 4.0");
    assertInvalid("SELECT js_distance(array(5D, 0D), array(0D, 5D), 2)", "js_distance", "`p`", "sums to 5.0");
    assertInvalid("SELECT kl_div(map('a', 2.0D), map('a', 1.0D))", "kl_div", "`p`", "sums to 2.0");
    assertInvalid("SELECT kl_div(pv, qv) FROM dists WHERE id = 4", "kl_div", "`p` (pv)", "sums to 10.0");
    assertInvalid("SELECT kl_div(ps, qs) FROM dists WHERE id = 4", "kl_div", "`p` (ps)", "sums to 10.0");
    assertInvalid("SELECT kl_div_log(array(ln(0.1D), ln(0.1D)), array(ln(0.5D), ln(0.5D)))", "kl_div_log", "`log_p`",
        "not normalized log-probabilities");
    assertInvalid("SELECT kl_div_logits(array(CAST('Infinity' AS DOUBLE), 0D), array(0D, 0D))", "kl_div_logits", "`x`",
        "+Infinity");
    // normalized, the same vectors are fine and in range
    Row r = spark.sql("SELECT js_distance(array(5D, 0D), array(0D, 5D), 2, true), dist_entropy(array(2D, 2D), 2, true),"
        + " kl_div(array(0.1D, 0.1D), array(0.5D, 0.5D), 2, true)").first();
    assertEquals(1.0, r.getDouble(0));
    assertEquals(1.0, r.getDouble(1));
    assertEquals(0.0, r.getDouble(2));
    spark.conf().set("spark.sql.ansi.enabled", "false");
    r = spark.sql("SELECT kl_div(array(CAST('Infinity' AS DOUBLE), 0.0D), array(0.5D, 0.5D)),"
        + " kl_div(array(0.1D, 0.1D), array(0.5D, 0.5D)), dist_entropy(array(2D, 2D))").first();
    for (int i = 0; i < r.length(); i++) assertTrue(r.isNullAt(i), "ANSI off: NULL, column " + i);
  }

  /** docs/functions.md documents a boolean mask; it was rejected with DATATYPE_MISMATCH. */
  @Test
  void rlhfTakesABooleanMask() {
    String lp = "array(-1.2D, -0.7D, -2.3D)";
    String ref = "array(-1.0D, -0.9D, -2.0D)";
    for (String fn : new String[] {"rlhf_kl", "divergence.rlhf_kl"}) {
      Row r = spark.sql("SELECT " + fn + "(" + lp + ", " + ref + ", array(true, true, false), 'k3', 'mean'), "
          + fn + "(" + lp + ", " + ref + ", array(1, 1, 0), 'k3', 'mean'), "
          + fn + "(" + lp + ", " + ref + ", array(true, false, true))").first();
      assertEquals(0.020066755619075866, r.getDouble(0), 1e-12 * 0.020066755619075866, fn);
      assertEquals(r.getDouble(1), r.getDouble(0), fn);
      assertEquals(spark.sql("SELECT rlhf_kl(" + lp + ", " + ref + ", array(1, 0, 1))").first().getDouble(0),
          r.getDouble(2), fn);
    }
    Row t = spark.sql("SELECT rlhf_kl_per_token(" + lp + ", " + ref + ", array(false, true, true), 'k1')").first();
    assertEquals(List.of(0.0, -0.7 + 0.9, -2.3 + 2.0), t.getList(0));
    assertInvalid("SELECT rlhf_kl(" + lp + ", " + ref + ", array(true, NULL, true))", "rlhf_kl", "`mask`",
        "null element at index 1");
  }

  private static void assertInvalid(String sql, String fn, String argument, String problem) {
    Exception e = assertThrows(Exception.class, () -> spark.sql(sql).collect(), sql);
    Throwable t = e;
    while (t != null && !(t instanceof InvalidDivergenceInputException)) t = t.getCause();
    assertNotNull(t, sql + " should fail with InvalidDivergenceInputException but got " + e);
    String msg = t.getMessage();
    assertTrue(msg.contains(fn + ": argument " + argument), sql + " -> " + msg);
    assertTrue(msg.contains(problem), sql + " -> " + msg);
    assertEquals("22023", ((InvalidDivergenceInputException) t).getSqlState());
  }

  @Test
  void wrongArgumentTypesAreAnalysisErrors() {
    AnalysisException e = assertThrows(AnalysisException.class, () -> spark.sql("SELECT kl_div('a', 'b')").collect());
    assertTrue(e.getMessage().contains("kl_div") && e.getMessage().contains("must be array<double>"), e.getMessage());
    e = assertThrows(AnalysisException.class, () -> spark.sql("SELECT kl_div(p, qv) FROM dists").collect());
    assertTrue(e.getMessage().contains("must be stored like `p`"), e.getMessage());
    e = assertThrows(AnalysisException.class, () -> spark.sql("SELECT kl_div(p) FROM dists").collect());
    assertTrue(e.getMessage().contains("expects 2 to 5 arguments"), e.getMessage());
    e = assertThrows(AnalysisException.class, () -> spark.sql("SELECT divergence.kl_div(p, 'x') FROM dists").collect());
    assertTrue(e.getMessage().contains("kl_div"), e.getMessage());
  }

  @Test
  void gaussianLogSpaceAndRlhf() {
    Row r = spark.sql("SELECT kl_gaussian(1.0, 2.0, 0.5, 1.5), kl_gaussian(array(1.0, 0.0), array(2.0, 1.0), "
        + "array(0.5, 0.0), array(1.5, 1.0)), kl_std_normal(0.5, -0.2), kl_std_normal(array(0.5, 0.0), array(-0.2, 0.0), 2), "
        + "kl_div_log(array(ln(0.2), ln(0.8)), array(ln(0.5), ln(0.5))), kl_div_logits(array(1.0, 2.0, 3.0), array(3.0, 2.0, 1.0)), "
        + "rlhf_kl(array(-1.0, -2.0, -0.5), array(-1.2, -1.0, -0.5), array(1, 1, 0), 'k3', 'mean'), "
        + "rlhf_kl_per_token(array(-1.0, -2.0), array(-1.2, -1.0), 'k2'), kl_gaussian(CAST(NULL AS DOUBLE), 1, 0, 1)").first();
    double g = Math.log(1.5 / 2.0) + (4.0 + 0.25) / (2 * 2.25) - 0.5;
    assertSame(g, r.get(0), "univariate Gaussian");
    assertSame(g, r.get(1), "diagonal Gaussian (second dimension contributes 0)");
    double s = -0.5 * (1 - 0.2 - 0.25 - Math.exp(-0.2));
    assertSame(s, r.get(2), "VAE term");
    assertSame(s / Math.log(2), r.get(3), "VAE term over dims, bits");
    assertSame(0.2 * Math.log(0.2 / 0.5) + 0.8 * Math.log(0.8 / 0.5), r.get(4), "log-probs");
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    double[] pr = {Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z};
    assertSame(pr[0] * Math.log(pr[0] / pr[2]) + pr[2] * Math.log(pr[2] / pr[0]), r.get(5), "logits");
    double k3a = Math.exp(-0.2) - 1 + 0.2;  // r = exp(ref - lp) = exp(-0.2)
    double k3b = Math.exp(1.0) - 1 - 1.0;   // r = exp(1)
    assertSame((k3a + k3b) / 2, r.get(6), "k3 masked mean");
    List<Object> tokens = r.getList(7);
    assertSame(0.5 * 0.04, tokens.get(0), "k2 token 0");
    assertSame(0.5, tokens.get(1), "k2 token 1");
    assertTrue(r.isNullAt(8));
  }

  @Test
  void fastPathIsCompiledWithoutFallback() {
    spark.conf().set("spark.sql.adaptive.enabled", "false");
    try {
      Dataset<Row> df = spark.range(8).selectExpr("id", "array(id + 1D, 2D) AS p", "array(2D, id + 1D) AS q",
          "map('a', id + 1D) AS pm", "map('a', 1D, 'b', id) AS qm");
      String plan = df.selectExpr("kl_div(p, q)", "js_div(p, q, 2)", "kl_div(pm, qm, id + 2)")
          .queryExecution().executedPlan().toString();
      assertTrue(plan.startsWith("*("), "whole-stage codegen expected:\n" + plan);
      assertFalse(plan.contains("ApplyFunctionExpression"), plan);
    } finally {
      spark.conf().unset("spark.sql.adaptive.enabled");
    }
  }
}
