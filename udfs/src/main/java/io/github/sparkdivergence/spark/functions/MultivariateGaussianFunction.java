package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.math.InvalidInputException;
import io.github.sparkdivergence.math.MultivariateGaussian;
import io.github.sparkdivergence.spark.input.Inputs;
import io.github.sparkdivergence.spark.input.Representation;
import io.github.sparkdivergence.spark.input.Scratch;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code kl_mvn(mu1, cov1, mu2, cov2[, ridge[, base]])}: KL between multivariate normals with
 * full covariances ({@link MultivariateGaussian}). Means are arrays or MLlib vectors, covariances
 * row-major arrays of d * d entries or MLlib matrices; both means are stored alike, and so are both
 * covariances. Arrays throughout and vectors with matrices have magic {@code invoke} methods; the
 * mixed layouts and nullable options (catalog calls) take {@code produceResult}, whose per-row
 * overhead is nothing next to the O(d^3) factorisations.
 */
public final class MultivariateGaussianFunction extends SqlFunction {
  private static final String[] PARAMS = {"mu1", "cov1", "mu2", "cov2", "ridge", "base"};
  /** The math core's argument order is SQL's. */
  private static final int[] MATH_ARGS = {0, 1, 2, 3, 4, 5};
  /**
   * Largest d whose buffers come from {@link Scratch}. Beyond it the factorisations dwarf an
   * allocation, and thread-local buffers would keep ~6 d^2 doubles per executor thread for good
   * (48 MB at d = 1024).
   */
  private static final int SCRATCH_MAX_D = 64;

  MultivariateGaussianFunction(String usage) { super("kl_mvn", usage); }

  @Override
  public BoundFunction bind(StructType input) {
    StructField[] f = input.fields();
    if (f.length < 4 || f.length > 6) {
      throw Representation.unsupported(name, usage, input, "expects 4 to 6 arguments but got " + f.length);
    }
    boolean vectors = Representation.isVector(f[0].dataType());
    boolean matrices = Representation.isMatrix(f[1].dataType());
    DataType[] types = new DataType[f.length];
    boolean nullableOption = false;
    for (int i = 0; i < f.length; i++) {
      DataType t = f[i].dataType();
      String expected;
      boolean ok;
      if (i == 0 || i == 2) {
        ok = t instanceof NullType || (vectors ? Representation.isVector(t) : Representation.of(t) == Representation.ARRAY);
        expected = i == 0 ? "array<double> or an MLlib vector" : (vectors ? "an MLlib vector" : "array<double>") + " like `mu1`";
        types[i] = vectors ? Representation.VECTOR.sqlType : Representation.ARRAY.sqlType;
      } else if (i == 1 || i == 3) {
        ok = t instanceof NullType || (matrices ? Representation.isMatrix(t) : Representation.of(t) == Representation.ARRAY);
        expected = i == 1 ? "array<double> (row-major, d * d entries) or an MLlib matrix"
            : (matrices ? "an MLlib matrix" : "array<double>") + " like `cov1`";
        types[i] = matrices ? Representation.MATRIX : Representation.ARRAY.sqlType;
      } else {
        ok = Representation.isNumeric(t);
        expected = "numeric";
        types[i] = DataTypes.DoubleType;
        nullableOption |= f[i].nullable();
      }
      if (!ok) {
        throw Representation.unsupported(name, usage, input,
            "argument `" + PARAMS[i] + "` must be " + expected + " but was " + t.simpleString());
      }
    }
    if (nullableOption || vectors != matrices) return new ByRow(input, types, vectors, matrices);
    return vectors ? new OnMllib(input, types) : new OnArrays(input, types);
  }

  /** Reading and validating one row's arguments (arrays or UDT structs), then the math. */
  abstract static class Bound extends BoundScalar<Double> {
    private final boolean vectors;
    private final boolean matrices;

    Bound(String representation, StructType input, DataType[] types, boolean vectors, boolean matrices) {
      super("kl_mvn", representation, input, types, DataTypes.DoubleType, PARAMS);
      this.vectors = vectors;
      this.matrices = matrices;
    }

    /** Each argument is an {@link ArrayData} or, for a vector or matrix, its UDT's {@link InternalRow}. */
    final Double eval(Object mu1, Object cov1, Object mu2, Object cov2, double ridge, double base) {
      if (mu1 == null || cov1 == null || mu2 == null || cov2 == null) return null;
      if (invalidBase(base)) return invalidBase(5, base);
      try {
        int d = meanLength(mu1);
        if ((long) d * d > Integer.MAX_VALUE) {
          throw new InvalidInputException(0, "has length " + d + ": a d x d covariance does not fit in an array");
        }
        boolean scratch = d <= SCRATCH_MAX_D;
        Scratch s = scratch ? Scratch.get() : null;
        double[] m1 = mean(mu1, scratch ? s.first(d) : new double[d], d, 0);
        double[] c1 = covariance(cov1, scratch ? s.second(d * d) : new double[d * d], d, 1);
        double[] m2 = mean(mu2, scratch ? s.third(d) : new double[d], d, 2);
        double[] c2 = covariance(cov2, scratch ? s.fourth(d * d) : new double[d * d], d, 3);
        double[] work = scratch ? s.work(MultivariateGaussian.workLength(d)) : null;
        return MultivariateGaussian.kl(m1, c1, m2, c2, d, ridge, base, work);
      } catch (InvalidInputException e) {
        return invalid(e, MATH_ARGS);
      }
    }

    private int meanLength(Object mu) {
      return vectors ? Inputs.vectorSize((InternalRow) mu) : ((ArrayData) mu).numElements();
    }

    private double[] mean(Object mu, double[] dst, int d, int arg) {
      int n = meanLength(mu);
      if (n != d) throw meanLengthMismatch(n, d);
      if (vectors) Inputs.densify((InternalRow) mu, dst, d, arg);
      else Inputs.copyDoubles((ArrayData) mu, dst, d, arg);
      return dst;
    }

    private double[] covariance(Object cov, double[] dst, int d, int arg) {
      if (matrices) {
        InternalRow m = (InternalRow) cov;
        int rows = Inputs.matrixRows(m);
        int cols = Inputs.matrixCols(m);
        if (rows != d || cols != d) throw matrixShapeMismatch(arg, rows, cols, d);
        Inputs.matrixRowMajor(m, dst, arg);
      } else {
        ArrayData a = (ArrayData) cov;
        if (a.numElements() != (long) d * d) throw covarianceLengthMismatch(arg, a.numElements(), d);
        Inputs.copyDoubles(a, dst, d * d, arg);
      }
      return dst;
    }

    @Override
    public Double produceResult(InternalRow row) {
      int n = row.numFields();
      for (int i = 4; i < n; i++) {
        if (row.isNullAt(i)) return null;
      }
      return eval(read(row, 0, vectors, 4), read(row, 1, matrices, 7), read(row, 2, vectors, 4),
          read(row, 3, matrices, 7), n > 4 ? row.getDouble(4) : 0.0, n > 5 ? row.getDouble(5) : Math.E);
    }

    private static Object read(InternalRow row, int i, boolean udt, int structFields) {
      if (row.isNullAt(i)) return null;
      return udt ? row.getStruct(i, structFields) : row.getArray(i);
    }
  }

  /** Messages shared with the classic UDF, so both report a row alike. */
  public static InvalidInputException meanLengthMismatch(int length, int d) {
    return new InvalidInputException(2, "has length " + length + " but `mu1` has length " + d);
  }

  public static InvalidInputException covarianceLengthMismatch(int arg, int length, int d) {
    return new InvalidInputException(arg, "has length " + length + " but a row-major d x d matrix needs d * d = "
        + (long) d * d + " entries (d = " + d + ", the length of `mu1`)");
  }

  public static InvalidInputException matrixShapeMismatch(int arg, int rows, int cols, int d) {
    return new InvalidInputException(arg, "is " + rows + " x " + cols + " but `mu1` has length " + d);
  }

  public static class OnArrays extends Bound {
    OnArrays(StructType input, DataType[] types) { super("array", input, types, false, false); }

    public Double invoke(ArrayData mu1, ArrayData cov1, ArrayData mu2, ArrayData cov2) { return eval(mu1, cov1, mu2, cov2, 0.0, Math.E); }
    public Double invoke(ArrayData mu1, ArrayData cov1, ArrayData mu2, ArrayData cov2, double ridge) { return eval(mu1, cov1, mu2, cov2, ridge, Math.E); }
    public Double invoke(ArrayData mu1, ArrayData cov1, ArrayData mu2, ArrayData cov2, double ridge, double base) { return eval(mu1, cov1, mu2, cov2, ridge, base); }

    // Declared here because Spark finds produceResult with getDeclaredMethod as well.
    @Override public Double produceResult(InternalRow row) { return super.produceResult(row); }
  }

  /** MLlib vectors and matrices arrive as their UDTs' internal structs (Spark maps UDT arguments to Object). */
  public static class OnMllib extends Bound {
    OnMllib(StructType input, DataType[] types) { super("mllib", input, types, true, true); }

    public Double invoke(Object mu1, Object cov1, Object mu2, Object cov2) { return eval(mu1, cov1, mu2, cov2, 0.0, Math.E); }
    public Double invoke(Object mu1, Object cov1, Object mu2, Object cov2, double ridge) { return eval(mu1, cov1, mu2, cov2, ridge, Math.E); }
    public Double invoke(Object mu1, Object cov1, Object mu2, Object cov2, double ridge, double base) { return eval(mu1, cov1, mu2, cov2, ridge, base); }

    @Override public Double produceResult(InternalRow row) { return super.produceResult(row); }
  }

  /** No invoke: vectors with arrays, arrays with matrices, and nullable options. */
  static final class ByRow extends Bound {
    ByRow(StructType input, DataType[] types, boolean vectors, boolean matrices) {
      super(vectors == matrices ? (vectors ? "mllib" : "array") : vectors ? "vector_array" : "array_matrix",
          input, types, vectors, matrices);
    }

    @Override public Double produceResult(InternalRow row) { return super.produceResult(row); }
  }
}
