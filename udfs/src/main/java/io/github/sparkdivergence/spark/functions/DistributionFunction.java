package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.math.DistributionMeasure;
import io.github.sparkdivergence.math.InvalidInputException;
import io.github.sparkdivergence.spark.input.Inputs;
import io.github.sparkdivergence.spark.input.Representation;
import io.github.sparkdivergence.spark.input.Scratch;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Every {@link DistributionMeasure} as a SQL function ({@code kl_div}, {@code js_distance},
 * {@code hellinger_distance}, ..., {@code dist_entropy}) on arrays, MLlib vectors or string-keyed
 * maps, with the optional trailing arguments of the measure ({@code base} for the log measures,
 * then {@code normalize, eps}) in that order. One bound class per representation serves them all.
 */
public final class DistributionFunction extends SqlFunction {

  private static final int[] MATH_ARGS = {0, 1};

  private final DistributionMeasure measure;

  DistributionFunction(DistributionMeasure measure) {
    super(measure.sqlName(), measure.usage());
    this.measure = measure;
  }

  @Override
  public BoundFunction bind(StructType input) {
    StructField[] f = input.fields();
    String[] params = measure.parameters();
    int dists = measure.pair() ? 2 : 1;
    if (f.length < dists || f.length > params.length) {
      throw Representation.unsupported(name(), usage, input,
          "expects " + dists + " to " + params.length + " arguments but got " + f.length);
    }
    Representation rep = Representation.of(f[0].dataType());
    if (rep == null) {
      throw Representation.unsupported(name(), usage, input,
          "argument `p` must be " + Representation.EXPECTED + " but was " + f[0].dataType().simpleString());
    }
    if (measure.pair()) {
      Representation repQ = Representation.of(f[1].dataType());
      if (repQ != rep && !(f[1].dataType() instanceof org.apache.spark.sql.types.NullType)) {
        throw Representation.unsupported(name(), usage, input,
            "argument `q` must be stored like `p` (" + rep.sqlType.simpleString() + ") but was "
                + f[1].dataType().simpleString());
      }
    }
    DataType[] types = new DataType[f.length];
    boolean nullableOption = false;
    for (int i = 0; i < f.length; i++) {
      if (i < dists) {
        types[i] = rep.sqlType;
        continue;
      }
      boolean flag = params[i].equals("normalize");
      boolean ok = flag ? Representation.isBoolean(f[i].dataType()) : Representation.isNumeric(f[i].dataType());
      if (!ok) {
        throw Representation.unsupported(name(), usage, input, "argument `" + params[i] + "` must be "
            + (flag ? "boolean" : "numeric") + " but was " + f[i].dataType().simpleString());
      }
      types[i] = flag ? DataTypes.BooleanType : DataTypes.DoubleType;
      nullableOption |= f[i].nullable();
    }
    // A primitive magic-method argument cannot carry NULL, so nullable options take the
    // produceResult path (subclasses that declare no invoke); the extension avoids this by
    // null-guarding such arguments itself.
    return switch (rep) {
      case ARRAY -> nullableOption ? new OnArrays.NullSafe(measure, input, types, params) : new OnArrays(measure, input, types, params);
      case VECTOR -> nullableOption ? new OnVectors.NullSafe(measure, input, types, params) : new OnVectors(measure, input, types, params);
      case MAP -> nullableOption ? new OnMaps.NullSafe(measure, input, types, params) : new OnMaps(measure, input, types, params);
    };
  }

  /** Shared row logic: options, null propagation and the produceResult fallback. */
  abstract static class Bound<T> extends BoundScalar<Double> {
    final DistributionMeasure measure;
    private final int dists;
    /** Position of {@code normalize} in the call: after base, if the measure has one. */
    private final int normalizeAt;

    Bound(DistributionMeasure measure, String rep, StructType input, DataType[] types, String[] params) {
      super(measure.sqlName(), rep, input, types, DataTypes.DoubleType, params);
      this.measure = measure;
      this.dists = measure.pair() ? 2 : 1;
      this.normalizeAt = dists + (measure.takesBase() ? 1 : 0);
    }

    abstract T read(InternalRow row, int ordinal);

    /** p and q are non-null here and options are validated. */
    abstract double compute(T p, T q, double base, boolean normalize, double eps);

    /** {@code base} is e for a measure without one. */
    final Double eval(T p, T q, double base, boolean normalize, double eps) {
      if (p == null || (measure.pair() && q == null)) return null;
      if (invalidBase(base)) return invalidBase(dists, base);
      if (!(eps >= 0) || eps == Double.POSITIVE_INFINITY) {
        return invalid(normalizeAt + 1, "(eps) must be finite and >= 0 but was " + eps);
      }
      try {
        return compute(p, q, base, normalize, eps);
      } catch (InvalidInputException e) {
        return invalid(e, MATH_ARGS);
      }
    }

    @Override
    public Double produceResult(InternalRow row) {
      int n = row.numFields();
      for (int i = dists; i < n; i++) {
        if (row.isNullAt(i)) return null;
      }
      T p = row.isNullAt(0) ? null : read(row, 0);
      T q = measure.pair() && !row.isNullAt(1) ? read(row, 1) : null;
      double base = measure.takesBase() && n > dists ? row.getDouble(dists) : Math.E;
      boolean normalize = n > normalizeAt && row.getBoolean(normalizeAt);
      double eps = n > normalizeAt + 1 ? row.getDouble(normalizeAt + 1) : 0.0;
      return eval(p, q, base, normalize, eps);
    }
  }

  public static class OnArrays extends Bound<ArrayData> {
    OnArrays(DistributionMeasure m, StructType input, DataType[] types, String[] params) { super(m, "array", input, types, params); }

    public Double invoke(ArrayData p) { return eval(p, null, Math.E, false, 0.0); }
    public Double invoke(ArrayData p, double base) { return eval(p, null, base, false, 0.0); }
    public Double invoke(ArrayData p, double base, boolean normalize) { return eval(p, null, base, normalize, 0.0); }
    public Double invoke(ArrayData p, double base, boolean normalize, double eps) { return eval(p, null, base, normalize, eps); }
    public Double invoke(ArrayData p, ArrayData q) { return eval(p, q, Math.E, false, 0.0); }
    public Double invoke(ArrayData p, ArrayData q, double base) { return eval(p, q, base, false, 0.0); }
    public Double invoke(ArrayData p, ArrayData q, double base, boolean normalize) { return eval(p, q, base, normalize, 0.0); }
    public Double invoke(ArrayData p, ArrayData q, double base, boolean normalize, double eps) { return eval(p, q, base, normalize, eps); }
    // measures without a log base: (p, q[, normalize[, eps]])
    public Double invoke(ArrayData p, ArrayData q, boolean normalize) { return eval(p, q, Math.E, normalize, 0.0); }
    public Double invoke(ArrayData p, ArrayData q, boolean normalize, double eps) { return eval(p, q, Math.E, normalize, eps); }

    @Override ArrayData read(InternalRow row, int i) { return row.getArray(i); }

    @Override
    double compute(ArrayData p, ArrayData q, double base, boolean normalize, double eps) {
      Scratch s = Scratch.get();
      int n = p.numElements();
      double[] a = s.first(n);
      Inputs.copyDoubles(p, a, n, 0);
      if (q == null) return measure.dense(a, null, n, base, normalize, eps);
      int m = q.numElements();
      if (m != n) throw new InvalidInputException(1, "has length " + m + " but `p` has length " + n);
      double[] b = s.second(m);
      Inputs.copyDoubles(q, b, m, 1);
      return measure.dense(a, b, n, base, normalize, eps);
    }

    static final class NullSafe extends OnArrays {
      NullSafe(DistributionMeasure m, StructType input, DataType[] types, String[] params) { super(m, input, types, params); }

      // Declared here because Spark finds produceResult with getDeclaredMethod as well.
      @Override public Double produceResult(InternalRow row) { return super.produceResult(row); }
    }
  }

  /** Vectors arrive as the VectorUDT's internal struct (Spark maps UDT arguments to Object). */
  public static class OnVectors extends Bound<InternalRow> {
    OnVectors(DistributionMeasure m, StructType input, DataType[] types, String[] params) { super(m, "vector", input, types, params); }

    public Double invoke(Object p) { return eval((InternalRow) p, null, Math.E, false, 0.0); }
    public Double invoke(Object p, double base) { return eval((InternalRow) p, null, base, false, 0.0); }
    public Double invoke(Object p, double base, boolean normalize) { return eval((InternalRow) p, null, base, normalize, 0.0); }
    public Double invoke(Object p, double base, boolean normalize, double eps) { return eval((InternalRow) p, null, base, normalize, eps); }
    public Double invoke(Object p, Object q) { return eval((InternalRow) p, (InternalRow) q, Math.E, false, 0.0); }
    public Double invoke(Object p, Object q, double base) { return eval((InternalRow) p, (InternalRow) q, base, false, 0.0); }
    public Double invoke(Object p, Object q, double base, boolean normalize) { return eval((InternalRow) p, (InternalRow) q, base, normalize, 0.0); }
    public Double invoke(Object p, Object q, double base, boolean normalize, double eps) { return eval((InternalRow) p, (InternalRow) q, base, normalize, eps); }
    // measures without a log base: (p, q[, normalize[, eps]])
    public Double invoke(Object p, Object q, boolean normalize) { return eval((InternalRow) p, (InternalRow) q, Math.E, normalize, 0.0); }
    public Double invoke(Object p, Object q, boolean normalize, double eps) { return eval((InternalRow) p, (InternalRow) q, Math.E, normalize, eps); }

    @Override InternalRow read(InternalRow row, int i) { return row.getStruct(i, 4); }

    @Override
    double compute(InternalRow p, InternalRow q, double base, boolean normalize, double eps) {
      Scratch s = Scratch.get();
      int n = Inputs.vectorSize(p);
      if (q != null && Inputs.vectorSize(q) != n) {
        throw new InvalidInputException(1, "has size " + Inputs.vectorSize(q) + " but `p` has size " + n);
      }
      boolean sparseP = Inputs.isSparse(p);
      if (sparseP && (q == null || Inputs.isSparse(q))) {
        ArrayData pv = p.getArray(3);
        int pn = pv.numElements();
        int[] pi = s.firstIndices(pn);
        double[] pa = s.first(pn);
        Inputs.copyInts(p.getArray(2), pi, pn, 0);
        Inputs.copyDoubles(pv, pa, pn, 0);
        if (q == null) return measure.sparse(n, pi, pa, pn, null, null, 0, base, normalize, eps);
        ArrayData qv = q.getArray(3);
        int qn = qv.numElements();
        int[] qi = s.secondIndices(qn);
        double[] qa = s.second(qn);
        Inputs.copyInts(q.getArray(2), qi, qn, 1);
        Inputs.copyDoubles(qv, qa, qn, 1);
        return measure.sparse(n, pi, pa, pn, qi, qa, qn, base, normalize, eps);
      }
      double[] a = s.first(n);
      Inputs.densify(p, a, n, 0);
      if (q == null) return measure.dense(a, null, n, base, normalize, eps);
      double[] b = s.second(n);
      Inputs.densify(q, b, n, 1);
      return measure.dense(a, b, n, base, normalize, eps);
    }

    static final class NullSafe extends OnVectors {
      NullSafe(DistributionMeasure m, StructType input, DataType[] types, String[] params) { super(m, input, types, params); }

      // Declared here because Spark finds produceResult with getDeclaredMethod as well.
      @Override public Double produceResult(InternalRow row) { return super.produceResult(row); }
    }
  }

  public static class OnMaps extends Bound<MapData> {
    OnMaps(DistributionMeasure m, StructType input, DataType[] types, String[] params) { super(m, "map", input, types, params); }

    public Double invoke(MapData p) { return eval(p, null, Math.E, false, 0.0); }
    public Double invoke(MapData p, double base) { return eval(p, null, base, false, 0.0); }
    public Double invoke(MapData p, double base, boolean normalize) { return eval(p, null, base, normalize, 0.0); }
    public Double invoke(MapData p, double base, boolean normalize, double eps) { return eval(p, null, base, normalize, eps); }
    public Double invoke(MapData p, MapData q) { return eval(p, q, Math.E, false, 0.0); }
    public Double invoke(MapData p, MapData q, double base) { return eval(p, q, base, false, 0.0); }
    public Double invoke(MapData p, MapData q, double base, boolean normalize) { return eval(p, q, base, normalize, 0.0); }
    public Double invoke(MapData p, MapData q, double base, boolean normalize, double eps) { return eval(p, q, base, normalize, eps); }
    // measures without a log base: (p, q[, normalize[, eps]])
    public Double invoke(MapData p, MapData q, boolean normalize) { return eval(p, q, Math.E, normalize, 0.0); }
    public Double invoke(MapData p, MapData q, boolean normalize, double eps) { return eval(p, q, Math.E, normalize, eps); }

    @Override MapData read(InternalRow row, int i) { return row.getMap(i); }

    @Override
    double compute(MapData p, MapData q, double base, boolean normalize, double eps) {
      Scratch s = Scratch.get();
      if (q == null) {
        int n = Inputs.mapValues(p, s.first(p.numElements()), 0);
        return measure.dense(s.first, null, n, base, normalize, eps);
      }
      int n = Inputs.alignMaps(p, q, s, 0, 1);
      return measure.dense(s.first, s.second, n, base, normalize, eps);
    }

    static final class NullSafe extends OnMaps {
      NullSafe(DistributionMeasure m, StructType input, DataType[] types, String[] params) { super(m, input, types, params); }

      // Declared here because Spark finds produceResult with getDeclaredMethod as well.
      @Override public Double produceResult(InternalRow row) { return super.produceResult(row); }
    }
  }
}
