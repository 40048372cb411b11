package io.github.sparkdivergence.bench;

import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The benchmarks' data sets, made the same way for each program that uses them. */
final class BenchData {
  private BenchData() {}

  /**
   * {@code rows} generated rows (id, a50, b50, a5k, b5k, c2 ... c200), seeded and reproducible:
   * every value is a function of (seed, row id) through xxhash64. Not cached.
   */
  static Dataset<Row> generated(SparkSession spark, long rows, int partitions, long seed) {
    String h = "xxhash64(id, " + seed + "L, %d)";
    String u = "pmod(" + h + ", %d)";
    Dataset<Row> base = spark.range(0, rows, 1, partitions).selectExpr("id",
        String.format(Locale.ROOT, u, 1, 50) + " AS na",
        String.format(Locale.ROOT, u, 3, 5000) + " AS nk",
        String.format(Locale.ROOT, u, 2, 10) + " AS r1",
        String.format(Locale.ROOT, u, 4, 100) + " AS r2");
    return base.selectExpr("id",
        "concat('cat_', na) AS a50",
        // 70% a function of a50 (3 choices), 30% uniform: MI ~ 1.5 nats
        "concat('cat_', CASE WHEN r1 < 7 THEN pmod(na * 7 + " + String.format(Locale.ROOT, u, 5, 3) + ", 50) "
            + "ELSE " + String.format(Locale.ROOT, u, 6, 50) + " END) AS b50",
        "concat('item_', nk) AS a5k",
        // 95% a function of a5k (2 choices), 5% uniform: about 5000 x 2 + 0.05 N cells
        "concat('item_', CASE WHEN r2 < 95 THEN pmod(nk * 7 + " + String.format(Locale.ROOT, u, 7, 2) + ", 5000) "
            + "ELSE " + String.format(Locale.ROOT, u, 8, 5000) + " END) AS b5k",
        "concat('c', " + String.format(Locale.ROOT, u, 9, 2) + ") AS c2",
        "concat('c', pmod(na, 5)) AS c5",
        "concat('c', " + String.format(Locale.ROOT, u, 10, 10) + ") AS c10",
        "concat('c', CASE WHEN r1 < 5 THEN pmod(na, 20) ELSE " + String.format(Locale.ROOT, u, 11, 20) + " END) AS c20",
        "concat('c', pmod(nk, 100)) AS c100",
        "concat('c', " + String.format(Locale.ROOT, u, 12, 200) + ") AS c200");
  }

  /** flights_3m.csv.gz (date, delay, distance, origin, destination) read with an explicit schema. Not cached. */
  static Dataset<Row> flights(SparkSession spark, String path) {
    StructType schema = new StructType()
        .add("date", DataTypes.TimestampType)
        .add("delay", DataTypes.IntegerType)
        .add("distance", DataTypes.IntegerType)
        .add("origin", DataTypes.StringType)
        .add("destination", DataTypes.StringType);
    return spark.read().option("header", "true").option("timestampFormat", "yyyy-MM-dd HH:mm:ss")
        .option("mode", "FAILFAST").schema(schema).csv(path);
  }
}
