package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SparkVersionCheckTest {
  @Test
  void buildPropertiesAreFilledIn() {
    assertEquals(org.apache.spark.package$.MODULE$.SPARK_VERSION(), SparkVersionCheck.builtForSpark());
    assertEquals("2.13", SparkVersionCheck.builtForScala());
  }

  @Test
  void theBuildsLineOnItsScalaPasses() {
    String built = SparkVersionCheck.builtForSpark();
    assertNull(SparkVersionCheck.problem(built, "2.13.16"));
    // another patch of the same line is the same line
    assertNull(SparkVersionCheck.problem(SparkVersionCheck.line(built) + ".9", "2.13.8"));
    SparkVersionCheck.require(); // this JVM's Spark
  }

  /** What a platform engineer saw instead: NoSuchMethodError, or a missing org.apache.spark.sql.classic class. */
  @Test
  void anotherLineFailsWithOneLineNamingBoth() {
    String built = SparkVersionCheck.line(SparkVersionCheck.builtForSpark());
    String other = built.equals("3.5") ? "4.1.0" : "3.5.6";
    String m = SparkVersionCheck.problem(other, "2.12.18");
    assertNotNull(m);
    assertTrue(m.startsWith("spark-divergence-udfs "), m);
    assertTrue(m.contains("is built for Spark " + built + " / Scala 2.13 but runs on Spark " + other + " / Scala 2.12"), m);
    assertTrue(m.endsWith("use the spark-divergence build for Spark " + SparkVersionCheck.line(other) + " / Scala 2.12."), m);
    assertFalse(m.contains("\n"));
    for (String v : new String[] {"3.5.6", "4.0.1", "4.1.0", "4.2.0"}) {
      assertEquals(SparkVersionCheck.line(v).equals(built), SparkVersionCheck.problem(v, "2.13.16") == null, v);
    }
    assertNotNull(SparkVersionCheck.problem(SparkVersionCheck.builtForSpark(), "2.12.18"), "same Spark, other Scala");
  }
}
