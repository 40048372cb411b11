package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.counts.MergeableState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * State files of format version 1, written once by this version of the library and committed
 * ({@code golden/states/}): every later version must read them to the same counts and measures.
 * The counts are checked against the golden tables they were made from, the measures against the
 * exact values of {@code expected.csv}. Written by
 * {@code mvn -q -pl udfs test -Dtest=GoldenStatesTest -Dregenerate=true}; do not regenerate them
 * for a later format version (add new files beside them instead).
 */
class GoldenStatesTest {
  private static final Path DIR = GoldenCases.GOLDEN.resolve("states");
  /** file -> the query that made it, over the view {@code golden_case} of the case in its name. */
  private static final Map<String, String> FILES = Map.of(
      "v1_contingency_titanic_Class_Survived.bin", "SELECT contingency_agg(x, y, count) FROM golden_case",
      "v1_contingency_syn_nulls.bin", "SELECT contingency_agg(x, y, count) FROM golden_case",
      "v1_contingency_diamonds_price_q10_clarity.bin", "SELECT contingency_agg(x, y, count) FROM golden_case",
      "v1_distribution_ucb_Admit_Dept.bin", "SELECT distribution_agg(y, count) FROM golden_case",
      "v1_distribution_flights_delay_q10_distance_q10.bin",
      "SELECT distribution_agg(CAST(x AS DOUBLE), count, array(double('-Infinity'), 2, 5, 8, double('Infinity'))) FROM golden_case");
  private static SparkSession spark;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkTestSession.get();
    if (Boolean.getBoolean("regenerate")) {
      Files.createDirectories(DIR);
      for (Map.Entry<String, String> f : FILES.entrySet()) {
        GoldenCases.table(spark, caseOf(f.getKey())).createOrReplaceTempView("golden_case");
        Files.write(DIR.resolve(f.getKey()), (byte[]) spark.sql(f.getValue()).first().get(0));
      }
    }
  }

  private static String caseOf(String file) {
    return file.replaceFirst("^v1_(contingency|distribution)_", "").replace(".bin", "");
  }

  private static byte[] read(String file) throws IOException { return Files.readAllBytes(DIR.resolve(file)); }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) s.append(String.format("%02X", x));
    return s.toString();
  }

  @Test
  void contingencyStatesOfVersion1ReadToTheirTablesAndExactValues() throws IOException {
    for (String file : List.of("v1_contingency_titanic_Class_Survived.bin", "v1_contingency_syn_nulls.bin",
        "v1_contingency_diamonds_price_q10_clarity.bin")) {
      String name = caseOf(file);
      byte[] bytes = read(file);
      assertEquals(1, bytes[4], file + ": format version 1");
      MergeableState s = MergeableState.fromBytes(bytes);
      GoldenCases.table(spark, name).createOrReplaceTempView("golden_case");
      Map<String, Double> table = StatesTest.cells(MergeableState.fromBytes(
          (byte[]) spark.sql(FILES.get(file)).first().get(0)));
      assertEquals(table, StatesTest.cells(s), file + ": the counts of the golden table");
      Map<String, Double> e = GoldenCases.EXPECTED.get(name);
      Row r = spark.sql("SELECT contingency_mutual_info(s), contingency_joint_entropy(s), contingency_adjusted_mutual_info(s) "
          + "FROM VALUES (X'" + hex(bytes) + "') AS t(s)").first();
      assertEquals(e.get("mi_exact"), r.getDouble(0), Math.max(1e-16, 1e-12 * e.get("mi_exact")), file + " mi");
      assertEquals(e.get("hxy_exact"), r.getDouble(1), 1e-12 * e.get("hxy_exact"), file + " H(X,Y)");
      assertEquals(e.get("ami_arithmetic"), r.getDouble(2), Math.max(1e-13, 1e-9 * Math.abs(e.get("ami_arithmetic"))), file + " ami");
    }
  }

  @Test
  void distributionStatesOfVersion1ReadToTheirCountsAndEntropy() throws IOException {
    MergeableState ucb = MergeableState.fromBytes(read("v1_distribution_ucb_Admit_Dept.bin"));
    assertEquals("string", ucb.valueType(0));
    assertFalse(ucb.bucketed());
    Row r = spark.sql("SELECT distribution_entropy(X'" + hex(read("v1_distribution_ucb_Admit_Dept.bin")) + "')").first();
    assertEquals(GoldenCases.EXPECTED.get("ucb_Admit_Dept").get("hy_exact"), r.getDouble(0), 1e-12, "H(Dept)");

    byte[] flights = read("v1_distribution_flights_delay_q10_distance_q10.bin");
    MergeableState b = MergeableState.fromBytes(flights);
    assertEquals(MergeableState.BUCKET_TYPE, b.valueType(0));
    assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, 2, 5, 8, Double.POSITIVE_INFINITY}, b.splits());
    // the buckets, counted from the golden table's rows by hand
    Map<Long, Double> expected = new HashMap<>();
    for (Row row : GoldenCases.table(spark, "flights_delay_q10_distance_q10").collectAsList()) {
      double x = Double.parseDouble(String.valueOf(row.get(0)));
      long bucket = x < 2 ? 0 : x < 5 ? 1 : x < 8 ? 2 : 3;
      expected.merge(bucket, (double) row.getLong(2), Double::sum);
    }
    Map<String, Double> got = StatesTest.cells(b);
    assertEquals(expected.size(), got.size());
    for (Map.Entry<Long, Double> e : expected.entrySet()) {
      assertEquals(e.getValue(), got.get("L" + e.getKey() + "\u0000NULL"), "bucket " + e.getKey());
    }
  }
}
