package io.github.sparkdivergence.math;

import org.apache.commons.math3.special.Gamma;

/**
 * Entropy, mutual information and their normalised / adjusted forms over a contingency table,
 * matching scikit-learn 1.2 ({@code sklearn.metrics.mutual_info_score},
 * {@code normalized_mutual_info_score}, {@code adjusted_mutual_info_score}) and
 * {@code scipy.stats.entropy} / {@code chi2_contingency(lambda_="log-likelihood")}.
 *
 * <p>Results with a {@code base} argument are in nats divided by {@code ln(base)}; {@code base}
 * must be finite, {@code > 0} and {@code != 1}. Counts may be non-integer weights everywhere
 * except {@link #expectedMutualInfo} and {@link #adjustedMutualInfo}, whose hypergeometric model
 * only exists for integer counts: those reject non-integer counts rather than round them.
 *
 * <p>A "level" of X (Y) is a row (column) whose total is {@code > 0}; zero rows and columns are
 * ignored everywhere, as if the category had never been seen. An empty table (total 0) has
 * entropy 0 and mutual information 0 (sklearn raises for MI on empty input; NMI and AMI follow
 * sklearn and return 1.0).
 */
public final class InformationMeasures {

  /** {@code np.finfo('float64').eps}. */
  static final double EPS = 0x1.0p-52;

  private InformationMeasures() {}

  /** Result of a G-test of independence: statistic, degrees of freedom and p-value. */
  public record GTest(double g, long dof, double pValue) {}

  // ---------------------------------------------------------------- entropy

  /**
   * Plug-in entropy of {@code counts[0..n)}, like {@code scipy.stats.entropy(counts, base=base)}:
   * {@code -sum p log p} with {@code p = c / sum(c)}, zero counts skipped. All-zero or empty
   * input gives 0.0 (scipy gives 0.0 for empty and NaN for all zeros).
   *
   * @throws InvalidInputException on a negative, NaN or infinite count, or a bad base
   */
  public static double entropyFromCounts(double[] counts, int n, double base) {
    double lnBase = lnBase(base);
    if (n < 0 || n > counts.length) {
      throw new IllegalArgumentException("n out of range: " + n);
    }
    CompensatedSum tot = new CompensatedSum();
    for (int i = 0; i < n; i++) {
      double v = counts[i];
      if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
        throw new InvalidInputException(0, "count " + i + " must be finite and >= 0: " + v);
      }
      tot.add(v);
    }
    return entropyNats(counts, n, tot.value()) / lnBase;
  }

  /** H(X) over the row totals. */
  public static double entropyX(ContingencyTable t, double base) {
    return entropyNats(t.rowSum, t.nRows, t.total) / lnBase(base);
  }

  /** H(Y) over the column totals. */
  public static double entropyY(ContingencyTable t, double base) {
    return entropyNats(t.colSum, t.nCols, t.total) / lnBase(base);
  }

  /** H(X, Y) over the cells. */
  public static double jointEntropy(ContingencyTable t, double base) {
    return entropyNats(t.count, t.nnz, t.total) / lnBase(base);
  }

  /**
   * H(X | Y) = H(X, Y) - H(Y), evaluated as {@code sum p(x,y) log(p(y) / p(x,y))} whose terms are
   * all {@code >= 0}, so it never cancels to a small negative number.
   */
  public static double conditionalEntropy(ContingencyTable t, double base) {
    double lnBase = lnBase(base);
    if (!(t.total > 0)) {
      return 0.0;
    }
    CompensatedSum s = new CompensatedSum();
    for (int k = 0; k < t.nnz; k++) {
      double c = t.count[k];
      if (c > 0) {
        s.add(c / t.total * Math.log(t.colSum[t.colId[k]] / c));
      }
    }
    return s.value() / lnBase;
  }

  /**
   * Variation of information H(X) + H(Y) - 2 I(X;Y) (Meila 2007), evaluated as
   * {@code sum p(x,y) log(p(x) p(y) / p(x,y)^2)}, a sum of non-negative terms.
   */
  public static double variationOfInformation(ContingencyTable t, double base) {
    double lnBase = lnBase(base);
    if (!(t.total > 0)) {
      return 0.0;
    }
    CompensatedSum s = new CompensatedSum();
    for (int k = 0; k < t.nnz; k++) {
      double c = t.count[k];
      if (c > 0) {
        double p = c / t.total;
        s.add(p * Math.log(t.rowSum[t.rowId[k]] / c));
        s.add(p * Math.log(t.colSum[t.colId[k]] / c));
      }
    }
    return s.value() / lnBase;
  }

  // ---------------------------------------------------------------- mutual information

  /**
   * I(X;Y) = KL(P_XY || P_X P_Y), sklearn's {@code mutual_info_score}: 0.0 when X or Y has a
   * single level, each cell's term {@code p log(p / (p_x p_y))} in nats zeroed when its magnitude
   * is below float64 eps (as sklearn does), compensated sum, clipped at 0.
   */
  public static double mutualInformation(ContingencyTable t, double base) {
    return miNats(t, true) / lnBase(base);
  }

  /**
   * sklearn {@code normalized_mutual_info_score}: 1.0 when both X and Y have one level (or the
   * table is empty), 0.0 when MI is 0, else MI / mean(H(X), H(Y)) with the given mean.
   *
   * @param averageMethod "arithmetic", "geometric", "min" or "max" (case-insensitive)
   */
  public static double normalizedMutualInfo(ContingencyTable t, String averageMethod) {
    AverageMethod method = AverageMethod.parse(averageMethod, 1);
    if (oneLevelEach(t.observedRows, t.observedCols)) {
      return 1.0;
    }
    double mi = miNats(t, true);
    if (mi == 0) {
      return 0.0;
    }
    return nmi(mi, entropyNats(t.rowSum, t.nRows, t.total), entropyNats(t.colSum, t.nCols, t.total), method);
  }

  /** sklearn's rule: NMI and AMI are 1.0 when both sides have one level, or none (an empty table). */
  static boolean oneLevelEach(long levelsX, long levelsY) {
    return levelsX == levelsY && (levelsX == 1 || levelsX == 0);
  }

  /** NMI from MI > 0 and the entropies (nats); see {@link #normalizedMutualInfo}. */
  static double nmi(double mi, double hx, double hy, AverageMethod method) {
    return mi / method.average(hx, hy);
  }

  /** AMI from MI, EMI and the entropies (nats), the denominator kept at least eps from 0; see {@link #adjustedMutualInfo}. */
  static double ami(double mi, double emi, double hx, double hy, AverageMethod method) {
    double denominator = method.average(hx, hy) - emi;
    if (denominator < 0) {
      denominator = Math.min(denominator, -EPS);
    } else {
      denominator = Math.max(denominator, EPS);
    }
    return (mi - emi) / denominator;
  }

  /** {@link #normalizedMutualInfo(ContingencyTable, String)} with "arithmetic", sklearn's default. */
  public static double normalizedMutualInfo(ContingencyTable t) {
    return normalizedMutualInfo(t, "arithmetic");
  }

  /**
   * sklearn {@code adjusted_mutual_info_score}: 1.0 when both X and Y have one level (or the
   * table is empty), else {@code (MI - EMI) / (mean(H(X), H(Y)) - EMI)} with the denominator
   * pushed away from 0 to at least eps in magnitude, keeping its sign, as sklearn does.
   *
   * @throws InvalidInputException if a count is not an integer (see class doc)
   */
  public static double adjustedMutualInfo(ContingencyTable t, String averageMethod) {
    AverageMethod method = AverageMethod.parse(averageMethod, 1);
    if (oneLevelEach(t.observedRows, t.observedCols)) {
      return 1.0;
    }
    requireIntegral(t, "adjustedMutualInfo");
    return ami(miNats(t, true), expectedMutualInfo(t), entropyNats(t.rowSum, t.nRows, t.total),
        entropyNats(t.colSum, t.nCols, t.total), method);
  }

  /** {@link #adjustedMutualInfo(ContingencyTable, String)} with "arithmetic", sklearn's default. */
  public static double adjustedMutualInfo(ContingencyTable t) {
    return adjustedMutualInfo(t, "arithmetic");
  }

  /**
   * Expected mutual information (nats) under the permutation (hypergeometric) model, as sklearn's
   * {@code _expected_mutual_info_fast}, but exact where sklearn loses digits: see
   * {@link ExpectedMutualInformation#of}. 0.0 when X or Y has at most one level.
   *
   * @throws InvalidInputException if a count is not an integer or N > 2^53
   */
  public static double expectedMutualInfo(ContingencyTable t) {
    return ExpectedMutualInformation.of(t);
  }

  /**
   * G-test of independence: {@code G = 2 N I(X;Y)} (nats, without sklearn's per-term eps
   * zeroing), {@code dof = (r - 1)(c - 1)} over the observed levels, p-value the chi-squared
   * survival function, computed as the upper regularized gamma Q(dof/2, G/2) (commons-math3;
   * what {@code ChiSquaredDistribution} uses, without its {@code 1 - cdf} cancellation for small
   * p). Like {@code scipy.stats.chi2_contingency}, dof 0 (a single level on either side, or an
   * empty table) gives G 0.0 and p-value 1.0.
   */
  public static GTest gTest(ContingencyTable t) {
    long dof = (long) Math.max(0, t.observedRows - 1) * Math.max(0, t.observedCols - 1);
    if (dof == 0) {
      return new GTest(0.0, 0, 1.0);
    }
    return gTest(t.weight, miNats(t, false), dof);
  }

  /** The G-test from the total weight, MI in nats without eps zeroing, and dof > 0. */
  static GTest gTest(double weight, double miNats, long dof) {
    double g = 2 * weight * miNats;
    // Far in the tail (weights near the top of the double range) the continued fraction fails;
    // the p-value there is below the smallest double anyway.
    double x = g / 2.0;
    double a = dof / 2.0;
    double p = x > 1e15 && x > 100 * a ? 0.0 : Gamma.regularizedGammaQ(a, x);
    return new GTest(g, dof, p);
  }

  // ---------------------------------------------------------------- internals

  private static double miNats(ContingencyTable t, boolean sklearnEps) {
    if (t.observedRows <= 1 || t.observedCols <= 1) {
      return 0.0;
    }
    double n = t.total;
    CompensatedSum s = new CompensatedSum();
    for (int k = 0; k < t.nnz; k++) {
      if ((k & (ContingencyTable.TOUCH_BLOCK - 1)) == 0) {
        ContingencyTable.touchSink = ContingencyTable.touch(t.rowSum, t.rowId, k, Math.min(t.nnz, k + ContingencyTable.TOUCH_BLOCK));
      }
      double c = t.count[k];
      if (c == 0) {
        continue;
      }
      double term = miTerm(c, n, t.rowSum[t.rowId[k]], t.colSum[t.colId[k]]);
      if (sklearnEps && Math.abs(term) < EPS) {
        continue;
      }
      s.add(term);
    }
    return Math.max(s.value(), 0.0);
  }

  /** A cell's term of I(X;Y) in nats: {@code c/n log(c n / (a b))} for count c, total n, margins a and b. */
  static double miTerm(double c, double n, double a, double b) {
    return c / n * logRatio(c, n, a, b);
  }

  /**
   * log(c n / (a b)) to a few ulps even when the ratio is near 1, where near-independence makes
   * every term tiny: the numerator minus denominator is formed exactly with FMA and fed to log1p.
   */
  static double logRatio(double c, double n, double a, double b) {
    double num = c * n;
    double den = a * b;
    double r = num / den;
    if (r > 0.5 && r < 2) {
      double numErr = Math.fma(c, n, -num);
      double denErr = Math.fma(a, b, -den);
      double diff = (num - den) + (numErr - denErr);
      return Math.log1p(diff / den);
    }
    return Math.log(r);
  }

  private static double entropyNats(double[] counts, int n, double total) {
    if (!(total > 0)) {
      return 0.0;
    }
    CompensatedSum s = new CompensatedSum();
    for (int i = 0; i < n; i++) {
      double c = counts[i];
      if (c > 0) {
        double p = c / total;
        s.add(-p * Math.log(p));
      }
    }
    return s.value();
  }

  static double[] positives(double[] v, int count) {
    double[] out = new double[count];
    int k = 0;
    for (double x : v) {
      if (x > 0) {
        out[k++] = x;
      }
    }
    return out;
  }

  static void requireIntegral(ContingencyTable t, String what) {
    if (!t.integral) {
      throw new InvalidInputException(0, what + " needs integer counts with total <= 2^53"
          + " (its hypergeometric model is defined for label counts only)");
    }
  }

  /** ln(base) of a valid base; the base is argument 1 of every measure (the table is 0). */
  static double lnBase(double base) {
    return LogBase.ln(base, 1);
  }
}
