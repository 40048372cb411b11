package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SparkVersionCheckTest {
  /** This JVM's Scala, e.g. 2.12.18 or 2.13.16. */
  private static final String SCALA = scala.util.Properties$.MODULE$.versionNumberString();
  private static final String BUILT_SCALA = SparkVersionCheck.line(SCALA);
  private static final String OTHER_SCALA = BUILT_SCALA.equals("2.12") ? "2.13.16" : "2.12.18";

  @Test
  void buildPropertiesAreFilledIn() {
    assertEquals(org.apache.spark.package$.MODULE$.SPARK_VERSION(), SparkVersionCheck.builtForSpark());
    assertEquals(BUILT_SCALA, SparkVersionCheck.builtForScala());
  }

  @Test
  void theBuildsLineOnItsScalaPasses() {
    String built = SparkVersionCheck.builtForSpark();
    assertNull(SparkVersionCheck.problem(built, SCALA));
    // another patch of the same line (Spark and Scala) is the same line
    assertNull(SparkVersionCheck.problem(SparkVersionCheck.line(built) + ".9", BUILT_SCALA + ".1"));
    SparkVersionCheck.require(); // this JVM's Spark
  }

  /** What a platform engineer saw instead: NoSuchMethodError, or a missing org.apache.spark.sql.classic class. */
  @Test
  void anotherLineFailsWithOneLineNamingBoth() {
    String built = SparkVersionCheck.line(SparkVersionCheck.builtForSpark());
    String other = built.equals("3.5") ? "4.1.0" : "3.5.6";
    String otherScala = SparkVersionCheck.line(OTHER_SCALA);
    String m = SparkVersionCheck.problem(other, OTHER_SCALA);
    assertNotNull(m);
    assertTrue(m.startsWith("spark-divergence-udfs "), m);
    assertTrue(m.contains("is built for Spark " + built + " / Scala " + BUILT_SCALA + " but runs on Spark " + other
        + " / Scala " + otherScala), m);
    assertTrue(m.endsWith("use the spark-divergence build for Spark " + SparkVersionCheck.line(other) + " / Scala "
        + otherScala + "."), m);
    assertFalse(m.contains("\n"));
    for (String v : new String[] {"3.5.6", "4.0.1", "4.1.0", "4.2.0"}) {
      assertEquals(SparkVersionCheck.line(v).equals(built), SparkVersionCheck.problem(v, SCALA) == null, v);
    }
    assertNotNull(SparkVersionCheck.problem(SparkVersionCheck.builtForSpark(), OTHER_SCALA), "same Spark, other Scala");
  }
}
