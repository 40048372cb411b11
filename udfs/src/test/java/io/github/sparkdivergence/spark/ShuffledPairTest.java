package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MutualInformation's distributed path for pairs too large for one task ({@link ShuffledPair}):
 * forced onto it with a budget of one byte, every measure agrees with the in-memory path to 1e-13
 * relative and with the exact golden values, whatever the partitioning (1, 7, 200), NULL as a
 * category or dropped, rows counted or weighted.
 */
class ShuffledPairTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() { spark = SparkTestSession.get(); }

  /** Field by field, doubles to 1e-13 relative; n as rows and as a total weight compare by value. */
  static void sameTables(List<Row> expected, List<Row> actual, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      Row e = expected.get(i);
      Row a = actual.get(i);
      for (int f = 0; f < e.length(); f++) {
        String field = what + ", " + e.getString(0) + " x " + e.getString(1) + ", " + MutualInformation.TIDY.fieldNames()[f];
        if (e.isNullAt(f)) {
          assertTrue(a.isNullAt(f), field);
        } else if (e.get(f) instanceof Double d) {
          assertEquals(d, ((Number) a.get(f)).doubleValue(), Math.max(1e-300, 1e-13 * Math.abs(d)), field);
        } else if (e.get(f) instanceof Long l && a.get(f) instanceof Double d) { // n: rows against the total weight
          assertEquals((double) l, d, 0.0, field);
        } else {
          assertEquals(e.get(f), a.get(f), field);
        }
      }
    }
  }

  @Test
  void everyMeasureAgreesWithTheInMemoryPathAndTheExactValues() {
    for (String name : List.of("titanic_Class_Survived", "syn_nulls", "syn_near_independent", "syn_random_200x150",
        "diamonds_price_q10_clarity")) {
      Dataset<Row> rows = GoldenCases.rows(spark, name).drop("k");
      Map<String, Double> e = GoldenCases.EXPECTED.get(name);
      List<Row> inMemory = MutualInformation.of(rows).bins(0).compute().collectAsList();
      // every partitioning for the first case; the others on 7 (each run is a few shuffles)
      for (int parts : name.startsWith("titanic") ? new int[] {1, 7, 200} : new int[] {7}) {
        List<Row> shuffled = MutualInformation.of(rows.repartition(parts)).bins(0).maxPairBytes(1).compute().collectAsList();
        sameTables(inMemory, shuffled, name + ", " + parts + " partitions");
        Row r = shuffled.get(0);
        assertEquals(e.get("mi_exact"), r.getDouble(6), Math.max(1e-16, 1e-12 * e.get("mi_exact")), name + " mi exact");
        assertEquals(e.get("ami_arithmetic"), r.getDouble(8), Math.max(1e-13, 1e-9 * Math.abs(e.get("ami_arithmetic"))),
            name + " ami");
        assertEquals(e.get("hxy_exact"), r.getDouble(5), 1e-12 * e.get("hxy_exact"), name + " H(X,Y)");
      }
    }
  }

  @Test
  void nullsAsACategoryOrDroppedAndAmiSkipped() {
    Dataset<Row> t = spark.sql("SELECT * FROM VALUES ('a', 1, 'u'), ('a', 1, NULL), (NULL, 2, 'u'), (NULL, 2, 'v'), "
        + "('b', NULL, 'v'), ('b', 3, 'v'), ('c', 3, NULL), (NULL, NULL, NULL) AS t(x, y, z)");
    for (boolean drop : new boolean[] {false, true}) {
      List<Row> inMemory = MutualInformation.of(t).bins(0).dropNulls(drop).compute().collectAsList();
      List<Row> shuffled = MutualInformation.of(t).bins(0).dropNulls(drop).maxPairBytes(1).compute().collectAsList();
      sameTables(inMemory, shuffled, "dropNulls " + drop);
    }
    List<Row> noAmi = MutualInformation.of(t).bins(0).ami(false).maxPairBytes(1).compute().collectAsList();
    List<Row> noAmiInMemory = MutualInformation.of(t).bins(0).ami(false).compute().collectAsList();
    for (Row r : noAmi) assertTrue(r.isNullAt(8), "ami(false): ami NULL");
    sameTables(noAmiInMemory, noAmi, "ami(false)");
    // doubles as categories: -0.0 is 0.0 and every NaN one value, as in GROUP BY; binary by content
    Dataset<Row> d = spark.sql("SELECT * FROM VALUES (0.0D, X'01', 1), (-0.0D, X'01', 1), (double('NaN'), X'02', 2), "
        + "(-double('NaN'), X'02', 2), (1.5D, X'0102', 1), (1.5D, X'01', 2), (NULL, X'02', 1) AS t(v, b, k)");
    sameTables(MutualInformation.of(d).bins(0).compute().collectAsList(),
        MutualInformation.of(d).bins(0).maxPairBytes(1).compute().collectAsList(), "doubles and binary as categories");
    Dataset<Row> empty = t.where("x = 'none'");
    sameTables(MutualInformation.of(empty).bins(0).compute().collectAsList(),
        MutualInformation.of(empty).bins(0).maxPairBytes(1).compute().collectAsList(), "no rows");
  }

  /** Only the pairs over the budget take the distributed path; numeric columns are binned the same way for both. */
  @Test
  void onlyTheLargePairsAreShuffledAndBinsAreShared() {
    Dataset<Row> t = spark.range(0, 20000, 1, 4).selectExpr("CAST(id AS STRING) AS id_like", "pmod(id, 7) AS small",
        "pmod(id * 13, 11) AS other", "sin(id) AS wave");
    List<Row> expected = MutualInformation.of(t).categorical("small", "other").compute().collectAsList();
    // the id-like pairs need ~20k cells, a few MiB; the others a few hundred bytes
    List<Row> mixed = MutualInformation.of(t).categorical("small", "other").maxPairBytes(100_000).compute().collectAsList();
    sameTables(expected, mixed, "a budget that only the id-like pairs exceed");
  }

  /**
   * The golden tables as (x, y, count) rows weighted by their count: both paths give the measures
   * of the rows the counts stand for (the exact values), and those of the SQL aggregate with the
   * same weights; weights that are not whole counts (a quarter of each count: the same
   * distribution) keep every measure but n and g (scaled) and leave AMI NULL.
   */
  @Test
  void weightsOnBothPathsAgreeWithTheExactValuesAndTheSqlAggregate() {
    for (String name : List.of("titanic_Class_Survived", "syn_nulls", "syn_random_200x150")) {
      Dataset<Row> table = GoldenCases.table(spark, name);
      Map<String, Double> e = GoldenCases.EXPECTED.get(name);
      double n = Double.parseDouble(GoldenCases.CASES.get(name)[2]);
      List<Row> fromRows = MutualInformation.of(GoldenCases.rows(spark, name).drop("k", "count")).bins(0).compute()
          .collectAsList();
      List<Row> inMemory = MutualInformation.of(table).weight("count").bins(0).compute().collectAsList();
      assertEquals(MutualInformation.TIDY_WEIGHTED, MutualInformation.of(table).weight("count").bins(0).compute().schema());
      sameTables(fromRows, inMemory, name + ", weighted in memory against the rows");
      for (int parts : name.startsWith("titanic") ? new int[] {1, 7, 200} : new int[] {7}) {
        List<Row> shuffled = MutualInformation.of(table.repartition(parts)).weight("count").bins(0).maxPairBytes(1)
            .compute().collectAsList();
        sameTables(inMemory, shuffled, name + ", weighted, " + parts + " partitions");
        Row r = shuffled.get(0);
        assertEquals(n, r.getDouble(2), 0.0, name + " n");
        assertEquals(e.get("mi_exact"), r.getDouble(6), Math.max(1e-16, 1e-12 * e.get("mi_exact")), name + " mi exact");
        assertEquals(e.get("hxy_exact"), r.getDouble(5), 1e-12 * e.get("hxy_exact"), name + " H(X,Y)");
        assertEquals(e.get("ami_arithmetic"), r.getDouble(8), Math.max(1e-13, 1e-9 * Math.abs(e.get("ami_arithmetic"))),
            name + " ami");
      }
      table.createOrReplaceTempView("weighted_case");
      Row sql = spark.sql("SELECT mutual_info(x, y, count), adjusted_mutual_info(x, y, count), g_test(x, y, count).g "
          + "FROM weighted_case").first();
      Row r = inMemory.get(0);
      assertEquals(sql.getDouble(0), r.getDouble(6), 1e-13 * sql.getDouble(0), name + " mi as mutual_info(x, y, w)");
      assertEquals(sql.getDouble(1), r.getDouble(8), 1e-13 * Math.abs(sql.getDouble(1)), name + " ami as the SQL aggregate");
      assertEquals(sql.getDouble(2), r.getDouble(9), 1e-13 * sql.getDouble(2), name + " g as g_test(x, y, w)");

      Dataset<Row> quarter = table.withColumn("count", org.apache.spark.sql.functions.col("count").multiply(0.25));
      List<Row> fractional = MutualInformation.of(quarter).weight("count").bins(0).compute().collectAsList();
      sameTables(fractional, MutualInformation.of(quarter.repartition(7)).weight("count").bins(0).maxPairBytes(1).compute()
          .collectAsList(), name + ", quarter weights");
      Row q = fractional.get(0);
      assertEquals(n / 4, q.getDouble(2), 0.0, name + " n of quarter weights");
      assertEquals(e.get("mi_exact"), q.getDouble(6), Math.max(1e-16, 1e-12 * e.get("mi_exact")), name + " mi, quarter weights");
      assertEquals(r.getDouble(9) / 4, q.getDouble(9), 1e-12 * r.getDouble(9), name + " g scales with the total weight");
      assertTrue(q.isNullAt(8), name + ": no AMI for weights that are not whole counts");
    }
  }

  /** A row without weight counts nothing; a bad weight fails naming the column; the weight is not analysed. */
  @Test
  void weightsNullNegativeAndMisplaced() {
    Dataset<Row> t = spark.sql("SELECT * FROM VALUES ('a', 'u', 2.0D), ('a', 'v', NULL), ('b', 'v', 3.0D), "
        + "('b', 'u', 0.0D), (NULL, 'u', 1.5D), ('c', 'w', NULL) AS t(x, y, w)");
    Dataset<Row> kept = t.where("w IS NOT NULL");
    for (long budget : new long[] {Long.MAX_VALUE, 1}) {
      List<Row> all = MutualInformation.of(t).weight("w").bins(0).maxPairBytes(budget).compute().collectAsList();
      sameTables(MutualInformation.of(kept).weight("w").bins(0).compute().collectAsList(), all, "budget " + budget);
      assertEquals(1, all.size(), "the weight column is not analysed");
      // 'c' only has a NULL weight and 'b' x 'u' a zero one: x has levels a, b, NULL
      assertEquals(3L, all.get(0).getLong(12), "levels of x with weight");
      assertEquals(6.5, all.get(0).getDouble(2), 0.0, "n is the total weight");
    }
    Dataset<Row> negative = spark.sql("SELECT * FROM VALUES ('a', 'u', 2.0D), ('b', 'v', -1.0D) AS t(x, y, w)");
    Exception bad = assertThrows(Exception.class, () -> MutualInformation.of(negative).weight("w").compute());
    assertTrue(String.valueOf(bad.getMessage()).contains("weight column 'w' must hold finite weights >= 0 but has -1.0"),
        bad.getMessage());
    Exception named = assertThrows(IllegalArgumentException.class,
        () -> MutualInformation.of(t).columns("x", "w").weight("w").compute());
    assertTrue(named.getMessage().contains("weight column 'w' cannot also be a column to analyse"), named.getMessage());
    Exception text = assertThrows(IllegalArgumentException.class, () -> MutualInformation.of(t).weight("y").compute());
    assertTrue(text.getMessage().contains("weight column 'y' must be numeric but is string"), text.getMessage());
    Exception unknown = assertThrows(IllegalArgumentException.class, () -> MutualInformation.of(t).weight("z").compute());
    assertTrue(unknown.getMessage().contains("unknown weight column 'z'"), unknown.getMessage());
  }

  /**
   * The shuffled path reads the input a second time and takes n from the first read: an input that
   * gives other rows each time fails the job, naming the pair, instead of mixing the two reads.
   */
  @Test
  void shufflesGetAMultipleOfTheCoresWithAtMostAMillionRowsATask() {
    assertEquals(2, ShuffledPair.tasks(0, 2));
    assertEquals(2, ShuffledPair.tasks(2_000_000, 2));
    assertEquals(4, ShuffledPair.tasks(2_000_001, 2));
    assertEquals(10, ShuffledPair.tasks(10_000_000, 2));
    assertEquals(200, ShuffledPair.tasks(10_000_000, 200));
    assertEquals(400, ShuffledPair.tasks(200_000_001, 200));
    assertEquals(3, ShuffledPair.tasks(5, 3));
    assertEquals(1, ShuffledPair.tasks(5, 0));
    assertEquals(Integer.MAX_VALUE / 2, ShuffledPair.tasks(Long.MAX_VALUE, 1));
  }

  @Test
  void anInputThatChangesBetweenTheReadsFails() {
    org.apache.spark.sql.expressions.UserDefinedFunction coin = org.apache.spark.sql.functions.udf(
        () -> Math.random() < 0.5, org.apache.spark.sql.types.DataTypes.BooleanType).asNondeterministic();
    Dataset<Row> random = spark.range(0, 20000, 1, 4).selectExpr("CAST(id AS STRING) AS x", "CAST(id % 7 AS STRING) AS y")
        .where(coin.apply());
    Exception e = assertThrows(IllegalStateException.class, () -> MutualInformation.of(random).maxPairBytes(1).compute());
    assertTrue(e.getMessage().contains("pair (x, y): the input changed between the two reads"), e.getMessage());
  }
}
