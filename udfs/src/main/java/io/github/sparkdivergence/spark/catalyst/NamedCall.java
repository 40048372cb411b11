package io.github.sparkdivergence.spark.catalyst;

import io.github.sparkdivergence.spark.ScalaSeqs;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.types.DataType;
import scala.Function1;
import scala.collection.Iterator;
import scala.collection.immutable.List;

/**
 * Shows a call as {@code kl_div(p, q)} in column names, EXPLAIN and error messages while Spark runs
 * the bound function's {@code invoke} underneath. Without it a column would be named after the
 * generated {@code invoke(...)} expression, object hash included. Built the way Spark's own
 * {@code InheritAnalysisRules} expressions are (e.g. {@code nvl}): the replacement is the only child,
 * so type coercion applies to it, and the optimizer swaps it in before execution.
 */
public final class NamedCall extends ReplaceableCallBase {
  private final String name;
  private final List<Expression> parameters;
  private final Expression replacement;

  /** Public for Catalyst's reflective {@code makeCopy}: any Scala Seq of parameters. */
  public NamedCall(String name, scala.collection.Seq<Expression> parameters, Expression replacement) {
    this.name = name;
    this.parameters = ScalaSeqs.immutable(parameters);
    this.replacement = replacement;
  }

  @Override public String prettyName() { return name; }
  @Override public Expression replacement() { return replacement; }
  @Override public List<Expression> parameters() { return parameters; }
  @Override public Expression child() { return replacement; }
  @Override public List<Expression> children() { return scala.collection.immutable.List$.MODULE$.<Expression>empty().$colon$colon(replacement); }
  @Override public boolean nullable() { return replacement.nullable(); }
  @Override public DataType dataType() { return replacement.dataType(); }
  @Override public Expression canonicalized() { return replacement.canonicalized(); }
  /** Only constant folding evaluates a replaceable expression directly (Spark passes no row). */
  @Override public Object eval(InternalRow input) { return replacement.eval(input); }

  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    throw new IllegalStateException(name + " should have been replaced before code generation");
  }

  @SuppressWarnings("unchecked")
  @Override public Iterator<Object> flatArguments() { return (Iterator<Object>) (Iterator<?>) parameters.iterator(); }

  @Override
  public String sql() {
    return ScalaSeqs.asJava(parameters).stream().map(Expression::sql).collect(Collectors.joining(", ", name + "(", ")"));
  }

  @Override
  public Expression mapChildren(Function1<Expression, Expression> f) {
    Expression mapped = f.apply(replacement);
    return mapped == replacement ? this : new NamedCall(name, parameters, mapped);
  }

  @Override
  public Expression withNewChildInternal(Expression newChild) {
    return new NamedCall(name, parameters, newChild);
  }

  @Override public int productArity() { return 3; }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> name;
      case 1 -> parameters;
      case 2 -> replacement;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override public boolean canEqual(Object that) { return that instanceof NamedCall; }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamedCall c && name.equals(c.name) && parameters.equals(c.parameters)
        && replacement.equals(c.replacement);
  }

  @Override public int hashCode() { return Objects.hash(name, parameters, replacement); }
}
