package io.github.sparkdivergence.jobs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The submit-ready jar holds our classes and the udfs module only: Spark and Scala stay provided,
 * and any third-party class that slips in unrelocated fails the build (it could clash with Spark's).
 */
class ShadedJarIT {
  static final Path JAR = Paths.get(System.getProperty("jobs.jar", "target/spark-divergence-jobs-0.1.0-SNAPSHOT.jar"));

  @Test
  void onlyOurClassesAndTheServiceFile() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      List<String> foreign = new ArrayList<>();
      boolean udfs = false;
      boolean jobs = false;
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (name.endsWith(".class")) {
          if (!name.startsWith("io/github/sparkdivergence/")) foreign.add(name);
          udfs |= name.equals("io/github/sparkdivergence/spark/DivergenceFunctions.class");
          jobs |= name.equals("io/github/sparkdivergence/jobs/Main.class");
        }
      }
      assertTrue(foreign.isEmpty(), "unrelocated classes in the shaded jar: " + foreign.subList(0, Math.min(20, foreign.size())));
      assertTrue(udfs, "udfs module shaded in");
      assertTrue(jobs, "jobs classes present");
      assertEquals("io.github.sparkdivergence.jobs.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
      JarEntry services = jar.getJarEntry("META-INF/services/org.apache.spark.sql.SparkSessionExtensionsProvider");
      assertNotNull(services, "session extension service file kept");
      String text = new String(jar.getInputStream(services).readAllBytes());
      assertTrue(text.contains("io.github.sparkdivergence.spark.DivergenceExtensions"), text);
    }
  }
}
