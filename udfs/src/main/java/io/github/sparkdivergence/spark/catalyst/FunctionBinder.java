package io.github.sparkdivergence.spark.catalyst;

import io.github.sparkdivergence.spark.ScalaSeqs;
import io.github.sparkdivergence.spark.functions.ConstantOptions;
import io.github.sparkdivergence.spark.functions.FunctionSpec;
import io.github.sparkdivergence.spark.functions.InformationAggregate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.V2ExpressionUtils;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.errors.QueryCompilationErrors;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns a call with resolved arguments into the expression Spark runs: the bound function's
 * magic {@code invoke} (codegen, no boxing) for per-row functions, a {@code V2Aggregator} for
 * aggregates. Used by the session extension, so bare names such as {@code kl_div} behave like
 * built-ins.
 */
public final class FunctionBinder {
  private FunctionBinder() {}

  public static Expression build(FunctionSpec spec, scala.collection.Seq<Expression> arguments) {
    scala.collection.immutable.List<Expression> children = ScalaSeqs.immutable(arguments);
    List<Expression> args = ScalaSeqs.asJava(children);
    StructField[] fields = new StructField[args.size()];
    List<Expression> guarded = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      Expression arg = args.get(i);
      if (!arg.resolved()) {
        throw new IllegalStateException(spec.name() + ": argument " + (i + 1) + " is not resolved: " + arg);
      }
      DataType t = arg.dataType();
      // Primitive magic-method parameters cannot receive NULL; guard them here so the fast path
      // stays available for nullable numeric columns (null in, null out).
      boolean primitive = !spec.aggregate() && (t instanceof NumericType || t instanceof BooleanType);
      if (primitive && arg.nullable()) guarded.add(arg);
      fields[i] = new StructField(label(arg, i), t, arg.nullable() && !primitive, Metadata.empty());
    }
    BoundFunction bound;
    try {
      bound = spec.function().bind(new StructType(fields));
    } catch (UnsupportedOperationException e) {
      // The same AnalysisException Spark raises when a V2 catalog function rejects its input.
      throw FunctionBinder.<RuntimeException>rethrow(
          QueryCompilationErrors.functionCannotProcessInputError(spec.function(), children, e));
    }
    if (bound instanceof ConstantOptions constant) {
      for (int i : constant.constantArguments()) {
        if (!args.get(i).foldable()) {
          throw FunctionBinder.<RuntimeException>rethrow(QueryCompilationErrors.functionCannotProcessInputError(
              spec.function(), children, new UnsupportedOperationException(spec.name() + ": argument `"
                  + constant.parameterName(i) + "` (" + label(args.get(i), i) + ") must be a constant (a literal or"
                  + " an expression of literals): it applies to the whole group, so it cannot change from row to row")));
        }
      }
    }
    if (bound instanceof InformationAggregate.Bound info) {
      return new InPlaceInformationAggregate(info, children, 0, 0); // V2Aggregator without its per-row copy
    }
    if (bound instanceof AggregateFunction<?, ?> agg) {
      return aggregator(agg, children);
    }
    Expression call = V2ExpressionUtils.resolveScalarFunction((ScalarFunction<?>) bound, children);
    if (!guarded.isEmpty()) {
      Expression anyNull = null;
      for (Expression g : guarded) anyNull = anyNull == null ? new IsNull(g) : new Or(anyNull, new IsNull(g));
      call = new If(anyNull, Literal.create(null, bound.resultType()), call);
    }
    return new NamedCall(spec.name(), children, call);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Expression aggregator(AggregateFunction agg, scala.collection.immutable.List<Expression> children) {
    return new NamedAggregator(agg, children, 0, 0);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T rethrow(Throwable t) throws T {
    throw (T) t;
  }

  /** How the argument reads in error messages: the column or expression the caller wrote. */
  private static String label(Expression arg, int i) {
    try {
      String sql = SparkLine.prettySql(arg);
      return sql.length() <= 80 ? sql : sql.substring(0, 77) + "...";
    } catch (RuntimeException e) {
      return "_" + i;
    }
  }
}
