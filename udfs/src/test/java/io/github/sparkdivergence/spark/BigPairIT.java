package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.spark.functions.InformationAggregate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pair far larger than one task's budget, on two executor JVMs of 512 MiB each (a budget of 64
 * MiB per task): {@code MutualInformation} counts it through shuffles and gets the exact measures,
 * so does a global {@code mutual_info} in SQL, and with that turned off the aggregate fails with
 * the limit named instead of running out of heap.
 */
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class BigPairIT {
  /** 1.2M rows, x and y with about 600k values each: some 70 MiB of dictionaries, 130 MiB while they grow. */
  private static final long ROWS = 1_200_000L;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalClusterSession.start("spark-divergence-big-pair", 512, 8);
  }

  @AfterAll
  static void stop() {
    if (spark != null) spark.stop();
  }

  /**
   * The distributed path across the two executor JVMs agrees with the in-memory path to 1e-13:
   * rows counted, the same rows as weighted counts, and fractional weights.
   */
  @Test
  void distributedPathAgreesAcrossExecutorJvms() {
    Dataset<Row> titanic = spark.read().option("header", "true").csv("src/test/resources/data/titanic.csv").repartition(7);
    List<Row> inMemory = MutualInformation.of(titanic).columns("Class", "Age", "Survived").compute().collectAsList();
    List<Row> shuffled = MutualInformation.of(titanic).columns("Class", "Age", "Survived").maxPairBytes(1).compute().collectAsList();
    assertEquals(3, inMemory.size());
    ShuffledPairTest.sameTables(inMemory, shuffled, "rows");
    Dataset<Row> counts = titanic.groupBy("Class", "Age", "Survived").count().repartition(5);
    ShuffledPairTest.sameTables(inMemory, MutualInformation.of(counts).weight("count").maxPairBytes(1).compute().collectAsList(),
        "the rows' counts as weights, shuffled");
    Dataset<Row> weighted = titanic.selectExpr("*", "CASE Sex WHEN 'Male' THEN 0.75D ELSE 1.5D END AS w");
    ShuffledPairTest.sameTables(MutualInformation.of(weighted).columns("Class", "Age", "Survived").weight("w").compute().collectAsList(),
        MutualInformation.of(weighted).columns("Class", "Age", "Survived").weight("w").maxPairBytes(1).compute().collectAsList(),
        "fractional weights");
  }

  @Test
  void aPairLargerThanATaskCompletesThroughShufflesFromTheApiAndFromSql() {
    long half = ROWS / 2;
    Dataset<Row> data = spark.range(0, ROWS, 1, 8).selectExpr(
        "concat('x', pmod(xxhash64(id, 1), " + half + ")) AS x",
        "concat('y', IF(pmod(xxhash64(id, 2), 10) < 7, pmod(xxhash64(id, 1), " + half + "), pmod(xxhash64(id, 3), "
            + half + "))) AS y")
        .persist(StorageLevel.MEMORY_AND_DISK());
    data.count();
    data.createOrReplaceTempView("big_pair");

    Row r = MutualInformation.of(data).columns("x", "y").compute().first();
    // the exact measures from Spark's own GROUP BYs, summed on the driver with the same formulas
    double n = ROWS;
    Row sums = spark.sql("WITH cells AS (SELECT x, y, COUNT(*) AS c FROM big_pair GROUP BY x, y), "
        + "ax AS (SELECT x, SUM(c) AS a FROM cells GROUP BY x), by AS (SELECT y, SUM(c) AS b FROM cells GROUP BY y) "
        + "SELECT SUM(c * LN(c * " + n + "D / (CAST(a AS DOUBLE) * b))) / " + n + "D FROM cells JOIN ax USING (x) JOIN by USING (y)")
        .first();
    assertEquals(ROWS, r.getLong(2), "n");
    assertEquals(sums.getDouble(0), r.getDouble(6), 1e-9 * sums.getDouble(0), "mi against the plain plan's (float64 sum)");
    assertTrue(r.getLong(12) > 400_000 && r.getLong(13) > 400_000, "levels " + r.getLong(12) + " x " + r.getLong(13));
    assertFalse(r.isNullAt(8), "ami computed");

    // SQL: the aggregate's states outgrow their tasks, and the pair is counted through shuffles
    Row sql = spark.sql("SELECT mutual_info(x, y), adjusted_mutual_info(x, y), mutual_info_summary(x, y).levels_a"
        + " FROM big_pair").first();
    assertEquals(r.getDouble(6), sql.getDouble(0), 1e-13 * r.getDouble(6), "SQL mutual_info through shuffles");
    assertEquals(r.getDouble(8), sql.getDouble(1), 1e-13 * Math.abs(r.getDouble(8)), "SQL adjusted_mutual_info");
    assertEquals(r.getLong(12), sql.getLong(2), "levels of x");

    spark.conf().set(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF, "false");
    Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT mutual_info(x, y) FROM big_pair").collect());
    spark.conf().unset(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF);
    String message = StatesTest.root(e);
    assertTrue(message.contains("SPARK_DIVERGENCE_AGGREGATE_STATE_TOO_LARGE") || message.contains("mutual_info: "), message);
    assertTrue(message.contains("MutualInformation.of(df)"), "names the way out: " + message);
    assertFalse(message.contains("OutOfMemoryError"), message);
    data.unpersist();
  }
}
