package io.github.sparkdivergence.spark.catalyst;

import io.github.sparkdivergence.spark.ScalaSeqs;
import io.github.sparkdivergence.spark.functions.InformationAggregate;
import io.github.sparkdivergence.spark.functions.InformationState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ImplicitCastInputTypes;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import scala.collection.immutable.Seq;

/**
 * The Catalyst expression of the information aggregates ({@code mutual_info}, {@code entropy}, ...)
 * when they are called by their bare names: what {@code V2Aggregator} does for any V2 aggregate,
 * minus two per-row costs on the hot path. {@code V2Aggregator} copies the arguments of every input
 * row into a new {@code UnsafeRow} before calling the function; here, when the arguments are plain
 * columns of the input (the usual case once Spark has bound them), the state reads them in place
 * from the input row, and only computed arguments (casts, literal options, expressions) go through
 * that projection. Partial states cross the wire as {@link InformationState#toBytes()} instead of a
 * Java-serialized {@code byte[]}. Results, NULL handling, errors and merging are those of {@link
 * InformationAggregate.Bound}, whichever path a row takes.
 *
 * <p>Calls through the V2 function catalog ({@code SELECT divergence.mutual_info(...)}) are planned
 * by Spark itself and keep using {@code V2Aggregator}.
 */
public final class InPlaceInformationAggregate extends TypedAggregateBase
    implements ImplicitCastInputTypes, Serializable {
  private static final long serialVersionUID = 1L;

  private final InformationAggregate.Bound function;
  private final scala.collection.immutable.List<Expression> children;
  private final int mutableAggBufferOffset;
  private final int inputAggBufferOffset;
  /** Position of each argument in the input row when every argument is a bound column, else null. */
  private final int[] direct;
  private transient UnsafeProjection projection;
  private transient int[] identity;

  /** Public for Catalyst's reflective {@code makeCopy}: (function, children, offsets). */
  public InPlaceInformationAggregate(InformationAggregate.Bound function, scala.collection.Seq<Expression> children,
      int mutableAggBufferOffset, int inputAggBufferOffset) {
    this.function = function;
    this.children = ScalaSeqs.immutable(children);
    this.mutableAggBufferOffset = mutableAggBufferOffset;
    this.inputAggBufferOffset = inputAggBufferOffset;
    this.direct = directOrdinals(function, ScalaSeqs.asJava(children));
  }

  private static int[] directOrdinals(InformationAggregate.Bound function, List<Expression> args) {
    DataType[] types = function.types();
    if (args.size() != types.length) return null;
    int[] at = new int[args.size()];
    for (int i = 0; i < at.length; i++) {
      if (!(args.get(i) instanceof BoundReference ref) || !ref.dataType().sameType(types[i])) return null;
      at[i] = ref.ordinal();
    }
    return at;
  }

  InformationAggregate.Bound function() { return function; }

  @Override public scala.collection.immutable.List<Expression> children() { return children; }
  @Override public boolean nullable() { return function.isResultNullable(); }
  @Override public DataType dataType() { return function.resultType(); }
  @Override public String prettyName() { return function.name(); }
  @Override public int mutableAggBufferOffset() { return mutableAggBufferOffset; }
  @Override public int inputAggBufferOffset() { return inputAggBufferOffset; }

  @Override
  public Seq<AbstractDataType> inputTypes() {
    List<AbstractDataType> types = new ArrayList<>(Arrays.asList(function.inputTypes()));
    return ScalaSeqs.asScala(types);
  }

  @Override
  public TypeCheckResult checkInputDataTypes() {
    return ImplicitCastInputTypes.super.checkInputDataTypes();
  }

  @Override public Serializable createAggregationBuffer() { return function.newAggregationState(); }

  @Override
  public Serializable update(Serializable buffer, InternalRow input) {
    if (direct != null) return function.update(buffer, input, direct);
    if (projection == null) {
      projection = UnsafeProjection.create(children);
      int[] at = new int[function.types().length];
      for (int i = 0; i < at.length; i++) at[i] = i;
      identity = at;
    }
    return function.update(buffer, projection.apply(input), identity);
  }

  @Override public Serializable merge(Serializable buffer, Serializable input) { return function.merge(buffer, input); }
  @Override public Object eval(Serializable buffer) { return function.produceResult(buffer); }
  /** A buffer still in bytes (nothing merged into it since) is already its own serialized form. */
  @Override public byte[] serialize(Serializable buffer) {
    return buffer instanceof byte[] bytes ? bytes : InformationState.of(buffer).toBytes();
  }
  /**
   * The bytes as they are: every entry point reads a state through {@link InformationState#of}, and
   * a merge streams a serialized state into the buffer without building it first.
   */
  @Override public Serializable deserialize(byte[] bytes) { return bytes; }

  @Override
  public InPlaceInformationAggregate withNewMutableAggBufferOffset(int offset) {
    return new InPlaceInformationAggregate(function, children, offset, inputAggBufferOffset);
  }

  @Override
  public InPlaceInformationAggregate withNewInputAggBufferOffset(int offset) {
    return new InPlaceInformationAggregate(function, children, mutableAggBufferOffset, offset);
  }

  @Override
  Expression withChildren(scala.collection.immutable.List<Expression> newChildren) {
    return new InPlaceInformationAggregate(function, newChildren, mutableAggBufferOffset, inputAggBufferOffset);
  }

  // scala.Product, used by Catalyst's tree copying and printing

  @Override public int productArity() { return 4; }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> function;
      case 1 -> children;
      case 2 -> mutableAggBufferOffset;
      case 3 -> inputAggBufferOffset;
      default -> throw new IndexOutOfBoundsException(Integer.toString(n));
    };
  }

  @Override public boolean canEqual(Object other) { return other instanceof InPlaceInformationAggregate; }

  @Override
  public boolean equals(Object other) {
    return other instanceof InPlaceInformationAggregate a && a.function == function && a.children.equals(children)
        && a.mutableAggBufferOffset == mutableAggBufferOffset && a.inputAggBufferOffset == inputAggBufferOffset;
  }

  @Override
  public int hashCode() {
    return Objects.hash(System.identityHashCode(function), children, mutableAggBufferOffset, inputAggBufferOffset);
  }
}
