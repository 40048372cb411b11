package io.github.sparkdivergence.spark.catalyst;

import io.github.sparkdivergence.spark.ScalaSeqs;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.V2Aggregator;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * {@link NamedAggregator}'s Catalyst overrides whose Java signatures name Scala 2.13's collection
 * types; the copy in `src/scala-2.1x/java` differs only in its imports.
 */
public abstract class V2AggregatorBase<B extends Serializable, O> extends V2Aggregator<B, O> {
  V2AggregatorBase(AggregateFunction<B, O> function, scala.collection.Seq<Expression> children,
      int mutableOffset, int inputOffset) {
    super(function, ScalaSeqs.immutable(children), mutableOffset, inputOffset);
  }

  /** This aggregator over {@code children}, offsets unchanged. */
  abstract Expression withChildren(scala.collection.immutable.List<Expression> children);

  @Override
  public final Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return withChildren(newChildren.toList());
  }
}
