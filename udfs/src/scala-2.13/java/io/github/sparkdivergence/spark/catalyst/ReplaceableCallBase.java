package io.github.sparkdivergence.spark.catalyst;

import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.InheritAnalysisRules;
import org.apache.spark.sql.catalyst.expressions.RuntimeReplaceable;
import scala.Enumeration;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * {@link NamedCall}'s Catalyst overrides whose Java signatures name Scala 2.13's collection types
 * (`Seq` and `IndexedSeq` are immutable in 2.13, `scala.collection` ones in 2.12). The copy in
 * `src/scala-2.1x/java` differs only in its imports.
 */
public abstract class ReplaceableCallBase extends Expression implements RuntimeReplaceable, InheritAnalysisRules {
  private Seq<Enumeration.Value> nodePatterns;

  ReplaceableCallBase() {
    RuntimeReplaceable.$init$(this);
  }

  @Override public final Seq<Enumeration.Value> nodePatterns() { return nodePatterns; }

  @Override
  public final void org$apache$spark$sql$catalyst$expressions$RuntimeReplaceable$_setter_$nodePatterns_$eq(
      Seq<Enumeration.Value> patterns) {
    this.nodePatterns = patterns;
  }

  @Override
  public final Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return withNewChildInternal(newChildren.apply(0));
  }
}
