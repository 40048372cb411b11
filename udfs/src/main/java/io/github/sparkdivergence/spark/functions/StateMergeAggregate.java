package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.counts.MergeableState;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code contingency_merge_agg(state)} and {@code distribution_merge_agg(state)}: the union of a
 * group's saved states, itself a state. Counts add exactly, so the merge of any split of the rows
 * into states, in any order, is the state of all the rows. NULL states are skipped; a group without
 * a state gives NULL. The cell limit of the aggregates ({@link InformationAggregate#MAX_CELLS_CONF})
 * applies to the merged state.
 */
public final class StateMergeAggregate extends SqlFunction {
  private final MergeableState.Kind kind;

  StateMergeAggregate(MergeableState.Kind kind, String usage) {
    super(kind.sqlPrefix() + "_merge_agg", usage);
    this.kind = kind;
  }

  @Override
  public BoundFunction bind(StructType input) {
    StateArguments.requireStates(name, usage, input, kind, "state");
    return new Bound(name, kind, InformationAggregate.Limits.fromConf(SQLConf.get()));
  }

  /** The merged state so far (null before the first); crosses the wire as its bytes (see {@link InformationState}). */
  static final class Buffer implements Serializable {
    private static final long serialVersionUID = 1L;
    MergeableState state;

    static Buffer of(Serializable s) {
      if (s instanceof Buffer b) return b;
      Buffer b = new Buffer();
      byte[] bytes = (byte[]) s;
      if (bytes.length > 0) b.state = MergeableState.fromBytes(bytes);
      return b;
    }

    private Object writeReplace() { return state == null ? new byte[0] : state.toBytes(); }
  }

  public static final class Bound implements AggregateFunction<Serializable, byte[]> {
    private final String name;
    private final MergeableState.Kind kind;
    private final InformationAggregate.Limits limits;

    Bound(String name, MergeableState.Kind kind, InformationAggregate.Limits limits) {
      this.name = name;
      this.kind = kind;
      this.limits = limits;
    }

    @Override public String name() { return name; }
    @Override public String canonicalName() { return "spark_divergence." + name; }
    @Override public DataType[] inputTypes() { return new DataType[] {DataTypes.BinaryType}; }
    @Override public DataType resultType() { return DataTypes.BinaryType; }
    @Override public boolean isResultNullable() { return true; }
    @Override public Serializable newAggregationState() { return new Buffer(); }

    @Override
    public Serializable update(Serializable buffer, InternalRow row) {
      Buffer b = Buffer.of(buffer);
      if (row.isNullAt(0)) return b;
      add(b, StateArguments.read(name, "`state`", row.getBinary(0), kind));
      return b;
    }

    @Override
    public Serializable merge(Serializable left, Serializable right) {
      Buffer b = Buffer.of(left);
      Buffer other = Buffer.of(right);
      if (other.state != null) add(b, other.state);
      return b;
    }

    private void add(Buffer b, MergeableState s) {
      if (b.state == null) b.state = s;
      else StateArguments.merge(name, "`state`", b.state, s, limits);
    }

    @Override
    public byte[] produceResult(Serializable buffer) {
      Buffer b = Buffer.of(buffer);
      return b.state == null ? null : b.state.toBytes();
    }
  }
}
