package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.spark.catalyst.GlobalInformationAggregateExec;
import io.github.sparkdivergence.spark.functions.InformationAggregate;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A global call over a columnar scan (Parquet and ORC here, and a cached table) is counted from the
 * scan's column batches: every result, NULL and error is the one Spark's aggregate gives over the
 * same files read as rows (the vectorized reader off), for strings the files keep
 * dictionary-encoded, plain, and both within one column chunk, and for the other value types.
 */
class ColumnarGlobalAggregatesTest {
  private static SparkSession spark;
  private static Path dir;

  private static final String[] MEASURES = {
      "mutual_info(x, y%1$s)", "joint_entropy(x, y%1$s)", "conditional_entropy(x, y%1$s)",
      "variation_of_information(x, y%1$s)", "normalized_mutual_info(x, y%1$s, 'geometric')",
      "adjusted_mutual_info(x, y%1$s)", "g_test(x, y%1$s)", "mutual_info_summary(x, y%1$s)",
      "entropy(x%1$s)", "mutual_info(id_string, y%1$s)", "entropy(id_string%1$s)",
      "mutual_info(x, flag%1$s)", "mutual_info(amount, day%1$s)", "mutual_info(ratio, id%1$s)", "mutual_info(x, big%1$s)",
      "mutual_info(sparse_string, x%1$s)", "mutual_info(y, sparse_string%1$s)", "entropy(sparse_string%1$s)"};

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.get();
    dir = Files.createTempDirectory("columnar-aggregates");
    // 6,000 rows over 5 files: x ~300 strings and NULL, y ints and NULL, id_string 6,000 strings
    // (past a 4 KiB dictionary page, so its chunks switch from dictionary to plain pages; x fits it),
    // sparse_string ~3,300 strings and NULL (plain pages with NULLs, read from the vector), weights
    // with fractions, NULLs and zeros, and booleans, decimals, dates, doubles (-0.0 and NaN) and
    // wide decimals as categories
    Dataset<Row> rows = spark.sql("SELECT IF(id % 97 = 0, NULL, CONCAT('x', CAST(pmod(xxhash64(id, 1), 300) AS STRING))) AS x,"
        + " IF(id % 89 = 0, NULL, CAST(pmod(xxhash64(id, 2), 40) + pmod(xxhash64(id, 1), 300) % 7 AS INT)) AS y,"
        + " CASE WHEN id % 50 = 0 THEN NULL WHEN id % 61 = 0 THEN 0.0D ELSE 0.25D + pmod(id, 9) / 4.0D END AS w,"
        + " CAST(pmod(id, 5) AS INT) AS count, CONCAT('id-', CAST(id AS STRING)) AS id_string,"
        + " IF(id % 13 = 0, NULL, CONCAT('s-', CAST(pmod(xxhash64(id, 5), 5000) AS STRING))) AS sparse_string,"
        + " pmod(id, 3) = 0 AS flag, CAST(pmod(xxhash64(id, 3), 20) / 4 AS DECIMAL(10, 2)) AS amount,"
        + " DATE_ADD(DATE'2026-01-01', CAST(pmod(xxhash64(id, 1), 300) % 11 AS INT)) AS day,"
        + " IF(pmod(id, 4) = 2, sqrt(CAST(-1 AS DOUBLE)), CAST(pmod(id, 7) AS DOUBLE) * IF(pmod(id, 4) = 0, -1.0D, 1.0D)) AS ratio,"
        + " CAST(pmod(xxhash64(id, 4), 13) AS DECIMAL(30, 0)) * 10000000000000000000 AS big, id"
        + " FROM range(0, 6000, 1, 5)");
    rows.write().option("parquet.dictionary.page.size", "4096").parquet(dir.resolve("pairs").toString());
    rows.write().orc(dir.resolve("orc").toString());
    rows.where("false").write().parquet(dir.resolve("empty").toString());
    spark.read().parquet(dir.resolve("pairs").toString()).createOrReplaceTempView("pairs_parquet");
    spark.read().parquet(dir.resolve("empty").toString()).createOrReplaceTempView("pairs_none");
    spark.read().orc(dir.resolve("orc").toString()).createOrReplaceTempView("pairs_orc");
  }

  @AfterAll
  static void tearDown() throws Exception {
    spark.catalog().dropTempView("pairs_parquet");
    spark.catalog().dropTempView("pairs_none");
    spark.catalog().dropTempView("pairs_orc");
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @AfterEach
  void reset() {
    spark.conf().set("spark.sql.ansi.enabled", "true");
    spark.conf().unset("spark.sql.parquet.enableVectorizedReader");
    spark.conf().unset("spark.sql.orc.enableVectorizedReader");
    spark.conf().unset(InformationAggregate.MAX_STATE_BYTES_CONF);
  }

  /** The row of {@code sql} and how the plan counted it. */
  private static Row run(String sql, String path) {
    Dataset<Row> ds = spark.sql(sql);
    Row row = ds.collectAsList().get(0); // collect runs this plan itself (first() plans a LIMIT anew)
    GlobalInformationAggregateExec node = node(ds.queryExecution().executedPlan());
    assertNotNull(node, "no GlobalInformationAggregate in " + ds.queryExecution().executedPlan());
    assertEquals(path, node.path(), sql);
    // from column batches, the states are merged and summed in parts by x: 4 per core (local[2]), at most 8
    assertEquals(path.equals(GlobalInformationAggregateExec.COLUMN_BATCHES) ? 8 : 0, node.partsByX(), sql);
    return row;
  }

  /** The plan's global information node (Dataset.collect runs that very plan), or null. */
  static GlobalInformationAggregateExec node(SparkPlan plan) {
    if (plan instanceof GlobalInformationAggregateExec g) return g;
    for (SparkPlan child : ScalaSeqs.asJava(plan.children())) {
      GlobalInformationAggregateExec g = node(child);
      if (g != null) return g;
    }
    return null;
  }

  /** The row Spark's aggregate gives over the same files read row by row. */
  private static Row asRows(String sql) {
    spark.conf().set("spark.sql.parquet.enableVectorizedReader", "false");
    spark.conf().set("spark.sql.orc.enableVectorizedReader", "false");
    try {
      return run(sql, GlobalInformationAggregateExec.AGGREGATE);
    } finally {
      spark.conf().unset("spark.sql.parquet.enableVectorizedReader");
      spark.conf().unset("spark.sql.orc.enableVectorizedReader");
    }
  }

  private static String select(String weight, String from) {
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < MEASURES.length; i++) sql.append(i == 0 ? "" : ", ").append(String.format(MEASURES[i], weight));
    return sql.append(" FROM ").append(from).toString();
  }

  @Test
  void everyMeasureFromBatchesIsTheAggregatesOne() {
    for (String weight : new String[] {"", ", w", "bases", "orc"}) {
      // (a third argument is the weight: a constant one is no column, and goes through the aggregate)
      String sql = weight.equals("bases")
          ? "SELECT mutual_info(x, y, w, 2.0D), joint_entropy(x, y, w, 10), entropy(id_string, w, 2),"
              + " mutual_info_summary(ratio, day, w, 2) FROM pairs_parquet"
          : weight.equals("orc") ? select(", w", "pairs_orc") // ORC's vectors: no dictionary ids
          : select(weight, "pairs_parquet");
      Row expected = asRows(sql);
      Row actual = run(sql, GlobalInformationAggregateExec.COLUMN_BATCHES);
      assertSame(expected, actual, sql);
    }
  }

  /** The two paths sum the same terms in another order: equal to 1e-13 relative, field by field. */
  private static void assertSame(Row expected, Row actual, String what) {
    TooLargeGlobalAggregatesTest.assertSame(expected, actual, what);
  }

  @Test
  void theComparisonCanFail() {
    // weights, the columns and the NULL categories all change the results compared above
    Row r = run("SELECT mutual_info(x, y), mutual_info(x, y, w), mutual_info(id_string, y), entropy(x), entropy(y),"
        + " mutual_info(amount, day), mutual_info(ratio, id) FROM pairs_parquet", GlobalInformationAggregateExec.COLUMN_BATCHES);
    for (int i = 1; i < 7; i++) assertNotEquals(r.getDouble(0), r.getDouble(i), "#" + i);
    // exact where it can be checked by hand: every id_string is its own category, so H = ln 6000
    assertEquals(Math.log(6000), run("SELECT entropy(id_string) FROM pairs_parquet",
        GlobalInformationAggregateExec.COLUMN_BATCHES).getDouble(0), 1e-15 * Math.log(6000));
  }

  @Test
  void argumentsThatAreNotColumnsAndCachedTables() {
    // a cast (an int weight), an expression or a filter above the scan: Spark's aggregate, same results
    for (String sql : new String[] {"SELECT mutual_info(x, y, count) FROM pairs_parquet",
        "SELECT mutual_info(UPPER(x), y) FROM pairs_parquet", "SELECT mutual_info(x, y) FROM pairs_parquet WHERE id > 10"}) {
      assertSame(asRows(sql), run(sql, GlobalInformationAggregateExec.AGGREGATE), sql);
    }
    // a cached table is read as column batches when Spark's cache gives them (numbers only)
    String sql = "SELECT mutual_info(y, id, w), entropy(flag), mutual_info(flag, y, w), g_test(ratio, count) FROM %s";
    Row expected = asRows(String.format(sql, "pairs_parquet"));
    Dataset<Row> numbers = spark.read().parquet(dir.resolve("pairs").toString()).select("y", "id", "w", "flag", "ratio", "count").cache();
    Dataset<Row> strings = spark.read().parquet(dir.resolve("pairs").toString()).cache();
    try {
      numbers.createOrReplaceTempView("pairs_cached");
      // Spark 4 plans the count over such a cache as batches; 3.5 plans it row by row (the aggregate)
      boolean batches = !spark.version().startsWith("3.");
      assertSame(expected, run(String.format(sql, "pairs_cached"),
          batches ? GlobalInformationAggregateExec.COLUMN_BATCHES : GlobalInformationAggregateExec.AGGREGATE), sql);
      strings.createOrReplaceTempView("pairs_cached");
      assertSame(expected, run(String.format(sql, "pairs_cached"), GlobalInformationAggregateExec.AGGREGATE), sql);
    } finally {
      spark.catalog().dropTempView("pairs_cached");
      numbers.unpersist();
      strings.unpersist();
    }
  }

  @Test
  void aStateThatOutgrowsItsTaskGoesOnThroughShuffles() {
    String sql = "SELECT mutual_info(x, y, w), adjusted_mutual_info(x, y), entropy(id_string) FROM pairs_parquet";
    Row expected = asRows(sql);
    spark.conf().set(InformationAggregate.MAX_STATE_BYTES_CONF, "1");
    assertSame(expected, run(sql, GlobalInformationAggregateExec.SHUFFLES), sql);
  }

  @Test
  void invalidWeightsAndOptionsGiveNullOrTheError() {
    String w = "IF(id = 5999, -1.0D, w)";
    spark.sql("SELECT *, " + w + " AS bad FROM pairs_parquet").write().parquet(dir.resolve("bad").toString());
    spark.read().parquet(dir.resolve("bad").toString()).createOrReplaceTempView("pairs_bad");
    try {
      String sql = "SELECT mutual_info(x, y, bad), g_test(x, y, bad), mutual_info(x, y, w, NULL), mutual_info(x, y, w, 1.0D),"
          + " normalized_mutual_info(x, y, w, 'median'), mutual_info(x, y, w) FROM pairs_bad";
      spark.conf().set("spark.sql.ansi.enabled", "false");
      Row r = run(sql, GlobalInformationAggregateExec.COLUMN_BATCHES);
      for (int i = 0; i < 5; i++) assertTrue(r.isNullAt(i), i + ": " + r);
      assertFalse(r.isNullAt(5), r.toString());
      assertSame(asRows(sql), r, sql);
      spark.conf().set("spark.sql.ansi.enabled", "true");
      for (String call : new String[] {"mutual_info(x, y, bad)", "mutual_info(x, y, w, 1.0D)"}) {
        Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT " + call + " FROM pairs_bad").collect());
        InvalidDivergenceInputException d = AggregateGuardsTest.find(e, InvalidDivergenceInputException.class);
        assertTrue(d.getMessage().contains("mutual_info") && d.getMessage().contains(call.contains("bad") ? "-1.0" : "base"),
            d.getMessage());
      }
    } finally {
      spark.catalog().dropTempView("pairs_bad");
    }
  }

  @Test
  void noRowsGiveNull() {
    Row r = run("SELECT mutual_info(x, y), g_test(x, y), entropy(x, w) FROM pairs_none", GlobalInformationAggregateExec.COLUMN_BATCHES);
    assertTrue(r.isNullAt(0) && r.isNullAt(1) && r.isNullAt(2), r.toString());
  }

  @Test
  void plainStringsOfLargeStatesAreReadFromTheVector() throws Exception {
    // 40,000 rows in one file, s with ~17,000 strings and NULL in plain pages (past a 4 KiB
    // dictionary page): past the size a state counts row by row, so s is staged a batch at a time
    // from the vector's own array, as x and as y (t has 7 strings, dictionary-encoded)
    Path file = dir.resolve("plain");
    spark.sql("SELECT IF(id % 13 = 0, NULL, CONCAT('s-', CAST(pmod(xxhash64(id, 6), 20000) AS STRING))) AS s,"
        + " CONCAT('t', CAST(pmod(xxhash64(id, 6), 20000) % 7 AS STRING)) AS t, CAST(pmod(id, 3) AS DOUBLE) AS w"
        + " FROM range(0, 40000, 1, 1)").write().option("parquet.dictionary.page.size", "4096").parquet(file.toString());
    spark.read().parquet(file.toString()).createOrReplaceTempView("plain_strings");
    try {
      String sql = "SELECT mutual_info(s, t), mutual_info(t, s, w), entropy(s), joint_entropy(s, t) FROM plain_strings";
      Row expected = asRows(sql);
      Row actual = run(sql, GlobalInformationAggregateExec.COLUMN_BATCHES);
      assertSame(expected, actual, sql);
      // the data has NULLs in s (about 1/13 of the rows), so the comparison above covers them
      assertNotEquals(expected.getDouble(2),
          run("SELECT entropy(s) FROM plain_strings WHERE s IS NOT NULL", GlobalInformationAggregateExec.AGGREGATE).getDouble(0));
    } finally {
      spark.catalog().dropTempView("plain_strings");
    }
  }

  @Test
  void aStatePastHalfItsLimitIsSentOnAndTheTaskCountsOn() {
    // 6,000 distinct id_string: each task's state passes half of 200 KB several times, and is sent
    // on in parts; each part of the whole (1/8) fits the limit, so the call is counted from batches
    String sql = "SELECT mutual_info(id_string, y, w), entropy(id_string), g_test(id_string, flag) FROM pairs_parquet";
    Row expected = asRows(sql);
    spark.conf().set(InformationAggregate.MAX_STATE_BYTES_CONF, Integer.toString(200 << 10));
    Dataset<Row> ds = spark.sql(sql);
    Row r = ds.collectAsList().get(0);
    GlobalInformationAggregateExec node = node(ds.queryExecution().executedPlan());
    assertEquals(GlobalInformationAggregateExec.COLUMN_BATCHES, node.path());
    int tasks = ds.sparkSession().read().parquet(dir.resolve("pairs").toString()).rdd().getNumPartitions();
    assertTrue(node.statesSplit() > tasks, node.statesSplit() + " states split by " + tasks + " tasks");
    assertSame(expected, r, sql);
    // as many y as x categories (every part would carry them all): not sent on, so past the limit
    // the pair goes through shuffles
    String manyY = "SELECT mutual_info(id_string, id) FROM pairs_parquet";
    spark.conf().unset(InformationAggregate.MAX_STATE_BYTES_CONF);
    Row manyYRows = asRows(manyY);
    spark.conf().set(InformationAggregate.MAX_STATE_BYTES_CONF, Integer.toString(200 << 10));
    assertSame(manyYRows, run(manyY, GlobalInformationAggregateExec.SHUFFLES), manyY);
    // without the limit, one state per task
    spark.conf().unset(InformationAggregate.MAX_STATE_BYTES_CONF);
    Dataset<Row> whole = spark.sql(sql);
    whole.collectAsList();
    assertEquals(tasks, node(whole.queryExecution().executedPlan()).statesSplit());
  }
}
