package io.github.sparkdivergence.spark.functions;

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

  /** Spark requires a note to start with a newline and 4 spaces and end with a newline and 2. */
  private static final String SCALAR_NOTE = "\n    NULL in any argument gives NULL. Invalid input on a row "
      + "(negative, NaN or null entries, length mismatch, empty vectors, sigma <= 0, a covariance "
      + "that is not symmetric positive definite, a bad base, eps or estimator) raises "
      + "SPARK_DIVERGENCE_INVALID_INPUT when spark.sql.ansi.enabled is true "
      + "(Spark 4's default) and gives NULL when it is false.\n  ";

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
    java.util.List<String> lines = new java.util.ArrayList<>(java.util.Arrays.asList(body.replace("\t", "    ").split("\n")));
    lines.removeIf(l -> l.strip().equals(header));
    while (!lines.isEmpty() && lines.get(0).isBlank()) lines.remove(0);
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) lines.remove(lines.size() - 1);
    if (lines.isEmpty()) return "";
    int common = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) common = Math.min(common, l.length() - l.stripLeading().length());
    }
    StringBuilder out = new StringBuilder("\n    ").append(header).append('\n');
    for (String l : lines) out.append("      ").append(l.isBlank() ? "" : l.substring(common)).append('\n');
    return out.append("  ").toString();
  }
}
