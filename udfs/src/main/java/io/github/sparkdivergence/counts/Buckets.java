package io.github.sparkdivergence.counts;

/**
 * The bucket rule of numeric columns, shared by drift and the bucketed distribution states:
 * Spark's {@code Bucketizer} with {@code handleInvalid=keep}. With splits {@code s_0 < ... < s_n},
 * bucket i holds {@code s_i <= x < s_(i+1)}, the last one also {@code x = s_n}, and NaN goes to an
 * extra bucket n after the last.
 */
public final class Buckets {
  private Buckets() {}

  /** The bucket of {@code x}, or -1 when it is outside {@code [s_0, s_n]}. */
  public static int of(double[] splits, double x) {
    if (Double.isNaN(x)) return splits.length - 1;
    if (x == splits[splits.length - 1]) return splits.length - 2;
    if (x < splits[0] || x > splits[splits.length - 1]) return -1;
    int i = java.util.Arrays.binarySearch(splits, x);
    return i >= 0 ? i : -i - 2;
  }

  /** Why these cannot be splits (fewer than 2, NaN, not strictly increasing), or null. */
  public static String problem(double[] splits) {
    if (splits.length < 2) return "needs at least 2 splits (1 bucket) but has " + splits.length;
    for (int i = 0; i < splits.length; i++) {
      if (Double.isNaN(splits[i])) return "split " + i + " is NaN";
      if (i > 0 && !(splits[i] > splits[i - 1])) {
        return "splits must increase strictly, but split " + i + " (" + splits[i] + ") follows " + splits[i - 1];
      }
    }
    return null;
  }
}
