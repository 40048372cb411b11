package io.github.sparkdivergence.math;

import static io.github.sparkdivergence.math.Golden.assertClose;
import static io.github.sparkdivergence.math.Golden.assertRelClose;
import static io.github.sparkdivergence.math.Golden.base;
import static io.github.sparkdivergence.math.Golden.num;
import static io.github.sparkdivergence.math.Golden.padded;
import static io.github.sparkdivergence.math.Golden.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks every row of the golden CSVs against the exact (mpmath) value and, unless the row lists
 * the function in ref_deviates, against the scipy / PyTorch-formula float64 value. Sparse variants
 * are checked against the dense result for the same vectors.
 *
 * <p>Rows whose inputs are not distributions (+inf entries; without normalize, a sum off 1 by more
 * than 1e-5; log-probabilities whose exponentials do not sum to 1) keep scipy's values in the CSV,
 * which sums the terms of any input; this library rejects them instead (the class comments of
 * {@link Divergence} and {@link LogSpace}), and these rows check that it does, dense and sparse.
 */
class DivergenceGoldenTest {

  /** The golden file's columns: the first five by their earlier names, the others by SQL name. */
  private static final String[] PAIR_FUNCTIONS = {
    "kl", "cross_entropy", "js_divergence", "js_distance", "jeffreys",
    "hellinger_distance", "total_variation", "linf_distance"
  };

  /** Every measure of two distributions has golden values here. */
  @org.junit.jupiter.api.Test
  void everyPairMeasureIsCovered() {
    List<DistributionMeasure> covered = Arrays.stream(PAIR_FUNCTIONS).map(DivergenceGoldenTest::measure).toList();
    for (DistributionMeasure m : DistributionMeasure.values()) {
      if (m.pair()) assertTrue(covered.contains(m), m + " has no golden column");
    }
  }

  private static DistributionMeasure measure(String column) {
    return switch (column) {
      case "kl" -> DistributionMeasure.KL_DIV;
      case "js_divergence" -> DistributionMeasure.JS_DIV;
      case "jeffreys" -> DistributionMeasure.JEFFREYS_DIV;
      default -> DistributionMeasure.bySqlName(column);
    };
  }

  @TestFactory
  Stream<DynamicTest> divergence() {
    return Golden.rows("divergence_golden.csv").stream()
        .map(row -> DynamicTest.dynamicTest(row.get("case"), () -> checkDivergence(row)));
  }

  private static void checkDivergence(Map<String, String> row) {
    double[] p = vec(row.get("p"));
    double[] q = vec(row.get("q"));
    int n = p.length;
    double base = base(row.get("base"));
    boolean normalize = Boolean.parseBoolean(row.get("normalize"));
    double eps = num(row.get("eps"));
    List<String> deviates = Arrays.asList(row.get("ref_deviates").split(" "));
    double[] pb = padded(p);
    double[] qb = padded(q);
    Sparse ps = Sparse.of(p, false);
    Sparse qs = Sparse.of(q, false);
    Sparse pz = Sparse.of(p, true);
    Sparse qz = Sparse.of(q, true);
    boolean pValid = isDistribution(p, normalize);
    boolean qValid = isDistribution(q, normalize);
    if (!pValid || !qValid) {
      for (String f : PAIR_FUNCTIONS) {
        String what = row.get("case") + "." + f + " is not defined for non-distributions";
        assertThrows(InvalidInputException.class, () -> dense(f, pb, qb, n, base, normalize, eps), what);
        assertThrows(InvalidInputException.class, () -> sparse(f, n, ps, qs, base, normalize, eps), what + " sparse");
        assertThrows(InvalidInputException.class, () -> sparse(f, n, pz, qz, base, normalize, eps), what + " sparse+zeros");
      }
      if (!pValid) {
        assertThrows(InvalidInputException.class, () -> Divergence.entropy(pb, n, base, normalize, eps));
        assertThrows(InvalidInputException.class,
            () -> Divergence.entropySparse(n, ps.idx, ps.val, ps.nnz, base, normalize, eps));
        return;
      }
    }
    for (String f : pValid && qValid ? PAIR_FUNCTIONS : new String[0]) {
      double dense = dense(f, pb, qb, n, base, normalize, eps);
      String what = row.get("case") + "." + f;
      assertClose(num(row.get(f)), dense, what + " vs exact");
      if (!deviates.contains(f)) {
        assertClose(num(row.get(f + "_ref")), dense, what + " vs scipy");
      }
      // terms at positions zero in both vectors are exactly 0 for these, so bit-identical
      boolean exact = eps == 0 || !f.equals("cross_entropy");
      checkSame(dense, sparse(f, n, ps, qs, base, normalize, eps), exact, what + " sparse");
      assertEquals(dense, sparse(f, n, pz, qz, base, normalize, eps), what + " sparse+zeros");
    }
    double h = Divergence.entropy(pb, n, base, normalize, eps);
    assertClose(num(row.get("entropy")), h, row.get("case") + ".entropy vs exact");
    if (!deviates.contains("entropy")) {
      assertClose(num(row.get("entropy_ref")), h, row.get("case") + ".entropy vs scipy");
    }
    checkSame(h, Divergence.entropySparse(n, ps.idx, ps.val, ps.nnz, base, normalize, eps),
        eps == 0, row.get("case") + ".entropy sparse");
    if (base == Math.E && !normalize && eps == 0 && qValid) {
      assertEquals(Divergence.klDivergence(p, q), dense("kl", pb, qb, n, base, false, 0));
      assertEquals(Divergence.crossEntropy(p, q), dense("cross_entropy", pb, qb, n, base, false, 0));
      assertEquals(Divergence.jsDivergence(p, q), dense("js_divergence", pb, qb, n, base, false, 0));
      assertEquals(Divergence.jsDistance(p, q), dense("js_distance", pb, qb, n, base, false, 0));
      assertEquals(Divergence.jeffreysDivergence(p, q), dense("jeffreys", pb, qb, n, base, false, 0));
      assertEquals(Divergence.entropy(p), h);
    }
  }

  /** The documented rule, restated: no +inf; a positive sum when normalized, else 1 within 1e-5. */
  private static boolean isDistribution(double[] v, boolean normalize) {
    double sum = 0;
    for (double x : v) {
      if (x == Double.POSITIVE_INFINITY) {
        return false;
      }
      sum += x;
    }
    return normalize ? sum > 0 : Math.abs(sum - 1) <= 1e-5;
  }

  private static void checkSame(double dense, double sparse, boolean exact, String what) {
    if (exact) {
      assertEquals(dense, sparse, what);
    } else {
      assertRelClose(dense, sparse, what);
    }
  }

  private static double dense(String f, double[] p, double[] q, int n, double base,
      boolean normalize, double eps) {
    switch (f) {
      case "kl":
        return Divergence.klDivergence(p, q, n, base, normalize, eps);
      case "cross_entropy":
        return Divergence.crossEntropy(p, q, n, base, normalize, eps);
      case "js_divergence":
        return Divergence.jsDivergence(p, q, n, base, normalize, eps);
      case "js_distance":
        return Divergence.jsDistance(p, q, n, base, normalize, eps);
      case "jeffreys":
        return Divergence.jeffreysDivergence(p, q, n, base, normalize, eps);
      default:
        return measure(f).dense(p, q, n, base, normalize, eps);
    }
  }

  private static double sparse(String f, int size, Sparse p, Sparse q, double base,
      boolean normalize, double eps) {
    switch (f) {
      case "kl":
        return Divergence.klDivergenceSparse(
            size, p.idx, p.val, p.nnz, q.idx, q.val, q.nnz, base, normalize, eps);
      case "cross_entropy":
        return Divergence.crossEntropySparse(
            size, p.idx, p.val, p.nnz, q.idx, q.val, q.nnz, base, normalize, eps);
      case "js_divergence":
        return Divergence.jsDivergenceSparse(
            size, p.idx, p.val, p.nnz, q.idx, q.val, q.nnz, base, normalize, eps);
      case "js_distance":
        return Divergence.jsDistanceSparse(
            size, p.idx, p.val, p.nnz, q.idx, q.val, q.nnz, base, normalize, eps);
      case "jeffreys":
        return Divergence.jeffreysDivergenceSparse(
            size, p.idx, p.val, p.nnz, q.idx, q.val, q.nnz, base, normalize, eps);
      default:
        return measure(f).sparse(size, p.idx, p.val, p.nnz, q.idx, q.val, q.nnz, base, normalize, eps);
    }
  }

  /** MLlib-layout sparse vector with garbage past nnz. */
  static final class Sparse {
    final int[] idx;
    final double[] val;
    final int nnz;

    private Sparse(int[] idx, double[] val, int nnz) {
      this.idx = idx;
      this.val = val;
      this.nnz = nnz;
    }

    static Sparse of(double[] dense, boolean keepZeros) {
      int[] idx = new int[dense.length + 2];
      double[] val = new double[dense.length + 2];
      int k = 0;
      for (int i = 0; i < dense.length; i++) {
        if (keepZeros || dense[i] != 0) {
          idx[k] = i;
          val[k++] = dense[i];
        }
      }
      idx[k] = -7;
      val[k] = Double.NaN;
      return new Sparse(idx, val, k);
    }
  }

  // ---------------------------------------------------------------- log space

  @TestFactory
  Stream<DynamicTest> logSpace() {
    return Golden.rows("logspace_golden.csv").stream()
        .map(row -> DynamicTest.dynamicTest(row.get("case"), () -> checkLogSpace(row)));
  }

  private static void checkLogSpace(Map<String, String> row) {
    double[] x = vec(row.get("x"));
    double[] y = vec(row.get("y"));
    double base = base(row.get("base"));
    double actual;
    if (row.get("function").equals("kl_logprobs") && !(logMass(x) && logMass(y))) {
      assertThrows(InvalidInputException.class,
          () -> LogSpace.klDivergenceFromLogProbs(padded(x), padded(y), x.length, base), row.get("case"));
      return;
    }
    if (row.get("function").equals("kl_logits") && !(logits(x) && logits(y))) {
      assertThrows(InvalidInputException.class,
          () -> LogSpace.klDivergenceFromLogits(padded(x), padded(y), x.length, base), row.get("case"));
      return;
    }
    switch (row.get("function")) {
      case "kl_logprobs":
        actual = LogSpace.klDivergenceFromLogProbs(padded(x), padded(y), x.length, base);
        if (base == Math.E) {
          assertEquals(actual, LogSpace.klDivergenceFromLogProbs(x, y));
        }
        break;
      case "kl_logits":
        actual = LogSpace.klDivergenceFromLogits(padded(x), padded(y), x.length, base);
        if (base == Math.E) {
          assertEquals(actual, LogSpace.klDivergenceFromLogits(x, y));
        }
        break;
      default:
        actual = LogSpace.logSumExp(padded(x), x.length);
        assertEquals(actual, LogSpace.logSumExp(x));
        break;
    }
    assertClose(num(row.get("expected")), actual, row.get("case") + " vs exact");
    if (row.get("ref_deviates").isEmpty()) {
      assertClose(num(row.get("ref")), actual, row.get("case") + " vs reference");
    }
  }

  /** Log-probabilities of a distribution: no +inf, sum exp within 1e-5 of 1. */
  private static boolean logMass(double[] v) {
    double mass = 0;
    for (double x : v) {
      if (x == Double.POSITIVE_INFINITY) {
        return false;
      }
      mass += Math.exp(x);
    }
    return Math.abs(mass - 1) <= 1e-5;
  }

  /** Logits softmax is defined for: no +inf, not all -inf. */
  private static boolean logits(double[] v) {
    boolean some = false;
    for (double x : v) {
      if (x == Double.POSITIVE_INFINITY) {
        return false;
      }
      some |= x > Double.NEGATIVE_INFINITY;
    }
    return some;
  }

  // ---------------------------------------------------------------- Gaussian

  @TestFactory
  Stream<DynamicTest> gaussian() {
    return Golden.rows("gaussian_golden.csv").stream()
        .map(row -> DynamicTest.dynamicTest(row.get("case"), () -> checkGaussian(row)));
  }

  private static void checkGaussian(Map<String, String> row) {
    double[] a = vec(row.get("a"));
    double[] b = vec(row.get("b"));
    double[] c = vec(row.get("c"));
    double[] d = vec(row.get("d"));
    double base = base(row.get("base"));
    double expected = num(row.get("expected"));
    String what = row.get("case");
    double actual;
    switch (row.get("function")) {
      case "kl_gaussian":
        actual = Gaussian.klGaussian(a[0], b[0], c[0], d[0], base);
        assertRelClose(expected, actual, what + " vs exact");
        assertEquals(actual, Gaussian.klGaussianDiagonal(a, b, c, d, 1, base), what + " diag");
        break;
      case "kl_gaussian_diagonal":
        actual = Gaussian.klGaussianDiagonal(
            padded(a), padded(b), padded(c), padded(d), a.length, base);
        assertClose(expected, actual, what + " vs exact");
        break;
      case "kl_std_normal":
        actual = Gaussian.klStdNormal(a[0], b[0], base);
        assertRelClose(expected, actual, what + " vs exact");
        assertEquals(actual, Gaussian.klStdNormal(a, b, 1, base), what + " vector");
        break;
      default:
        actual = Gaussian.klStdNormal(padded(a), padded(b), a.length, base);
        assertClose(expected, actual, what + " vs exact");
        break;
    }
    if (row.get("ref_deviates").isEmpty()) {
      assertClose(num(row.get("ref")), actual, what + " vs PyTorch formula");
    }
  }

  // ---------------------------------------------------------------- RLHF

  @TestFactory
  Stream<DynamicTest> rlhf() {
    return Golden.rows("rlhf_golden.csv").stream()
        .map(row -> DynamicTest.dynamicTest(row.get("case"), () -> checkRlhf(row)));
  }

  private static void checkRlhf(Map<String, String> row) {
    double[] lp = vec(row.get("lp"));
    double[] ref = vec(row.get("ref"));
    double[] mask = row.get("mask").isEmpty() ? null : vec(row.get("mask"));
    double[] expected = vec(row.get("per_token"));
    int n = lp.length;
    RlhfKl.Estimator e = RlhfKl.Estimator.parse(row.get("estimator"));
    String what = row.get("case");
    double[] out = new double[n + 2];
    out[n] = 42.0;
    RlhfKl.perToken(padded(lp), padded(ref), mask == null ? null : padded(mask), n, e, out);
    assertEquals(42.0, out[n], "wrote past n");
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (mask == null || mask[i] == 1) {
        assertEquals(out[i], RlhfKl.tokenValue(e, lp[i], ref[i]));
      }
      try {
        assertRelClose(expected[i], out[i], what + "[" + i + "]");
      } catch (AssertionError err) {
        bad.add(err.getMessage());
      }
    }
    assertEquals(List.of(), bad);
    double sum = RlhfKl.maskedSum(lp, ref, mask, n, e);
    assertClose(num(row.get("sum")), sum, what + " sum vs exact");
    if (row.get("ref_deviates").isEmpty()) {
      assertClose(num(row.get("ref_sum")), sum, what + " sum vs numpy");
    }
    assertClose(num(row.get("mean")), RlhfKl.maskedMean(lp, ref, mask, n, e), what + " mean");
  }
}
