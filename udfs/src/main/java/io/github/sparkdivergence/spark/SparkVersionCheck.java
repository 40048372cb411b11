package io.github.sparkdivergence.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * A jar built for one Spark line fails on another with errors such as {@code NoSuchMethodError} or
 * a missing class. Every entry point (the session extension, the catalog, {@link
 * DivergenceFunctions#register}, the jobs) checks the running Spark and Scala against the build's first and
 * fails with one line naming both.
 */
public final class SparkVersionCheck {
  private SparkVersionCheck() {}

  private static final Properties BUILD = load();

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = SparkVersionCheck.class.getResourceAsStream("/io/github/sparkdivergence/build.properties")) {
      if (in != null) p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** The Spark version this jar was built against, e.g. {@code 4.1.0}. */
  public static String builtForSpark() { return BUILD.getProperty("spark.version", "unknown"); }

  /** The Scala binary version this jar was built against, e.g. {@code 2.13}. */
  public static String builtForScala() { return BUILD.getProperty("scala.binary.version", "unknown"); }

  /** Fails with one line when the running Spark line (major.minor) or Scala binary version differs. */
  public static void require() {
    String problem = problem(org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        scala.util.Properties$.MODULE$.versionNumberString());
    if (problem != null) throw new IllegalStateException(problem);
  }

  /** The mismatch message, or null when {@code sparkVersion} / {@code scalaVersion} are this build's line. */
  static String problem(String sparkVersion, String scalaVersion) {
    String built = line(builtForSpark());
    String running = line(sparkVersion);
    String scala = line(scalaVersion);
    if (built.equals(running) && scala.equals(builtForScala())) return null;
    return BUILD.getProperty("artifact", "spark-divergence") + " " + BUILD.getProperty("version", "")
        + " is built for Spark " + built + " / Scala " + builtForScala() + " but runs on Spark " + sparkVersion
        + " / Scala " + scala + ": use the spark-divergence build for Spark " + running + " / Scala " + scala + ".";
  }

  /** {@code 4.1.0} -> {@code 4.1}; {@code 2.13.16} -> {@code 2.13}. */
  static String line(String version) {
    String[] parts = version == null ? new String[0] : version.split("[.-]");
    return parts.length >= 2 ? parts[0] + "." + parts[1] : String.valueOf(version);
  }
}
