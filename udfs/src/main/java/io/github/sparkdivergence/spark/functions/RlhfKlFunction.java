package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.math.InvalidInputException;
import io.github.sparkdivergence.math.RlhfKl.Estimator;
import io.github.sparkdivergence.math.RlhfKl;
import io.github.sparkdivergence.spark.input.Inputs;
import io.github.sparkdivergence.spark.input.Representation;
import io.github.sparkdivergence.spark.input.Scratch;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Per-token KL estimators used in RLHF (Schulman's k1, k2, k3) over the sampled tokens' log-probs
 * under the policy and the reference model, with an optional 0/1 mask:
 * {@code rlhf_kl(logp, ref_logp[, mask][, estimator[, reduction]])} gives the masked sum (or
 * {@code 'mean'}) per sequence, {@code rlhf_kl_per_token(logp, ref_logp[, mask][, estimator])} the
 * per-token values (masked tokens are 0).
 */
public final class RlhfKlFunction extends SqlFunction {
  private static final DataType DOUBLES = Representation.ARRAY.sqlType;
  /** A boolean mask stays boolean: Spark has no implicit cast from array<boolean> to array<double>. */
  private static final DataType BOOLEANS = DataTypes.createArrayType(DataTypes.BooleanType, true);
  /** The default estimator, and the math core's argument order (logp, ref, mask) = SQL's. */
  private static final UTF8String K3 = UTF8String.fromString("k3");
  private static final int[] MATH_ARGS = {0, 1, 2};

  private final boolean perToken;

  private RlhfKlFunction(String name, boolean perToken, String usage) {
    super(name, usage);
    this.perToken = perToken;
  }

  /** {@code rlhf_kl}: one estimate per sequence (masked sum or mean). */
  static RlhfKlFunction perSequence(String usage) { return new RlhfKlFunction("rlhf_kl", false, usage); }

  /** {@code rlhf_kl_per_token}: the per-token estimates as an array. */
  static RlhfKlFunction perToken(String usage) { return new RlhfKlFunction("rlhf_kl_per_token", true, usage); }

  @Override
  public BoundFunction bind(StructType input) {
    StructField[] f = input.fields();
    int max = perToken ? 4 : 5;
    if (f.length < 2 || f.length > max) {
      throw Representation.unsupported(name, usage, input, "expects 2 to " + max + " arguments but got " + f.length);
    }
    String[] params = new String[f.length];
    DataType[] types = new DataType[f.length];
    params[0] = "logp";
    params[1] = "ref_logp";
    boolean mask = f.length > 2 && !(f[2].dataType() instanceof org.apache.spark.sql.types.StringType)
        && Representation.isNumericArray(f[2].dataType());
    String[] trailing = mask ? new String[] {"mask", "estimator", "reduction"} : new String[] {"estimator", "reduction"};
    for (int i = 0; i < f.length; i++) {
      if (i >= 2) {
        if (i - 2 >= trailing.length) {
          throw Representation.unsupported(name, usage, input, "too many arguments");
        }
        params[i] = trailing[i - 2];
      }
      boolean isArray = i < 2 || (mask && i == 2);
      boolean ok = isArray ? Representation.isNumericArray(f[i].dataType()) : Representation.isString(f[i].dataType());
      if (!ok || (!isArray && perToken && params[i].equals("reduction"))) {
        throw Representation.unsupported(name, usage, input, "argument `" + params[i] + "` must be "
            + (isArray ? "array<double>" : "a string") + " but was " + f[i].dataType().simpleString());
      }
      boolean booleanMask = mask && i == 2 && f[i].dataType() instanceof org.apache.spark.sql.types.ArrayType a
          && a.elementType() instanceof org.apache.spark.sql.types.BooleanType;
      types[i] = booleanMask ? BOOLEANS : isArray ? DOUBLES : DataTypes.StringType;
    }
    return perToken ? new PerToken(name, input, types, params, mask)
        : new Reduced(name, input, types, params, mask);
  }

  /**
   * Reads the arrays into scratch, checks lengths; returns n, with s.first = logp, s.second = ref, s.third = mask
   * (a boolean mask as 1.0 / 0.0).
   */
  private static int load(ArrayData lp, ArrayData ref, ArrayData mask, boolean booleanMask, Scratch s) {
    int n = lp.numElements();
    if (ref.numElements() != n) throw new InvalidInputException(1, "has length " + ref.numElements() + " but `logp` has length " + n);
    Inputs.copyDoubles(lp, s.first(n), n, 0);
    Inputs.copyDoubles(ref, s.second(n), n, 1);
    if (mask != null) {
      if (mask.numElements() != n) throw new InvalidInputException(2, "has length " + mask.numElements() + " but `logp` has length " + n);
      double[] m = s.third(n);
      if (booleanMask) {
        for (int i = 0; i < n; i++) {
          if (mask.isNullAt(i)) throw Inputs.nullElement(2, i);
          m[i] = mask.getBoolean(i) ? 1.0 : 0.0;
        }
      } else {
        Inputs.copyDoubles(mask, m, n, 2);
      }
    }
    return n;
  }

  /** Parses 'k1' / 'k2' / 'k3' (any case) from the UTF-8 bytes, without building a String per row. */
  private static Estimator estimator(UTF8String s) {
    if (s != null && s.numBytes() == 2 && (byteAt(s, 0) | 0x20) == 'k') {
      switch (byteAt(s, 1)) {
        case '1': return Estimator.K1;
        case '2': return Estimator.K2;
        case '3': return Estimator.K3;
        default: break;
      }
    }
    return null;
  }

  /** Byte i of the UTF-8 text (UTF8String.getByte is private before Spark 4). */
  private static byte byteAt(UTF8String s, int i) {
    return org.apache.spark.unsafe.Platform.getByte(s.getBaseObject(), s.getBaseOffset() + i);
  }

  private static boolean equalsIgnoreCase(UTF8String s, String ascii) {
    if (s.numBytes() != ascii.length()) return false;
    for (int i = 0; i < ascii.length(); i++) {
      if ((byteAt(s, i) | 0x20) != ascii.charAt(i)) return false;
    }
    return true;
  }

  abstract static class Bound<R> extends BoundScalar<R> {
    final boolean masked;
    final boolean booleanMask;
    private final int estimatorArg;

    Bound(String name, StructType input, DataType[] types, DataType result, String[] params, boolean masked) {
      super(name, "array", input, types, result, params);
      this.masked = masked;
      this.booleanMask = masked && types[2] == BOOLEANS;
      this.estimatorArg = masked ? 3 : 2;
    }

    /** The estimator, or null after reporting an invalid one. */
    final Estimator parse(UTF8String e) {
      Estimator est = estimator(e);
      if (est == null) invalid(estimatorArg, "must be 'k1', 'k2' or 'k3' but was '" + e + "'");
      return est;
    }

    abstract R eval(ArrayData lp, ArrayData ref, ArrayData mask, UTF8String estimator, UTF8String reduction);

    @Override
    public final R produceResult(InternalRow row) {
      for (int i = 0; i < row.numFields(); i++) {
        if (row.isNullAt(i)) return null;
      }
      int next = 2;
      ArrayData mask = masked ? row.getArray(next++) : null;
      UTF8String est = row.numFields() > next ? row.getUTF8String(next++) : null;
      UTF8String red = row.numFields() > next ? row.getUTF8String(next) : null;
      return eval(row.getArray(0), row.getArray(1), mask, est, red);
    }
  }

  public static final class Reduced extends Bound<Double> {
    private static final UTF8String SUM = UTF8String.fromString("sum");

    Reduced(String name, StructType input, DataType[] types, String[] params, boolean masked) {
      super(name, input, types, DataTypes.DoubleType, params, masked);
    }

    public Double invoke(ArrayData lp, ArrayData ref) { return eval(lp, ref, null, K3, SUM); }
    public Double invoke(ArrayData lp, ArrayData ref, ArrayData mask) { return eval(lp, ref, mask, K3, SUM); }
    public Double invoke(ArrayData lp, ArrayData ref, UTF8String est) { return eval(lp, ref, null, est, SUM); }
    public Double invoke(ArrayData lp, ArrayData ref, ArrayData mask, UTF8String est) { return eval(lp, ref, mask, est, SUM); }
    public Double invoke(ArrayData lp, ArrayData ref, UTF8String est, UTF8String red) { return eval(lp, ref, null, est, red); }
    public Double invoke(ArrayData lp, ArrayData ref, ArrayData mask, UTF8String est, UTF8String red) { return eval(lp, ref, mask, est, red); }

    @Override
    Double eval(ArrayData lp, ArrayData ref, ArrayData mask, UTF8String est, UTF8String red) {
      if (lp == null || ref == null || (masked && mask == null) || est == null || red == null) return null;
      Estimator e = parse(est);
      if (e == null) return null;
      boolean mean = equalsIgnoreCase(red, "mean");
      if (!mean && !equalsIgnoreCase(red, "sum")) {
        return invalid(masked ? 4 : 3, "must be 'sum' or 'mean' but was '" + red + "'");
      }
      try {
        Scratch s = Scratch.get();
        int n = load(lp, ref, mask, booleanMask, s);
        double[] m = mask == null ? null : s.third;
        double v = mean ? RlhfKl.maskedMean(s.first, s.second, m, n, e) : RlhfKl.maskedSum(s.first, s.second, m, n, e);
        // A sequence whose tokens are all masked has no mean: NULL, like avg() over no rows.
        return Double.isNaN(v) && mean ? null : v;
      } catch (InvalidInputException ex) {
        return invalid(ex, MATH_ARGS);
      }
    }
  }

  public static final class PerToken extends Bound<ArrayData> {

    PerToken(String name, StructType input, DataType[] types, String[] params, boolean masked) {
      super(name, input, types, DataTypes.createArrayType(DataTypes.DoubleType, false), params, masked);
    }

    public ArrayData invoke(ArrayData lp, ArrayData ref) { return eval(lp, ref, null, K3, null); }
    public ArrayData invoke(ArrayData lp, ArrayData ref, ArrayData mask) { return eval(lp, ref, mask, K3, null); }
    public ArrayData invoke(ArrayData lp, ArrayData ref, UTF8String est) { return eval(lp, ref, null, est, null); }
    public ArrayData invoke(ArrayData lp, ArrayData ref, ArrayData mask, UTF8String est) { return eval(lp, ref, mask, est, null); }

    @Override
    ArrayData eval(ArrayData lp, ArrayData ref, ArrayData mask, UTF8String est, UTF8String ignored) {
      if (lp == null || ref == null || (masked && mask == null) || est == null) return null;
      Estimator e = parse(est);
      if (e == null) return null;
      try {
        Scratch s = Scratch.get();
        int n = load(lp, ref, mask, booleanMask, s);
        double[] out = new double[n];
        RlhfKl.perToken(s.first, s.second, mask == null ? null : s.third, n, e, out);
        return UnsafeArrayData.fromPrimitiveArray(out);
      } catch (InvalidInputException ex) {
        return invalid(ex, MATH_ARGS);
      }
    }
  }
}
