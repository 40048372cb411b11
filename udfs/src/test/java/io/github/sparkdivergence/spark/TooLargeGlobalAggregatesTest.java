package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.spark.functions.InformationAggregate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A global call of the information aggregates (no GROUP BY) whose state outgrows its limit is
 * counted through shuffles instead of failing: forced here with a limit of one byte, which every
 * state passes at its first row, against the same query with no limit (the in-memory state).
 */
class TooLargeGlobalAggregatesTest {
  private static SparkSession spark;
  /** The two paths sum the same terms in another order. */
  private static final double RELATIVE = 1e-13;

  private static final String[] MEASURES = {
      "mutual_info(x, y%1$s)", "joint_entropy(x, y%1$s)", "conditional_entropy(x, y%1$s)",
      "variation_of_information(x, y%1$s)", "normalized_mutual_info(x, y%1$s)",
      "normalized_mutual_info(x, y%1$s, 'geometric')", "normalized_mutual_info(x, y%1$s, 'MIN')",
      "adjusted_mutual_info(x, y%1$s)", "adjusted_mutual_info(x, y%1$s, 'max')", "g_test(x, y%1$s)",
      "mutual_info_summary(x, y%1$s)", "mutual_info(x, y%1$s) * 2 + 1", "entropy(x%1$s)", "entropy(y%1$s)"};

  @BeforeAll
  static void setUp() {
    spark = SparkTestSession.get();
    // 3,000 rows over 7 partitions: ~300 x 40 categories, NULL a category on both sides, weights
    // with fractions, NULL weights (counting nothing) and zero weights
    spark.sql("SELECT IF(id % 97 = 0, NULL, CONCAT('x', CAST(pmod(xxhash64(id, 1), 300) AS STRING))) AS x,"
        + " IF(id % 89 = 0, NULL, CAST(pmod(xxhash64(id, 2), 40) + pmod(xxhash64(id, 1), 300) % 7 AS INT)) AS y,"
        + " CASE WHEN id % 50 = 0 THEN NULL WHEN id % 61 = 0 THEN 0.0D ELSE 0.25D + pmod(id, 9) / 4.0D END AS w,"
        + " CAST(pmod(id, 5) AS INT) AS count, id"
        + " FROM range(0, 3000, 1, 7)").createOrReplaceTempView("pairs");
  }

  @AfterEach
  void reset() {
    spark.conf().set("spark.sql.ansi.enabled", "true");
    spark.conf().unset(InformationAggregate.MAX_CELLS_CONF);
    spark.conf().unset(InformationAggregate.MAX_STATE_BYTES_CONF);
    spark.conf().unset(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF);
  }

  private static String select(String weight, String from) {
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < MEASURES.length; i++) sql.append(i == 0 ? "" : ", ").append(String.format(MEASURES[i], weight));
    return sql.append(" FROM ").append(from).toString();
  }

  private static Row tooLarge(String sql) {
    spark.conf().set(InformationAggregate.MAX_STATE_BYTES_CONF, "1");
    try {
      return spark.sql(sql).first();
    } finally {
      spark.conf().unset(InformationAggregate.MAX_STATE_BYTES_CONF);
    }
  }

  @Test
  void everyMeasureThroughShufflesIsTheInMemoryOne() {
    for (String weight : new String[] {"", ", w", ", count", ", w, 2.0D"}) {
      String sql = weight.endsWith("2.0D")
          ? "SELECT mutual_info(x, y, w, 2.0D), joint_entropy(x, y, w, 10), conditional_entropy(x, y, w, 2),"
              + " variation_of_information(x, y, w, 2), mutual_info_summary(x, y, w, 2), entropy(x, w, 2) FROM pairs"
          : select(weight, "pairs");
      Row inMemory = spark.sql(sql).first();
      Row shuffled = tooLarge(sql);
      assertEquals(inMemory.size(), shuffled.size());
      assertSame(inMemory, shuffled, sql);
    }
  }

  /** Calls over several pairs, with and without weights: each gets its own pair's sums. */
  @Test
  void severalPairsInOneSelect() {
    String sql = "SELECT mutual_info(x, y), mutual_info(x, count), normalized_mutual_info(y, count, w, 'max'),"
        + " g_test(x, y), mutual_info(x, y, w), adjusted_mutual_info(count, x) FROM pairs";
    Row inMemory = spark.sql(sql).first();
    assertSame(inMemory, tooLarge(sql), sql);
    assertNotEquals(inMemory.getDouble(0), inMemory.getDouble(1));
  }

  /** Equal to {@link #RELATIVE}, field by field, NULL where the other is NULL (and NaN where it is NaN). */
  static void assertSame(Row expected, Row actual, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      Object e = expected.get(i);
      Object a = actual.get(i);
      if (e instanceof Row er) {
        assertSame(er, (Row) a, what + " #" + i);
      } else if (e instanceof Double d && !d.isNaN()) {
        assertEquals(d, (Double) a, RELATIVE * Math.abs(d), what + " #" + i);
      } else {
        assertEquals(e, a, what + " #" + i);
      }
    }
  }

  @Test
  void shuffledResultsAreNotTheInMemoryOnesByAccident() {
    // the comparison above can fail: weights change MI, and AMI is NULL for fractional weights only
    Row counts = tooLarge("SELECT mutual_info(x, y), mutual_info_summary(x, y).ami FROM pairs");
    Row weights = tooLarge("SELECT mutual_info(x, y, w), mutual_info_summary(x, y, w).ami FROM pairs");
    assertTrue(Math.abs(counts.getDouble(0) - weights.getDouble(0)) > 1e-3, counts + " " + weights);
    assertFalse(counts.isNullAt(1), "AMI of counts");
    assertTrue(weights.isNullAt(1), "AMI of fractional weights is NULL, as in memory");
  }

  @Test
  void thePlanSaysSoAndTheConfTurnsItOff() {
    String sql = "SELECT mutual_info(x, y) FROM pairs";
    String plan = spark.sql(sql).queryExecution().executedPlan().toString();
    assertTrue(plan.contains("GlobalInformationAggregate") && plan.contains("through shuffles"), plan);
    // the paths other than collect: an RDD, a count over it, a view joined to another query
    double mi = tooLarge(sql).getDouble(0);
    spark.conf().set(InformationAggregate.MAX_STATE_BYTES_CONF, "1");
    try {
      assertEquals(mi, spark.sql(sql).javaRDD().first().getDouble(0));
      assertEquals(1L, spark.sql(sql).count());
      spark.sql("SELECT mutual_info(x, y) AS mi FROM pairs").createOrReplaceTempView("pairs_mi");
      assertEquals(3000L, spark.sql("SELECT count(*) FROM pairs CROSS JOIN pairs_mi WHERE mi > 0").first().getLong(0));
    } finally {
      spark.conf().unset(InformationAggregate.MAX_STATE_BYTES_CONF);
    }
    spark.conf().set(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF, "false");
    Exception e = assertThrows(Exception.class, () -> tooLarge(sql));
    assertEquals(DivergenceQueryException.STATE_TOO_LARGE, AggregateGuardsTest.find(e, DivergenceQueryException.class)
        .getCondition());
    spark.conf().set(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF, "sometimes");
    Exception bad = assertThrows(Exception.class, () -> spark.sql(sql).collect());
    assertTrue(bad.getMessage().contains(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF)
        && bad.getMessage().contains("true or false"), bad.getMessage());
  }

  /** What the shuffled path cannot give as the aggregate does keeps the aggregate and its error. */
  @Test
  void groupsOtherAggregatesAndDistinctStillFailClearly() {
    for (String sql : new String[] {
        "SELECT count, mutual_info(x, y) FROM pairs GROUP BY count",
        "SELECT mutual_info(x, y), count(*) FROM pairs",
        "SELECT mutual_info(DISTINCT x, y) FROM pairs",
        "SELECT mutual_info(x, y) FILTER (WHERE count > 0) FROM pairs",
        "SELECT contingency_agg(x, y) FROM pairs"}) {
      Exception e = assertThrows(Exception.class, () -> tooLarge(sql), sql);
      DivergenceQueryException d = AggregateGuardsTest.find(e, DivergenceQueryException.class);
      assertEquals(DivergenceQueryException.STATE_TOO_LARGE, d.getCondition(), sql);
      assertTrue(d.getMessage().contains("MutualInformation.of(df)"), d.getMessage());
    }
  }

  /** An invalid weight after the state outgrew its task: NULL, or the aggregate's error under ANSI mode. */
  @Test
  void invalidWeightsGiveNullOrTheError() {
    // the last row of the last partition: every task's state is past the limit before it
    String w = "IF(id = 2999, -1.0D, 1.0D)";
    String sql = "SELECT mutual_info(x, y, " + w + "), g_test(x, y, " + w + ") FROM pairs";
    spark.conf().set("spark.sql.ansi.enabled", "false");
    Row r = tooLarge(sql);
    assertTrue(r.isNullAt(0) && r.isNullAt(1), r.toString());
    spark.conf().set("spark.sql.ansi.enabled", "true");
    Exception e = assertThrows(Exception.class, () -> tooLarge(sql));
    InvalidDivergenceInputException d = AggregateGuardsTest.find(e, InvalidDivergenceInputException.class);
    assertTrue(d.getMessage().contains("mutual_info") && d.getMessage().contains("-1.0"), d.getMessage());
  }

  @Test
  void nullAndInvalidOptionsAndNoRows() {
    spark.conf().set("spark.sql.ansi.enabled", "false");
    Row r = tooLarge("SELECT mutual_info(x, y, w, NULL), mutual_info(x, y, w, 1.0D), normalized_mutual_info(x, y, w, 'median'),"
        + " mutual_info(x, y, w) FROM pairs");
    assertTrue(r.isNullAt(0) && r.isNullAt(1) && r.isNullAt(2), r.toString());
    assertFalse(r.isNullAt(3), r.toString());
    // no row: NULL, through the plan that would fall back
    List<Row> none = spark.sql("SELECT mutual_info(x, y), g_test(x, y) FROM pairs WHERE w < 0").collectAsList();
    assertTrue(none.get(0).isNullAt(0) && none.get(0).isNullAt(1), none.toString());
  }
}
