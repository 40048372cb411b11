package io.github.sparkdivergence.math;

import java.util.Arrays;

/**
 * Sparse contingency table: cells {@code (rowId[k], colId[k], count[k])}, {@code k < nnz}, with
 * each (row, col) pair appearing at most once, plus row/column totals and the grand total.
 * Immutable once built.
 */
public final class ContingencyTable {
  /** Integer counts summing to at most this are exact in a double (the expected MI needs them). */
  private static final double MAX_EXACT_INT = 0x1.0p53;

  final int nRows;
  final int nCols;
  final int nnz;
  final int[] rowId;
  final int[] colId;
  final double[] count;
  final double[] rowSum;
  final double[] colSum;
  /** The grand total, scaled by a power of two when the weights are extreme (see the constructor). */
  final double total;
  /** The grand total as given (what the G statistic needs). */
  final double weight;
  /** The power of two the stored counts were divided by (0 for all but extreme totals). */
  final int scale;
  final int observedRows;
  final int observedCols;
  final boolean integral;

  /**
   * Copies the first {@code nnz} entries. Ids must lie in {@code [0, nRows)} and
   * {@code [0, nCols)}; counts must be finite and {@code >= 0}; a (row, col) pair must not be
   * repeated (not checked: a repeated pair would be treated as two cells).
   */
  public ContingencyTable(int nRows, int nCols, int[] rowId, int[] colId, double[] count, int nnz) {
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

  /** Cells whose margins are read ahead together (see {@link #touch}). */
  static final int TOUCH_BLOCK = 64;
  /** Where {@link #touch}'s sums go, so that its loads are not optimised away; never read. */
  static volatile double touchSink;

  /**
   * Reads {@code a[ids[k]]} for k in [from, to), skipping ids out of range, and returns their sum.
   * With millions of categories the margins do not fit in the caches and the cells come in hash
   * order: one miss per cell, one after the other, in the loops over the cells. Read a block
   * ahead, the misses are independent and overlap, and the loop then finds its lines cached.
   */
  static double touch(double[] a, int[] ids, int from, int to) {
    double sum = 0;
    for (int k = from; k < to; k++) {
      int i = ids[k];
      if (i >= 0 && i < a.length) {
        sum += a[i];
      }
    }
    return sum;
  }

  /** Takes ownership of the arrays (no copy); {@code owned} only tells the overloads apart. */
  public ContingencyTable(int nRows, int nCols, int[] rowId, int[] colId, double[] count, int nnz,
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
    CompensatedSum tot = new CompensatedSum();
    boolean allInt = true;
    for (int k = 0; k < nnz; k++) {
      if ((k & (TOUCH_BLOCK - 1)) == 0) {
        int to = Math.min(nnz, k + TOUCH_BLOCK);
        touchSink = touch(rowSum, rowId, k, to) + touch(rowComp, rowId, k, to);
      }
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
  public static ContingencyTable of(int[] rowId, int[] colId, double[] count, int nnz) {
    int r = 0;
    int c = 0;
    for (int k = 0; k < nnz; k++) {
      r = Math.max(r, rowId[k] + 1);
      c = Math.max(c, colId[k] + 1);
    }
    return new ContingencyTable(r, c, rowId, colId, count, nnz);
  }

  /** Dense matrix {@code m[row][col]}, rows may be ragged; zero entries are not stored. */
  public static ContingencyTable fromMatrix(double[][] m) {
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
    return new ContingencyTable(m.length, cols, ri, ci, cv, nnz, true);
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

  /** Neumaier step on {@code sums[i]}; returns the new compensation. */
  private static double neumaier(double[] sums, double comp, int i, double x) {
    double s = sums[i];
    double t = s + x;
    comp += Precise.sumError(s, x, t);
    sums[i] = t;
    return comp;
  }
}
