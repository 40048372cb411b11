package io.github.sparkdivergence.spark.catalyst;

import io.github.sparkdivergence.spark.DivergenceQueryException;
import io.github.sparkdivergence.spark.ScalaSeqs;
import io.github.sparkdivergence.spark.functions.InformationAggregate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.planning.PhysicalAggregation$;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;

/**
 * Plans a global call of the information aggregates ({@code SELECT mutual_info(x, y), ... FROM t},
 * no GROUP BY) as {@link GlobalInformationAggregateExec}: Spark's own aggregate first, and when
 * a state outgrows its task, the pair counted through shuffles instead of the query failing.
 * Matches only what the shuffled path gives exactly as the aggregate does: every aggregate of the
 * SELECT one of the measures (not the saved states), constant options, no DISTINCT or FILTER, a
 * batch query, and categories compared by their bytes (no collated strings). Calls over several
 * pairs (x, y and weight; x alone for {@code entropy}) each get their pair's sums.
 */
public final class GlobalInformationStrategy extends StrategyBase {
  /** Set while this thread plans and runs the aggregate inside the plan, which must not match again. */
  private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);

  /** {@code body} with this strategy leaving every plan to Spark's own. */
  static <T> T withoutItself(Supplier<T> body) {
    Boolean before = INSIDE.get();
    INSIDE.set(Boolean.TRUE);
    try {
      return body.get();
    } finally {
      INSIDE.set(before);
    }
  }

  @Override
  protected List<SparkPlan> plan(LogicalPlan plan) {
    if (!(plan instanceof Aggregate aggregate) || INSIDE.get() || plan.isStreaming()
        || !aggregate.groupingExpressions().isEmpty() || !enabled()) {
      return List.of();
    }
    var matched = PhysicalAggregation$.MODULE$.unapply(plan);
    if (matched.isEmpty()) return List.of();
    var parts = matched.get();
    List<AggregateExpression> calls = ScalaSeqs.asJava(parts._2());
    if (calls.isEmpty()) return List.of();
    List<Object> options = new ArrayList<>();
    List<GlobalInformationAggregateExec.Pair> pairs = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      AggregateExpression call = calls.get(i);
      if (call.isDistinct() || call.filter().isDefined()
          || !(call.aggregateFunction() instanceof InPlaceInformationAggregate f)
          || !f.function().countsThroughShuffles()) {
        return List.of();
      }
      InformationAggregate.Bound function = f.function();
      List<Expression> args = ScalaSeqs.asJava(f.children());
      Expression x = args.get(0);
      Expression y = function.columns() == 2 ? args.get(1) : null;
      Expression w = function.weightArgument() >= 0 ? args.get(function.weightArgument()) : null;
      if (!byBytes(x.dataType()) || (y != null && !byBytes(y.dataType()))) return List.of();
      GlobalInformationAggregateExec.Pair pair = null;
      for (GlobalInformationAggregateExec.Pair p : pairs) {
        if (same(p.x(), x) && same(p.y(), y) && same(p.w(), w)) {
          pair = p;
          break;
        }
      }
      if (pair == null) {
        pair = new GlobalInformationAggregateExec.Pair(x, y, w, new ArrayList<>());
        pairs.add(pair);
      }
      pair.calls().add(i);
      Object option = null;
      if (function.optionArgument() >= 0) {
        Expression o = args.get(function.optionArgument());
        if (!o.foldable()) return List.of();
        option = o.eval(null);
      }
      options.add(option);
    }
    return List.of(new GlobalInformationAggregateExec(aggregate, calls, ScalaSeqs.asJava(parts._3()), pairs, options));
  }

  /** The same argument, or both absent (no y, no weight). */
  private static boolean same(Expression a, Expression b) {
    return a == null ? b == null : b != null && a.semanticEquals(b);
  }

  /** Whether Spark's GROUP BY tells the values apart as the aggregates do: by their bytes. */
  private static boolean byBytes(DataType t) {
    return !(t instanceof StringType) || t.equals(DataTypes.StringType);
  }

  private static boolean enabled() {
    String v = SQLConf.get().getConfString(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF, "true").trim();
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw DivergenceQueryException.invalidConf(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF, v, "true or false");
    };
  }
}
