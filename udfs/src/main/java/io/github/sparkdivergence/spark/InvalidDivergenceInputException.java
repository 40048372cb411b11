package io.github.sparkdivergence.spark;

import java.util.Map;
import org.apache.spark.SparkThrowable;

/**
 * Raised under ANSI mode ({@code spark.sql.ansi.enabled=true}) when a row holds input a divergence is
 * not defined for. With ANSI off the same rows give NULL, like Spark's own functions.
 */
public final class InvalidDivergenceInputException extends IllegalArgumentException
    implements SparkThrowable {
  public static final String CONDITION = "SPARK_DIVERGENCE_INVALID_INPUT";
  private final String function;
  private final String argument;
  private final String problem;

  public InvalidDivergenceInputException(String function, String argument, String problem) {
    super("[" + CONDITION + "] " + function + ": argument " + argument + " " + problem
        + ". Set spark.sql.ansi.enabled=false to get NULL for such rows instead. SQLSTATE: 22023");
    this.function = function;
    this.argument = argument;
    this.problem = problem;
  }

  public String function() { return function; }
  public String argument() { return argument; }
  public String problem() { return problem; }

  // Spark 4 reads getCondition(), Spark 3.5 getErrorClass() (deprecated in 4): both, no @Override.
  public String getCondition() { return CONDITION; }
  @SuppressWarnings("deprecation") public String getErrorClass() { return CONDITION; }
  @Override public String getSqlState() { return "22023"; }
  @Override public Map<String, String> getMessageParameters() {
    return Map.of("function", function, "argument", argument, "problem", problem);
  }
}
