package io.github.sparkdivergence.spark;

import io.github.sparkdivergence.math.Divergence;
import io.github.sparkdivergence.math.InvalidInputException;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code kl_div_agg(p, q[, eps[, base]])}: KL(P || Q) over long-format rows, one row per category
 * with its two masses; P and Q are the columns normalised by their sums, smoothed with eps over the
 * K rows exactly as {@code kl_div(..., normalize => true, eps)}. Rows where p or q is NULL are
 * skipped, like sum() skips NULLs.
 */
public final class KlDivAggregate implements UnboundFunction {
  private final String usage;

  KlDivAggregate(String usage) { this.usage = usage; }

  @Override public String name() { return "kl_div_agg"; }
  @Override public String description() { return usage.replace("_FUNC_", name()); }

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

  /** The (p, q) masses seen so far; merging concatenates, which is exact. */
  public static final class State implements Externalizable {
    private static final long serialVersionUID = 1L;
    double[] p = new double[16];
    double[] q = new double[16];
    int n;
    double eps = Double.NaN;
    double base = Double.NaN;

    public State() {}

    void add(double pi, double qi) {
      if (n == p.length) {
        p = Arrays.copyOf(p, n * 2);
        q = Arrays.copyOf(q, n * 2);
      }
      p[n] = pi;
      q[n++] = qi;
    }

    void merge(State o) {
      for (int i = 0; i < o.n; i++) add(o.p[i], o.q[i]);
      if (Double.isNaN(eps)) eps = o.eps;
      if (Double.isNaN(base)) base = o.base;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
      out.writeInt(n);
      for (int i = 0; i < n; i++) {
        out.writeDouble(p[i]);
        out.writeDouble(q[i]);
      }
      out.writeDouble(eps);
      out.writeDouble(base);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
      int count = in.readInt();
      p = new double[Math.max(16, count)];
      q = new double[Math.max(16, count)];
      for (int i = 0; i < count; i++) {
        p[i] = in.readDouble();
        q[i] = in.readDouble();
      }
      n = count;
      eps = in.readDouble();
      base = in.readDouble();
    }
  }

  static final class Bound implements AggregateFunction<State, Double> {
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
    public State update(State s, InternalRow row) {
      if (row.isNullAt(0) || row.isNullAt(1)) return s;
      if (types.length > 2 && Double.isNaN(s.eps)) s.eps = row.isNullAt(2) ? Double.NaN : row.getDouble(2);
      if (types.length > 3 && Double.isNaN(s.base)) s.base = row.isNullAt(3) ? Double.NaN : row.getDouble(3);
      s.add(row.getDouble(0), row.getDouble(1));
      return s;
    }

    @Override
    public State merge(State a, State b) {
      a.merge(b);
      return a;
    }

    @Override
    public Double produceResult(State s) {
      if (s.n == 0) return null;
      double eps = Double.isNaN(s.eps) ? 0.0 : s.eps;
      double base = Double.isNaN(s.base) ? Math.E : s.base;
      String argument = null;
      String problem = null;
      if (!(eps >= 0) || eps == Double.POSITIVE_INFINITY) {
        argument = "`eps`";
        problem = "must be finite and >= 0 but was " + eps;
      } else if (!(base > 0) || base == 1.0 || base == Double.POSITIVE_INFINITY) {
        argument = "`base`";
        problem = "(log base) must be positive, finite and not 1 but was " + base;
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
