package io.github.sparkdivergence.spark;

import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;

/**
 * One SQL function: its name, implementation and the documentation {@code DESCRIBE FUNCTION}
 * shows. {@code usage}, {@code arguments} and {@code examples} follow Spark's own
 * {@code ExpressionDescription} layout; {@code _FUNC_} stands for the name. Examples are executed by
 * the test suite, so what they show is what the function returns.
 */
public record FunctionSpec(
    String name, UnboundFunction function, String usage, String arguments, String examples,
    boolean aggregate) {

  static final String SINCE = "0.1.0";

  private static final String SCALAR_NOTE = """

          NULL in any argument gives NULL. Invalid input on a row (negative, NaN or null entries,
          length mismatch, empty vectors, sigma <= 0, a bad base, eps or estimator) raises
          SPARK_DIVERGENCE_INVALID_INPUT when spark.sql.ansi.enabled is true (Spark 4's default)
          and gives NULL when it is false.
    """ + "  "; // Spark's ExpressionInfo wants the note to end with a newline and two spaces

  public FunctionSpec {
    arguments = section("Arguments:", arguments);
    examples = section("Examples:", examples);
  }

  public ExpressionInfo expressionInfo() {
    return new ExpressionInfo(function.getClass().getName(), null, name, usage, arguments, examples,
        aggregate ? "" : SCALAR_NOTE, aggregate ? "agg_funcs" : "math_funcs", SINCE, "", "");
  }

  /** Lays a section out as Spark's built-ins do: a 4-space header, the body indented by 6. */
  private static String section(String header, String body) {
    String text = body.replace("\t", "    ").stripIndent().strip();
    if (text.startsWith(header)) text = text.substring(header.length()).stripIndent().strip();
    if (text.isEmpty()) return "";
    StringBuilder out = new StringBuilder("\n    ").append(header).append('\n');
    String[] lines = text.split("\n");
    int common = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) common = Math.min(common, l.length() - l.stripLeading().length());
    }
    for (String l : lines) {
      out.append("      ").append(l.isBlank() ? "" : l.substring(common)).append('\n');
    }
    return out.append("  ").toString();
  }
}
