package io.github.sparkdivergence.math;

import java.util.Arrays;
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

  /** Hypergeometric terms below this fraction of the mode's probability are not summed. */
  private static final double MIN_REL_PROB = 1e-40;

  private static final double MAX_EXACT_INT = 0x1.0p53;

  private InformationMeasures() {}

  /** Result of a G-test of independence: statistic, degrees of freedom and p-value. */
  public record GTest(double g, long dof, double pValue) {}

  /**
   * Sparse contingency table: cells {@code (rowId[k], colId[k], count[k])}, {@code k < nnz}, with
   * each (row, col) pair appearing at most once, plus row/column totals and the grand total.
   * Immutable once built.
   */
  public static final class Table {
    private final int nRows;
    private final int nCols;
    private final int nnz;
    private final int[] rowId;
    private final int[] colId;
    private final double[] count;
    private final double[] rowSum;
    private final double[] colSum;
    /** The grand total, scaled by a power of two when the weights are extreme (see the constructor). */
    private final double total;
    /** The grand total as given (what the G statistic needs). */
    private final double weight;
    /** The power of two the stored counts were divided by (0 for all but extreme totals). */
    private final int scale;
    private final int observedRows;
    private final int observedCols;
    private final boolean integral;

    /**
     * Copies the first {@code nnz} entries. Ids must lie in {@code [0, nRows)} and
     * {@code [0, nCols)}; counts must be finite and {@code >= 0}; a (row, col) pair must not be
     * repeated (not checked: a repeated pair would be treated as two cells).
     */
    public Table(int nRows, int nCols, int[] rowId, int[] colId, double[] count, int nnz) {
      this(nRows, nCols, copy(rowId, nnz), copy(colId, nnz), copy(count, nnz), nnz, true);
    }

    private static int[] copy(int[] a, int nnz) {
      if (nnz < 0 || nnz > a.length) {
        throw new IllegalArgumentException("nnz " + nnz + " outside [0, " + a.length + "]");
      }
      return Arrays.copyOf(a, nnz);
    }

    private static double[] copy(double[] a, int nnz) {
      if (nnz < 0 || nnz > a.length) {
        throw new IllegalArgumentException("nnz " + nnz + " outside [0, " + a.length + "]");
      }
      return Arrays.copyOf(a, nnz);
    }

    /** Takes ownership of the arrays (no copy); {@code owned} only tells the overloads apart. */
    public Table(int nRows, int nCols, int[] rowId, int[] colId, double[] count, int nnz,
        boolean owned) {
      if (nRows < 0 || nCols < 0 || nnz < 0 || nnz > rowId.length || nnz > colId.length
          || nnz > count.length) {
        throw new IllegalArgumentException("bad table shape: nRows=" + nRows + " nCols=" + nCols
            + " nnz=" + nnz);
      }
      this.nRows = nRows;
      this.nCols = nCols;
      this.nnz = nnz;
      this.rowId = rowId;
      this.colId = colId;
      this.count = count;
      this.rowSum = new double[nRows];
      this.colSum = new double[nCols];
      // Neumaier compensation per marginal: weights need not be integers.
      double[] rowComp = new double[nRows];
      double[] colComp = new double[nCols];
      Sum tot = new Sum();
      boolean allInt = true;
      for (int k = 0; k < nnz; k++) {
        int r = rowId[k];
        int c = colId[k];
        double v = count[k];
        if (r < 0 || r >= nRows || c < 0 || c >= nCols) {
          throw new IllegalArgumentException("cell " + k + " id out of range: (" + r + ", " + c
              + ") in " + nRows + " x " + nCols);
        }
        if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
          throw new InvalidInputException(0, "cell " + k + " count must be finite and >= 0: " + v);
        }
        if (v == 0) {
          continue;
        }
        allInt &= v == Math.rint(v);
        tot.add(v);
        rowComp[r] = neumaier(rowSum, rowComp[r], r, v);
        colComp[c] = neumaier(colSum, colComp[c], c, v);
      }
      int obsR = 0;
      for (int i = 0; i < nRows; i++) {
        rowSum[i] += rowComp[i];
        if (rowSum[i] > 0) {
          obsR++;
        }
      }
      int obsC = 0;
      for (int j = 0; j < nCols; j++) {
        colSum[j] += colComp[j];
        if (colSum[j] > 0) {
          obsC++;
        }
      }
      double sum = tot.value();
      if (!(sum < Double.POSITIVE_INFINITY)) {
        throw new InvalidInputException(0, "the counts sum to more than " + Double.MAX_VALUE
            + " (the total weight overflows a double)");
      }
      this.weight = sum;
      this.integral = allInt && sum <= MAX_EXACT_INT;
      // The measures use products such as count * total: past 2^500 (or below 2^-500) they would
      // overflow (underflow). Every measure but G depends on ratios only, so scale the table by a
      // power of two, which is exact: the results are those of the unscaled table.
      int e = sum > 0 ? Math.getExponent(sum) : 0;
      if (e <= 500 && e >= -500) {
        e = 0;
      } else {
        for (int k = 0; k < nnz; k++) {
          count[k] = Math.scalb(count[k], -e);
        }
        for (int i = 0; i < nRows; i++) {
          rowSum[i] = Math.scalb(rowSum[i], -e);
        }
        for (int j = 0; j < nCols; j++) {
          colSum[j] = Math.scalb(colSum[j], -e);
        }
        sum = Math.scalb(sum, -e);
      }
      this.total = sum;
      this.scale = e;
      this.observedRows = obsR;
      this.observedCols = obsC;
    }

    /** Dimensions from the largest id + 1. */
    public static Table of(int[] rowId, int[] colId, double[] count, int nnz) {
      int r = 0;
      int c = 0;
      for (int k = 0; k < nnz; k++) {
        r = Math.max(r, rowId[k] + 1);
        c = Math.max(c, colId[k] + 1);
      }
      return new Table(r, c, rowId, colId, count, nnz);
    }

    /** Dense matrix {@code m[row][col]}, rows may be ragged; zero entries are not stored. */
    public static Table fromMatrix(double[][] m) {
      int cols = 0;
      int nnz = 0;
      for (double[] row : m) {
        cols = Math.max(cols, row.length);
        for (double v : row) {
          if (v != 0) {
            nnz++;
          }
        }
      }
      int[] ri = new int[nnz];
      int[] ci = new int[nnz];
      double[] cv = new double[nnz];
      int k = 0;
      for (int i = 0; i < m.length; i++) {
        for (int j = 0; j < m[i].length; j++) {
          if (m[i][j] != 0) {
            ri[k] = i;
            ci[k] = j;
            cv[k++] = m[i][j];
          }
        }
      }
      return new Table(m.length, cols, ri, ci, cv, nnz, true);
    }

    public int nRows() {
      return nRows;
    }

    public int nCols() {
      return nCols;
    }

    public int nnz() {
      return nnz;
    }

    public int rowId(int k) {
      return rowId[k];
    }

    public int colId(int k) {
      return colId[k];
    }

    // The accessors give the counts as given, whatever the internal scaling (exact).

    public double count(int k) {
      return Math.scalb(count[k], scale);
    }

    public double rowSum(int row) {
      return Math.scalb(rowSum[row], scale);
    }

    public double colSum(int col) {
      return Math.scalb(colSum[col], scale);
    }

    /** Grand total N (sum of all counts). */
    public double total() {
      return weight;
    }

    /** Rows with a positive total. */
    public int observedRows() {
      return observedRows;
    }

    /** Columns with a positive total. */
    public int observedCols() {
      return observedCols;
    }

    /** True when every count is an integer and N <= 2^53. */
    public boolean isIntegral() {
      return integral;
    }
  }

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
    Sum tot = new Sum();
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
  public static double entropyX(Table t, double base) {
    return entropyNats(t.rowSum, t.nRows, t.total) / lnBase(base);
  }

  /** H(Y) over the column totals. */
  public static double entropyY(Table t, double base) {
    return entropyNats(t.colSum, t.nCols, t.total) / lnBase(base);
  }

  /** H(X, Y) over the cells. */
  public static double jointEntropy(Table t, double base) {
    return entropyNats(t.count, t.nnz, t.total) / lnBase(base);
  }

  /**
   * H(X | Y) = H(X, Y) - H(Y), evaluated as {@code sum p(x,y) log(p(y) / p(x,y))} whose terms are
   * all {@code >= 0}, so it never cancels to a small negative number.
   */
  public static double conditionalEntropy(Table t, double base) {
    double lnBase = lnBase(base);
    if (!(t.total > 0)) {
      return 0.0;
    }
    Sum s = new Sum();
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
  public static double variationOfInformation(Table t, double base) {
    double lnBase = lnBase(base);
    if (!(t.total > 0)) {
      return 0.0;
    }
    Sum s = new Sum();
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
  public static double mutualInformation(Table t, double base) {
    return miNats(t, true) / lnBase(base);
  }

  /**
   * sklearn {@code normalized_mutual_info_score}: 1.0 when both X and Y have one level (or the
   * table is empty), 0.0 when MI is 0, else MI / mean(H(X), H(Y)) with the given mean.
   *
   * @param averageMethod "arithmetic", "geometric", "min" or "max" (case-insensitive)
   */
  public static double normalizedMutualInfo(Table t, String averageMethod) {
    AverageMethod method = AverageMethod.parse(averageMethod, 1);
    int r = t.observedRows;
    int c = t.observedCols;
    if (r == c && (r == 1 || r == 0)) {
      return 1.0;
    }
    double mi = miNats(t, true);
    if (mi == 0) {
      return 0.0;
    }
    double hx = entropyNats(t.rowSum, t.nRows, t.total);
    double hy = entropyNats(t.colSum, t.nCols, t.total);
    return mi / method.average(hx, hy);
  }

  /** {@link #normalizedMutualInfo(Table, String)} with "arithmetic", sklearn's default. */
  public static double normalizedMutualInfo(Table t) {
    return normalizedMutualInfo(t, "arithmetic");
  }

  /**
   * sklearn {@code adjusted_mutual_info_score}: 1.0 when both X and Y have one level (or the
   * table is empty), else {@code (MI - EMI) / (mean(H(X), H(Y)) - EMI)} with the denominator
   * pushed away from 0 to at least eps in magnitude, keeping its sign, as sklearn does.
   *
   * @throws InvalidInputException if a count is not an integer (see class doc)
   */
  public static double adjustedMutualInfo(Table t, String averageMethod) {
    AverageMethod method = AverageMethod.parse(averageMethod, 1);
    int r = t.observedRows;
    int c = t.observedCols;
    if (r == c && (r == 1 || r == 0)) {
      return 1.0;
    }
    requireIntegral(t, "adjustedMutualInfo");
    double mi = miNats(t, true);
    double emi = expectedMutualInfo(t);
    double hx = entropyNats(t.rowSum, t.nRows, t.total);
    double hy = entropyNats(t.colSum, t.nCols, t.total);
    double denominator = method.average(hx, hy) - emi;
    if (denominator < 0) {
      denominator = Math.min(denominator, -EPS);
    } else {
      denominator = Math.max(denominator, EPS);
    }
    return (mi - emi) / denominator;
  }

  /** {@link #adjustedMutualInfo(Table, String)} with "arithmetic", sklearn's default. */
  public static double adjustedMutualInfo(Table t) {
    return adjustedMutualInfo(t, "arithmetic");
  }

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
   * mode's (the pmf is unimodal); the log factor is evaluated like {@link #mutualInformation}'s
   * and everything is added with compensated summation. Cost per cell is about 30 + 27 standard
   * deviations of the hypergeometric instead of min(a_i, b_j). The term depends on the cell only
   * through (a_i, b_j), so it is computed once per distinct pair of marginal values and weighted by
   * how many cells share it: with many levels of similar counts (thousands of levels, a few hundred
   * distinct counts) that is orders of magnitude fewer terms, and the result no longer depends on
   * the order of the levels.
   *
   * @throws InvalidInputException if a count is not an integer or N > 2^53
   */
  public static double expectedMutualInfo(Table t) {
    requireIntegral(t, "expectedMutualInfo");
    if (t.observedRows <= 1 || t.observedCols <= 1) {
      return 0.0;
    }
    double n = t.total;
    double[][] as = distinctWithMultiplicity(positives(t.rowSum, t.observedRows));
    double[][] bs = distinctWithMultiplicity(positives(t.colSum, t.observedCols));
    Sum emi = new Sum();
    Sum norm = new Sum();
    Sum cell = new Sum();
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
            cell.add(w * (k / n) * logRatio(k, n, ai, bj));
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
            cell.add(w * (k / n) * logRatio(k, n, ai, bj));
          }
        }
        emi.add(as[1][ia] * bs[1][ib] * (cell.value() / norm.value()));
      }
    }
    return emi.value();
  }

  /** {distinct values ascending, how often each occurs}. */
  private static double[][] distinctWithMultiplicity(double[] v) {
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

  /**
   * G-test of independence: {@code G = 2 N I(X;Y)} (nats, without sklearn's per-term eps
   * zeroing), {@code dof = (r - 1)(c - 1)} over the observed levels, p-value the chi-squared
   * survival function, computed as the upper regularized gamma Q(dof/2, G/2) (commons-math3;
   * what {@code ChiSquaredDistribution} uses, without its {@code 1 - cdf} cancellation for small
   * p). Like {@code scipy.stats.chi2_contingency}, dof 0 (a single level on either side, or an
   * empty table) gives G 0.0 and p-value 1.0.
   */
  public static GTest gTest(Table t) {
    long dof = (long) Math.max(0, t.observedRows - 1) * Math.max(0, t.observedCols - 1);
    if (dof == 0) {
      return new GTest(0.0, 0, 1.0);
    }
    double g = 2 * t.weight * miNats(t, false);
    // Far in the tail (weights near the top of the double range) the continued fraction fails;
    // the p-value there is below the smallest double anyway.
    double x = g / 2.0;
    double a = dof / 2.0;
    double p = x > 1e15 && x > 100 * a ? 0.0 : Gamma.regularizedGammaQ(a, x);
    return new GTest(g, dof, p);
  }

  // ---------------------------------------------------------------- internals

  private static double miNats(Table t, boolean sklearnEps) {
    if (t.observedRows <= 1 || t.observedCols <= 1) {
      return 0.0;
    }
    double n = t.total;
    Sum s = new Sum();
    for (int k = 0; k < t.nnz; k++) {
      double c = t.count[k];
      if (c == 0) {
        continue;
      }
      double term = c / n * logRatio(c, n, t.rowSum[t.rowId[k]], t.colSum[t.colId[k]]);
      if (sklearnEps && Math.abs(term) < EPS) {
        continue;
      }
      s.add(term);
    }
    return Math.max(s.value(), 0.0);
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
    Sum s = new Sum();
    for (int i = 0; i < n; i++) {
      double c = counts[i];
      if (c > 0) {
        double p = c / total;
        s.add(-p * Math.log(p));
      }
    }
    return s.value();
  }

  private static double[] positives(double[] v, int count) {
    double[] out = new double[count];
    int k = 0;
    for (double x : v) {
      if (x > 0) {
        out[k++] = x;
      }
    }
    return out;
  }

  private static void requireIntegral(Table t, String what) {
    if (!t.integral) {
      throw new InvalidInputException(0, what + " needs integer counts with total <= 2^53"
          + " (its hypergeometric model is defined for label counts only)");
    }
  }

  /** ln(base) of a valid base; the base is argument 1 of every measure (the table is 0). */
  static double lnBase(double base) {
    return LogBase.ln(base, 1);
  }

  /** Neumaier step on {@code sums[i]}; returns the new compensation. */
  private static double neumaier(double[] sums, double comp, int i, double x) {
    double s = sums[i];
    double t = s + x;
    comp += Precise.sumError(s, x, t);
    sums[i] = t;
    return comp;
  }

  /** Neumaier (improved Kahan-Babuska) summation. */
  public static final class Sum {
    private double sum;
    private double comp;

    public void add(double x) {
      double t = sum + x;
      comp += Precise.sumError(sum, x, t);
      sum = t;
    }

    public double value() {
      return sum + comp;
    }

    void reset() {
      sum = 0;
      comp = 0;
    }
  }
}
