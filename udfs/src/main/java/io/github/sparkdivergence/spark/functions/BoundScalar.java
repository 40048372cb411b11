package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.math.InvalidInputException;
import io.github.sparkdivergence.math.LogBase;
import io.github.sparkdivergence.spark.InvalidDivergenceInputException;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * What every bound per-row function shares: its SQL name, the argument labels used in error
 * messages, and the ANSI/NULL decision for invalid rows. Subclasses declare the {@code invoke}
 * overloads themselves because Spark only looks for magic methods declared on the bound class.
 */
public abstract class BoundScalar<R> implements ScalarFunction<R> {
  private final String name;
  private final String representation;
  private final DataType[] inputTypes;
  private final DataType resultType;
  private final String[] labels;

  public BoundScalar(String name, String representation, StructType input, DataType[] inputTypes,
      DataType resultType, String[] parameterNames) {
    this.name = name;
    this.representation = representation;
    this.inputTypes = inputTypes;
    this.resultType = resultType;
    this.labels = labels(input, parameterNames);
  }

  @Override public final String name() { return name; }
  @Override public final String canonicalName() { return "spark_divergence." + name + "." + representation; }
  @Override public final DataType[] inputTypes() { return inputTypes.clone(); }
  @Override public final DataType resultType() { return resultType; }
  @Override public final boolean isResultNullable() { return true; }

  /**
   * Value equality, so that two calls of one function on the same arguments are the same expression
   * to the analyser ({@code SELECT kl_div(p, q) ... GROUP BY kl_div(p, q)}). The SQL name determines
   * the math; the class, input types and labels determine the rest.
   */
  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && name.equals(((BoundScalar<?>) o).name)
        && java.util.Arrays.equals(inputTypes, ((BoundScalar<?>) o).inputTypes)
        && java.util.Arrays.equals(labels, ((BoundScalar<?>) o).labels);
  }

  @Override
  public final int hashCode() { return name.hashCode() * 31 + java.util.Arrays.hashCode(inputTypes); }

  @Override public final String toString() { return name; }

  /** Invalid input on one row: an error under ANSI mode, NULL otherwise. */
  protected final R invalid(int argument, String problem) {
    if (SQLConf.get().ansiEnabled()) {
      throw new InvalidDivergenceInputException(name, labels[Math.min(argument, labels.length - 1)], problem);
    }
    return null;
  }

  protected final R invalid(InvalidInputException e, int[] mathToSqlArgument) {
    int arg = e.argumentIndex();
    return invalid(arg >= 0 && arg < mathToSqlArgument.length ? mathToSqlArgument[arg] : 0, e.problem());
  }

  protected final boolean invalidBase(double base) {
    return !LogBase.isValid(base);
  }

  protected final R invalidBase(int argument, double base) {
    return invalid(argument, LogBase.problem(base));
  }

  /**
   * Argument labels for messages: the parameter name, plus the caller's column or expression when the
   * binder knows it (the extension names the struct fields after the argument SQL; a V2 catalog call
   * only gives {@code _0, _1, ...}).
   */
  private static String[] labels(StructType input, String[] parameterNames) {
    String[] out = new String[input.fields().length];
    for (int i = 0; i < out.length; i++) {
      String param = i < parameterNames.length ? parameterNames[i] : "#" + (i + 1);
      String field = input.fields()[i].name();
      boolean positional = field.matches("_\\d+") || field.equals(param);
      out[i] = positional ? "`" + param + "`" : "`" + param + "` (" + field + ")";
    }
    return out;
  }
}
