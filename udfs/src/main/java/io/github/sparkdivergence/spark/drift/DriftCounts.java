package io.github.sparkdivergence.spark.drift;

import io.github.sparkdivergence.math.CompensatedSum;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * What one partition of the sorted (column, value) counts holds, gathered in the first of the two
 * passes over them: the counts per category or bucket of every column, and for each numeric
 * column its runs of finite values (last value, counts per side), from which the second
 * pass learns where each partition's run starts.
 *
 * <p>Rows are {@code (c, v, x, n_ref, n_cur, r)}: column index, the category of a categorical column
 * (null otherwise), the value of a numeric column (null otherwise; NaN and infinities included), and
 * the counts of that (c, v, x) on each side, and the range of x among the reference's quantiles
 * (the runs are per column and range, sorted by x, each range in one partition). A numeric value's bucket is found here, as MLlib's
 * {@code Bucketizer} finds it (so the aggregation groups doubles, not bucket labels).
 */
final class DriftCounts implements Serializable {
  /** The key of a run: column and range. */
  static long key(int c, int range) { return ((long) c << 32) | range; }

  static int column(long key) { return (int) (key >>> 32); }

  /** A run of the finite values of one column in one range (all in one partition). */
  static final class Run implements Serializable {
    double last = Double.NaN;
    long nRef;
    long nCur;
    /** Sum of the reference's values, for the mean that the second pass centres the variance on. */
    final CompensatedSum refSum = new CompensatedSum();
  }

  final int partition;
  final Map<Integer, Map<String, long[]>> categories = new HashMap<>();
  final Map<Long, Run> runs = new HashMap<>();
  /** Columns with more than the allowed categories in this partition alone: their counts are dropped. */
  final Set<Integer> tooMany = new HashSet<>();
  private final int maxCategories;
  /** Per column: the bucket splits of a numeric column, null for a categorical one. */
  private final double[][] splits;
  private final String[][] bucketKeys;
  /** The run of the previous row: rows arrive sorted by (column, range), so most rows share it. */
  private long lastKey = -1;
  private Run lastRun;

  DriftCounts(int partition, int maxCategories, double[][] splits) {
    this.partition = partition;
    this.maxCategories = maxCategories;
    this.splits = splits;
    this.bucketKeys = new String[splits.length][];
    for (int c = 0; c < splits.length; c++) {
      if (splits[c] == null) continue;
      bucketKeys[c] = new String[splits[c].length]; // the buckets, then the NaN bucket
      for (int b = 0; b < splits[c].length; b++) bucketKeys[c][b] = String.valueOf(b);
    }
  }

  void add(InternalRow r) {
    int c = r.getInt(0);
    long nRef = r.getLong(3);
    long nCur = r.getLong(4);
    String key = r.isNullAt(1) ? null : r.getUTF8String(1).toString();
    if (splits[c] != null && !r.isNullAt(2)) key = bucketKeys[c][io.github.sparkdivergence.counts.Buckets.of(splits[c], r.getDouble(2))];
    if (!r.isNullAt(2) && Double.isFinite(r.getDouble(2))) {
      double x = r.getDouble(2);
      long k = key(c, r.getInt(5));
      if (k != lastKey) {
        lastRun = runs.computeIfAbsent(k, unused -> new Run());
        lastKey = k;
      }
      Run run = lastRun;
      run.last = x;
      run.nRef += nRef;
      run.nCur += nCur;
      if (nRef > 0) run.refSum.add(x * nRef);
    }
    if (tooMany.contains(c)) return;
    Map<String, long[]> m = categories.computeIfAbsent(c, k -> new HashMap<>());
    long[] n = m.computeIfAbsent(key, k -> new long[2]);
    n[0] += nRef;
    n[1] += nCur;
    if (m.size() > maxCategories) {
      tooMany.add(c);
      categories.remove(c);
    }
  }
}
