package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.math.Divergence;
import io.github.sparkdivergence.math.InvalidInputException;
import io.github.sparkdivergence.math.LogBase;
import io.github.sparkdivergence.spark.DivergenceQueryException;
import io.github.sparkdivergence.spark.InvalidDivergenceInputException;
import io.github.sparkdivergence.spark.input.Representation;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code kl_div_agg(p, q[, eps[, base]])}: KL(P || Q) over long-format rows, one row per category
 * with its two masses; P and Q are the columns normalised by their sums, smoothed with eps over the
 * K rows exactly as {@code kl_div(..., normalize => true, eps)}. Rows where p or q is NULL are
 * skipped, like sum() skips NULLs. eps and base apply to the group: they must be constant (see
 * {@link ConstantOptions}); a NULL one gives NULL, as for the per-row functions.
 */
public final class KlDivAggregate extends SqlFunction {
  KlDivAggregate(String usage) { super("kl_div_agg", usage); }

  @Override
  public BoundFunction bind(StructType input) {
    StructField[] f = input.fields();
    String[] params = {"p", "q", "eps", "base"};
    if (f.length < 2 || f.length > 4) {
      throw Representation.unsupported(name(), usage, input, "expects 2 to 4 arguments but got " + f.length);
    }
    DataType[] types = new DataType[f.length];
    for (int i = 0; i < f.length; i++) {
      if (!Representation.isNumeric(f[i].dataType())) {
        throw Representation.unsupported(name(), usage, input, "argument `" + params[i]
            + "` must be numeric but was " + f[i].dataType().simpleString());
      }
      types[i] = DataTypes.DoubleType;
    }
    return new Bound(types, SQLConf.get().ansiEnabled());
  }

  /**
   * The (p, q) masses seen so far; merging concatenates, which is exact. Crosses the wire as a
   * {@code double[]} (see {@link InformationState} for why).
   */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    double[] p = new double[16];
    double[] q = new double[16];
    int n;
    /** Whether eps / base have been read (from the first row with p and q); NaN = NULL. */
    boolean optionsSeen;
    double eps = Double.NaN;
    double base = Double.NaN;

    void add(double pi, double qi) {
      if (n == p.length) {
        p = Arrays.copyOf(p, n * 2);
        q = Arrays.copyOf(q, n * 2);
      }
      p[n] = pi;
      q[n++] = qi;
    }

    /** Whether the options of this state and {@code o} agree (a state without rows agrees with any). */
    boolean sameOptions(State o) {
      return !optionsSeen || !o.optionsSeen
          || (Double.compare(eps, o.eps) == 0 && Double.compare(base, o.base) == 0);
    }

    void merge(State o) {
      for (int i = 0; i < o.n; i++) add(o.p[i], o.q[i]);
      if (!optionsSeen && o.optionsSeen) {
        optionsSeen = true;
        eps = o.eps;
        base = o.base;
      }
    }

    /** [seen, eps, base, p_0, q_0, p_1, q_1, ...]. */
    private Object writeReplace() {
      double[] flat = new double[3 + 2 * n];
      flat[0] = optionsSeen ? 1 : 0;
      flat[1] = eps;
      flat[2] = base;
      for (int i = 0; i < n; i++) {
        flat[3 + 2 * i] = p[i];
        flat[4 + 2 * i] = q[i];
      }
      return flat;
    }

    static State of(Serializable s) {
      if (s instanceof State state) return state;
      double[] flat = (double[]) s;
      State state = new State();
      state.optionsSeen = flat[0] != 0;
      state.eps = flat[1];
      state.base = flat[2];
      for (int i = 3; i < flat.length; i += 2) state.add(flat[i], flat[i + 1]);
      return state;
    }
  }

  static final class Bound implements AggregateFunction<Serializable, Double>, ConstantOptions {
    private final DataType[] types;
    private final boolean ansi;

    Bound(DataType[] types, boolean ansi) {
      this.types = types;
      this.ansi = ansi;
    }

    @Override public String name() { return "kl_div_agg"; }
    @Override public String canonicalName() { return "spark_divergence.kl_div_agg"; }
    @Override public DataType[] inputTypes() { return types.clone(); }
    @Override public DataType resultType() { return DataTypes.DoubleType; }
    @Override public State newAggregationState() { return new State(); }

    @Override
    public int[] constantArguments() {
      return types.length == 4 ? new int[] {2, 3} : types.length == 3 ? new int[] {2} : new int[0];
    }

    @Override public String parameterName(int i) { return i == 2 ? "eps" : i == 3 ? "base" : i == 0 ? "p" : "q"; }

    @Override
    public State update(Serializable buffer, InternalRow row) {
      State s = State.of(buffer);
      if (row.isNullAt(0) || row.isNullAt(1)) return s;
      double eps = types.length > 2 ? (row.isNullAt(2) ? Double.NaN : row.getDouble(2)) : 0.0;
      double base = types.length > 3 ? (row.isNullAt(3) ? Double.NaN : row.getDouble(3)) : Math.E;
      if (!s.optionsSeen) {
        s.optionsSeen = true;
        s.eps = eps;
        s.base = base;
      } else if (Double.compare(eps, s.eps) != 0 || Double.compare(base, s.base) != 0) {
        throw DivergenceQueryException.nonConstantOption("kl_div_agg",
            Double.compare(eps, s.eps) != 0 ? "`eps`" : "`base`");
      }
      s.add(row.getDouble(0), row.getDouble(1));
      return s;
    }

    @Override
    public State merge(Serializable a, Serializable b) {
      State merged = State.of(a);
      State other = State.of(b);
      if (!merged.sameOptions(other)) {
        throw DivergenceQueryException.nonConstantOption("kl_div_agg",
            Double.compare(merged.eps, other.eps) != 0 ? "`eps`" : "`base`");
      }
      merged.merge(other);
      return merged;
    }

    @Override
    public Double produceResult(Serializable buffer) {
      State s = State.of(buffer);
      // no rows, or a NULL eps / base: NULL, as the per-row functions give
      if (s.n == 0 || Double.isNaN(s.eps) || Double.isNaN(s.base)) return null;
      double eps = s.eps;
      double base = s.base;
      String argument = null;
      String problem = null;
      if (!(eps >= 0) || eps == Double.POSITIVE_INFINITY) {
        argument = "`eps`";
        problem = "must be finite and >= 0 but was " + eps;
      } else if (!LogBase.isValid(base)) {
        argument = "`base`";
        problem = LogBase.problem(base);
      } else {
        try {
          return Divergence.klDivergence(s.p, s.q, s.n, base, true, eps);
        } catch (InvalidInputException e) {
          argument = e.argumentIndex() == 1 ? "`q`" : "`p`";
          problem = e.problem();
        }
      }
      if (ansi) throw new InvalidDivergenceInputException("kl_div_agg", argument, problem);
      return null;
    }
  }
}
