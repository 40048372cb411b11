package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.sparkdivergence.spark.functions.DivergenceRegistry;
import io.github.sparkdivergence.spark.functions.FunctionSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * docs/functions.md is generated from the registry, so the reference cannot drift from what
 * {@code DESCRIBE FUNCTION} shows. Regenerate with
 * {@code mvn -q -pl udfs test -Dtest=FunctionReferenceTest -Dregenerate=true}.
 */
class FunctionReferenceTest {
  private static final Path DOC = Paths.get("../docs/functions.md");

  static String render() {
    StringBuilder md = new StringBuilder("""
        # Function reference

        Generated from `DivergenceRegistry` (the same text `DESCRIBE FUNCTION EXTENDED <name>` shows);
        every example below is executed by the test suite. Enable the functions with
        `spark.sql.extensions=io.github.sparkdivergence.spark.DivergenceExtensions`, or call them as
        `<catalog>.<name>` after `spark.sql.catalog.<catalog>=io.github.sparkdivergence.spark.DivergenceCatalog`.

        | function | kind | usage |
        |---|---|---|
        """);
    for (FunctionSpec s : DivergenceRegistry.all()) {
      String usage = s.usage().replace("_FUNC_", s.name());
      String signature = usage.substring(0, usage.indexOf(" - "));
      md.append("| [`").append(s.name()).append("`](#").append(s.name()).append(") | ")
          .append(s.aggregate() ? "aggregate" : "per row").append(" | `").append(signature.replace("|", "\\|")).append("` |\n");
    }
    for (FunctionSpec s : DivergenceRegistry.all()) {
      md.append("\n## ").append(s.name()).append("\n\n")
          .append(s.usage().replace("_FUNC_", s.name())).append("\n\n```text")
          .append(s.arguments().stripTrailing()).append('\n')
          .append(s.examples().replace("_FUNC_", s.name()).stripTrailing()).append("\n```\n");
    }
    return md.toString();
  }

  @Test
  void referenceIsUpToDate() throws IOException {
    String expected = render();
    if (Boolean.getBoolean("regenerate")) Files.writeString(DOC, expected, StandardCharsets.UTF_8);
    assertEquals(expected, Files.readString(DOC, StandardCharsets.UTF_8),
        "docs/functions.md is stale: mvn -q -pl udfs test -Dtest=FunctionReferenceTest -Dregenerate=true");
  }
}
