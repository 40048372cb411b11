package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void smoke() {
    SparkSession spark = SparkTestSession.get();
    spark.sql("SELECT array(0.5D, 0.5D) AS p, array(0.9D, 0.1D) AS q").createOrReplaceTempView("t");
    Row r = spark.sql("SELECT kl_div(p, q), divergence.kl_div(p, q), kl_div(p, q, 2) FROM t").first();
    System.out.println(r);
    spark.sql("SELECT kl_div(p, q) FROM t").explain("codegen");
    spark.sql("DESCRIBE FUNCTION EXTENDED kl_div").show(100, false);
    assertEquals(0.5108256237659907, r.getDouble(0), 1e-15);
  }
}
