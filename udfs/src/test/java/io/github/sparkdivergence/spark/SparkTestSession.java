package io.github.sparkdivergence.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] session for the whole test JVM; test classes share it and reset what they change. */
public final class SparkTestSession {
  private static SparkSession spark;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      spark = SparkSession.builder()
          .master("local[2]")
          .appName("spark-divergence-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          // ANSI on, as Spark 4 defaults to, on every line: tests that need it off set it off and
          // back, and none depends on the order the classes run in (3.5 defaults to off)
          .config("spark.sql.ansi.enabled", "true")
          // No spark.sql.extensions here: the jar's META-INF/services entry registers the
          // functions (setting both applies the extension twice, with a warning per function).
          .config("spark.sql.catalog.divergence", DivergenceCatalog.class.getName())
          .config("spark.driver.host", "127.0.0.1")
          .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }
}
