package io.github.sparkdivergence;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The nevers of docs/architecture.md, read from the sources' import lines. */
class ArchitectureTest {
  private static final Path SRC = Paths.get("src");
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);

  /** The packages that must be usable, and are tested, without Spark. */
  static final List<String> PURE = List.of("math", "counts", "drift", "report");

  @Test
  void purePackagesImportNoSparkOrScalaType() throws IOException {
    List<String> bad = new ArrayList<>();
    for (String pkg : PURE) {
      for (Path f : sources("main/java/io/github/sparkdivergence/" + pkg)) {
        for (String imported : imports(f)) {
          if (imported.startsWith("org.apache.spark") || imported.startsWith("scala")
              || imported.startsWith("io.github.sparkdivergence.spark")) {
            bad.add(f + " imports " + imported);
          }
          if (pkg.equals("math") && imported.startsWith("io.github.sparkdivergence.counts")) {
            bad.add(f + " imports " + imported + " (math is below counts)");
          }
          if (pkg.equals("report") && imported.startsWith("io.github.sparkdivergence.")
              && !imported.startsWith("io.github.sparkdivergence.report")) {
            bad.add(f + " imports " + imported + " (report stands alone: the jobs fill it in)");
          }
        }
      }
    }
    assertTrue(bad.isEmpty(), String.join("\n", bad));
  }

  @Test
  void udfsNeverImportsTheJobs() throws IOException {
    List<String> bad = new ArrayList<>();
    for (Path f : sources("")) {
      for (String imported : imports(f)) {
        if (imported.startsWith("io.github.sparkdivergence.jobs")) bad.add(f + " imports " + imported);
      }
    }
    assertTrue(bad.isEmpty(), String.join("\n", bad));
  }

  /** Per-line and per-Scala folders hold Catalyst glue only: a Spark upgrade touches spark/catalyst. */
  @Test
  void lineAndScalaFoldersHoldOnlyTheCatalystPackage() throws IOException {
    List<Path> lineSources = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(SRC)) {
      for (Path d : dirs.filter(d -> d.getFileName().toString().matches("(spark|scala)-[\\d.]+")).collect(Collectors.toList())) {
        lineSources.addAll(sources(SRC.relativize(d).toString()));
      }
    }
    assertFalse(lineSources.isEmpty(), "no udfs/src/spark-<line> or scala-<version> folders found under " + SRC.toAbsolutePath());
    for (Path f : lineSources) {
      assertTrue(f.toString().replace('\\', '/').contains("/io/github/sparkdivergence/spark/catalyst/"),
          f + " is outside spark/catalyst");
    }
  }

  private static List<Path> sources(String under) throws IOException {
    Path dir = SRC.resolve(under);
    assertTrue(Files.isDirectory(dir), dir.toAbsolutePath() + " expected");
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/test/")).sorted().collect(Collectors.toList());
    }
  }

  private static List<String> imports(Path f) throws IOException {
    Matcher m = IMPORT.matcher(Files.readString(f));
    List<String> out = new ArrayList<>();
    while (m.find()) out.add(m.group(1));
    return out;
  }
}
