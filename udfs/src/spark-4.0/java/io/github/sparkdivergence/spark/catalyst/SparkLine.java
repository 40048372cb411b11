package io.github.sparkdivergence.spark.catalyst;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.Expression;

/** The calls whose form differs between Spark lines: this copy is for Spark 4.0. */
public final class SparkLine {
  private SparkLine() {}

  /** The session's function registry; null for a session that has none here (Spark Connect). */
  public static FunctionRegistry functionRegistry(SparkSession session) {
    return session instanceof org.apache.spark.sql.classic.SparkSession classic
        ? classic.sessionState().functionRegistry() : null;
  }

  /** The identifier a session function is registered and looked up under. */
  public static FunctionIdentifier functionIdentifier(String name) {
    return new FunctionIdentifier(name);
  }

  /** An argument as the caller wrote it, without qualifiers: `prob_b`, not `t.prob_b`. */
  static String prettySql(Expression e) {
    return org.apache.spark.sql.catalyst.util.package$.MODULE$.toPrettySQL(e);
  }

  /** The rows of an analysed logical plan of {@code session} as a DataFrame. */
  public static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> dataFrame(SparkSession session,
      org.apache.spark.sql.catalyst.plans.logical.LogicalPlan plan) {
    return org.apache.spark.sql.classic.Dataset.ofRows((org.apache.spark.sql.classic.SparkSession) session, plan);
  }
}
