package io.github.sparkdivergence.math;

/**
 * The expected mutual information of AMI ({@link InformationMeasures#adjustedMutualInfo}): its own
 * file because its model (hypergeometric, integer counts) and its cost are unlike the other
 * measures'.
 */
final class ExpectedMutualInformation {
  /** Hypergeometric terms below this fraction of the mode's probability are not summed. */
  private static final double MIN_REL_PROB = 1e-40;

  private ExpectedMutualInformation() {}

  /**
   * Expected mutual information (nats) of two labelings with these marginals under the
   * permutation (hypergeometric) model, as sklearn's {@code _expected_mutual_info_fast}: the sum
   * over rows i, columns j and {@code n_ij} from max(1, a_i + b_j - N) to min(a_i, b_j) of
   * {@code P(n_ij) * n_ij / N * log(N n_ij / (a_i b_j))}. 0.0 when X or Y has at most one level.
   *
   * <p>sklearn gets each {@code P(n_ij)} as exp of a sum of nine log-gammas of size up to
   * {@code N log N}, which loses about log10(N log N) digits per term; where the terms cancel
   * (near-independent tables with large N) that leaves sklearn's EMI with ~1e-7 relative error.
   * Here the probabilities of one cell come from the exact ratio recurrence
   * {@code P(k+1)/P(k) = (a-k)(b-k) / ((k+1)(N-a-b+k+1))} walked outwards from the mode and
   * normalised over the whole support, stopping where a probability falls below 1e-40 of the
   * mode's (the pmf is unimodal); the log factor is evaluated like {@link InformationMeasures#mutualInformation}'s
   * and everything is added with compensated summation. Cost per cell is about 30 + 27 standard
   * deviations of the hypergeometric instead of min(a_i, b_j). The term depends on the cell only
   * through (a_i, b_j), so it is computed once per distinct pair of marginal values and weighted by
   * how many cells share it: with many levels of similar counts (thousands of levels, a few hundred
   * distinct counts) that is orders of magnitude fewer terms, and the result no longer depends on
   * the order of the levels.
   *
   * @throws InvalidInputException if a count is not an integer or N > 2^53
   */
  static double of(ContingencyTable t) {
    InformationMeasures.requireIntegral(t, "expectedMutualInfo");
    if (t.observedRows <= 1 || t.observedCols <= 1) {
      return 0.0;
    }
    return of(distinctWithMultiplicity(InformationMeasures.positives(t.rowSum, t.observedRows)),
        distinctWithMultiplicity(InformationMeasures.positives(t.colSum, t.observedCols)), t.total);
  }

  /**
   * The same from the margins alone, as {distinct values ascending, how many levels have each}
   * of X ({@code as}) and of Y ({@code bs}), and the total {@code n}: all that EMI depends on. Its
   * cost is (distinct margin values of X) x (distinct of Y) x ~60 hypergeometric steps, whatever
   * the number of levels: a million levels have at most sqrt(2 n) distinct counts, and in
   * practice a few hundred. Margins must be whole counts with n <= 2^53.
   */
  static double of(double[][] as, double[][] bs, double n) {
    long rows = 0;
    long cols = 0;
    for (double m : as[1]) rows += (long) m;
    for (double m : bs[1]) cols += (long) m;
    if (rows <= 1 || cols <= 1) {
      return 0.0;
    }
    CompensatedSum emi = new CompensatedSum();
    CompensatedSum norm = new CompensatedSum();
    CompensatedSum cell = new CompensatedSum();
    for (int ia = 0; ia < as[0].length; ia++) {
      double ai = as[0][ia];
      for (int ib = 0; ib < bs[0].length; ib++) {
        double bj = bs[0][ib];
        double lo = Math.max(0, ai + bj - n);
        double hi = Math.min(ai, bj);
        double mode = Math.floor((ai + 1) * (bj + 1) / (n + 2));
        mode = Math.max(lo, Math.min(hi, mode));
        double rest = n - ai - bj;
        norm.reset();
        cell.reset();
        double w = 1.0;
        for (double k = mode; ; ) {
          norm.add(w);
          if (k > 0) {
            cell.add(w * (k / n) * InformationMeasures.logRatio(k, n, ai, bj));
          }
          if (k >= hi) {
            break;
          }
          w *= (ai - k) * (bj - k) / ((k + 1) * (rest + k + 1));
          k++;
          if (w < MIN_REL_PROB) {
            break;
          }
        }
        w = 1.0;
        for (double k = mode; k > lo; ) {
          w *= k * (rest + k) / ((ai - k + 1) * (bj - k + 1));
          k--;
          if (w < MIN_REL_PROB) {
            break;
          }
          norm.add(w);
          if (k > 0) {
            cell.add(w * (k / n) * InformationMeasures.logRatio(k, n, ai, bj));
          }
        }
        emi.add(as[1][ia] * bs[1][ib] * (cell.value() / norm.value()));
      }
    }
    return emi.value();
  }

  /** {distinct values ascending, how often each occurs}. */
  static double[][] distinctWithMultiplicity(double[] v) {
    double[] sorted = v.clone();
    java.util.Arrays.sort(sorted);
    double[] values = new double[sorted.length];
    double[] counts = new double[sorted.length];
    int k = -1;
    for (double x : sorted) {
      if (k < 0 || values[k] != x) {
        values[++k] = x;
      }
      counts[k]++;
    }
    return new double[][] {java.util.Arrays.copyOf(values, k + 1), java.util.Arrays.copyOf(counts, k + 1)};
  }
}
