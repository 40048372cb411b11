package io.github.sparkdivergence.math;

/**
 * Argument validation shared by the public math classes. Messages are only built on the failure
 * path, so the happy path allocates nothing.
 */
final class Checks {
  private Checks() {}

  /** Non-null, n >= 1 and long enough to hold n entries. */
  static void vector(double[] a, int n, int arg) {
    if (a == null) {
      throw new InvalidInputException(arg, "is null");
    }
    length(a.length, n, arg);
  }

  static void length(int length, int n, int arg) {
    if (n == 0) {
      throw new InvalidInputException(arg, "is empty");
    }
    if (n < 0) {
      throw new InvalidInputException(arg, "n must be >= 0 but was " + n);
    }
    if (length < n) {
      throw new InvalidInputException(arg, "length " + length + " is shorter than n = " + n);
    }
  }

  /** For the convenience overloads that take whole arrays. */
  static void sameLength(double[] first, double[] other, int otherArg) {
    if (first != null && other != null && other.length != first.length) {
      throw new InvalidInputException(
          otherArg,
          "length " + other.length + " does not match length " + first.length
              + " of the first argument");
    }
  }

  static int lengthOf(double[] a, int arg) {
    if (a == null) {
      throw new InvalidInputException(arg, "is null");
    }
    return a.length;
  }

  static void noNaN(double[] a, int n, int arg) {
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(a[i])) {
        throw nan(arg, i);
      }
    }
  }

  /** No NaN and no +inf: log-probabilities and logits (-inf is a probability of 0). */
  static void finiteAbove(double[] a, int n, int arg) {
    for (int i = 0; i < n; i++) {
      double v = a[i];
      if (!(v < Double.POSITIVE_INFINITY)) {
        throw Double.isNaN(v) ? nan(arg, i) : infinite(arg, i);
      }
    }
  }

  static InvalidInputException infinite(int arg, int index) {
    return new InvalidInputException(arg, "contains +Infinity at index " + index);
  }

  /** Log-probabilities used as given: sum exp(x_i) within {@link #SUM_TOLERANCE} of 1. */
  static void logSumsToOne(double mass, int arg) {
    if (!(Math.abs(mass - 1.0) <= SUM_TOLERANCE)) {
      throw new InvalidInputException(arg, "are not normalized log-probabilities: sum exp(x_i) = " + mass
          + ", not 1 (within " + SUM_TOLERANCE + "); pass them as logits to renormalize (log-softmax)");
    }
  }

  static InvalidInputException nan(int arg, int index) {
    return new InvalidInputException(arg, "contains NaN at index " + index);
  }

  /** One probability-like entry: NaN, negatives (including -inf) and +inf are rejected. */
  static void entry(double v, int index, int arg) {
    if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
      if (Double.isNaN(v)) {
        throw nan(arg, index);
      }
      throw new InvalidInputException(arg, (v > 0 ? "infinite value " : "negative value ") + v + " at index " + index);
    }
  }

  /**
   * How far from 1 the sum of a vector used without {@code normalize} may be: float32 model
   * outputs sum to 1 within a few 1e-7, so 1e-5 accepts them with room to spare, while a vector of
   * counts or a truncated distribution is rejected instead of giving a value outside the measure's
   * range (a negative KL, an entropy below 0, a JS distance above 1 bit).
   */
  static final double SUM_TOLERANCE = 1e-5;

  /** A vector used as given must be a distribution: its sum within {@link #SUM_TOLERANCE} of 1. */
  static void sumsToOne(double sum, int arg) {
    if (!(Math.abs(sum - 1.0) <= SUM_TOLERANCE)) {
      throw new InvalidInputException(arg, "sums to " + sum + ", not 1 (within " + SUM_TOLERANCE
          + "); pass normalize => true to divide it by its sum");
    }
  }

  /** The plain sum of the first n entries (accurate enough for {@link #sumsToOne}). */
  static double sum(double[] a, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += a[i];
    }
    return s;
  }

  static void eps(double eps, int arg) {
    if (!(eps >= 0)) {
      throw new InvalidInputException(arg, "eps must be >= 0 but was " + eps);
    }
    if (eps == Double.POSITIVE_INFINITY) {
      throw new InvalidInputException(arg, "eps must be finite but was " + eps);
    }
  }

  /**
   * Validates an MLlib-layout sparse vector: size >= 1, 0 <= nnz <= array lengths, indices
   * strictly increasing and in [0, size), values non-negative and not NaN.
   */
  static void sparse(int size, int[] idx, double[] val, int nnz, int arg) {
    if (size == 0) {
      throw new InvalidInputException(arg, "is empty");
    }
    if (size < 0) {
      throw new InvalidInputException(arg, "size must be >= 0 but was " + size);
    }
    if (idx == null) {
      throw new InvalidInputException(arg, "indices are null");
    }
    if (val == null) {
      throw new InvalidInputException(arg, "values are null");
    }
    if (nnz < 0) {
      throw new InvalidInputException(arg, "nnz must be >= 0 but was " + nnz);
    }
    if (nnz > idx.length) {
      throw new InvalidInputException(
          arg, "nnz " + nnz + " exceeds the number of indices " + idx.length);
    }
    if (nnz > val.length) {
      throw new InvalidInputException(
          arg, "nnz " + nnz + " exceeds the number of values " + val.length);
    }
    int prev = -1;
    for (int k = 0; k < nnz; k++) {
      int i = idx[k];
      if (i < 0 || i >= size) {
        throw new InvalidInputException(
            arg, "index " + i + " at position " + k + " is out of range for size " + size);
      }
      if (i <= prev) {
        throw new InvalidInputException(
            arg,
            (i == prev ? "duplicate index " + i : "unsorted index " + i + " after " + prev)
                + " at position " + k);
      }
      prev = i;
      entry(val[k], i, arg);
    }
  }

  static void sameSize(int pSize, int qSize) {
    if (pSize != qSize) {
      throw new InvalidInputException(
          1, "size " + qSize + " does not match size " + pSize + " of the first argument");
    }
  }
}
