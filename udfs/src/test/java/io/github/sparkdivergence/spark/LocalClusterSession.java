package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import org.apache.spark.sql.SparkSession;

/**
 * A {@code local-cluster[2,1,MB]} session for the multi-JVM tests: two executor processes that
 * only see the packaged jar ({@code -Dudfs.jar}), so every state is serialized, shipped and
 * merged for real. No spark.sql.extensions: the jar's META-INF/services entry registers the
 * functions.
 */
final class LocalClusterSession {
  private LocalClusterSession() {}

  static SparkSession start(String app, int executorMb, int shufflePartitions) {
    String jar = System.getProperty("udfs.jar");
    assertTrue(new File(jar).isFile(), "packaged jar expected at " + jar);
    return SparkSession.builder()
        .master("local-cluster[2,1," + executorMb + "]")
        .appName(app)
        .config("spark.jars", jar)
        .config("spark.executor.memory", executorMb + "m")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions))
        .getOrCreate();
  }
}
