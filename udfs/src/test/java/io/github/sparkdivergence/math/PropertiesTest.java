package io.github.sparkdivergence.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.sparkdivergence.math.RlhfKl.Estimator;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Identities and invariants that hold for any input, checked on seeded random data. */
class PropertiesTest {
  private static volatile double published;

  private static void sink(double value) {
    published = value;
  }

  private static final double LN2 = Math.log(2);

  private static double[] normalized(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / sum;
    }
    return out;
  }

  private static double[] randomVector(Random r, int n, double zeroFraction) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextDouble() < zeroFraction ? 0.0 : r.nextDouble() * 5;
    }
    return v;
  }

  private static void assertRel(double expected, double actual, double tol, String what) {
    assertTrue(expected == actual || Math.abs(actual - expected) <= tol * Math.abs(expected),
        what + ": expected " + expected + " but was " + actual);
  }

  @Test
  void logScale() {
    assertEquals(1.0, Divergence.logScale(Math.E));
    assertEquals(1.0 / Math.log(2), Divergence.logScale(2));
    assertEquals(1.0 / Math.log(10), Divergence.logScale(10));
    assertTrue(Divergence.logScale(0.5) < 0);
  }

  @Test
  void baseOnlyScales() {
    Random r = new Random(1);
    double[] p = randomVector(r, 50, 0.2);
    double[] q = randomVector(r, 50, 0);
    double nat = Divergence.klDivergence(p, q, 50, Math.E, true, 0);
    assertEquals(nat / Math.log(2), Divergence.klDivergence(p, q, 50, 2, true, 0));
    assertEquals(nat, Divergence.klDivergence(p, q, 50, Math.E, true, 0));
    double jsd = Divergence.jsDistance(p, q, 50, 2, true, 0);
    assertRel(Math.sqrt(Divergence.jsDivergence(p, q, 50, 2, true, 0)), jsd, 1e-15, "jsd");
  }

  @Test
  void denseEqualsSparseOnRandomVectors() {
    Random r = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(40);
      double[] p = randomVector(r, n, 0.4);
      double[] q = randomVector(r, n, 0.4);
      p[r.nextInt(n)] = 1.0; // keep the sums positive
      q[r.nextInt(n)] = 1.0;
      boolean normalize = r.nextBoolean();
      if (!normalize) { // used as given, they must be distributions
        p = normalized(p);
        q = normalized(q);
      }
      double eps = r.nextBoolean() ? 0 : 1e-6;
      double base = r.nextBoolean() ? Math.E : 2;
      DivergenceGoldenTest.Sparse ps = DivergenceGoldenTest.Sparse.of(p, false);
      DivergenceGoldenTest.Sparse qs = DivergenceGoldenTest.Sparse.of(q, false);
      String what = "trial " + trial;
      assertEquals(Divergence.klDivergence(p, q, n, base, normalize, eps),
          Divergence.klDivergenceSparse(
              n, ps.idx, ps.val, ps.nnz, qs.idx, qs.val, qs.nnz, base, normalize, eps), what);
      assertEquals(Divergence.jsDistance(p, q, n, base, normalize, eps),
          Divergence.jsDistanceSparse(
              n, ps.idx, ps.val, ps.nnz, qs.idx, qs.val, qs.nnz, base, normalize, eps), what);
      assertEquals(Divergence.jeffreysDivergence(p, q, n, base, normalize, eps),
          Divergence.jeffreysDivergenceSparse(
              n, ps.idx, ps.val, ps.nnz, qs.idx, qs.val, qs.nnz, base, normalize, eps), what);
      assertRel(Divergence.crossEntropy(p, q, n, base, normalize, eps),
          Divergence.crossEntropySparse(
              n, ps.idx, ps.val, ps.nnz, qs.idx, qs.val, qs.nnz, base, normalize, eps),
          1e-15, what);
      assertRel(Divergence.entropy(p, n, base, normalize, eps),
          Divergence.entropySparse(n, ps.idx, ps.val, ps.nnz, base, normalize, eps),
          1e-15, what);
    }
  }

  /** Implicit zeros are handled by a count: a billion-entry vector costs O(nnz). */
  @Test
  void sparseImplicitZerosCountForSmoothing() {
    int size = 1_000_000_000;
    double eps = 1e-12;
    int[] idx = {3, 999_999_999};
    double[] pv = {1.0, 3.0};
    double[] qv = {2.0, 2.0};
    double denom = 1 + size * eps;
    double p0 = (0.25 + eps) / denom;
    double p1 = (0.75 + eps) / denom;
    double q0 = (0.5 + eps) / denom;
    double z = eps / denom;
    double expectedH = -p0 * Math.log(p0) - p1 * Math.log(p1) - (size - 2) * z * Math.log(z);
    assertRel(expectedH, Divergence.entropySparse(size, idx, pv, 2, Math.E, true, eps), 1e-13,
        "entropy");
    double expectedKl = p0 * Math.log(p0 / q0) + p1 * Math.log(p1 / q0);
    assertRel(expectedKl,
        Divergence.klDivergenceSparse(size, idx, pv, 2, idx, qv, 2, Math.E, true, eps), 1e-13,
        "kl");
    double expectedCe = -p0 * Math.log(q0) - p1 * Math.log(q0) - (size - 2) * z * Math.log(z);
    assertRel(expectedCe,
        Divergence.crossEntropySparse(size, idx, pv, 2, idx, qv, 2, Math.E, true, eps), 1e-13,
        "cross entropy");
  }

  @Test
  void symmetryAndBounds() {
    Random r = new Random(3);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(30);
      double[] p = randomVector(r, n, 0.3);
      double[] q = randomVector(r, n, 0.3);
      p[0] = 0.5;
      q[n - 1] += 0.5;
      double js = Divergence.jsDivergence(p, q, n, Math.E, true, 0);
      assertEquals(js, Divergence.jsDivergence(q, p, n, Math.E, true, 0));
      assertTrue(js >= 0 && js <= LN2 * (1 + 1e-15), "JS in [0, ln 2]: " + js);
      double jsd2 = Divergence.jsDistance(p, q, n, 2, true, 0);
      assertTrue(jsd2 >= 0 && jsd2 <= 1 + 1e-15, "base-2 JS distance in [0, 1]: " + jsd2);
      assertRel(Divergence.jeffreysDivergence(p, q, n, Math.E, true, 0),
          Divergence.jeffreysDivergence(q, p, n, Math.E, true, 0), 1e-14, "jeffreys symmetric");
      double kl = Divergence.klDivergence(p, q, n, Math.E, true, 1e-9);
      assertTrue(kl >= 0, "Gibbs: " + kl);
      double ce = Divergence.crossEntropy(p, q, n, Math.E, true, 1e-9);
      double h = Divergence.entropy(p, n, Math.E, true, 1e-9);
      assertRel(ce, h + kl, 1e-13, "H(p,q) = H(p) + KL(p||q)");
    }
    // disjoint supports: JS distance is exactly at its maximum
    double[] a = {1, 0};
    double[] b = {0, 1};
    assertEquals(1.0, Divergence.jsDistance(a, b, 2, 2, false, 0), 1e-16);
    assertEquals(Double.POSITIVE_INFINITY, Divergence.klDivergence(a, b));
    assertEquals(0.0, Divergence.jsDivergence(a, a));
  }

  @Test
  void logSpaceAgreesWithLinearSpace() {
    Random r = new Random(11);
    for (int trial = 0; trial < 100; trial++) {
      int n = 1 + r.nextInt(30);
      double[] x = new double[n];
      double[] y = new double[n];
      double[] lp = new double[n];
      double[] lq = new double[n];
      double[] p = new double[n];
      double[] q = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = r.nextGaussian() * 3;
        y[i] = r.nextGaussian() * 3;
      }
      double lx = LogSpace.logSumExp(x);
      double ly = LogSpace.logSumExp(y);
      for (int i = 0; i < n; i++) {
        lp[i] = x[i] - lx;
        lq[i] = y[i] - ly;
        p[i] = Math.exp(lp[i]);
        q[i] = Math.exp(lq[i]);
      }
      double kl = Divergence.klDivergence(p, q, n, Math.E, true, 0);
      assertEquals(kl, LogSpace.klDivergenceFromLogits(x, y), 1e-14 * (1 + kl));
      assertEquals(kl, LogSpace.klDivergenceFromLogProbs(lp, lq), 1e-14 * (1 + kl));
      double[] shifted = new double[n];
      for (int i = 0; i < n; i++) {
        shifted[i] = x[i] + 1234.5;
      }
      assertEquals(LogSpace.klDivergenceFromLogits(x, y),
          LogSpace.klDivergenceFromLogits(shifted, y), 1e-12 * (1 + kl));
    }
  }

  @Test
  void logitSpecialValues() {
    double inf = Double.POSITIVE_INFINITY;
    // softmax is undefined there: invalid input (it was NaN, as PyTorch gives)
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> LogSpace.klDivergenceFromLogits(new double[] {inf, 0}, new double[] {0, 0}));
    assertEquals(0, e.argumentIndex());
    e = assertThrows(InvalidInputException.class,
        () -> LogSpace.klDivergenceFromLogits(new double[] {0, 0}, new double[] {-inf, -inf}));
    assertEquals(1, e.argumentIndex());
    assertTrue(e.problem().contains("only -Infinity"), e.problem());
    assertEquals(inf, LogSpace.klDivergenceFromLogits(new double[] {0, 0},
        new double[] {0, -inf}));
    assertEquals(0.0, LogSpace.klDivergenceFromLogits(new double[] {-inf, 0},
        new double[] {-inf, 5}));
  }

  @Test
  void gaussianIdentities() {
    Random r = new Random(5);
    for (int trial = 0; trial < 100; trial++) {
      double mu = r.nextGaussian();
      double lv = r.nextGaussian();
      assertRel(Gaussian.klGaussian(mu, Math.exp(lv / 2), 0, 1), Gaussian.klStdNormal(mu, lv),
          1e-13, "std normal is the special case");
      double s1 = 0.1 + r.nextDouble();
      double s2 = 0.1 + r.nextDouble();
      // the divergence depends on the scale only through sigma ratios and mean offset / sigma2
      assertRel(Gaussian.klGaussian(mu, s1, 0, s2), Gaussian.klGaussian(mu * 1e100, s1 * 1e100,
          0, s2 * 1e100), 1e-13, "scale invariance");
    }
    assertEquals(0.0, Gaussian.klGaussian(3, 2, 3, 2));
    assertEquals(0.0, Gaussian.klStdNormal(0, 0));
    assertEquals(Double.POSITIVE_INFINITY, Gaussian.klStdNormal(0, Double.NEGATIVE_INFINITY));
    assertEquals(Double.POSITIVE_INFINITY, Gaussian.klGaussian(0, 1, 0, Double.POSITIVE_INFINITY));
  }

  @Test
  void rlhfEstimators() {
    Random r = new Random(9);
    for (int i = 0; i < 1000; i++) {
      double lp = -5 * r.nextDouble();
      double ref = lp + r.nextGaussian() * Math.pow(10, -r.nextInt(12));
      double k1 = RlhfKl.tokenValue(Estimator.K1, lp, ref);
      double k2 = RlhfKl.tokenValue(Estimator.K2, lp, ref);
      double k3 = RlhfKl.tokenValue(Estimator.K3, lp, ref);
      assertEquals(lp - ref, k1);
      assertEquals(0.5 * k1 * k1, k2, 1e-16 * k2);
      assertTrue(k3 >= 0, "k3 >= 0");
      // k3 = d^2/2 - d^3/6 + ... with d = ref - lp = -k1; agrees with k2 to second order
      assertRel(k2, k3, Math.abs(k1) + 1e-15, "k3 ~ k2 for small differences");
    }
    assertEquals(Double.POSITIVE_INFINITY,
        RlhfKl.tokenValue(Estimator.K3, -1, Double.NEGATIVE_INFINITY));
    assertEquals(Double.POSITIVE_INFINITY,
        RlhfKl.tokenValue(Estimator.K3, -1000, -1)); // e^999 overflows, and so does the value
    assertEquals(998.0, RlhfKl.tokenValue(Estimator.K3, -1, -1000), 1e-12);
  }

  /** The hot paths must not allocate per call (Spark calls them once per row). */
  @Test
  void hotPathsDoNotAllocate() {
    java.lang.management.ThreadMXBean raw = ManagementFactory.getThreadMXBean();
    assumeTrue(raw instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) raw;
    assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
    Random r = new Random(2);
    int n = 64;
    double[] p = randomVector(r, n, 0.3);
    double[] q = randomVector(r, n, 0.1);
    double[] mask = new double[n];
    for (int i = 0; i < n; i++) {
      mask[i] = i % 3 == 0 ? 0 : 1;
    }
    double[] out = new double[n];
    double[] sigma = new double[n];
    for (int i = 0; i < n; i++) {
      sigma[i] = 0.5 + p[i];
    }
    DivergenceGoldenTest.Sparse ps = DivergenceGoldenTest.Sparse.of(p, false);
    DivergenceGoldenTest.Sparse qs = DivergenceGoldenTest.Sparse.of(q, false);
    double[] pn = normalized(p);
    double[] qn = normalized(q);
    double[] lp = new double[n];
    double[] lq = new double[n];
    for (int i = 0; i < n; i++) {
      lp[i] = Math.log(pn[i]);
      lq[i] = Math.log(qn[i]);
    }
    long tid = Thread.currentThread().getId();
    double sink = 0;
    for (int round = 0; round < 2; round++) { // round 0 warms up (class init, JIT)
      long before = bean.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 2000; i++) {
        sink += Divergence.klDivergence(p, q, n, 2, true, 1e-9);
        sink += Divergence.jsDistance(p, q, n, Math.E, true, 0);
        sink += Divergence.jeffreysDivergence(pn, qn, n, 10, false, 0);
        sink += Divergence.klDivergence(pn, qn, n, Math.E, false, 0);
        sink += Divergence.crossEntropy(p, q, n, 2, true, 0);
        sink += Divergence.entropy(p, n, 2, true, 1e-3);
        sink += Divergence.klDivergenceSparse(
            n, ps.idx, ps.val, ps.nnz, qs.idx, qs.val, qs.nnz, 2, true, 1e-6);
        sink += Divergence.entropySparse(n, ps.idx, ps.val, ps.nnz, 2, true, 1e-6);
        sink += LogSpace.klDivergenceFromLogits(p, q, n, 2);
        sink += LogSpace.klDivergenceFromLogProbs(lp, lq, n, Math.E);
        sink += LogSpace.logSumExp(p, n);
        sink += Gaussian.klGaussianDiagonal(p, sigma, q, sigma, n, Math.E);
        sink += Gaussian.klStdNormal(p, q, n, Math.E);
        sink += RlhfKl.maskedMean(p, q, mask, n, Estimator.K3);
        RlhfKl.perToken(p, q, mask, n, Estimator.K2, out);
        sink += out[1];
      }
      long allocated = bean.getThreadAllocatedBytes(tid) - before;
      if (round == 1) {
        // 30,000 calls: even 16 bytes per call would be 480 KB
        assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes");
      }
    }
    // Not an assertion: publishing the results keeps the JIT from dropping the calls measured above.
    sink(sink);
  }
}
