package io.github.sparkdivergence.math;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * The totals of a column's levels as a histogram (how many levels have each total), gathered from
 * levels seen once each wherever they are: what the entropy of the column and AMI's expected MI
 * need of its levels (at most sqrt(2 n) distinct totals for counts).
 */
public final class LevelTotals implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Map<Double, Long> levelsByTotal = new HashMap<>();

  /** A level with this total; one of total 0 (only zero weights) is no level, as in the in-memory table. */
  public void add(double levelTotal) {
    if (!(levelTotal > 0)) return;
    levelsByTotal.merge(levelTotal, 1L, Long::sum);
  }

  /**
   * A level for each of {@code totals[0, n)} (as {@link #add} one by one): with millions of levels
   * and few distinct totals, each distinct total is counted in a small table of primitives first
   * rather than boxed per level.
   */
  public void addAll(double[] totals, int n) {
    double[] keys = new double[64];
    long[] counts = new long[64];
    boolean[] used = new boolean[64];
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      double t = totals[i];
      if (!(t > 0)) continue;
      if (2 * (distinct + 1) > keys.length) {
        double[] k2 = new double[2 * keys.length];
        long[] c2 = new long[k2.length];
        boolean[] u2 = new boolean[k2.length];
        for (int j = 0; j < keys.length; j++) {
          if (used[j]) {
            int s = slot(keys[j], k2.length);
            while (u2[s]) s = (s + 1) & (k2.length - 1);
            u2[s] = true;
            k2[s] = keys[j];
            c2[s] = counts[j];
          }
        }
        keys = k2;
        counts = c2;
        used = u2;
      }
      int s = slot(t, keys.length);
      while (used[s] && keys[s] != t) s = (s + 1) & (keys.length - 1);
      if (!used[s]) {
        used[s] = true;
        keys[s] = t;
        distinct++;
      }
      counts[s]++;
    }
    for (int j = 0; j < keys.length; j++) {
      if (used[j]) levelsByTotal.merge(keys[j], counts[j], Long::sum);
    }
  }

  private static int slot(double key, int capacity) {
    long h = Double.doubleToLongBits(key) * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & (capacity - 1);
  }

  /** Adds the levels of {@code o} (other levels of the same column). */
  public LevelTotals merge(LevelTotals o) {
    o.levelsByTotal.forEach((k, v) -> levelsByTotal.merge(k, v, Long::sum));
    return this;
  }

  /** {distinct totals ascending, how many levels have each}. */
  public double[][] histogram() {
    double[] keys = levelsByTotal.keySet().stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[][] h = new double[2][keys.length];
    for (int i = 0; i < keys.length; i++) {
      h[0][i] = keys[i];
      h[1][i] = levelsByTotal.get(keys[i]);
    }
    return h;
  }
}
