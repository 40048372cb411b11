package io.github.sparkdivergence.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkdivergence.math.RlhfKl.Estimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class InvalidInputTest {
  private static final double[] P = {0.2, 0.3, 0.5};
  private static final double[] Q = {0.4, 0.4, 0.2};
  private static final int[] IDX = {0, 2};
  private static final double[] VAL = {1.0, 2.0};

  private static InvalidInputException invalid(int arg, String problem, Executable call) {
    InvalidInputException e = assertThrows(InvalidInputException.class, call);
    assertEquals(arg, e.argumentIndex(), "argumentIndex of: " + e.problem());
    assertEquals(problem, e.problem());
    assertEquals(problem, e.getMessage());
    assertTrue(e instanceof IllegalArgumentException);
    return e;
  }

  @Test
  void denseEntries() {
    invalid(0, "negative value -0.5 at index 3",
        () -> Divergence.klDivergence(new double[] {1, 1, 1, -0.5}, new double[4]));
    invalid(1, "contains NaN at index 2",
        () -> Divergence.jsDivergence(P, new double[] {1, 1, Double.NaN}));
    invalid(1, "negative value -Infinity at index 0",
        () -> Divergence.crossEntropy(P, new double[] {Double.NEGATIVE_INFINITY, 1, 1}));
    invalid(0, "contains NaN at index 0",
        () -> Divergence.entropy(new double[] {Double.NaN}));
    // p is checked before q, whatever the index
    invalid(0, "contains NaN at index 2",
        () -> Divergence.jeffreysDivergence(new double[] {1, 1, Double.NaN},
            new double[] {-1, 1, 1}));
    // -0.0 is a zero, not a negative value
    assertEquals(Math.log(2), Divergence.klDivergence(new double[] {-0.0, 1}, new double[] {0.5, 0.5}));
  }

  @Test
  void denseShapes() {
    invalid(0, "is empty", () -> Divergence.klDivergence(new double[0], new double[0]));
    invalid(0, "is empty", () -> Divergence.klDivergence(P, Q, 0, Math.E, false, 0));
    invalid(0, "is empty", () -> Divergence.entropy(P, 0, 2, false, 0));
    invalid(0, "n must be >= 0 but was -1",
        () -> Divergence.jsDistance(P, Q, -1, Math.E, false, 0));
    invalid(1, "length 3 does not match length 4 of the first argument",
        () -> Divergence.klDivergence(new double[4], new double[3]));
    invalid(1, "length 3 is shorter than n = 4",
        () -> Divergence.klDivergence(new double[5], new double[3], 4, Math.E, false, 0));
    invalid(0, "is null", () -> Divergence.klDivergence(null, Q));
    invalid(1, "is null", () -> Divergence.crossEntropy(P, null, 3, 2, false, 0));
  }

  @Test
  void options() {
    invalid(2, "log base must be positive, finite and not 1 but was 1.0",
        () -> Divergence.klDivergence(P, Q, 3, 1.0, false, 0));
    invalid(2, "log base must be positive, finite and not 1 but was 0.0",
        () -> Divergence.jsDistance(P, Q, 3, 0.0, false, 0));
    invalid(2, "log base must be positive, finite and not 1 but was -2.0",
        () -> Divergence.jeffreysDivergence(P, Q, 3, -2.0, false, 0));
    invalid(2, "log base must be positive, finite and not 1 but was NaN",
        () -> Divergence.crossEntropy(P, Q, 3, Double.NaN, false, 0));
    invalid(2, "log base must be positive, finite and not 1 but was Infinity",
        () -> Divergence.jsDivergence(P, Q, 3, Double.POSITIVE_INFINITY, false, 0));
    invalid(1, "log base must be positive, finite and not 1 but was 1.0",
        () -> Divergence.entropy(P, 3, 1.0, false, 0));
    invalid(4, "eps must be >= 0 but was -1.0",
        () -> Divergence.klDivergence(P, Q, 3, 2, true, -1));
    invalid(4, "eps must be >= 0 but was NaN",
        () -> Divergence.klDivergence(P, Q, 3, 2, true, Double.NaN));
    invalid(4, "eps must be finite but was Infinity",
        () -> Divergence.klDivergence(P, Q, 3, 2, true, Double.POSITIVE_INFINITY));
    invalid(3, "eps must be >= 0 but was -1.0E-9",
        () -> Divergence.entropy(P, 3, 2, true, -1e-9));
    invalid(0, "sums to 0", () -> Divergence.klDivergence(new double[3], Q, 3, 2, true, 0));
    invalid(1, "sums to 0", () -> Divergence.jsDistance(P, new double[3], 3, 2, true, 0.1));
    invalid(0, "sums to 0", () -> Divergence.entropy(new double[] {0, -0.0}, 2, 2, true, 0));
    invalid(0, "log base must be positive, finite and not 1 but was 1.0", () -> Divergence.logScale(1));
  }

  /**
   * Without normalize the inputs must be distributions (issue: a negative KL, an entropy below 0
   * and a JS distance above 1 came out of counts used as given, -Infinity out of a +inf entry).
   */
  @Test
  void onlyDistributionsAreUsedAsGiven() {
    String notOne = ", not 1 (within 1.0E-5); pass normalize => true to divide it by its sum";
    invalid(0, "sums to 0.2" + notOne,
        () -> Divergence.klDivergence(new double[] {.1, .1}, new double[] {.5, .5}));
    invalid(0, "sums to 4.0" + notOne, () -> Divergence.entropy(new double[] {2, 2}));
    invalid(0, "sums to 5.0" + notOne,
        () -> Divergence.jsDistance(new double[] {5, 0}, new double[] {0, 5}, 2, 2, false, 0));
    invalid(1, "sums to 0.0" + notOne, () -> Divergence.klDivergence(Q, new double[3]));
    invalid(1, "sums to 3.0" + notOne, () -> Divergence.jeffreysDivergenceSparse(
        3, IDX, new double[] {0.5, 0.5}, 2, IDX, VAL, 2, Math.E, false, 0));
    invalid(0, "sums to 3.0" + notOne,
        () -> Divergence.entropySparse(3, IDX, VAL, 2, Math.E, false, 0));
    // the same vectors are fine normalized, and the values are in range
    assertEquals(Math.log(2), Divergence.jsDivergence(new double[] {5, 0}, new double[] {0, 5}, 2,
        Math.E, true, 0), 1e-16);
    assertEquals(Math.log(2), Divergence.entropy(new double[] {2, 2}, 2, Math.E, true, 0), 1e-16);
    // +inf is not a probability: it gave KL = -inf (NaN with normalize)
    invalid(0, "infinite value Infinity at index 0", () -> Divergence.klDivergence(
        new double[] {Double.POSITIVE_INFINITY, 1}, new double[] {1, 1}));
    invalid(1, "infinite value Infinity at index 1", () -> Divergence.klDivergence(
        new double[] {1, 1}, new double[] {1, Double.POSITIVE_INFINITY}, 2, Math.E, true, 0));
    invalid(0, "infinite value Infinity at index 2", () -> Divergence.entropySparse(
        4, new int[] {2}, new double[] {Double.POSITIVE_INFINITY}, 1, Math.E, true, 0));
    invalid(0, "contains +Infinity at index 1", () -> LogSpace.klDivergenceFromLogProbs(
        new double[] {0, Double.POSITIVE_INFINITY}, new double[] {0, 0}));
    invalid(1, "contains +Infinity at index 0", () -> LogSpace.klDivergenceFromLogits(
        new double[] {0, 0}, new double[] {Double.POSITIVE_INFINITY, 0}));
    // unnormalized log-probabilities: exp(ln .1) * 2 = 0.2
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> LogSpace.klDivergenceFromLogProbs(new double[] {Math.log(.1), Math.log(.1)},
            new double[] {Math.log(.5), Math.log(.5)}));
    assertEquals(0, e.argumentIndex());
    assertTrue(e.problem().startsWith("are not normalized log-probabilities: sum exp(x_i) = 0.2"), e.problem());
  }

  /** Within the tolerance the inputs are used as given and the result is kept in range. */
  @Test
  void resultsStayInRangeWithinTheTolerance() {
    double d = 4e-6;
    // exact value -8e-6: clamped to 0
    assertEquals(0.0, Divergence.klDivergence(new double[] {0.5, 0.5 - d}, new double[] {0.5, 0.5 + d}));
    assertEquals(0.0, Divergence.klDivergenceSparse(2, new int[] {0, 1}, new double[] {0.5, 0.5 - d}, 2,
        new int[] {0, 1}, new double[] {0.5, 0.5 + d}, 2, Math.E, false, 0));
    // exact JS ln(2) * (1 + 5e-6): clamped to ln 2, a JS distance of exactly 1 bit
    double[] p = {1 + 5e-6, 0};
    double[] q = {0, 1 + 5e-6};
    assertEquals(Math.log(2), Divergence.jsDivergence(p, q));
    assertEquals(1.0, Divergence.jsDistance(p, q, 2, 2, false, 0));
    // exact entropy above ln 2 for two outcomes: clamped to ln 2
    assertEquals(Math.log(2), Divergence.entropy(new double[] {0.5 - d, 0.5 - d}));
    assertEquals(Math.log(2), Divergence.entropySparse(2, new int[] {0, 1}, new double[] {0.5 - d, 0.5 - d}, 2,
        Math.E, false, 0));
    // exact value slightly negative in log space too
    assertEquals(0.0, LogSpace.klDivergenceFromLogProbs(new double[] {Math.log(0.5), Math.log(0.5 - d)},
        new double[] {Math.log(0.5), Math.log(0.5 + d)}));
  }

  @Test
  void sparse() {
    invalid(0, "is empty", () -> Divergence.klDivergenceSparse(
        0, new int[0], new double[0], 0, new int[0], new double[0], 0, Math.E, false, 0));
    invalid(1, "unsorted index 1 after 2 at position 1", () -> Divergence.klDivergenceSparse(
        3, IDX, VAL, 2, new int[] {2, 1}, VAL, 2, Math.E, false, 0));
    invalid(0, "duplicate index 2 at position 1", () -> Divergence.jsDivergenceSparse(
        3, new int[] {2, 2}, VAL, 2, IDX, VAL, 2, Math.E, false, 0));
    invalid(1, "index 3 at position 1 is out of range for size 3",
        () -> Divergence.crossEntropySparse(
            3, IDX, VAL, 2, new int[] {0, 3}, VAL, 2, Math.E, false, 0));
    invalid(0, "index -1 at position 0 is out of range for size 3",
        () -> Divergence.entropySparse(3, new int[] {-1}, VAL, 1, Math.E, false, 0));
    invalid(1, "negative value -0.5 at index 2", () -> Divergence.jsDistanceSparse(
        3, IDX, VAL, 2, IDX, new double[] {1, -0.5}, 2, Math.E, false, 0));
    invalid(0, "contains NaN at index 2", () -> Divergence.jeffreysDivergenceSparse(
        3, IDX, new double[] {1, Double.NaN}, 2, IDX, VAL, 2, Math.E, false, 0));
    invalid(0, "nnz 3 exceeds the number of indices 2", () -> Divergence.klDivergenceSparse(
        3, IDX, new double[3], 3, IDX, VAL, 2, Math.E, false, 0));
    invalid(1, "nnz 2 exceeds the number of values 1", () -> Divergence.klDivergenceSparse(
        3, IDX, VAL, 2, IDX, new double[1], 2, Math.E, false, 0));
    invalid(0, "nnz must be >= 0 but was -1", () -> Divergence.klDivergenceSparse(
        3, IDX, VAL, -1, IDX, VAL, 2, Math.E, false, 0));
    invalid(1, "values are null", () -> Divergence.klDivergenceSparse(
        3, IDX, VAL, 2, IDX, null, 2, Math.E, false, 0));
    invalid(1, "sums to 0", () -> Divergence.klDivergenceSparse(
        3, IDX, VAL, 2, IDX, VAL, 0, Math.E, true, 0));
    invalid(2, "log base must be positive, finite and not 1 but was 1.0",
        () -> Divergence.klDivergenceSparse(3, IDX, VAL, 2, IDX, VAL, 2, 1.0, false, 0));
    invalid(4, "eps must be >= 0 but was -1.0",
        () -> Divergence.klDivergenceSparse(3, IDX, VAL, 2, IDX, VAL, 2, 2.0, false, -1));
    invalid(1, "size 4 does not match size 3 of the first argument",
        () -> Divergence.requireSameSize(3, 4));
    Divergence.requireSameSize(5, 5);
  }

  @Test
  void logSpace() {
    invalid(0, "contains NaN at index 1", () -> LogSpace.klDivergenceFromLogProbs(
        new double[] {0, Double.NaN}, new double[] {0, 0}));
    invalid(1, "contains NaN at index 0", () -> LogSpace.klDivergenceFromLogits(
        new double[] {0, 0}, new double[] {Double.NaN, 0}));
    invalid(0, "contains NaN at index 1", () -> LogSpace.klDivergenceFromLogits(
        new double[] {0, Double.NaN}, new double[] {Double.NaN, 0}));
    invalid(0, "contains NaN at index 2",
        () -> LogSpace.logSumExp(new double[] {Double.POSITIVE_INFINITY, 0, Double.NaN}));
    invalid(0, "is empty", () -> LogSpace.logSumExp(new double[0]));
    invalid(1, "length 1 does not match length 2 of the first argument",
        () -> LogSpace.klDivergenceFromLogProbs(new double[2], new double[1]));
    invalid(2, "log base must be positive, finite and not 1 but was 1.0",
        () -> LogSpace.klDivergenceFromLogits(new double[2], new double[2], 2, 1.0));
  }

  @Test
  void gaussian() {
    invalid(1, "sigma must be > 0 but was 0.0", () -> Gaussian.klGaussian(0, 0, 0, 1));
    invalid(3, "sigma must be > 0 but was -1.0", () -> Gaussian.klGaussian(0, 1, 0, -1));
    invalid(3, "sigma must be > 0 but was NaN",
        () -> Gaussian.klGaussian(0, 1, 0, Double.NaN, 2));
    invalid(0, "is NaN", () -> Gaussian.klGaussian(Double.NaN, 1, 0, 1));
    invalid(2, "is NaN", () -> Gaussian.klGaussian(0, 1, Double.NaN, 1));
    invalid(4, "log base must be positive, finite and not 1 but was 1.0",
        () -> Gaussian.klGaussian(0, 1, 0, 1, 1.0));
    double[] ones = {1, 1};
    invalid(1, "sigma must be > 0 but was 0.0 at index 1",
        () -> Gaussian.klGaussianDiagonal(ones, new double[] {1, 0}, ones, ones, 2, Math.E));
    invalid(3, "sigma must be > 0 but was -2.0 at index 0",
        () -> Gaussian.klGaussianDiagonal(ones, ones, ones, new double[] {-2, 1}, 2, Math.E));
    invalid(2, "contains NaN at index 1", () -> Gaussian.klGaussianDiagonal(
        ones, ones, new double[] {0, Double.NaN}, ones, 2, Math.E));
    invalid(2, "length 1 is shorter than n = 2",
        () -> Gaussian.klGaussianDiagonal(ones, ones, new double[1], ones, 2, Math.E));
    invalid(1, "is NaN", () -> Gaussian.klStdNormal(0, Double.NaN));
    invalid(0, "is NaN", () -> Gaussian.klStdNormal(Double.NaN, 0, 2));
    invalid(1, "contains NaN at index 0",
        () -> Gaussian.klStdNormal(ones, new double[] {Double.NaN, 0}, 2, Math.E));
    invalid(2, "log base must be positive, finite and not 1 but was 1.0",
        () -> Gaussian.klStdNormal(ones, ones, 2, 1.0));
  }

  @Test
  void rlhf() {
    double[] lp = {-1, -2, -3};
    double[] ref = {-1.5, -2, -2.5};
    invalid(0, "unknown estimator 'k4'; allowed values: k1, k2, k3",
        () -> Estimator.parse("k4"));
    invalid(0, "unknown estimator null; allowed values: k1, k2, k3",
        () -> Estimator.parse(null));
    assertEquals(Estimator.K3, Estimator.parse(" K3 "));
    assertEquals(Estimator.K1, Estimator.parse("k1"));
    assertEquals(Estimator.K2, Estimator.parse("K2"));
    invalid(2, "mask value 0.5 at index 1 must be 0 or 1",
        () -> RlhfKl.maskedSum(lp, ref, new double[] {1, 0.5, 1}, 3, Estimator.K1));
    invalid(2, "mask value NaN at index 0 must be 0 or 1",
        () -> RlhfKl.maskedMean(lp, ref, new double[] {Double.NaN, 1, 1}, 3, Estimator.K1));
    invalid(2, "length 2 is shorter than n = 3",
        () -> RlhfKl.maskedMean(lp, ref, new double[2], 3, Estimator.K1));
    invalid(1, "contains NaN at index 2",
        () -> RlhfKl.maskedSum(lp, new double[] {0, 0, Double.NaN}, null, 3, Estimator.K2));
    invalid(0, "contains NaN at index 0", () -> RlhfKl.perToken(
        new double[] {Double.NaN, 0, 0}, ref, null, 3, Estimator.K3, new double[3]));
    invalid(1, "length 2 is shorter than n = 3",
        () -> RlhfKl.maskedSum(lp, new double[2], null, 3, Estimator.K1));
    invalid(3, "estimator is null; allowed values: k1, k2, k3",
        () -> RlhfKl.maskedSum(lp, ref, null, 3, null));
    invalid(4, "length 2 is shorter than n = 3",
        () -> RlhfKl.perToken(lp, ref, null, 3, Estimator.K1, new double[2]));
    invalid(4, "is null", () -> RlhfKl.perToken(lp, ref, null, 3, Estimator.K1, null));
    invalid(0, "is empty", () -> RlhfKl.maskedSum(lp, ref, null, 0, Estimator.K1));
    invalid(1, "is NaN", () -> RlhfKl.tokenValue(Estimator.K1, Double.NaN, 0));
    invalid(2, "is NaN", () -> RlhfKl.tokenValue(Estimator.K1, 0, Double.NaN));
    invalid(0, "estimator is null; allowed values: k1, k2, k3",
        () -> RlhfKl.tokenValue(null, 0, 0));
    // masked positions are not inspected: NaN padding is fine there
    double[] padLp = {-1, Double.NaN};
    double[] padRef = {-2, Double.NaN};
    double[] mask = {1, 0};
    assertEquals(1.0, RlhfKl.maskedSum(padLp, padRef, mask, 2, Estimator.K1));
    double[] out = {7, 7};
    RlhfKl.perToken(padLp, padRef, mask, 2, Estimator.K2, out);
    assertEquals(0.5, out[0]);
    assertEquals(0.0, out[1]);
    assertTrue(Double.isNaN(RlhfKl.maskedMean(padLp, padRef, new double[] {0, -0.0}, 2,
        Estimator.K3)));
  }
}
