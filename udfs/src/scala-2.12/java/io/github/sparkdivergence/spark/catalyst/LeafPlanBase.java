package io.github.sparkdivergence.spark.catalyst;

import io.github.sparkdivergence.spark.ScalaSeqs;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.SparkPlan;
import scala.collection.IndexedSeq;
import scala.collection.Seq;

/**
 * The overrides of a physical plan without children whose Java signatures name Scala 2.12's
 * collection types; the copy in `src/scala-2.1x/java` differs only in its imports.
 */
public abstract class LeafPlanBase extends SparkPlan {
  private static final long serialVersionUID = 1L;

  /** The plan's output columns. */
  protected abstract List<Attribute> outputAttributes();

  /** Catalyst asks for both at every step of a tree walk: built once. */
  private transient Seq<Attribute> outputSeq;
  private static final Seq<SparkPlan> NO_CHILDREN = ScalaSeqs.asScala(List.<SparkPlan>of());

  @Override
  public final Seq<Attribute> output() {
    if (outputSeq == null) outputSeq = ScalaSeqs.asScala(outputAttributes());
    return outputSeq;
  }

  @Override public final Seq<SparkPlan> children() { return NO_CHILDREN; }
  @Override public final SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) { return this; }
}
