package io.github.sparkdivergence.math;

import java.io.Serializable;

/**
 * The sufficient statistics for fitting a Gaussian to vectors of one length d: the count, the mean
 * and the co-moment matrix C = sum_k (x_k - mean)(x_k - mean)^T. Vectors are added one at a time
 * with Welford's update and accumulators are combined with Chan, Golub and LeVeque's pairwise
 * formula (C = C_a + C_b + delta delta^T n_a n_b / n), so partitions can be merged in any order
 * and grouping: the results agree to rounding, not bit for bit. Both avoid the cancellation of
 * sum(x x^T) - n mean mean^T, which loses everything when the mean is large against the spread.
 *
 * <p>{@link #covariance()} divides by n - 1 (the unbiased sample covariance, as numpy.cov and
 * MLlib's RowMatrix.computeCovariance) and, like RowMatrix, refuses fewer than 2 vectors
 * ({@link IllegalStateException}); Spark SQL's covar_samp gives NULL there, so a SQL adapter
 * should check {@link #count()} first. C is stored as its lower triangle (d(d+1)/2 doubles);
 * {@link #covariance()} returns the full row-major d x d matrix that
 * {@link MultivariateGaussian#kl} takes.
 *
 * <p>An accumulator made with {@link #GaussianMoments()} takes its dimension from the first vector
 * (or merge), which suits an aggregation's zero value. A vector of another length, a NaN or
 * infinite entry or a bad sparse vector is an {@link InvalidInputException} (argument 0) and
 * leaves the accumulator unchanged. Not thread-safe.
 */
public final class GaussianMoments implements Serializable {
  private static final long serialVersionUID = 1L;

  /** 0 until the first vector when constructed without one. */
  private int d;
  private long n;
  private double[] mean;
  /** Lower triangle of C, row-major: (i, j <= i) at i(i+1)/2 + j. */
  private double[] comoment;
  /** Per-update scratch (2d), rebuilt after deserialisation. */
  private transient double[] tmp;

  /** Dimension fixed by the first vector or merge. */
  public GaussianMoments() {}

  public GaussianMoments(int d) {
    if (d < 1) {
      throw new InvalidInputException(0, "d", "must be >= 1 but was " + d);
    }
    init(d);
  }

  /** Adds one dense vector (its whole length is the dimension). */
  public GaussianMoments add(double[] x) {
    if (x == null) {
      throw new InvalidInputException(0, "x", "is null");
    }
    checkLength(x.length, "has length ");
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i])) {
        throw nonFinite(x[i], i);
      }
    }
    if (d == 0) {
      init(x.length);
    }
    update(x);
    return this;
  }

  /**
   * Adds one sparse vector in MLlib's layout: {@code size} entries, of which those at the strictly
   * increasing {@code indices} hold {@code values} (as many as there are indices) and the rest are 0.
   */
  public GaussianMoments add(int size, int[] indices, double[] values) {
    if (indices == null || values == null) {
      throw new InvalidInputException(0, "x", (indices == null ? "indices" : "values") + " are null");
    }
    if (indices.length != values.length) {
      throw new InvalidInputException(0, "x", "has " + indices.length + " indices but " + values.length + " values");
    }
    checkLength(size, "has size ");
    int prev = -1;
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      if (i <= prev || i >= size) {
        throw new InvalidInputException(0, "x", "index " + i + " at position " + k
            + (i >= size ? " is out of range for size " + size : " is not after " + prev));
      }
      if (!Double.isFinite(values[k])) {
        throw nonFinite(values[k], i);
      }
      prev = i;
    }
    if (d == 0) {
      init(size);
    }
    double[] x = new double[size];
    for (int k = 0; k < indices.length; k++) {
      x[indices[k]] = values[k];
    }
    update(x);
    return this;
  }

  /** Adds everything {@code other} has seen; {@code other} is not changed. */
  public GaussianMoments merge(GaussianMoments other) {
    if (other == null) {
      throw new InvalidInputException(0, "other", "is null");
    }
    if (other.n == 0) {
      return this;
    }
    if (d != 0 && other.d != d) {
      throw new InvalidInputException(0, "other", "has dimension " + other.d + " but this accumulator has dimension " + d);
    }
    if (n == 0) {
      d = other.d;
      n = other.n;
      mean = other.mean.clone();
      comoment = other.comoment.clone();
      tmp = null;
      return this;
    }
    double total = (double) n + other.n;
    double fb = other.n / total;
    double f = n * fb; // n_a n_b / n, without the product overflowing a long
    double[] delta = scratch();
    for (int i = 0; i < d; i++) {
      delta[i] = other.mean[i] - mean[i];
    }
    for (int i = 0, at = 0; i < d; i++) {
      double di = delta[i] * f;
      for (int j = 0; j <= i; j++, at++) {
        comoment[at] += other.comoment[at] + di * delta[j];
      }
    }
    for (int i = 0; i < d; i++) {
      mean[i] += delta[i] * fb;
    }
    n += other.n;
    return this;
  }

  public long count() {
    return n;
  }

  /** The vectors' length, or 0 before the first vector of an accumulator made without one. */
  public int dimension() {
    return d;
  }

  /** A copy of the mean; needs at least one vector. */
  public double[] mean() {
    if (n == 0) {
      throw new IllegalStateException("the mean needs at least 1 vector but none was added");
    }
    return mean.clone();
  }

  /** The sample covariance C / (n - 1), row-major d x d; needs at least 2 vectors. */
  public double[] covariance() {
    if (n < 2) {
      throw new IllegalStateException("the sample covariance (denominator n - 1) needs at least 2 vectors but "
          + (n == 0 ? "none was" : "1 was") + " added");
    }
    double[] out = new double[d * d];
    double denom = n - 1.0;
    for (int i = 0, at = 0; i < d; i++) {
      for (int j = 0; j <= i; j++, at++) {
        double v = comoment[at] / denom;
        out[i * d + j] = v;
        out[j * d + i] = v;
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "GaussianMoments(d = " + d + ", n = " + n + ")";
  }

  private void init(int dim) {
    d = dim;
    mean = new double[dim];
    comoment = new double[(int) ((long) dim * (dim + 1) / 2)];
  }

  private void checkLength(int length, String what) {
    if (d != 0 && length != d) {
      throw new InvalidInputException(0, "x", what + length + " but the accumulator's dimension is " + d);
    }
    if (length < 1) {
      throw new InvalidInputException(0, "x", length == 0 ? "is empty" : what + length);
    }
  }

  /** Welford: C += (x - mean_old)(x - mean_new)^T, whose exact value is symmetric. */
  private void update(double[] x) {
    n++;
    double inv = 1.0 / n;
    double[] t = scratch();
    for (int i = 0; i < d; i++) {
      double before = x[i] - mean[i];
      mean[i] += before * inv;
      t[i] = before;
      t[d + i] = x[i] - mean[i];
    }
    for (int i = 0, at = 0; i < d; i++) {
      double before = t[i];
      for (int j = 0; j <= i; j++, at++) {
        comoment[at] += before * t[d + j];
      }
    }
  }

  private double[] scratch() {
    if (tmp == null || tmp.length < 2 * d) {
      tmp = new double[2 * d];
    }
    return tmp;
  }

  private static InvalidInputException nonFinite(double v, int index) {
    return new InvalidInputException(0, "x", (Double.isNaN(v) ? "contains NaN" : "contains " + v) + " at index " + index);
  }
}
