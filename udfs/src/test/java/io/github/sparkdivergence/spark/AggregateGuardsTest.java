package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.spark.functions.InformationAggregate;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the information aggregates and {@code kl_div_agg} refuse instead of answering wrongly: an
 * option (base, method, eps) that changes within a group, weights whose total overflows, a group
 * past the state limits (checked on merged states too), an unusable limit; and NULL options, which
 * give NULL as the per-row functions do.
 */
class AggregateGuardsTest {
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = SparkTestSession.get();
    spark.sql("SELECT * FROM VALUES ('a', 1, 2.0D, 'min'), ('b', 2, 10.0D, 'max'), ('a', 2, 10.0D, 'max')"
        + " AS t(x, y, b, m)").createOrReplaceTempView("varying");
    spark.sql("SELECT * FROM VALUES ('a', 1, 2.0D), ('b', 2, 2.0D), ('a', 2, 2.0D) AS t(x, y, b)")
        .createOrReplaceTempView("constant_base");
  }

  @AfterEach
  void reset() {
    spark.conf().set("spark.sql.ansi.enabled", "true");
    spark.conf().unset(InformationAggregate.MAX_CELLS_CONF);
    spark.conf().unset(InformationAggregate.MAX_STATE_BYTES_CONF);
    spark.conf().unset(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF);
  }

  /** It took the first row's base: 0.2516 one way, 0.0757 with the rows' bases swapped. */
  @Test
  void nonConstantOptionsAreRejectedAtAnalysis() {
    for (String sql : new String[] {
        "SELECT mutual_info(x, y, 1, b) FROM varying",
        "SELECT entropy(x, 1, b) FROM varying",
        "SELECT normalized_mutual_info(x, y, 1, m) FROM varying",
        "SELECT adjusted_mutual_info(x, y, m) FROM varying",
        "SELECT kl_div_agg(y, b, b) FROM varying",
        "SELECT kl_div_agg(y, b, 0.0, b) FROM varying"}) {
      AnalysisException e = assertThrows(AnalysisException.class, () -> spark.sql(sql).collect(), sql);
      assertTrue(e.getMessage().contains("must be a constant"), sql + " -> " + e.getMessage());
    }
    // a constant expression is fine, and equals the literal
    double literal = spark.sql("SELECT mutual_info(x, y, 1, 2) FROM varying").first().getDouble(0);
    assertEquals(literal, spark.sql("SELECT mutual_info(x, y, 1, 1 + 1) FROM varying").first().getDouble(0));
  }

  /** The function catalog plans the aggregate itself: the state checks each row and each merge. */
  @Test
  void nonConstantOptionsFailThroughTheCatalog() {
    Exception e = assertThrows(Exception.class,
        () -> spark.sql("SELECT divergence.mutual_info(x, y, 1, b) FROM varying").collect());
    DivergenceQueryException d = find(e, DivergenceQueryException.class);
    assertEquals(DivergenceQueryException.NON_CONSTANT_OPTION, d.getCondition());
    assertTrue(d.getMessage().contains("mutual_info: argument `base`"), d.getMessage());
    // rows split over partitions: the merge sees two different bases
    e = assertThrows(Exception.class, () -> spark.sql("SELECT divergence.normalized_mutual_info(x, y, 1, m)"
        + " FROM (SELECT /*+ REPARTITION(3) */ * FROM varying)").collect());
    assertEquals(DivergenceQueryException.NON_CONSTANT_OPTION, find(e, DivergenceQueryException.class).getCondition());
    e = assertThrows(Exception.class, () -> spark.sql("SELECT divergence.kl_div_agg(y, b, b) FROM varying").collect());
    assertEquals(DivergenceQueryException.NON_CONSTANT_OPTION, find(e, DivergenceQueryException.class).getCondition());
    // a column that is constant works, and agrees with the literal
    assertEquals(spark.sql("SELECT mutual_info(x, y, 1, 2) FROM constant_base").first().getDouble(0),
        spark.sql("SELECT divergence.mutual_info(x, y, 1, b) FROM (SELECT /*+ REPARTITION(3) */ * FROM constant_base)")
            .first().getDouble(0));
  }

  @Test
  void nullOptionsGiveNull() {
    Row r = spark.sql("SELECT mutual_info(x, y, 1, CAST(NULL AS DOUBLE)), entropy(x, 1, NULL),"
        + " normalized_mutual_info(x, y, CAST(NULL AS STRING)), kl_div_agg(y, b, NULL),"
        + " kl_div_agg(y, b, 0.0, NULL), divergence.mutual_info(x, y, 1, CAST(NULL AS DOUBLE)),"
        + " mutual_info(x, y) FROM varying").first();
    for (int i = 0; i < 6; i++) assertTrue(r.isNullAt(i), "NULL option, NULL result: column " + i);
    assertFalse(r.isNullAt(6));
  }

  /** 1e308 per row: the total overflowed and MI came out 0.0 (true 0.174), NMI 1.0, dof 0. */
  @Test
  void overflowingWeightsAreInvalidInput() {
    spark.sql("SELECT * FROM VALUES ('a', 1, 1e308D), ('b', 2, 1e308D), ('a', 2, 1e308D) AS t(x, y, w)")
        .createOrReplaceTempView("huge_w");
    for (String sql : new String[] {"SELECT mutual_info(x, y, w) FROM huge_w",
        "SELECT g_test(x, y, w) FROM huge_w", "SELECT entropy(x, w) FROM huge_w",
        // the total overflows only when the partitions' states merge
        "SELECT mutual_info(x, y, w) FROM (SELECT /*+ REPARTITION(3) */ * FROM huge_w)"}) {
      Exception e = assertThrows(Exception.class, () -> spark.sql(sql).collect(), sql);
      InvalidDivergenceInputException d = find(e, InvalidDivergenceInputException.class);
      assertEquals("`w`", d.argument(), sql);
      assertTrue(d.problem().contains("overflows"), d.problem());
    }
    spark.conf().set("spark.sql.ansi.enabled", "false");
    Row r = spark.sql("SELECT mutual_info(x, y, w), normalized_mutual_info(x, y, w), g_test(x, y, w) FROM huge_w").first();
    for (int i = 0; i < 3; i++) assertTrue(r.isNullAt(i), "ANSI off: NULL, column " + i);
  }

  /** Weights near the top of the double range whose total still fits: the same measures as counts. */
  @Test
  void hugeWeightsThatFitGiveTheMeasuresOfTheCounts() {
    String of = " FROM VALUES ('a', 1, %s), ('b', 2, %s), ('a', 2, %s) AS t(x, y, w)";
    String[] measures = {"mutual_info(x, y, w)", "entropy(x, w)", "joint_entropy(x, y, w)",
        "conditional_entropy(x, y, w)", "normalized_mutual_info(x, y, w)", "variation_of_information(x, y, w)"};
    String select = "SELECT " + String.join(", ", measures);
    Row counts = spark.sql(select + String.format(of, "1D", "1D", "1D")).first();
    for (String w : new String[] {"5e307D", "1e-310D"}) {
      Row big = spark.sql(select + String.format(of, w, w, w)).first();
      for (int i = 0; i < measures.length; i++) {
        assertEquals(counts.getDouble(i), big.getDouble(i), 1e-15 * Math.abs(counts.getDouble(i)), measures[i] + " w=" + w);
      }
    }
    // the counts' MI: ln 3 - (2/3) ln 2 - ... = 0.1743; G = 2 n MI scales with n
    assertEquals(0.17441604792151594, counts.getDouble(0), 1e-15);
    Row g = spark.sql("SELECT g_test(x, y, w).g, g_test(x, y, w).dof" + String.format(of, "5e307D", "5e307D", "5e307D")).first();
    assertEquals(2 * 1.5e308 * counts.getDouble(0), g.getDouble(0), 1e-14 * g.getDouble(0));
    assertEquals(1L, g.getLong(1));
  }

  /**
   * The cap held per task only: two partitions of 750 distinct values passed a cap of 1,000. (A
   * global call past the cap is counted through shuffles unless turned off: TooLargeGlobalAggregatesTest.)
   */
  @Test
  void cellLimitHoldsForMergedStates() {
    spark.conf().set(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF, "false");
    spark.conf().set(InformationAggregate.MAX_CELLS_CONF, "1000");
    assertEquals(Math.log(999), spark.sql("SELECT entropy(id) FROM range(999)").first().getDouble(0), 1e-12);
    for (String sql : new String[] {"SELECT entropy(id) FROM (SELECT /*+ REPARTITION(2) */ id FROM range(1500))",
        "SELECT divergence.entropy(id) FROM (SELECT /*+ REPARTITION(2) */ id FROM range(1500))",
        "SELECT entropy(id) FROM range(0, 1500, 1, 4)"}) {
      Exception e = assertThrows(Exception.class, () -> spark.sql(sql).collect(), sql);
      DivergenceQueryException d = find(e, DivergenceQueryException.class);
      assertEquals(DivergenceQueryException.STATE_TOO_LARGE, d.getCondition());
      assertEquals("54000", d.getSqlState());
      assertTrue(d.getMessage().contains("more than 1000 distinct (x, y) pairs") && d.getMessage().contains(
          InformationAggregate.MAX_CELLS_CONF) && d.getMessage().contains("MutualInformation.of(df)"), d.getMessage());
    }
  }

  /** Long category values: the cell count is small, the bytes are not. */
  @Test
  void memoryLimitNamesItsConf() {
    spark.conf().set(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF, "false");
    spark.conf().set(InformationAggregate.MAX_STATE_BYTES_CONF, Long.toString(4L << 20));
    Exception e = assertThrows(Exception.class,
        () -> spark.sql("SELECT entropy(repeat(CAST(id AS STRING), 500)) FROM range(20000)").collect());
    DivergenceQueryException d = find(e, DivergenceQueryException.class);
    assertEquals(DivergenceQueryException.STATE_TOO_LARGE, d.getCondition());
    assertTrue(d.getMessage().contains("over the limit of 4 MiB") && d.getMessage().contains(
        InformationAggregate.MAX_STATE_BYTES_CONF), d.getMessage());
    assertEquals(Math.log(2000), spark.sql("SELECT entropy(repeat(CAST(id AS STRING), 5)) FROM range(2000)")
        .first().getDouble(0), 1e-12);
  }

  @Test
  void invalidLimitValuesAreClearErrors() {
    for (String[] kv : new String[][] {{InformationAggregate.MAX_CELLS_CONF, "abc"},
        {InformationAggregate.MAX_CELLS_CONF, "-1"}, {InformationAggregate.MAX_CELLS_CONF, "0"},
        {InformationAggregate.MAX_STATE_BYTES_CONF, "1.5"}}) {
      spark.conf().set(kv[0], kv[1]);
      try {
        Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT mutual_info(x, y) FROM varying").collect());
        DivergenceQueryException d = find(e, DivergenceQueryException.class);
        assertEquals(DivergenceQueryException.INVALID_CONF, d.getCondition());
        assertTrue(d.getMessage().contains(kv[0] + " must be") && d.getMessage().contains("'" + kv[1] + "'"), d.getMessage());
      } finally {
        spark.conf().unset(kv[0]);
      }
    }
  }

  static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) return type.cast(t);
    }
    fail("expected a " + type.getSimpleName() + " in the causes of " + e);
    return null;
  }
}
