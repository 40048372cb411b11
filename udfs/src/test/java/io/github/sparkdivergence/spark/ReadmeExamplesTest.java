package io.github.sparkdivergence.spark;

import static io.github.sparkdivergence.spark.DivergenceFunctions.*;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's SQL block and its Java DataFrame example, so the README shows what the library
 * does. A statement's expected result follows it as {@code -- value, value | next row}.
 */
class ReadmeExamplesTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() { spark = SparkTestSession.get(); }

  @Test
  void sqlExamplesReturnWhatTheReadmeShows() throws IOException {
    List<String> lines = Files.readAllLines(Paths.get("../README.md"));
    List<String> failures = new ArrayList<>();
    boolean inSql = false;
    int run = 0;
    for (String line : lines) {
      if (line.startsWith("```")) {
        inSql = line.equals("```sql");
        continue;
      }
      if (!inSql || line.isBlank() || line.startsWith("--")) continue;
      int end = line.indexOf(';');
      String sql = line.substring(0, end).replace("'data-samples/", "'../data-samples/");
      String comment = line.substring(end + 1).trim();
      Dataset<Row> result = spark.sql(sql);
      run++;
      if (!comment.startsWith("--")) continue;
      String expected = comment.substring(2).trim();
      String actual = result.collectAsList().stream()
          .map(r -> java.util.stream.IntStream.range(0, r.length()).mapToObj(i -> String.valueOf(r.get(i)))
              .collect(Collectors.joining(", ")))
          .collect(Collectors.joining(" | "));
      if (!sameNumbers(expected, actual)) failures.add(sql + "\n   README: " + expected + "\n   actual: " + actual);
    }
    assertTrue(run >= 10, "ran " + run + " statements");
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /** Token-wise equal, numbers to 1e-12 relative. */
  private static boolean sameNumbers(String expected, String actual) {
    String[] e = expected.split("[\\s,|\\[\\]]+");
    String[] a = actual.split("[\\s,|\\[\\]]+");
    if (e.length != a.length) return false;
    for (int i = 0; i < e.length; i++) {
      if (e[i].equals(a[i])) continue;
      try {
        double x = Double.parseDouble(e[i]);
        double y = Double.parseDouble(a[i]);
        if (Math.abs(x - y) > Math.abs(x) * 1e-12) return false;
      } catch (NumberFormatException notNumbers) {
        return false;
      }
    }
    return true;
  }

  @Test
  void dataFrameExampleRuns() {
    Dataset<Row> df = spark.sql("SELECT 1 AS id, array(0.5D, 0.5D) AS p, array(0.9D, 0.1D) AS q");
    Dataset<Row> titanic = spark.read().option("header", "true").csv("../data-samples/titanic.csv");

    // As in the README:
    Dataset<Row> scored = df.select(col("id"), klDiv(col("p"), col("q")).as("kl"),
        jsDistance(col("p"), col("q"), 2).as("js_bits"));
    Dataset<Row> byClass = titanic.groupBy("Class").agg(mutualInfo(col("Sex"), col("Survived")).as("mi"));
    Dataset<Row> ranking = MutualInformation.of(titanic).target("Survived").compute();
    io.github.sparkdivergence.spark.drift.DriftResult drift = Drift.between(titanic.filter("Class = '1st'"),
        titanic.filter("Class = 'Crew'")).columns("Sex", "Age", "Survived").run();
    boolean datasetDrifted = drift.datasetDrifted();

    Row s = scored.first();
    assertEquals(0.5108256237659907, s.getDouble(1), 1e-15);
    assertEquals(Math.sqrt(0.10174922507919676) / Math.sqrt(Math.log(2)), s.getDouble(2), 1e-14);
    assertEquals(4, byClass.count());
    assertEquals("Sex", ranking.first().getString(1));
    assertEquals(3, ranking.count());
    assertEquals(3, drift.table().count());
    assertTrue(datasetDrifted, drift.verdictText());
    assertEquals("js_distance_raw", drift.columns().get(0).method().outputName());
  }
}
