package io.github.sparkdivergence.spark;

import io.github.sparkdivergence.math.DistributionMeasure;
import io.github.sparkdivergence.math.Gaussian;
import io.github.sparkdivergence.math.InvalidInputException;
import io.github.sparkdivergence.math.LogSpace;
import io.github.sparkdivergence.math.MultivariateGaussian;
import io.github.sparkdivergence.math.RlhfKl;
import io.github.sparkdivergence.spark.functions.DivergenceRegistry;
import io.github.sparkdivergence.spark.functions.FunctionSpec;
import io.github.sparkdivergence.spark.functions.MultivariateGaussianFunction;
import io.github.sparkdivergence.spark.input.Inputs;
import io.github.sparkdivergence.spark.input.Representation;
import io.github.sparkdivergence.spark.input.Scratch;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.Seq;

/**
 * The per-row functions of {@link DivergenceRegistry} as classic Java UDFs
 * ({@code spark.udf().register(name, UDFn, returnType)}) in their minimal arity: two distributions
 * (one for {@code dist_entropy}), four Gaussian parameters, {@code kl_std_normal(mu, logvar)},
 * {@code kl_mvn(mu1, cov1, mu2, cov2)} (no ridge) and
 * {@code rlhf_kl[_per_token](logp, ref_logp)} with the k3 estimator (summed). For people who prefer
 * classic UDFs; the extension's functions are faster (no per-element boxing) and take the options.
 *
 * <p>Untyped Java UDFs receive Spark's external values, so one UDF dispatches at run time: arrays
 * ({@code scala.collection.Seq}), MLlib vectors (dense or sparse; both sparse uses the math core's
 * sparse path) and {@code map<string,double>} (aligned on the union of keys, a missing key is 0).
 * NULL in gives NULL; invalid input raises {@link InvalidDivergenceInputException} with ANSI mode on
 * (Spark wraps it in {@code FAILED_EXECUTE_UDF}, as it does every exception of a classic UDF) and
 * gives NULL with ANSI off.
 */
public final class ClassicUdfs {
  private ClassicUdfs() {}

  private static final String[] DIST = {"p", "q"};
  private static final String[] GAUSS = {"mu1", "sigma1", "mu2", "sigma2"};
  private static final String[] STD_NORMAL = {"mu", "logvar"};
  private static final String[] RLHF = {"logp", "ref_logp"};
  private static final String[] MVN = {"mu1", "cov1", "mu2", "cov2"};

  /** A registered UDF and its SQL result type. */
  private record Udf(Object function, DataType type) {}

  private static final Map<String, Udf> UDFS = new LinkedHashMap<>();

  static {
    for (DistributionMeasure m : DistributionMeasure.values()) {
      UDFS.put(m.sqlName(), m.pair()
          ? new Udf((UDF2<Object, Object, Double>) (p, q) -> distribution(m, p, q), DataTypes.DoubleType)
          : new Udf((UDF1<Object, Double>) p -> distribution(m, p, null), DataTypes.DoubleType));
    }
    UDFS.put("kl_div_log", new Udf((UDF2<Object, Object, Double>) (a, b) -> logSpace("kl_div_log", false, a, b), DataTypes.DoubleType));
    UDFS.put("kl_div_logits", new Udf((UDF2<Object, Object, Double>) (a, b) -> logSpace("kl_div_logits", true, a, b), DataTypes.DoubleType));
    UDFS.put("kl_gaussian", new Udf((UDF4<Object, Object, Object, Object, Double>) ClassicUdfs::gaussian, DataTypes.DoubleType));
    UDFS.put("kl_std_normal", new Udf((UDF2<Object, Object, Double>) ClassicUdfs::stdNormal, DataTypes.DoubleType));
    UDFS.put("kl_mvn", new Udf((UDF4<Object, Object, Object, Object, Double>) ClassicUdfs::mvn, DataTypes.DoubleType));
    UDFS.put("rlhf_kl", new Udf((UDF2<Object, Object, Double>) (a, b) -> rlhf("rlhf_kl", a, b), DataTypes.DoubleType));
    UDFS.put("rlhf_kl_per_token", new Udf((UDF2<Object, Object, double[]>) (a, b) -> rlhf("rlhf_kl_per_token", a, b),
        DataTypes.createArrayType(DataTypes.DoubleType, false)));
  }

  /** Registers every per-row function of the registry under its own name in {@code spark}. */
  public static void registerAll(SparkSession spark) { registerAll(spark, ""); }

  /**
   * Same, with {@code prefix} before each name (e.g. {@code "classic_"}), so the classic UDFs can
   * live beside the extension's functions of the same name.
   */
  @SuppressWarnings("unchecked")
  public static void registerAll(SparkSession spark, String prefix) {
    for (FunctionSpec spec : DivergenceRegistry.all()) {
      if (spec.aggregate() || spec.function() instanceof io.github.sparkdivergence.spark.functions.ReadsStates) continue;
      Udf udf = UDFS.get(spec.name());
      if (udf == null) throw new IllegalStateException("ClassicUdfs has no classic UDF for " + spec.name());
      String name = prefix + spec.name();
      if (udf.function instanceof UDF1<?, ?> f) spark.udf().register(name, f, udf.type);
      else if (udf.function instanceof UDF2<?, ?, ?> f) spark.udf().register(name, f, udf.type);
      else spark.udf().register(name, (UDF4<?, ?, ?, ?, ?>) udf.function, udf.type);
    }
  }

  /** The names {@link #registerAll} registers (without prefix). */
  public static java.util.Set<String> names() { return java.util.Collections.unmodifiableSet(UDFS.keySet()); }

  // ---- the functions -------------------------------------------------------------------------

  static Double distribution(DistributionMeasure m, Object p, Object q) {
    if (p == null || (m.pair() && q == null)) return null;
    try {
      Scratch s = Scratch.get();
      if (p instanceof Vector pv) {
        Vector qv = q == null ? null : as(Vector.class, q, m.sqlName(), p);
        int n = pv.size();
        if (qv != null && qv.size() != n) throw new InvalidInputException(1, "has size " + qv.size() + " but `p` has size " + n);
        // Deserialising a vector allocates fresh arrays per row, so they can go to the math as is.
        if (pv instanceof SparseVector sp && (qv == null || qv instanceof SparseVector)) {
          SparseVector sq = (SparseVector) qv;
          return sq == null ? m.sparse(n, sp.indices(), sp.values(), sp.values().length, null, null, 0, Math.E, false, 0.0)
              : m.sparse(n, sp.indices(), sp.values(), sp.values().length, sq.indices(), sq.values(), sq.values().length, Math.E, false, 0.0);
        }
        return m.dense(dense(pv, s.first(n)), qv == null ? null : dense(qv, s.second(n)), n, Math.E, false, 0.0);
      }
      if (p instanceof Seq<?> ps) {
        int n = copy(ps, s.first(ps.size()), 0);
        if (q == null) return m.dense(s.first, null, n, Math.E, false, 0.0);
        Seq<?> qs = as(Seq.class, q, m.sqlName(), p);
        if (qs.size() != n) throw new InvalidInputException(1, "has length " + qs.size() + " but `p` has length " + n);
        copy(qs, s.second(n), 1);
        return m.dense(s.first, s.second, n, Math.E, false, 0.0);
      }
      if (p instanceof scala.collection.Map<?, ?> pm) {
        if (q == null) {
          int n = copy(pm.values().toSeq(), s.first(pm.size()), 0);
          return m.dense(s.first, null, n, Math.E, false, 0.0);
        }
        int n = alignMaps(pm, as(scala.collection.Map.class, q, m.sqlName(), p), s);
        return m.dense(s.first, s.second, n, Math.E, false, 0.0);
      }
      throw unsupported(m.sqlName(), p);
    } catch (InvalidInputException e) {
      return invalid(m.sqlName(), DIST, e);
    }
  }

  static Double logSpace(String name, boolean logits, Object x, Object y) {
    if (x == null || y == null) return null;
    try {
      Scratch s = Scratch.get();
      Seq<?> xs = seq(name, x);
      Seq<?> ys = seq(name, y);
      int n = copy(xs, s.first(xs.size()), 0);
      if (ys.size() != n) throw new InvalidInputException(1, "has length " + ys.size() + " but the first argument has length " + n);
      copy(ys, s.second(n), 1);
      return logits ? LogSpace.klDivergenceFromLogits(s.first, s.second, n, Math.E) : LogSpace.klDivergenceFromLogProbs(s.first, s.second, n, Math.E);
    } catch (InvalidInputException e) {
      return invalid(name, logits ? new String[] {"x", "y"} : new String[] {"log_p", "log_q"}, e);
    }
  }

  static Double gaussian(Object mu1, Object s1, Object mu2, Object s2) {
    if (mu1 == null || s1 == null || mu2 == null || s2 == null) return null;
    try {
      if (mu1 instanceof Number) {
        return Gaussian.klGaussian(num("kl_gaussian", mu1), num("kl_gaussian", s1), num("kl_gaussian", mu2), num("kl_gaussian", s2), Math.E);
      }
      Scratch s = Scratch.get();
      int n = seq("kl_gaussian", mu1).size();
      // Same order of checks as the V2 function: sigma1, mu1, mu2, sigma2.
      sameLength("kl_gaussian", s1, s.second(n), n, 1);
      sameLength("kl_gaussian", mu1, s.first(n), n, 0);
      sameLength("kl_gaussian", mu2, s.third(n), n, 2);
      sameLength("kl_gaussian", s2, s.fourth(n), n, 3);
      return Gaussian.klGaussianDiagonal(s.first, s.second, s.third, s.fourth, n, Math.E);
    } catch (InvalidInputException e) {
      return invalid("kl_gaussian", GAUSS, e);
    }
  }

  static Double stdNormal(Object mu, Object logVar) {
    if (mu == null || logVar == null) return null;
    try {
      if (mu instanceof Number) return Gaussian.klStdNormal(num("kl_std_normal", mu), num("kl_std_normal", logVar), Math.E);
      Scratch s = Scratch.get();
      int n = seq("kl_std_normal", mu).size();
      sameLength("kl_std_normal", logVar, s.second(n), n, 1);
      sameLength("kl_std_normal", mu, s.first(n), n, 0);
      return Gaussian.klStdNormal(s.first, s.second, n, Math.E);
    } catch (InvalidInputException e) {
      return invalid("kl_std_normal", STD_NORMAL, e);
    }
  }

  /** Means as Seq or Vector, covariances as a row-major Seq or a Matrix; fresh arrays, as the math is O(d^3). */
  static Double mvn(Object mu1, Object cov1, Object mu2, Object cov2) {
    if (mu1 == null || cov1 == null || mu2 == null || cov2 == null) return null;
    try {
      double[] m1 = mean(mu1, 0);
      int d = m1.length;
      double[] c1 = covariance(cov1, d, 1);
      double[] m2 = mean(mu2, 2);
      if (m2.length != d) throw MultivariateGaussianFunction.meanLengthMismatch(m2.length, d);
      double[] c2 = covariance(cov2, d, 3);
      return MultivariateGaussian.kl(m1, c1, m2, c2, d, 0.0, Math.E, null);
    } catch (InvalidInputException e) {
      return invalid("kl_mvn", MVN, e);
    }
  }

  private static double[] mean(Object mu, int arg) {
    if (mu instanceof Vector v) return v.toArray();
    Seq<?> s = seq("kl_mvn", mu);
    double[] out = new double[s.size()];
    copy(s, out, arg);
    return out;
  }

  private static double[] covariance(Object cov, int d, int arg) {
    if (cov instanceof Matrix m) {
      if (m.numRows() != d || m.numCols() != d) throw MultivariateGaussianFunction.matrixShapeMismatch(arg, m.numRows(), m.numCols(), d);
      return m.transpose().toArray(); // toArray is column-major
    }
    Seq<?> s = seq("kl_mvn", cov);
    if (s.size() != (long) d * d) throw MultivariateGaussianFunction.covarianceLengthMismatch(arg, s.size(), d);
    double[] out = new double[s.size()];
    copy(s, out, arg);
    return out;
  }

  /** {@code rlhf_kl} (k3, summed) as a Double, {@code rlhf_kl_per_token} (k3) as a double[]. */
  @SuppressWarnings("unchecked")
  static <R> R rlhf(String name, Object logp, Object ref) {
    if (logp == null || ref == null) return null;
    try {
      Scratch s = Scratch.get();
      Seq<?> lp = seq(name, logp);
      Seq<?> rf = seq(name, ref);
      int n = lp.size();
      if (rf.size() != n) throw new InvalidInputException(1, "has length " + rf.size() + " but `logp` has length " + n);
      copy(lp, s.first(n), 0);
      copy(rf, s.second(n), 1);
      if (name.equals("rlhf_kl")) return (R) (Double) RlhfKl.maskedSum(s.first, s.second, null, n, RlhfKl.Estimator.K3);
      double[] out = new double[n];
      RlhfKl.perToken(s.first, s.second, null, n, RlhfKl.Estimator.K3, out);
      return (R) out;
    } catch (InvalidInputException e) {
      return invalid(name, RLHF, e);
    }
  }

  // ---- reading external values ---------------------------------------------------------------

  /** Copies a Seq of numbers into {@code dst}; a null element is invalid input. */
  private static int copy(Seq<?> src, double[] dst, int arg) {
    Iterator<?> it = src.iterator();
    int i = 0;
    while (it.hasNext()) {
      Object v = it.next();
      if (v == null) throw Inputs.nullElement(arg, i);
      dst[i++] = v instanceof Double d ? d : ((Number) v).doubleValue();
    }
    return i;
  }

  private static void sameLength(String fn, Object array, double[] dst, int n, int arg) {
    Seq<?> a = seq(fn, array);
    if (a.size() != n) throw new InvalidInputException(arg, "has length " + a.size() + " but the first argument has length " + n);
    copy(a, dst, arg);
  }

  private static double[] dense(Vector v, double[] buf) {
    if (v instanceof DenseVector d) return d.values();
    SparseVector sv = (SparseVector) v;
    java.util.Arrays.fill(buf, 0, sv.size(), 0.0);
    int[] idx = sv.indices();
    double[] val = sv.values();
    for (int k = 0; k < idx.length; k++) buf[idx[k]] = val[k];
    return buf;
  }

  /** Union of keys into s.first / s.second, p's keys first; a missing key is 0. */
  private static int alignMaps(scala.collection.Map<?, ?> p, scala.collection.Map<?, ?> q, Scratch s) {
    nullValues(p, 0);
    nullValues(q, 1);
    double[] a = s.first(p.size() + q.size());
    double[] b = s.second(p.size() + q.size());
    int n = 0;
    scala.collection.Map<Object, Object> qq = (scala.collection.Map<Object, Object>) q;
    for (Iterator<? extends Tuple2<?, ?>> it = p.iterator(); it.hasNext(); n++) {
      Tuple2<?, ?> e = it.next();
      a[n] = ((Number) e._2()).doubleValue();
      Object qv = qq.getOrElse(e._1(), () -> null);
      b[n] = qv == null ? 0.0 : ((Number) qv).doubleValue();
    }
    scala.collection.Map<Object, Object> pp = (scala.collection.Map<Object, Object>) p;
    for (Iterator<? extends Tuple2<?, ?>> it = q.iterator(); it.hasNext(); ) {
      Tuple2<?, ?> e = it.next();
      if (pp.contains(e._1())) continue;
      a[n] = 0.0;
      b[n++] = ((Number) e._2()).doubleValue();
    }
    return n;
  }

  private static void nullValues(scala.collection.Map<?, ?> m, int arg) {
    for (Iterator<? extends Tuple2<?, ?>> it = m.iterator(); it.hasNext(); ) {
      Tuple2<?, ?> e = it.next();
      if (e._2() == null) throw new InvalidInputException(arg, "has a null value for key '" + e._1() + "'");
    }
  }

  private static Seq<?> seq(String fn, Object v) {
    if (v instanceof Seq<?> s) return s;
    throw unsupported(fn, v);
  }

  private static double num(String fn, Object v) {
    if (v instanceof Number n) return n.doubleValue();
    throw unsupported(fn, v);
  }

  private static <T> T as(Class<T> type, Object q, String fn, Object p) {
    if (type.isInstance(q)) return type.cast(q);
    throw new IllegalArgumentException(fn + ": argument `q` must be stored like `p` (" + p.getClass().getName()
        + ") but was " + q.getClass().getName());
  }

  private static IllegalArgumentException unsupported(String fn, Object v) {
    return new IllegalArgumentException(fn + ": unsupported argument of class " + v.getClass().getName()
        + "; expected " + Representation.EXPECTED + " (or numbers where the function takes them, an MLlib matrix"
        + " for a covariance)");
  }

  /** Invalid input on one row: an error under ANSI mode, NULL otherwise (as the V2 functions). */
  private static <R> R invalid(String fn, String[] params, InvalidInputException e) {
    if (SQLConf.get().ansiEnabled()) {
      int arg = e.argumentIndex() >= 0 && e.argumentIndex() < params.length ? e.argumentIndex() : 0;
      throw new InvalidDivergenceInputException(fn, "`" + params[arg] + "`", e.problem());
    }
    return null;
  }
}
