package io.github.sparkdivergence.counts;

/**
 * Joint counts of many column pairs, filled in one pass over rows: one {@link CategoryDictionary}
 * per column and one {@link JointCounts} per pair. Each value of a row is interned once, however
 * many pairs its column is in, and then each pair adds 1 to its cell. For a 10-column matrix that is
 * 10 lookups and 45 counter updates per row, instead of one hash-aggregate row per pair. Rows come
 * in batches, counted pair by pair (see {@link #addRows}).
 *
 * <pre>{@code
 * PairwiseCounts counts = new PairwiseCounts(3, new int[][] {{0, 1}, {0, 2}, {1, 2}}, false);
 * ids[c][r] = counts.column(c).idOfBytes(...);   // each column c of each row r of a batch
 * counts.addRows(ids, rowsInBatch);
 * byte[] partial = counts.pairState(1);       // a ContingencyState's bytes: merges like any other
 * }</pre>
 *
 * <p>A pair's state is an ordinary {@link ContingencyState}, so states of the same pair from other
 * partitions, other flushes of this object ({@link #clear()}) or other runs merge exactly.
 *
 * <p>Weighted rows ({@link #PairwiseCounts(int, int[][], boolean, long, boolean)}: pre-aggregated
 * counts, survey weights) add their weight to the cell instead of 1; their pairs are always counted
 * in hash tables of doubles.
 *
 * <p>Memory: the dictionaries (about 30-45 bytes + value length per distinct value of a column),
 * plus per pair either a dense matrix (4 bytes per cell of (values of a) x (values of b), with 25%
 * headroom on each side; only for pairs up to {@link #MAX_DENSE_CELLS} cells and within the
 * budget given) or a hash table of 23-46 bytes per non-empty cell; see {@link #estimatedBytes()}.
 *
 * <p>Not thread-safe.
 */
public final class PairwiseCounts {
  private final int columnCount;
  private final int[] first;
  private final int[] second;
  private final boolean dropNulls;
  private final long maxDenseBytes;
  private final boolean weighted;
  private CategoryDictionary[] dictionaries;
  private JointCounts[] joint;
  private long[] rows;
  /** Pair p's total weight when {@link #weighted} (else its rows are its total). */
  private double[] weights;
  /** Pair p's counts as a row-major xCapacity[p] x yCapacity[p] matrix, or null when hashed. */
  private int[][] dense;
  private int[] xCapacity;
  private int[] yCapacity;
  /** Set once pair p outgrew its dense matrix: it is counted in joint[p] until clear(). */
  private boolean[] hashed;
  private long denseBytes;

  /**
   * Largest dense matrix of one pair: 16 MiB of int counts. Even out of L2 cache an increment
   * there costs a few ns, a probe of a hash table of that size 70-100 ns (measured here).
   */
  static final int MAX_DENSE_CELLS = 1 << 22;

  /** Without dense matrices: every pair in a hash table. */
  public PairwiseCounts(int columns, int[][] pairs, boolean dropNulls) {
    this(columns, pairs, dropNulls, 0);
  }

  /**
   * @param columns number of columns; ids passed to {@link #addRows} are indexed by column
   * @param pairs {@code pairs[p] = {a, b}}: pair p counts (column a, column b), a != b
   * @param dropNulls skip a row for a pair when either of its columns is NULL (else NULL is a
   *     category)
   * @param maxDenseBytes heap that dense count matrices may take in all (0: none). A pair whose
   *     columns have few distinct values is counted in a dense {@code int} matrix, an array index
   *     per update instead of a hash probe (about 10x cheaper); past {@link #MAX_DENSE_CELLS} cells
   *     or this budget it moves to a hash table.
   */
  public PairwiseCounts(int columns, int[][] pairs, boolean dropNulls, long maxDenseBytes) {
    this(columns, pairs, dropNulls, maxDenseBytes, false);
  }

  /**
   * As {@link #PairwiseCounts(int, int[][], boolean, long)}; {@code weighted}: every row comes with
   * a weight ({@link #addRows(int[][], double[], int)}), and pair states may hold any weights. Weighted
   * pairs are counted in hash tables of doubles (no dense {@code int} matrices).
   */
  public PairwiseCounts(int columns, int[][] pairs, boolean dropNulls, long maxDenseBytes, boolean weighted) {
    this.weighted = weighted;
    this.columnCount = columns;
    this.first = new int[pairs.length];
    this.second = new int[pairs.length];
    for (int p = 0; p < pairs.length; p++) {
      int a = pairs[p][0];
      int b = pairs[p][1];
      if (a < 0 || b < 0 || a >= columns || b >= columns || a == b) {
        throw new IllegalArgumentException("pair " + p + " (" + a + ", " + b + ") must be two distinct columns in [0, " + columns + ")");
      }
      first[p] = a;
      second[p] = b;
    }
    this.dropNulls = dropNulls;
    this.maxDenseBytes = weighted ? 0 : maxDenseBytes;
    clear();
  }

  /** Forgets everything counted so far (e.g. after the pair states were emitted). */
  public void clear() {
    dictionaries = new CategoryDictionary[columnCount];
    for (int c = 0; c < columnCount; c++) {
      dictionaries[c] = new CategoryDictionary();
    }
    joint = new JointCounts[first.length];
    for (int p = 0; p < first.length; p++) {
      joint[p] = new JointCounts();
    }
    rows = new long[first.length];
    weights = new double[first.length];
    dense = new int[first.length][];
    xCapacity = new int[first.length];
    yCapacity = new int[first.length];
    hashed = new boolean[first.length];
    denseBytes = 0;
  }

  public int pairs() {
    return first.length;
  }

  /** The dictionary that interns column c's values. */
  public CategoryDictionary column(int c) {
    return dictionaries[c];
  }

  /**
   * Counts rows {@code 0 .. count-1} of a batch: {@code ids[c][r]} is the id of row r's column-c
   * value in {@link #column(int) column(c)}. Pair by pair rather than row by row: one pair's table
   * stays in cache for the whole batch, and its independent updates overlap their cache misses,
   * where cycling through every pair's table on every row would evict them all.
   */
  public void addRows(int[][] ids, int count) {
    addRows(ids, (double[]) null, count);
  }

  /**
   * {@link #addRows(int[][], int)} with row r weighing {@code ws[r]} (finite, >= 0; not checked
   * here), for counts made {@code weighted}.
   */
  public void addRows(int[][] ids, double[] ws, int count) {
    if ((ws == null) == weighted) {
      throw new IllegalStateException(weighted ? "weighted counts need each row's weight" : "these counts are not weighted");
    }
    if (count == 0) {
      return;
    }
    for (int p = 0; p < first.length; p++) {
      int[] xs = ids[first[p]];
      int[] ys = ids[second[p]];
      CategoryDictionary dx = dictionaries[first[p]];
      CategoryDictionary dy = dictionaries[second[p]];
      if (!hashed[p] && (dense[p] == null || dx.size() > xCapacity[p] || dy.size() > yCapacity[p])) {
        layOut(p, dx.size(), dy.size());
      }
      if (dense[p] != null && rows[p] + count > Integer.MAX_VALUE) {
        toHash(p); // a cell could overflow its int
      }
      long kept = 0;
      int[] m = dense[p];
      if (m != null) {
        int stride = yCapacity[p];
        for (int r = 0; r < count; r++) {
          if (!dropNulls || (dx.kind(xs[r]) != CategoryDictionary.KIND_NULL && dy.kind(ys[r]) != CategoryDictionary.KIND_NULL)) {
            m[xs[r] * stride + ys[r]]++;
            kept++;
          }
        }
      } else {
        JointCounts j = joint[p];
        double total = 0;
        for (int r = 0; r < count; r++) {
          if (!dropNulls || (dx.kind(xs[r]) != CategoryDictionary.KIND_NULL && dy.kind(ys[r]) != CategoryDictionary.KIND_NULL)) {
            double w = ws == null ? 1.0 : ws[r];
            j.add(xs[r], ys[r], w);
            total += w;
            kept++;
          }
        }
        if (weighted) {
          weights[p] += total;
        }
      }
      rows[p] += kept;
    }
  }

  /** (Re)allocates pair p's dense matrix for sx x sy values plus headroom, or hashes the pair. */
  private void layOut(int p, int sx, int sy) {
    long cx = sx + (sx >> 2) + 4L;
    long cy = sy + (sy >> 2) + 4L;
    long bytes = CategoryDictionary.arrayBytes(cx * cy, 4);
    int[] old = dense[p];
    long oldBytes = old == null ? 0 : CategoryDictionary.arrayBytes(old.length, 4);
    if (cx * cy > MAX_DENSE_CELLS || denseBytes - oldBytes + bytes > maxDenseBytes) {
      toHash(p);
      return;
    }
    int[] m = new int[(int) (cx * cy)];
    if (old != null) {
      int oldStride = yCapacity[p];
      for (int i = 0; i < xCapacity[p]; i++) {
        System.arraycopy(old, i * oldStride, m, (int) (i * cy), oldStride);
      }
    }
    dense[p] = m;
    xCapacity[p] = (int) cx;
    yCapacity[p] = (int) cy;
    denseBytes += bytes - oldBytes;
  }

  /** Moves pair p's dense counts into its hash table, where it stays until clear(). */
  private void toHash(int p) {
    hashed[p] = true;
    int[] m = dense[p];
    if (m == null) {
      return;
    }
    int stride = yCapacity[p];
    for (int k = 0; k < m.length; k++) {
      if (m[k] != 0) {
        joint[p].add(k / stride, k % stride, m[k]);
      }
    }
    dense[p] = null;
    denseBytes -= CategoryDictionary.arrayBytes(m.length, 4);
  }

  /**
   * Adds a state of pair p in {@link ContingencyState#toBytes()} form, as emitted by {@link
   * #pairState} of another object counting the same pair: its values are interned in the pair's
   * two column dictionaries and its cells counted like rows, densely while the pair fits. Unless
   * these counts are weighted, weights must be whole counts (rows), as this class produces them.
   */
  public void mergePairState(int p, byte[] state) {
    if (weighted) {
      weights[p] += ContingencyState.readCells(state, dictionaries[first[p]], dictionaries[second[p]], joint[p]::add);
      return;
    }
    double total = ContingencyState.readCells(state, dictionaries[first[p]], dictionaries[second[p]],
        (ix, iy, w) -> addCount(p, ix, iy, w));
    if (total != Math.rint(total)) {
      throw new IllegalArgumentException("pair states must hold whole counts but the total is " + total);
    }
    rows[p] += (long) total;
  }

  private void addCount(int p, int ix, int iy, double w) {
    if (w != Math.rint(w) || w > Long.MAX_VALUE) {
      throw new IllegalArgumentException("pair states must hold whole counts but a cell has " + w);
    }
    if (!hashed[p] && (dense[p] == null || ix >= xCapacity[p] || iy >= yCapacity[p])) {
      layOut(p, dictionaries[first[p]].size(), dictionaries[second[p]].size());
    }
    int[] m = dense[p];
    if (m != null) {
      int at = ix * yCapacity[p] + iy;
      long sum = m[at] + (long) w;
      if (sum <= Integer.MAX_VALUE) {
        m[at] = (int) sum;
        return;
      }
      toHash(p);
    }
    joint[p].add(ix, iy, w);
  }

  /** Whether pair p is counted in a dense matrix right now. */
  boolean isDense(int p) {
    return dense[p] != null;
  }

  /**
   * Rows counted for pair p (after dropping NULLs, if asked), plus the total of each unweighted
   * state merged in: 0 when no row reached the pair.
   */
  public long rows(int p) {
    return rows[p];
  }

  /** Pair p's total weight: its rows, unless weighted. */
  public double totalWeight(int p) {
    return weighted ? weights[p] : rows[p];
  }

  /** Pair p's counts as {@link ContingencyState#toBytes()} of (column a, column b). */
  public byte[] pairState(int p) {
    int[] m = dense[p];
    if (m == null) {
      return pairCounts(p).toBytes();
    }
    int stride = yCapacity[p];
    return ContingencyState.toBytes(dictionaries[first[p]], dictionaries[second[p]], totalWeight(p), nonZero(m), cell -> {
      for (int k = 0; k < m.length; k++) {
        if (m[k] != 0) {
          cell.accept(k / stride, k % stride, m[k]);
        }
      }
    });
  }

  private static int nonZero(int[] m) {
    int cells = 0;
    for (int c : m) {
      cells += c != 0 ? 1 : 0;
    }
    return cells;
  }

  /**
   * Pair p's counts as a state to read the measures from ({@link ContingencyState#toTable()},
   * totals). It shares this object's dictionaries: do not add to it or merge into it.
   */
  public ContingencyState pairCounts(int p) {
    JointCounts j = joint[p];
    int[] m = dense[p];
    if (m != null) {
      j = new JointCounts(nonZero(m));
      int stride = yCapacity[p];
      for (int k = 0; k < m.length; k++) {
        if (m[k] != 0) {
          j.add(k / stride, k % stride, m[k]);
        }
      }
    }
    return ContingencyState.over(dictionaries[first[p]], dictionaries[second[p]], j, totalWeight(p));
  }

  /** Approximate heap bytes of the dictionaries and every pair's counts, growth slack included. */
  public long estimatedBytes() {
    long bytes = 64 + denseBytes;
    for (CategoryDictionary d : dictionaries) {
      bytes += d.estimatedBytes();
    }
    for (JointCounts j : joint) {
      bytes += j.estimatedBytes();
    }
    return bytes;
  }
}
