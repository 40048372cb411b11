package io.github.sparkdivergence.spark.catalyst;

import io.github.sparkdivergence.spark.ScalaSeqs;
import java.util.List;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.collection.Seq;

/**
 * A planner strategy's override whose Java signature names Scala 2.12's collection types; the
 * copy in `src/scala-2.1x/java` differs only in its imports.
 */
public abstract class StrategyBase extends SparkStrategy {
  /** The physical plans for {@code plan}, or none when this strategy leaves it to Spark's. */
  protected abstract List<SparkPlan> plan(LogicalPlan plan);

  @Override public final Seq<SparkPlan> apply(LogicalPlan plan) { return ScalaSeqs.asScala(plan(plan)); }
}
