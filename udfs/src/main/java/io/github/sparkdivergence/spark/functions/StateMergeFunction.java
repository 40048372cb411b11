package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.counts.MergeableState;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code contingency_merge(a, b)} and {@code distribution_merge(a, b)}: the state of the rows of
 * both states (their counts added), per row. NULL in either gives NULL, as Spark's
 * {@code hll_union} does.
 */
public final class StateMergeFunction extends SqlFunction implements ReadsStates {
  private static final String[] PARAMS = {"a", "b"};
  private final MergeableState.Kind kind;

  StateMergeFunction(MergeableState.Kind kind, String usage) {
    super(kind.sqlPrefix() + "_merge", usage);
    this.kind = kind;
  }

  @Override
  public BoundFunction bind(StructType input) {
    StateArguments.requireStates(name, usage, input, kind, PARAMS);
    return new Bound(name, kind, input, InformationAggregate.Limits.fromConf(SQLConf.get()));
  }

  public static final class Bound extends BoundScalar<byte[]> {
    private final String name;
    private final MergeableState.Kind kind;
    private final InformationAggregate.Limits limits;

    Bound(String name, MergeableState.Kind kind, StructType input, InformationAggregate.Limits limits) {
      super(name, "binary", input, new DataType[] {DataTypes.BinaryType, DataTypes.BinaryType}, DataTypes.BinaryType, PARAMS);
      this.name = name;
      this.kind = kind;
      this.limits = limits;
    }

    @Override
    public byte[] produceResult(InternalRow row) {
      if (row.isNullAt(0) || row.isNullAt(1)) return null;
      MergeableState a = StateArguments.read(name, "`a`", row.getBinary(0), kind);
      MergeableState b = StateArguments.read(name, "`b`", row.getBinary(1), kind);
      StateArguments.merge(name, "`b`", a, b, limits);
      return a.toBytes();
    }
  }
}
