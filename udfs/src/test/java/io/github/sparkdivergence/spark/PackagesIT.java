package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.packagesclient.PackagesMain;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #8: each Spark line is installed under its own coordinates
 * ({@code spark-divergence-udfs-<line>}), and {@code spark-submit --packages} with those coordinates
 * gives a working session on that line. The build installs this line's jar and published pom into
 * target/packages-it/repository (the same install as {@code mvn install}); spark-submit, run from the
 * Maven SPARK_HOME, resolves only from there (an Ivy settings file with that one repository), so the
 * udfs classes come from the package and nowhere else.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PackagesIT {
  private static final String COORDINATES = System.getProperty("published.coordinates", "");
  private static final Path REPOSITORY = Paths.get(System.getProperty("packages.repository", "target/packages-it/repository"));

  @Test
  void sparkSubmitPackagesResolvesThisLinesCoordinates() throws Exception {
    String[] gav = COORDINATES.split(":");
    assertEquals(3, gav.length, "published.coordinates group:artifact:version, got '" + COORDINATES + "'");
    Path pom = REPOSITORY.resolve(gav[0].replace('.', '/')).resolve(gav[1]).resolve(gav[2]).resolve(gav[1] + "-" + gav[2] + ".pom");
    String pomText = Files.readString(pom);
    String sparkVersion = System.getProperty("connect.spark.version");
    assertTrue(pomText.contains("<artifactId>" + gav[1] + "</artifactId>"), pom + " names " + gav[1]);
    assertTrue(pomText.contains("<version>" + sparkVersion + "</version>"), pom + " depends on Spark " + sparkVersion);
    assertFalse(pomText.contains("<parent>") || pomText.contains("${"), pom + " stands alone, all filled in:\n" + pomText);

    Path work = REPOSITORY.getParent().resolve("run").toAbsolutePath();
    Files.createDirectories(work);
    Path ivySettings = work.resolve("ivysettings.xml");
    Files.writeString(ivySettings, "<ivysettings>\n  <settings defaultResolver=\"line-repository\"/>\n"
        + "  <resolvers>\n    <ibiblio name=\"line-repository\" m2compatible=\"true\" root=\""
        + REPOSITORY.toAbsolutePath().toUri() + "\"/>\n  </resolvers>\n</ivysettings>\n");
    Path ivyHome = work.resolve("ivy");
    deleteTree(ivyHome); // resolve afresh: a cached copy would hide a broken pom
    Path app = appJar(work.resolve("packages-app.jar"));

    List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    cmd.addAll(Arrays.stream(System.getProperty("connect.java.opens", "").trim().split("\\s+"))
        .filter(s -> !s.isEmpty()).collect(Collectors.toList()));
    cmd.addAll(List.of("-cp", Paths.get(System.getenv("SPARK_HOME"), "jars") + File.separator + "*",
        "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[1]",
        "--packages", COORDINATES,
        "--conf", "spark.jars.ivySettings=" + ivySettings,
        "--conf", "spark.jars.ivy=" + ivyHome,
        "--conf", "spark.sql.extensions=io.github.sparkdivergence.spark.DivergenceExtensions",
        "--conf", "spark.sql.catalog.divergence=io.github.sparkdivergence.spark.DivergenceCatalog",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.sql.shuffle.partitions=2",
        "--class", PackagesMain.class.getName(), app.toString()));
    Path out = work.resolve("submit.out");
    Path err = work.resolve("submit.err");
    Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("spark-submit --packages did not finish in 5 minutes; stderr " + err);
    }
    String stdout = Files.readString(out);
    assertEquals(0, p.exitValue(), "spark-submit --packages " + COORDINATES + " failed; stdout:\n" + stdout
        + "\nstderr:\n" + tail(err));
    Map<String, String> result = new HashMap<>();
    for (String line : stdout.split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length == 3 && f[0].equals("RESULT")) result.put(f[1], f[2]);
    }
    assertEquals(sparkVersion, result.get("spark_version"), "the line's Spark: " + result);
    String jar = result.get("extension_jar");
    assertNotNull(jar, "extension class location: " + result);
    assertTrue(jar.contains(ivyHome.getFileName().toString()) && jar.contains(gav[1]),
        "the udfs classes come from the resolved package " + gav[1] + " in " + ivyHome + ", not " + jar);

    double kl = 0.2 * Math.log(0.2 / 0.5) + 0.8 * Math.log(0.8 / 0.5);
    assertEquals(kl, Double.parseDouble(result.get("kl_div")), 1e-15, "kl_div by bare name");
    double m0 = 0.35, m1 = 0.65; // JS distance of (0.2, 0.8) and (0.5, 0.5) in bits
    double js = 0.5 * (0.2 * Math.log(0.2 / m0) + 0.8 * Math.log(0.8 / m1)) + 0.5 * (0.5 * Math.log(0.5 / m0) + 0.5 * Math.log(0.5 / m1));
    assertEquals(Math.sqrt(js / Math.log(2)), Double.parseDouble(result.get("js_distance_catalog")), 1e-15, "divergence.js_distance");
    // x = a,a,b,b; y = u,u,v,u: I = sum p(x,y) ln(p(x,y) / (p(x) p(y)))
    double mi = 0.5 * Math.log(0.5 / (0.5 * 0.75)) + 0.25 * Math.log(0.25 / (0.5 * 0.25)) + 0.25 * Math.log(0.25 / (0.5 * 0.75));
    assertEquals(mi, Double.parseDouble(result.get("mutual_info")), 1e-15, "mutual_info");
  }

  /** A jar holding only {@link PackagesMain}: spark-submit needs an application jar. */
  private static Path appJar(Path jar) throws Exception {
    String entry = PackagesMain.class.getName().replace('.', '/') + ".class";
    Path classes = Paths.get(PackagesMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
      out.putNextEntry(new JarEntry(entry));
      out.write(Files.readAllBytes(classes.resolve(entry)));
      out.closeEntry();
    }
    return jar;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).collect(Collectors.toList())) Files.delete(p);
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
