package io.github.sparkdivergence.math;

import static io.github.sparkdivergence.math.Golden.base;
import static io.github.sparkdivergence.math.Golden.num;
import static io.github.sparkdivergence.math.Golden.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link MultivariateGaussian} and {@link GaussianMoments} against the CSVs written by
 * golden/make_mvn_golden.py (mpmath at 50 digits; scipy / numpy float64 as the reference).
 *
 * <p>KL tolerance, relative to the exact value: max(1e-12, d * eps * kappa), kappa the larger
 * 2-norm condition number of the two (ridged) covariances. Cholesky is backward stable: the
 * computed factors are exact for S + dS with ||dS|| <= c d eps ||S|| (Higham, Accuracy and
 * Stability, Thm 10.3), and such a relative perturbation moves the solves, hence the trace and the
 * quadratic form, by up to kappa times as much; the log-determinants move less. So well-conditioned
 * cases (kappa <= 30 here, d <= 200) are held to 1e-12 (they come out within 3e-16), the
 * ill-conditioned ones to a bound that grows with kappa (measured: 6e-12 at kappa = 1e6, 8e-9 at
 * 1e10, each 30 to 3000 times inside it).
 *
 * <p>The exception is {@code near_identical_*}: the distributions differ by ~1e-7 relative, so the
 * KL (~1e-14) is a sum of squares of entries of L2^-1 L1 - I of size ~1e-7, each known to ~eps
 * absolute; the relative error is then about eps / 1e-7 = 2e-9, and the tolerance is 1e-8
 * (measured 1.4e-10). The textbook formula that the scipy column evaluates cancels tr - d against
 * the log-determinants and is 4.5e-2 off there.
 *
 * <p>Moments: each covariance entry within 1e-12 * sqrt(C_ii C_jj) and each mean within 1e-12 *
 * max(|mean_i|, sqrt(C_ii)). Rounding errors of a sum of products of deviations are bounded by
 * ~eps n sum |d_i d_j| <= eps n (n - 1) sqrt(C_ii C_jj) (Cauchy-Schwarz), so the natural scale of
 * an entry's error is sqrt(C_ii C_jj), not the entry, which can be ~0. Measured: 3e-14 for the case
 * whose mean is 1e3 times its spread, <= 2e-15 for the others.
 */
class MultivariateGaussianGoldenTest {
  private static final double EPS = Math.ulp(1.0);

  @TestFactory
  Stream<DynamicTest> kl() {
    return Golden.rows("mvn_golden.csv").stream()
        .map(row -> DynamicTest.dynamicTest(row.get("case"), () -> checkKl(row)));
  }

  private static void checkKl(Map<String, String> row) {
    String name = row.get("case");
    int d = Integer.parseInt(row.get("d"));
    double ridge = num(row.get("ridge"));
    double b = base(row.get("base"));
    double[] mu1 = vec(row.get("mu1"));
    double[] cov1 = vec(row.get("cov1"));
    double[] mu2 = vec(row.get("mu2"));
    double[] cov2 = vec(row.get("cov2"));
    double expected = num(row.get("expected"));
    double kappa = Math.max(num(row.get("cond1")), num(row.get("cond2")));
    double tol = name.startsWith("near_identical") ? 1e-8 : Math.max(1e-12, d * EPS * kappa);

    double actual = MultivariateGaussian.kl(mu1, cov1, mu2, cov2, d, ridge, b);
    assertRel(expected, actual, tol, name + " vs exact");
    if (!row.get("ref_deviates").contains("ref")) {
      assertRel(num(row.get("ref")), actual, 2 * tol, name + " vs scipy");
    }
    // the whole-array overloads, in nats
    double nats = ridge == 0 ? MultivariateGaussian.kl(mu1, cov1, mu2, cov2)
        : MultivariateGaussian.kl(mu1, cov1, mu2, cov2, ridge);
    assertEquals(actual * (b == Math.E ? 1 : Math.log(b)), nats, Math.abs(nats) * 1e-15, name + " nats");
    // a reused work buffer with garbage in it, and inputs left as they were
    double[] work = new double[MultivariateGaussian.workLength(d) + 5];
    Arrays.fill(work, Double.NaN);
    double[] before = cov1.clone();
    assertEquals(actual, MultivariateGaussian.kl(mu1, cov1, mu2, cov2, d, ridge, b, work), name + " work");
    assertEquals(actual, MultivariateGaussian.kl(mu1, cov1, mu2, cov2, d, ridge, b, work), name + " work reused");
    assertTrue(Arrays.equals(before, cov1), name + ": cov1 was written");
  }

  private static void assertRel(double expected, double actual, double tol, String what) {
    boolean ok = expected == 0 ? actual == 0 : Math.abs(actual - expected) <= tol * Math.abs(expected);
    assertTrue(ok, what + ": expected " + expected + " but was " + actual + " (relative error "
        + Math.abs(actual - expected) / Math.abs(expected) + ", tolerance " + tol + ")");
  }

  @TestFactory
  Stream<DynamicTest> moments() {
    return Golden.rows("mvn_moments_golden.csv").stream()
        .map(row -> DynamicTest.dynamicTest(row.get("case"), () -> checkMoments(row)));
  }

  private static void checkMoments(Map<String, String> row) {
    String name = row.get("case");
    int d = Integer.parseInt(row.get("d"));
    int n = Integer.parseInt(row.get("n"));
    double[] x = vec(row.get("x"));
    double[] mean = vec(row.get("mean"));
    double[] cov = vec(row.get("cov"));

    GaussianMoments onePass = new GaussianMoments();
    for (int k = 0; k < n; k++) onePass.add(Arrays.copyOfRange(x, k * d, (k + 1) * d));
    assertEquals(n, onePass.count());
    assertEquals(d, onePass.dimension());
    assertMoments(mean, cov, onePass, d, name + " vs exact");
    assertMoments(vec(row.get("mean_numpy")), vec(row.get("cov_numpy")), onePass, d, name + " vs numpy.cov");

    // Partitions in any split and any merge order: the same moments within the same tolerance.
    Random r = new Random(name.hashCode());
    for (int trial = 0; trial < 20; trial++) {
      List<GaussianMoments> parts = new ArrayList<>();
      int parts0 = 1 + r.nextInt(Math.min(n, 6));
      for (int p = 0; p < parts0; p++) parts.add(r.nextBoolean() ? new GaussianMoments() : new GaussianMoments(d));
      List<Integer> order = new ArrayList<>();
      for (int k = 0; k < n; k++) order.add(k);
      Collections.shuffle(order, r);
      for (int k : order) parts.get(r.nextInt(parts0)).add(Arrays.copyOfRange(x, k * d, (k + 1) * d));
      Collections.shuffle(parts, r);
      while (parts.size() > 1) { // pairwise in random pairs: a random merge tree
        GaussianMoments a = parts.remove(r.nextInt(parts.size()));
        GaussianMoments b = parts.remove(r.nextInt(parts.size()));
        parts.add(a.merge(b));
      }
      GaussianMoments merged = parts.get(0);
      assertEquals(n, merged.count(), name);
      assertMoments(onePass.mean(), onePass.covariance(), merged, d, name + " merge trial " + trial);
    }
  }

  private static void assertMoments(double[] mean, double[] cov, GaussianMoments g, int d, String what) {
    double[] m = g.mean();
    double[] c = g.covariance();
    for (int i = 0; i < d; i++) {
      double scale = Math.max(Math.abs(mean[i]), Math.sqrt(cov[i * d + i]));
      assertTrue(Math.abs(m[i] - mean[i]) <= 1e-12 * scale, what + ": mean[" + i + "] " + m[i] + " vs " + mean[i]);
      for (int j = 0; j < d; j++) {
        double s = Math.sqrt(cov[i * d + i] * cov[j * d + j]);
        assertTrue(Math.abs(c[i * d + j] - cov[i * d + j]) <= 1e-12 * s,
            what + ": cov(" + i + ", " + j + ") " + c[i * d + j] + " vs " + cov[i * d + j]);
      }
    }
  }
}
