package io.github.sparkdivergence.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Invalid input, identities with {@link Gaussian}, and the allocation-free path of {@link MultivariateGaussian}. */
class MultivariateGaussianTest {
  private static final double[] MU = {0.0, 1.0};
  private static final double[] COV = {2.0, 0.3, 0.3, 0.5};
  private static final double[] I2 = {1.0, 0.0, 0.0, 1.0};

  private static InvalidInputException invalid(int arg, String name, String problem, Executable call) {
    InvalidInputException e = assertThrows(InvalidInputException.class, call);
    assertEquals(arg, e.argumentIndex(), "argumentIndex of: " + e.getMessage());
    assertEquals(problem, e.problem());
    assertEquals(name + " " + problem, e.getMessage());
    return e;
  }

  @Test
  void notPositiveDefinite() {
    // rank 1: the second pivot is 1 - 1 = 0
    double[] singular = {1.0, 1.0, 1.0, 1.0};
    invalid(3, "cov2", "is not positive definite (d = 2): Cholesky pivot 1 (0-based) is 0.0, not a finite number > 0; "
        + "pass a ridge > 0 (added to the diagonal of both covariances), e.g. 1e-6 times the mean variance",
        () -> MultivariateGaussian.kl(MU, COV, MU, singular));
    // indefinite, with a ridge too small to help: pivot 1 is 4 - (6 / 2)^2, exactly
    double[] indefinite = {3.75, 6.0, 0.0, 6.0, 3.75, 0.0, 0.0, 0.0, 1.0};
    invalid(1, "cov1", "is not positive definite (d = 3): Cholesky pivot 1 (0-based) is -5.0, not a finite number > 0, "
        + "with ridge 0.25; pass a larger ridge > 0 (added to the diagonal of both covariances), e.g. 1e-6 times the mean variance",
        () -> MultivariateGaussian.kl(new double[3], indefinite, new double[3], indefinite, 0.25));
    invalid(1, "cov1", "is not positive definite (d = 1): Cholesky pivot 0 (0-based) is -1.0, not a finite number > 0; "
        + "pass a ridge > 0 (added to the diagonal of both covariances), e.g. 1e-6 times the mean variance",
        () -> MultivariateGaussian.kl(new double[1], new double[] {-1}, new double[1], new double[] {1}));
    // the ridge is what the message suggests: it makes the singular matrix usable
    assertTrue(MultivariateGaussian.kl(MU, COV, MU, singular, 1e-3) > 0);
  }

  @Test
  void notSymmetric() {
    double[] asymmetric = {2.0, 0.3, 0.2, 0.5};
    invalid(1, "cov1", "is not symmetric (d = 2): entries (1, 0) = 0.2 and (0, 1) = 0.3 differ by more than 1.0E-8 "
        + "relative; pass (S + S^T) / 2 if the asymmetry is rounding", () -> MultivariateGaussian.kl(MU, asymmetric, MU, COV));
    // within the tolerance (relative to sqrt(S_00 S_11) = 1): the two triangles are averaged
    double[] rounding = {2.0, 0.3 + 5e-10, 0.3 - 5e-10, 0.5};
    assertEquals(MultivariateGaussian.kl(MU, COV, MU, I2), MultivariateGaussian.kl(MU, rounding, MU, I2), 1e-15);
    // the scale is sqrt(S_ii S_jj), so tiny covariances are judged by their own size
    double[] tiny = {2e-20, 0.3e-20, 0.31e-20, 0.5e-20};
    invalid(3, "cov2", "is not symmetric (d = 2): entries (1, 0) = 3.1E-21 and (0, 1) = 3.0E-21 differ by more than 1.0E-8 "
        + "relative; pass (S + S^T) / 2 if the asymmetry is rounding", () -> MultivariateGaussian.kl(MU, COV, MU, tiny));
  }

  @Test
  void shapesAndValues() {
    invalid(0, "mu1", "is empty", () -> MultivariateGaussian.kl(new double[0], new double[0], new double[0], new double[0]));
    invalid(0, "mu1", "d must be >= 1 but was -1", () -> MultivariateGaussian.kl(MU, COV, MU, COV, -1, 0, Math.E));
    invalid(2, "mu2", "has length 3 but mu1 has length 2", () -> MultivariateGaussian.kl(MU, COV, new double[3], COV));
    invalid(1, "cov1", "has length 3 but a row-major d x d matrix needs d * d = 4 (d = 2 from mu1)",
        () -> MultivariateGaussian.kl(MU, new double[3], MU, COV));
    invalid(3, "cov2", "has length 9 but a row-major d x d matrix needs d * d = 4 (d = 2 from mu1)",
        () -> MultivariateGaussian.kl(MU, COV, MU, new double[9]));
    invalid(3, "cov2", "has length 3 but a row-major d x d matrix needs d * d = 4 (d = 2)",
        () -> MultivariateGaussian.kl(MU, COV, MU, new double[3], 2, 0, Math.E));
    invalid(2, "mu2", "has length 1 but d = 2", () -> MultivariateGaussian.kl(MU, COV, new double[1], COV, 2, 0, Math.E));
    invalid(2, "mu2", "is null", () -> MultivariateGaussian.kl(MU, COV, null, COV));
    invalid(2, "mu2", "contains NaN at index 1", () -> MultivariateGaussian.kl(MU, COV, new double[] {0, Double.NaN}, COV));
    invalid(0, "mu1", "contains -Infinity at index 0",
        () -> MultivariateGaussian.kl(new double[] {Double.NEGATIVE_INFINITY, 0}, COV, MU, COV));
    invalid(1, "cov1", "contains NaN at (0, 1) (d = 2)",
        () -> MultivariateGaussian.kl(MU, new double[] {1, Double.NaN, 0, 1}, MU, COV));
    invalid(3, "cov2", "contains Infinity at (1, 1) (d = 2)",
        () -> MultivariateGaussian.kl(MU, COV, MU, new double[] {1, 0, 0, Double.POSITIVE_INFINITY}));
    invalid(4, "ridge", "must be finite and >= 0 but was -1.0", () -> MultivariateGaussian.kl(MU, COV, MU, COV, -1));
    invalid(4, "ridge", "must be finite and >= 0 but was NaN", () -> MultivariateGaussian.kl(MU, COV, MU, COV, Double.NaN));
    invalid(5, "base", LogBase.problem(1.0), () -> MultivariateGaussian.kl(MU, COV, MU, COV, 2, 0, 1.0));
    // only the first d (d * d) entries are read
    double[] longer = {2.0, 0.3, 0.3, 0.5, Double.NaN, -7};
    assertEquals(MultivariateGaussian.kl(MU, COV, MU, I2), MultivariateGaussian.kl(new double[] {0, 1, Double.NaN}, longer,
        new double[] {0, 1, 9}, new double[] {1, 0, 0, 1, Double.NaN}, 2, 0, Math.E));
  }

  /** d = 1 is kl_gaussian with sigma = sqrt(variance); a diagonal covariance is kl_gaussian on arrays. */
  @Test
  void agreesWithTheUnivariateAndDiagonalForms() {
    Random r = new Random(7);
    for (int t = 0; t < 200; t++) {
      double m1 = r.nextGaussian() * 3;
      double m2 = r.nextGaussian() * 3;
      double v1 = Math.exp(r.nextGaussian() * 4);
      double v2 = Math.exp(r.nextGaussian() * 4);
      double expected = Gaussian.klGaussian(m1, Math.sqrt(v1), m2, Math.sqrt(v2));
      double actual = MultivariateGaussian.kl(new double[] {m1}, new double[] {v1}, new double[] {m2}, new double[] {v2});
      assertEquals(expected, actual, 1e-14 * Math.max(1, expected), "d = 1, trial " + t);
    }
    int d = 40;
    double[] mu1 = new double[d];
    double[] mu2 = new double[d];
    double[] s1 = new double[d];
    double[] s2 = new double[d];
    double[] c1 = new double[d * d];
    double[] c2 = new double[d * d];
    for (int i = 0; i < d; i++) {
      mu1[i] = r.nextGaussian();
      mu2[i] = r.nextGaussian();
      s1[i] = 0.1 + r.nextDouble() * 3;
      s2[i] = 0.1 + r.nextDouble() * 3;
      c1[i * d + i] = s1[i] * s1[i];
      c2[i * d + i] = s2[i] * s2[i];
    }
    double diagonal = Gaussian.klGaussianDiagonal(mu1, s1, mu2, s2, d, 2);
    assertEquals(diagonal, MultivariateGaussian.kl(mu1, c1, mu2, c2, d, 0, 2), 1e-13 * diagonal);
    // identical distributions: exactly 0 (L2^-1 L1 is exactly I)
    assertEquals(0.0, MultivariateGaussian.kl(mu1, c1, mu1, c1));
  }

  /** KL of an affine image equals KL of the originals: a full (non-diagonal) check without golden files. */
  @Test
  void invariantUnderAnInvertibleLinearMap() {
    Random r = new Random(11);
    int d = 6;
    double[] a = new double[d * d]; // a well-conditioned map
    for (int i = 0; i < d * d; i++) a[i] = r.nextGaussian() * 0.3;
    for (int i = 0; i < d; i++) a[i * d + i] += 2;
    double[] mu1 = new double[d];
    double[] mu2 = new double[d];
    double[] v1 = new double[d];
    double[] v2 = new double[d];
    for (int i = 0; i < d; i++) {
      mu1[i] = r.nextGaussian();
      mu2[i] = r.nextGaussian();
      v1[i] = 0.5 + r.nextDouble();
      v2[i] = 0.5 + r.nextDouble();
    }
    double[] c1 = new double[d * d];
    double[] c2 = new double[d * d];
    for (int i = 0; i < d; i++) {
      c1[i * d + i] = v1[i];
      c2[i * d + i] = v2[i];
    }
    double expected = MultivariateGaussian.kl(mu1, c1, mu2, c2);
    double actual = MultivariateGaussian.kl(apply(a, mu1, d), congruence(a, v1, d), apply(a, mu2, d), congruence(a, v2, d));
    assertEquals(expected, actual, 1e-12 * expected);
  }

  private static double[] apply(double[] a, double[] x, int d) {
    double[] y = new double[d];
    for (int i = 0; i < d; i++) for (int k = 0; k < d; k++) y[i] += a[i * d + k] * x[k];
    return y;
  }

  /** A diag(v) A^T, computed symmetrically so the result is exactly symmetric. */
  private static double[] congruence(double[] a, double[] v, int d) {
    double[] s = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double t = 0;
        for (int k = 0; k < d; k++) t += a[i * d + k] * v[k] * a[j * d + k];
        s[i * d + j] = t;
        s[j * d + i] = t;
      }
    }
    return s;
  }

  /** With a work buffer, a row costs no allocation (Spark calls it once per row). */
  @Test
  void doesNotAllocateWithAWorkBuffer() {
    java.lang.management.ThreadMXBean raw = ManagementFactory.getThreadMXBean();
    assumeTrue(raw instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) raw;
    assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
    double[] work = new double[MultivariateGaussian.workLength(2)];
    long tid = Thread.currentThread().getId();
    double sink = 0;
    long allocated = 0;
    for (int round = 0; round < 2; round++) { // round 0 warms up
      long before = bean.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 5000; i++) sink += MultivariateGaussian.kl(MU, COV, MU, I2, 2, 0.0, 2, work);
      allocated = bean.getThreadAllocatedBytes(tid) - before;
    }
    assertTrue(sink > 0);
    assertTrue(allocated < 5000, allocated + " bytes allocated over 5000 calls");
  }
}
