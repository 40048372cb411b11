package io.github.sparkdivergence.spark.drift;

import io.github.sparkdivergence.math.CompensatedSum;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;

/**
 * What one partition of the sorted (column, value) counts holds, gathered in the first of the two
 * passes over them: the counts per category or bucket of every column, and for each numeric
 * column its run of finite values (first and last value, counts per side), from which the second
 * pass learns where each partition's run starts.
 *
 * <p>Rows are {@code (c, v, x, n_ref, n_cur)}: column index, category or bucket, the finite value
 * of a numeric column (null otherwise), and the counts of that (c, v, x) on each side.
 */
final class DriftCounts implements Serializable {
  /** A partition's run of the finite values of one column. */
  static final class Run implements Serializable {
    double first = Double.NaN;
    double last = Double.NaN;
    long nRef;
    long nCur;
    /** Sum of the reference's values, for the mean that the second pass centres the variance on. */
    final CompensatedSum refSum = new CompensatedSum();
  }

  final int partition;
  final Map<Integer, Map<String, long[]>> categories = new HashMap<>();
  final Map<Integer, Run> runs = new HashMap<>();
  /** Columns with more than the allowed categories in this partition alone: their counts are dropped. */
  final Set<Integer> tooMany = new HashSet<>();
  private final int maxCategories;

  DriftCounts(int partition, int maxCategories) {
    this.partition = partition;
    this.maxCategories = maxCategories;
  }

  void add(Row r) {
    int c = r.getInt(0);
    long nRef = r.getLong(3);
    long nCur = r.getLong(4);
    if (!r.isNullAt(2)) {
      double x = r.getDouble(2);
      Run run = runs.computeIfAbsent(c, k -> new Run());
      if (Double.isNaN(run.first)) run.first = x;
      run.last = x;
      run.nRef += nRef;
      run.nCur += nCur;
      if (nRef > 0) run.refSum.add(x * nRef);
    }
    if (tooMany.contains(c)) return;
    Map<String, long[]> m = categories.computeIfAbsent(c, k -> new HashMap<>());
    long[] n = m.computeIfAbsent(r.isNullAt(1) ? null : r.getString(1), k -> new long[2]);
    n[0] += nRef;
    n[1] += nCur;
    if (m.size() > maxCategories) {
      tooMany.add(c);
      categories.remove(c);
    }
  }
}
