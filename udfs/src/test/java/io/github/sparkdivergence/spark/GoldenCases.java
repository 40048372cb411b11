package io.github.sparkdivergence.spark;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The golden contingency tables ({@code golden/cases.csv}, {@code golden/tables/}) and their exact
 * values ({@code golden/expected.csv}, made once by {@code make_info_golden.py}).
 */
final class GoldenCases {
  static final Path GOLDEN = Paths.get("src/test/resources/golden");
  /** case -> {x kind, y kind, n}, in the file's order. */
  static final Map<String, String[]> CASES;
  /** case -> metric -> value. */
  static final Map<String, Map<String, Double>> EXPECTED;

  static {
    try {
      Map<String, String[]> cases = new LinkedHashMap<>();
      List<String> lines = Files.readAllLines(GOLDEN.resolve("cases.csv"));
      for (String l : lines.subList(1, lines.size())) {
        String[] f = l.split(",", 5);
        cases.put(f[0], new String[] {f[1], f[2], f[3]});
      }
      Map<String, Map<String, Double>> expected = new HashMap<>();
      List<String> values = Files.readAllLines(GOLDEN.resolve("expected.csv"));
      for (String l : values.subList(1, values.size())) {
        String[] f = l.split(",");
        expected.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], Double.parseDouble(f[2]));
      }
      CASES = Collections.unmodifiableMap(cases);
      EXPECTED = Collections.unmodifiableMap(expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private GoldenCases() {}

  static String sparkType(String kind) {
    return switch (kind) {
      case "long" -> "long";
      case "double" -> "double";
      default -> "string";
    };
  }

  /** The case's contingency table as rows (x, y, count) with each side in its original type. */
  static Dataset<Row> table(SparkSession spark, String name) {
    String[] kinds = CASES.get(name);
    return spark.read().option("header", "true").option("nullValue", "\\N")
        .option("quote", "\"").option("escape", "\"")
        .csv(GOLDEN.resolve("tables").resolve(name + ".csv").toString())
        .select(col("x").cast(sparkType(kinds[0])).as("x"), col("y").cast(sparkType(kinds[1])).as("y"),
            col("count").cast("long").as("count"));
  }

  /** The case as raw rows (x, y, k), one per unit of its count. */
  static Dataset<Row> rows(SparkSession spark, String name) {
    return table(spark, name).selectExpr("x", "y", "explode(sequence(1, count)) AS k");
  }
}
