package io.github.sparkdivergence.math;

/**
 * Closed-form KL divergence between multivariate normals with full covariance matrices:
 * KL(N(mu1, S1) || N(mu2, S2)) = 1/2 [tr(S2^-1 S1) + (mu2-mu1)^T S2^-1 (mu2-mu1) - d + ln det S2
 * - ln det S1].
 *
 * <p>Covariances are row-major {@code double[d * d]}. Nothing is inverted: with the Cholesky
 * factors S1 = L1 L1^T and S2 = L2 L2^T, M = L2^-1 L1 (lower triangular, by forward substitution)
 * and z = L2^-1 (mu2 - mu1),
 * KL = 1/2 [sum_i (e^(x_i) - 1 - x_i) + sum_{i>j} M_ij^2 + |z|^2] with x_i = 2 ln(L1_ii / L2_ii).
 * That is the same formula regrouped (tr(M M^T) = sum of all M_ij^2, the log-determinants are
 * sums of ln L_ii and M_ii = L1_ii / L2_ii): every term is >= 0, so the result is never negative
 * and nearly equal distributions do not cancel tr - d against the log-determinants. The cost is
 * about d^3 flops (two factorisations and one triangular solve with a triangular right-hand side).
 *
 * <p>A covariance must be symmetric: |S_ij - S_ji| <= {@link #SYMMETRY_TOLERANCE} *
 * max(|S_ij|, |S_ji|, sqrt(|S_ii S_jj|)) (the last is the scale Cauchy-Schwarz gives an SPD
 * matrix's off-diagonal entries; the tolerance is numpy's for multivariate_normal), and the pair
 * is averaged, so both triangles count. It must then be positive definite after {@code ridge} is
 * added to its diagonal: the Cholesky factorisation fails, as LAPACK's, on a pivot that is not
 * > 0, and the error names the argument, d, the pivot and its value. A ridge lambda >= 0 is added
 * to the diagonal of both covariances (S + lambda I); a sample covariance of fewer vectors than
 * dimensions is singular and needs one.
 *
 * <p>Invalid ({@link InvalidInputException}, whose message starts with the argument's name):
 * d < 1, arrays shorter than d (or d * d), a NaN or infinite entry, a non-symmetric or
 * non-positive-definite covariance, a NaN, negative or infinite ridge, a bad base. Argument
 * indices, without d: 0 = mu1, 1 = cov1, 2 = mu2, 3 = cov2, 4 = ridge, 5 = base.
 */
public final class MultivariateGaussian {
  private MultivariateGaussian() {}

  /** Relative tolerance of the symmetry check (see the class comment). */
  public static final double SYMMETRY_TOLERANCE = 1e-8;

  private static final String[] NAMES = {"mu1", "cov1", "mu2", "cov2", "ridge", "base"};

  /** Whole arrays: d = mu1.length, covariances of length d * d, no ridge, in nats. */
  public static double kl(double[] mu1, double[] cov1, double[] mu2, double[] cov2) {
    return kl(mu1, cov1, mu2, cov2, 0.0);
  }

  /** Whole arrays with a ridge, in nats. */
  public static double kl(double[] mu1, double[] cov1, double[] mu2, double[] cov2, double ridge) {
    int d = lengthOf(mu1, 0);
    exactLength(cov1, (long) d * d, 1, d);
    exactLength(mu2, d, 2, d);
    exactLength(cov2, (long) d * d, 3, d);
    return kl(mu1, cov1, mu2, cov2, d, ridge, Math.E, null);
  }

  /** The first d (d * d) entries of each array, in the given log base. */
  public static double kl(double[] mu1, double[] cov1, double[] mu2, double[] cov2, int d,
      double ridge, double base) {
    return kl(mu1, cov1, mu2, cov2, d, ridge, base, null);
  }

  /**
   * As {@link #kl(double[], double[], double[], double[], int, double, double)}, factorising in
   * {@code work} ({@link #workLength}(d) doubles; null or shorter: allocated here) so that a caller
   * evaluating many rows allocates nothing per row. The inputs are never written.
   */
  public static double kl(double[] mu1, double[] cov1, double[] mu2, double[] cov2, int d,
      double ridge, double base, double[] work) {
    if (d < 1) {
      throw invalid(0, d == 0 ? "is empty" : "d must be >= 1 but was " + d);
    }
    if ((long) d * d > Integer.MAX_VALUE) {
      throw invalid(1, "d * d = " + (long) d * d + " does not fit in an array (d = " + d + ")");
    }
    vector(mu1, d, 0);
    matrix(cov1, d, 1);
    vector(mu2, d, 2);
    matrix(cov2, d, 3);
    if (!(ridge >= 0) || ridge == Double.POSITIVE_INFINITY) {
      throw invalid(4, "must be finite and >= 0 but was " + ridge);
    }
    if (!LogBase.isValid(base)) {
      throw invalid(5, LogBase.problem(base));
    }
    int dd = d * d;
    double[] w = work != null && work.length >= workLength(d) ? work : new double[workLength(d)];
    // w = [L1 (its upper triangle then holds M^T) | L2 | z]
    symmetrized(cov1, d, ridge, w, 0, 1);
    symmetrized(cov2, d, ridge, w, dd, 3);
    cholesky(w, 0, d, ridge, 1);
    cholesky(w, dd, d, ridge, 3);
    return klNat(mu1, mu2, d, w, 0, dd, 2 * dd) / LogBase.ln(base, 5);
  }

  /** Doubles the work buffer of {@link #kl(double[], double[], double[], double[], int, double, double, double[])} needs. */
  public static int workLength(int d) {
    return 2 * d * d + d;
  }

  /** The sum of the non-negative terms of the class comment, from the two factors in w. */
  private static double klNat(double[] mu1, double[] mu2, int d, double[] w, int l1, int l2, int zAt) {
    double s = 0;
    double c = 0;
    // Column j of M = L2^-1 L1 goes to row j of L1's upper triangle (M^T, row-major), so both
    // operands of the inner product are contiguous: M_ij = (L1_ij - sum_{j<=k<i} L2_ik M_kj) / L2_ii.
    for (int j = 0; j < d; j++) {
      int rowJ = l1 + j * d;
      double diag1 = w[rowJ + j];
      double diag2 = w[l2 + j * d + j];
      double t = Precise.expm1MinusX(2 * Precise.logRatio(diag1, diag2));
      double sum = s + t;
      c += Precise.sumError(s, t, sum);
      s = sum;
      w[rowJ + j] = diag1 / diag2;
      for (int i = j + 1; i < d; i++) {
        int rowI2 = l2 + i * d;
        double m = (w[l1 + i * d + j] - dot(w, rowI2 + j, w, rowJ + j, i - j)) / w[rowI2 + i];
        w[rowJ + i] = m;
        double m2 = m * m;
        sum = s + m2;
        c += Precise.sumError(s, m2, sum);
        s = sum;
      }
    }
    for (int i = 0; i < d; i++) {
      int rowI2 = l2 + i * d;
      double zi = ((mu2[i] - mu1[i]) - dot(w, rowI2, w, zAt, i)) / w[rowI2 + i];
      w[zAt + i] = zi;
      double z2 = zi * zi;
      double sum = s + z2;
      c += Precise.sumError(s, z2, sum);
      s = sum;
    }
    // Terms are >= 0, so the only non-finite total is +inf (an overflowing z or M entry).
    return 0.5 * Precise.finish(s, c, 0);
  }

  /**
   * Copies the symmetric part of {@code cov} (lower triangle, row-major) into {@code w[at..]}
   * with {@code ridge} on the diagonal, after checking that every entry is finite and that
   * the matrix is symmetric.
   */
  private static void symmetrized(double[] cov, int d, double ridge, double[] w, int at, int arg) {
    for (int i = 0; i < d; i++) {
      int row = i * d;
      for (int j = 0; j <= i; j++) {
        double a = cov[row + j];
        double b = cov[j * d + i];
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
          int ii = Double.isFinite(a) ? j : i;
          int jj = Double.isFinite(a) ? i : j;
          double v = Double.isFinite(a) ? b : a;
          throw invalid(arg, (Double.isNaN(v) ? "contains NaN" : "contains " + v) + " at (" + ii + ", " + jj
              + ") (d = " + d + ")");
        }
        if (a != b) {
          double scale = Math.max(Math.max(Math.abs(a), Math.abs(b)),
              Math.sqrt(Math.abs(cov[row + i])) * Math.sqrt(Math.abs(cov[j * d + j])));
          if (!(Math.abs(a - b) <= SYMMETRY_TOLERANCE * scale)) {
            throw invalid(arg, "is not symmetric (d = " + d + "): entries (" + i + ", " + j + ") = " + a
                + " and (" + j + ", " + i + ") = " + b + " differ by more than " + SYMMETRY_TOLERANCE
                + " relative; pass (S + S^T) / 2 if the asymmetry is rounding");
          }
          a += 0.5 * (b - a); // not (a + b) / 2: that overflows for entries near the largest double
        }
        w[at + row + j] = i == j ? a + ridge : a;
      }
    }
  }

  /**
   * In-place Cholesky factorisation (Cholesky-Banachiewicz: row by row, so each step is an inner
   * product of two contiguous rows) of the lower triangle at {@code w[at..]}.
   */
  private static void cholesky(double[] w, int at, int d, double ridge, int arg) {
    for (int i = 0; i < d; i++) {
      int rowI = at + i * d;
      for (int j = 0; j < i; j++) {
        int rowJ = at + j * d;
        w[rowI + j] = (w[rowI + j] - dot(w, rowI, w, rowJ, j)) / w[rowJ + j];
      }
      double pivot = w[rowI + i] - dot(w, rowI, w, rowI, i);
      if (!(pivot > 0) || pivot == Double.POSITIVE_INFINITY) {
        throw invalid(arg, "is not positive definite (d = " + d + "): Cholesky pivot " + i + " (0-based) is "
            + pivot + ", not a finite number > 0" + (ridge > 0 ? ", with ridge " + ridge : "")
            + "; pass a " + (ridge > 0 ? "larger " : "")
            + "ridge > 0 (added to the diagonal of both covariances), e.g. 1e-6 times the mean variance");
      }
      w[rowI + i] = Math.sqrt(pivot);
    }
  }

  /**
   * sum_{k < n} a[i + k] * b[j + k] with four partial sums: the inner loop of the O(d^3) work,
   * where one dependent chain of additions would leave the FPU waiting.
   */
  private static double dot(double[] a, int i, double[] b, int j, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int k = 0;
    for (; k + 3 < n; k += 4) {
      s0 += a[i + k] * b[j + k];
      s1 += a[i + k + 1] * b[j + k + 1];
      s2 += a[i + k + 2] * b[j + k + 2];
      s3 += a[i + k + 3] * b[j + k + 3];
    }
    for (; k < n; k++) {
      s0 += a[i + k] * b[j + k];
    }
    return (s0 + s1) + (s2 + s3);
  }

  private static void vector(double[] v, int d, int arg) {
    if (v == null) {
      throw invalid(arg, "is null");
    }
    if (v.length < d) {
      throw invalid(arg, "has length " + v.length + " but d = " + d);
    }
    for (int i = 0; i < d; i++) {
      if (!Double.isFinite(v[i])) {
        throw invalid(arg, (Double.isNaN(v[i]) ? "contains NaN" : "contains " + v[i]) + " at index " + i);
      }
    }
  }

  private static void matrix(double[] m, int d, int arg) {
    if (m == null) {
      throw invalid(arg, "is null");
    }
    if (m.length < (long) d * d) {
      throw invalid(arg, "has length " + m.length + " but a row-major d x d matrix needs d * d = "
          + (long) d * d + " (d = " + d + ")");
    }
  }

  private static int lengthOf(double[] v, int arg) {
    if (v == null) {
      throw invalid(arg, "is null");
    }
    return v.length;
  }

  private static void exactLength(double[] v, long length, int arg, int d) {
    if (v == null) {
      throw invalid(arg, "is null");
    }
    if (v.length != length) {
      throw invalid(arg, "has length " + v.length + " but " + (arg == 2 ? "mu1 has length " + d
          : "a row-major d x d matrix needs d * d = " + length + " (d = " + d + " from mu1)"));
    }
  }

  private static InvalidInputException invalid(int arg, String problem) {
    return new InvalidInputException(arg, NAMES[arg], problem);
  }
}
