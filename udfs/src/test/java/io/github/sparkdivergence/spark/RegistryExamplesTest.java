package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.spark.functions.DivergenceRegistry;
import io.github.sparkdivergence.spark.functions.FunctionSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The documentation is executable: every example in the registry runs and shows what it returns. */
class RegistryExamplesTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() { spark = SparkTestSession.get(); }

  @Test
  void everyFunctionHasUsageArgumentsAndExamples() {
    assertTrue(DivergenceRegistry.all().size() >= 12);
    for (FunctionSpec spec : DivergenceRegistry.all()) {
      assertTrue(spec.usage().startsWith("_FUNC_("), spec.name());
      assertTrue(spec.arguments().contains("Arguments:"), spec.name());
      assertFalse(examples(spec).isEmpty(), spec.name() + " has no example");
    }
  }

  @Test
  void examplesReturnWhatTheyShow() {
    int checked = 0;
    for (FunctionSpec spec : DivergenceRegistry.all()) {
      for (String[] ex : examples(spec)) {
        String sql = ex[0].replace("_FUNC_", spec.name());
        Row row = spark.sql(sql).first();
        Object actual = row.get(0);
        String expected = ex[1];
        if (actual instanceof Double d) {
          double e = Double.parseDouble(expected);
          assertEquals(e, d, Math.abs(e) * 1e-12, sql);
        } else {
          String shown = actual instanceof scala.collection.Seq<?> s ? s.mkString("[", ",", "]") : String.valueOf(actual);
          assertEquals(expected, shown, sql);
        }
        checked++;
      }
    }
    assertTrue(checked >= 15, "only " + checked + " examples");
  }

  @Test
  void describeFunctionShowsUsageAndExamples() {
    List<Row> rows = spark.sql("DESCRIBE FUNCTION EXTENDED kl_div").collectAsList();
    String text = rows.stream().map(r -> r.getString(0)).reduce("", (a, b) -> a + "\n" + b);
    assertTrue(text.contains("Function: kl_div"), text);
    assertTrue(text.contains("Kullback-Leibler divergence"), text);
    assertTrue(text.contains("> SELECT kl_div(array(0.5, 0.5), array(0.9, 0.1));"), text);
    assertTrue(text.contains("spark.sql.ansi.enabled"), text);
  }

  /** Pairs of (SQL, expected output) from the examples section. */
  static List<String[]> examples(FunctionSpec spec) {
    List<String[]> out = new ArrayList<>();
    String[] lines = spec.examples().split("\n");
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].trim();
      if (l.startsWith("> ")) {
        String sql = l.substring(2).replaceAll(";$", "");
        out.add(new String[] {sql, lines[i + 1].trim()});
      }
    }
    return out;
  }
}
