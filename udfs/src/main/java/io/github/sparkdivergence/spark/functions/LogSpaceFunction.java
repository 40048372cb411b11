package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.math.InvalidInputException;
import io.github.sparkdivergence.math.LogSpace;
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
 * KL(p || q) from log-space inputs: {@code kl_div_log(log_p, log_q[, base])} takes
 * log-probabilities (LLM logprobs), {@code kl_div_logits(x, y[, base])} raw logits that are
 * log-softmaxed on the fly.
 */
public final class LogSpaceFunction extends SqlFunction {
  private static final DataType DOUBLES = Representation.ARRAY.sqlType;
  private static final int[] MATH_ARGS = {0, 1};

  private final boolean logits;

  private LogSpaceFunction(String name, boolean logits, String usage) {
    super(name, usage);
    this.logits = logits;
  }

  /** {@code kl_div_log}: KL from normalized log-probabilities. */
  static LogSpaceFunction klDivLog(String usage) { return new LogSpaceFunction("kl_div_log", false, usage); }

  /** {@code kl_div_logits}: KL between the softmaxes of raw logits. */
  static LogSpaceFunction klDivLogits(String usage) { return new LogSpaceFunction("kl_div_logits", true, usage); }

  @Override
  public BoundFunction bind(StructType input) {
    StructField[] f = input.fields();
    String[] params = logits ? new String[] {"x", "y", "base"} : new String[] {"log_p", "log_q", "base"};
    if (f.length < 2 || f.length > 3) {
      throw Representation.unsupported(name, usage, input, "expects 2 or 3 arguments but got " + f.length);
    }
    for (int i = 0; i < 2; i++) {
      if (!Representation.isNumericArray(f[i].dataType())) {
        throw Representation.unsupported(name, usage, input, "argument `" + params[i]
            + "` must be array<double> but was " + f[i].dataType().simpleString());
      }
    }
    DataType[] types = f.length == 2 ? new DataType[] {DOUBLES, DOUBLES}
        : new DataType[] {DOUBLES, DOUBLES, DataTypes.DoubleType};
    if (f.length == 3) {
      if (!Representation.isNumeric(f[2].dataType())) {
        throw Representation.unsupported(name, usage, input,
            "argument `base` must be numeric but was " + f[2].dataType().simpleString());
      }
      if (f[2].nullable()) return new OnArrays.NullSafe(name, logits, input, types, params);
    }
    return new OnArrays(name, logits, input, types, params);
  }

  public static class OnArrays extends BoundScalar<Double> {
    private final boolean logits;

    OnArrays(String name, boolean logits, StructType input, DataType[] types, String[] params) {
      super(name, "array", input, types, DataTypes.DoubleType, params);
      this.logits = logits;
    }

    public Double invoke(ArrayData a, ArrayData b) { return eval(a, b, Math.E); }
    public Double invoke(ArrayData a, ArrayData b, double base) { return eval(a, b, base); }

    @Override
    public Double produceResult(InternalRow row) {
      if (row.isNullAt(0) || row.isNullAt(1) || (row.numFields() > 2 && row.isNullAt(2))) return null;
      return eval(row.getArray(0), row.getArray(1), row.numFields() > 2 ? row.getDouble(2) : Math.E);
    }

    private Double eval(ArrayData a, ArrayData b, double base) {
      if (a == null || b == null) return null;
      if (invalidBase(base)) return invalidBase(2, base);
      try {
        int n = a.numElements();
        int m = b.numElements();
        if (m != n) throw new InvalidInputException(1, "has length " + m + " but the first argument has length " + n);
        Scratch s = Scratch.get();
        double[] x = s.first(n);
        double[] y = s.second(n);
        Inputs.copyDoubles(a, x, n, 0);
        Inputs.copyDoubles(b, y, n, 1);
        return logits ? LogSpace.klDivergenceFromLogits(x, y, n, base)
            : LogSpace.klDivergenceFromLogProbs(x, y, n, base);
      } catch (InvalidInputException e) {
        return invalid(e, MATH_ARGS);
      }
    }

    static final class NullSafe extends OnArrays {
      NullSafe(String name, boolean logits, StructType input, DataType[] types, String[] params) {
        super(name, logits, input, types, params);
      }

      // Declared here because Spark finds produceResult with getDeclaredMethod as well.
      @Override public Double produceResult(InternalRow row) { return super.produceResult(row); }
    }
  }
}
