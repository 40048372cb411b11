package io.github.sparkdivergence.spark.catalyst;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.V2Aggregator;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import scala.collection.immutable.List;

/**
 * Spark's {@code V2Aggregator} under the function's own name, so {@code SELECT mutual_info(x, y)}
 * gives a column named {@code mutual_info(x, y)} rather than {@code v2aggregator(x, y)}. Every copy
 * Spark makes keeps the subclass.
 */
public final class NamedAggregator<B extends Serializable, O> extends V2AggregatorBase<B, O> {
  NamedAggregator(AggregateFunction<B, O> function, scala.collection.Seq<Expression> children, int mutableOffset, int inputOffset) {
    super(function, children, mutableOffset, inputOffset);
  }

  @Override public String prettyName() { return aggrFunc().name(); }

  @Override
  public V2Aggregator<B, O> withNewMutableAggBufferOffset(int offset) {
    return new NamedAggregator<>(aggrFunc(), children(), offset, inputAggBufferOffset());
  }

  @Override
  public V2Aggregator<B, O> withNewInputAggBufferOffset(int offset) {
    return new NamedAggregator<>(aggrFunc(), children(), mutableAggBufferOffset(), offset);
  }

  @Override
  Expression withChildren(List<Expression> newChildren) {
    return new NamedAggregator<>(aggrFunc(), newChildren, mutableAggBufferOffset(), inputAggBufferOffset());
  }
}
