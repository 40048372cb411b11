package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.counts.MergeableState;
import io.github.sparkdivergence.drift.DriftMeasure;
import io.github.sparkdivergence.math.LogBase;
import io.github.sparkdivergence.spark.DivergenceQueryException;
import io.github.sparkdivergence.spark.drift.DriftOptions;
import io.github.sparkdivergence.spark.input.Representation;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code distribution_drift(ref_state, cur_state[, eps[, base]])}: the binned drift measures of the
 * drift library ({@link DriftMeasure#binned()}) between two saved distributions, on the proportions
 * of the categories (or buckets) with a positive weight on either side, as {@code drift} computes
 * them from the rows. Both states must count the same value type with the same splits.
 */
public final class DistributionDriftFunction extends SqlFunction implements ReadsStates {
  private static final String[] PARAMS = {"ref_state", "cur_state", "eps", "base"};
  private static final List<DriftMeasure> MEASURES = DriftMeasure.binned();

  /** n_ref, n_cur (total weights), categories (K), then one field per binned measure. */
  public static final StructType RESULT_TYPE = resultType();

  private static StructType resultType() {
    StructType t = new StructType()
        .add("n_ref", DataTypes.DoubleType, false)
        .add("n_cur", DataTypes.DoubleType, false)
        .add("categories", DataTypes.LongType, false);
    for (DriftMeasure m : MEASURES) t = t.add(m.outputName(), DataTypes.DoubleType, false);
    return t;
  }

  DistributionDriftFunction(String usage) { super("distribution_drift", usage); }

  @Override
  public BoundFunction bind(StructType input) {
    var f = input.fields();
    if (f.length < 2 || f.length > 4) {
      throw Representation.unsupported(name, usage, input, "expects 2 to 4 arguments but got " + f.length);
    }
    DataType[] types = new DataType[f.length];
    for (int i = 0; i < f.length; i++) {
      DataType t = f[i].dataType();
      boolean ok = i < 2 ? StateArguments.isBinary(t) : Representation.isNumeric(t);
      if (!ok) {
        throw Representation.unsupported(name, usage, input, "argument `" + PARAMS[i] + "` must be "
            + (i < 2 ? "BINARY (what distribution_agg returns)" : "numeric") + " but was " + t.simpleString());
      }
      types[i] = i < 2 ? DataTypes.BinaryType : DataTypes.DoubleType;
    }
    return new Bound(input, types);
  }

  public static final class Bound extends BoundScalar<InternalRow> {
    Bound(StructType input, DataType[] types) {
      super("distribution_drift", "binary", input, types, RESULT_TYPE, PARAMS);
    }

    @Override
    public InternalRow produceResult(InternalRow row) {
      for (int i = 0; i < row.numFields(); i++) if (row.isNullAt(i)) return null;
      double eps = row.numFields() > 2 ? row.getDouble(2) : DriftOptions.DEFAULT_EPS;
      double base = row.numFields() > 3 ? row.getDouble(3) : Math.E;
      if (!(eps >= 0) || eps == Double.POSITIVE_INFINITY) return invalid(2, "must be finite and >= 0 but was " + eps);
      if (!LogBase.isValid(base)) return invalid(3, LogBase.problem(base));
      MergeableState ref = StateArguments.read(name(), "`ref_state`", row.getBinary(0), MergeableState.Kind.DISTRIBUTION);
      MergeableState cur = StateArguments.read(name(), "`cur_state`", row.getBinary(1), MergeableState.Kind.DISTRIBUTION);
      String problem = ref.mergeProblem(cur);
      if (problem != null) {
        throw DivergenceQueryException.invalidState(name(), "`cur_state`", problem);
      }
      double nRef = ref.counts().totalWeight();
      double nCur = cur.counts().totalWeight();
      if (nRef == 0 || nCur == 0) return null; // no proportions on one side
      double[][] w = ref.alignedWeights(cur);
      int k = w[0].length;
      double[] p = new double[k];
      double[] q = new double[k];
      for (int i = 0; i < k; i++) {
        p[i] = w[0][i] / nRef;
        q[i] = w[1][i] / nCur;
      }
      Object[] out = new Object[3 + MEASURES.size()];
      out[0] = nRef;
      out[1] = nCur;
      out[2] = (long) k;
      for (int m = 0; m < MEASURES.size(); m++) out[3 + m] = MEASURES.get(m).ofProportions(p, q, k, base, eps);
      return new GenericInternalRow(out);
    }
  }
}
