package io.github.sparkdivergence.spark;

import java.util.Map;
import org.apache.spark.SparkThrowable;

/**
 * A query the library's functions cannot answer as asked, whatever the ANSI setting (unlike
 * {@link InvalidDivergenceInputException}, which is about one row's values): an aggregate state past
 * its documented limit, an option that changes within a group, an invalid configuration value.
 * Each has its own error condition, listed in the README.
 */
public final class DivergenceQueryException extends RuntimeException implements SparkThrowable {
  private static final long serialVersionUID = 1L;

  /** A group's aggregate state went past {@code spark.divergence.aggregate.maxCells} or its memory limit. */
  public static final String STATE_TOO_LARGE = "SPARK_DIVERGENCE_AGGREGATE_STATE_TOO_LARGE";
  /** An aggregate's option (log base, NMI method, eps) is not the same on every row of a group. */
  public static final String NON_CONSTANT_OPTION = "SPARK_DIVERGENCE_NON_CONSTANT_OPTION";
  /** A BINARY argument that is not a state this library can read, or states that cannot be combined. */
  public static final String INVALID_STATE = "SPARK_DIVERGENCE_INVALID_STATE";
  /** A {@code spark.divergence.*} configuration value that cannot be used. */
  public static final String INVALID_CONF = "SPARK_DIVERGENCE_INVALID_CONF";

  private final String condition;
  private final String sqlState;

  private DivergenceQueryException(String condition, String sqlState, String message) {
    super("[" + condition + "] " + message + " SQLSTATE: " + sqlState);
    this.condition = condition;
    this.sqlState = sqlState;
  }

  public static DivergenceQueryException stateTooLarge(String message) {
    return new DivergenceQueryException(STATE_TOO_LARGE, "54000", message);
  }

  public static DivergenceQueryException nonConstantOption(String function, String argument) {
    return new DivergenceQueryException(NON_CONSTANT_OPTION, "42K09", function + ": argument " + argument
        + " must be the same for every row of a group (a literal, or a constant expression); it changed within one.");
  }

  public static DivergenceQueryException invalidState(String function, String argument, String problem) {
    return new DivergenceQueryException(INVALID_STATE, "22000", function + ": argument " + argument + ": " + problem + ".");
  }

  public static DivergenceQueryException invalidConf(String key, String value, String rule) {
    return new DivergenceQueryException(INVALID_CONF, "22022", key + " must be " + rule + " but was '" + value + "'.");
  }

  // Spark 4 reads getCondition(), Spark 3.5 getErrorClass() (deprecated in 4): both, no @Override.
  public String getCondition() { return condition; }
  @SuppressWarnings("deprecation") public String getErrorClass() { return condition; }
  @Override public String getSqlState() { return sqlState; }
  @Override public Map<String, String> getMessageParameters() { return Map.of("message", getMessage()); }
}
