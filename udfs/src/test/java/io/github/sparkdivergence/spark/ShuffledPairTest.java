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
 * category or dropped.
 */
class ShuffledPairTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() { spark = SparkTestSession.get(); }

  private static void sameTables(List<Row> expected, List<Row> actual, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      Row e = expected.get(i);
      Row a = actual.get(i);
      for (int f = 0; f < e.length(); f++) {
        String field = what + ", " + e.getString(0) + " x " + e.getString(1) + ", " + MutualInformation.TIDY.fieldNames()[f];
        if (e.isNullAt(f)) {
          assertTrue(a.isNullAt(f), field);
        } else if (e.get(f) instanceof Double d) {
          assertEquals(d, a.getDouble(f), Math.max(1e-300, 1e-13 * Math.abs(d)), field);
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
}
