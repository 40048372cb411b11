package io.github.sparkdivergence.spark;

import io.github.sparkdivergence.spark.catalyst.FunctionBinder;
import io.github.sparkdivergence.spark.catalyst.GlobalInformationStrategy;
import io.github.sparkdivergence.spark.functions.DivergenceRegistry;
import io.github.sparkdivergence.spark.functions.FunctionSpec;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.Tuple3;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * {@code spark.sql.extensions=io.github.sparkdivergence.spark.DivergenceExtensions} (or the jar's
 * service file, picked up automatically) makes every function of {@link DivergenceRegistry} callable
 * by its bare name from SQL, the DataFrame API ({@code call_function}), spark-sql and the Thrift
 * server, with {@code DESCRIBE FUNCTION} text.
 */
public final class DivergenceExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit>
    implements SparkSessionExtensionsProvider {

  /**
   * The extensions objects already given the functions. The README's configuration line and the
   * jar's service file each apply a new instance of this class to the same object; injecting twice
   * made Spark log "replaced a previously registered function" for every function.
   */
  private static final Map<SparkSessionExtensions, Boolean> APPLIED =
      Collections.synchronizedMap(new WeakHashMap<>());

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"}) // the builder's Seq type differs between Scala 2.12 and 2.13
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    SparkVersionCheck.require();
    if (APPLIED.putIfAbsent(extensions, Boolean.TRUE) != null) return BoxedUnit.UNIT;
    for (FunctionSpec spec : DivergenceRegistry.all()) {
      extensions.injectFunction(new Tuple3(new FunctionIdentifier(spec.name()),
          spec.expressionInfo(), new Builder(spec)));
    }
    extensions.injectPlannerStrategy(new StrategyBuilder());
    return BoxedUnit.UNIT;
  }

  /** Spark's {@code FunctionBuilder}: {@code Seq[Expression] => Expression} (a 2.12 or 2.13 Seq). */
  static final class Builder extends AbstractFunction1<scala.collection.Seq<
      org.apache.spark.sql.catalyst.expressions.Expression>,
      org.apache.spark.sql.catalyst.expressions.Expression> implements java.io.Serializable {
    private final FunctionSpec spec;

    Builder(FunctionSpec spec) { this.spec = spec; }

    @Override
    public org.apache.spark.sql.catalyst.expressions.Expression apply(
        scala.collection.Seq<org.apache.spark.sql.catalyst.expressions.Expression> children) {
      return FunctionBinder.build(spec, children);
    }
  }

  /** The planner strategy of global information aggregates (see {@link GlobalInformationStrategy}). */
  static final class StrategyBuilder extends AbstractFunction1<SparkSession, SparkStrategy> implements java.io.Serializable {
    @Override public SparkStrategy apply(SparkSession session) { return new GlobalInformationStrategy(); }
  }
}
