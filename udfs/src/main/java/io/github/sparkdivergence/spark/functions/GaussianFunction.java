package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.math.Gaussian;
import io.github.sparkdivergence.math.InvalidInputException;
import io.github.sparkdivergence.spark.input.Inputs;
import io.github.sparkdivergence.spark.input.Representation;
import io.github.sparkdivergence.spark.input.Scratch;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Closed-form Gaussian KL: {@code kl_gaussian(mu1, sigma1, mu2, sigma2[, base])} for univariate
 * normals (numeric arguments) or diagonal multivariate ones (array arguments, summed over
 * dimensions), and the VAE term {@code kl_std_normal(mu, logvar[, base])} = KL(N(mu, exp(logvar)) || N(0, 1)).
 */
public final class GaussianFunction extends SqlFunction {
  private static final int[] MATH_ARGS = {0, 1, 2, 3};

  private final boolean standardNormal;

  private GaussianFunction(String name, boolean standardNormal, String usage) {
    super(name, usage);
    this.standardNormal = standardNormal;
  }

  /** {@code kl_gaussian(mu1, sigma1, mu2, sigma2[, base])}. */
  static GaussianFunction klGaussian(String usage) { return new GaussianFunction("kl_gaussian", false, usage); }

  /** {@code kl_std_normal(mu, logvar[, base])}: KL to N(0, 1), the VAE term. */
  static GaussianFunction klStdNormal(String usage) { return new GaussianFunction("kl_std_normal", true, usage); }

  @Override
  public BoundFunction bind(StructType input) {
    StructField[] f = input.fields();
    String[] params = standardNormal ? new String[] {"mu", "logvar", "base"}
        : new String[] {"mu1", "sigma1", "mu2", "sigma2", "base"};
    int k = params.length - 1;
    if (f.length != k && f.length != k + 1) {
      throw Representation.unsupported(name, usage, input,
          "expects " + k + " or " + (k + 1) + " arguments but got " + f.length);
    }
    boolean arrays = !Representation.isNumeric(f[0].dataType());
    boolean nullableScalar = false;
    DataType[] types = new DataType[f.length];
    for (int i = 0; i < f.length; i++) {
      DataType t = f[i].dataType();
      boolean ok = i == k ? Representation.isNumeric(t)
          : arrays ? Representation.isNumericArray(t) : Representation.isNumeric(t);
      if (!ok) {
        throw Representation.unsupported(name, usage, input, "argument `" + params[i] + "` must be "
            + (i == k ? "numeric" : arrays ? "array<double> like the first argument" : "numeric like the first argument")
            + " but was " + t.simpleString());
      }
      types[i] = i < k && arrays ? Representation.ARRAY.sqlType : DataTypes.DoubleType;
      if (i == k || !arrays) nullableScalar |= f[i].nullable();
    }
    if (arrays) {
      return nullableScalar ? new OnArrays.NullSafe(this, input, types, params) : new OnArrays(this, input, types, params);
    }
    return nullableScalar ? new OnDoubles.NullSafe(this, input, types, params) : new OnDoubles(this, input, types, params);
  }

  public static class OnDoubles extends BoundScalar<Double> {
    private final boolean standardNormal;

    OnDoubles(GaussianFunction fn, StructType input, DataType[] types, String[] params) {
      super(fn.name, "double", input, types, DataTypes.DoubleType, params);
      this.standardNormal = fn.standardNormal;
    }

    public Double invoke(double mu, double logVar) { return stdNormal(mu, logVar, Math.E); }
    public Double invoke(double mu, double logVar, double base) { return stdNormal(mu, logVar, base); }
    public Double invoke(double mu1, double sigma1, double mu2, double sigma2) { return gaussian(mu1, sigma1, mu2, sigma2, Math.E); }
    public Double invoke(double mu1, double sigma1, double mu2, double sigma2, double base) { return gaussian(mu1, sigma1, mu2, sigma2, base); }

    @Override
    public Double produceResult(InternalRow row) {
      for (int i = 0; i < row.numFields(); i++) {
        if (row.isNullAt(i)) return null;
      }
      if (standardNormal) {
        return stdNormal(row.getDouble(0), row.getDouble(1), row.numFields() > 2 ? row.getDouble(2) : Math.E);
      }
      return gaussian(row.getDouble(0), row.getDouble(1), row.getDouble(2), row.getDouble(3),
          row.numFields() > 4 ? row.getDouble(4) : Math.E);
    }

    private Double stdNormal(double mu, double logVar, double base) {
      if (invalidBase(base)) return invalidBase(2, base);
      try {
        return Gaussian.klStdNormal(mu, logVar, base);
      } catch (InvalidInputException e) {
        return invalid(e, MATH_ARGS);
      }
    }

    private Double gaussian(double mu1, double sigma1, double mu2, double sigma2, double base) {
      if (invalidBase(base)) return invalidBase(4, base);
      try {
        return Gaussian.klGaussian(mu1, sigma1, mu2, sigma2, base);
      } catch (InvalidInputException e) {
        return invalid(e, MATH_ARGS);
      }
    }

    static final class NullSafe extends OnDoubles {
      NullSafe(GaussianFunction fn, StructType input, DataType[] types, String[] params) { super(fn, input, types, params); }

      // Declared here because Spark finds produceResult with getDeclaredMethod as well.
      @Override public Double produceResult(InternalRow row) { return super.produceResult(row); }
    }
  }

  public static class OnArrays extends BoundScalar<Double> {
    private final boolean standardNormal;

    OnArrays(GaussianFunction fn, StructType input, DataType[] types, String[] params) {
      super(fn.name, "array", input, types, DataTypes.DoubleType, params);
      this.standardNormal = fn.standardNormal;
    }

    public Double invoke(ArrayData mu, ArrayData logVar) { return eval(mu, logVar, null, null, Math.E); }
    public Double invoke(ArrayData mu, ArrayData logVar, double base) { return eval(mu, logVar, null, null, base); }
    public Double invoke(ArrayData mu1, ArrayData s1, ArrayData mu2, ArrayData s2) { return eval(mu1, s1, mu2, s2, Math.E); }
    public Double invoke(ArrayData mu1, ArrayData s1, ArrayData mu2, ArrayData s2, double base) { return eval(mu1, s1, mu2, s2, base); }

    @Override
    public Double produceResult(InternalRow row) {
      int k = standardNormal ? 2 : 4;
      for (int i = 0; i < row.numFields(); i++) {
        if (row.isNullAt(i)) return null;
      }
      double base = row.numFields() > k ? row.getDouble(k) : Math.E;
      return standardNormal ? eval(row.getArray(0), row.getArray(1), null, null, base)
          : eval(row.getArray(0), row.getArray(1), row.getArray(2), row.getArray(3), base);
    }

    private Double eval(ArrayData a0, ArrayData a1, ArrayData a2, ArrayData a3, double base) {
      int k = standardNormal ? 2 : 4;
      if (a0 == null || a1 == null || (!standardNormal && (a2 == null || a3 == null))) return null;
      if (invalidBase(base)) return invalidBase(k, base);
      try {
        int n = a0.numElements();
        Scratch s = Scratch.get();
        double[] x0 = copy(a1, s.second(n), n, 1);
        double[] mu = copy(a0, s.first(n), n, 0);
        if (standardNormal) return Gaussian.klStdNormal(mu, x0, n, base);
        double[] mu2 = copy(a2, s.third(n), n, 2);
        double[] s2 = copy(a3, s.fourth(n), n, 3);
        return Gaussian.klGaussianDiagonal(mu, x0, mu2, s2, n, base);
      } catch (InvalidInputException e) {
        return invalid(e, MATH_ARGS);
      }
    }

    private static double[] copy(ArrayData src, double[] dst, int n, int arg) {
      if (src.numElements() != n) {
        throw new InvalidInputException(arg, "has length " + src.numElements() + " but the first argument has length " + n);
      }
      Inputs.copyDoubles(src, dst, n, arg);
      return dst;
    }

    static final class NullSafe extends OnArrays {
      NullSafe(GaussianFunction fn, StructType input, DataType[] types, String[] params) { super(fn, input, types, params); }

      // Declared here because Spark finds produceResult with getDeclaredMethod as well.
      @Override public Double produceResult(InternalRow row) { return super.produceResult(row); }
    }
  }
}
