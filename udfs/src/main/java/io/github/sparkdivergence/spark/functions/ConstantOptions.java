package io.github.sparkdivergence.spark.functions;

/**
 * A bound aggregate whose options (log base, NMI method, eps) apply to a whole group, so they must
 * not vary from row to row. The session extension rejects a non-constant option when the query is
 * analysed; a call through the function catalog (planned by Spark, which does not show the bound
 * function the argument expressions) is checked per row and per merge by the aggregate itself.
 */
public interface ConstantOptions {
  /** The positions of the arguments that must be constant. */
  int[] constantArguments();

  /** The parameter name of argument {@code i}, as in the function's usage text. */
  String parameterName(int i);
}
