package io.github.sparkdivergence.packagesclient;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The application {@code PackagesIT} submits with spark-submit's {@code --packages}: the udfs classes
 * reach it only through the resolved package, so it names none of them at compile time. Prints
 * {@code RESULT<TAB>name<TAB>value} lines and where the extension class was loaded from.
 */
public final class PackagesMain {
  private PackagesMain() {}

  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkSession.builder().getOrCreate();
    try {
      System.out.println("RESULT\tspark_version\t" + spark.version());
      System.out.println("RESULT\textension_jar\t" + Class.forName("io.github.sparkdivergence.spark.DivergenceExtensions",
          false, Thread.currentThread().getContextClassLoader()).getProtectionDomain().getCodeSource().getLocation());
      Row r = spark.sql("SELECT kl_div(array(0.2D, 0.8D), array(0.5D, 0.5D)),"
          + " divergence.js_distance(array(0.2D, 0.8D), array(0.5D, 0.5D), 2.0D)").first();
      System.out.println("RESULT\tkl_div\t" + r.getDouble(0));
      System.out.println("RESULT\tjs_distance_catalog\t" + r.getDouble(1));
      Row mi = spark.sql("SELECT mutual_info(x, y) FROM VALUES ('a', 'u'), ('a', 'u'), ('b', 'v'), ('b', 'u') AS t(x, y)").first();
      System.out.println("RESULT\tmutual_info\t" + mi.getDouble(0));
    } finally {
      spark.stop();
    }
  }
}
