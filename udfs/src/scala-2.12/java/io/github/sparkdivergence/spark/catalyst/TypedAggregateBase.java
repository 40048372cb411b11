package io.github.sparkdivergence.spark.catalyst;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.TypedImperativeAggregate;
import scala.collection.IndexedSeq;
import scala.collection.Seq;

/**
 * {@link InPlaceInformationAggregate}'s Catalyst overrides whose Java signatures name Scala 2.12's
 * collection types; the copy in `src/scala-2.1x/java` differs only in its imports.
 */
public abstract class TypedAggregateBase extends TypedImperativeAggregate<Serializable> {
  private static final long serialVersionUID = 1L;

  /** This aggregate over {@code children}, offsets unchanged. */
  abstract Expression withChildren(scala.collection.immutable.List<Expression> children);

  @Override
  public final Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return withChildren(newChildren.toList());
  }
}
