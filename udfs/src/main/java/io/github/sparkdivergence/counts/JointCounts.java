package io.github.sparkdivergence.counts;

/**
 * Weight per (idX, idY) pair: linear-probing open addressing over one {@code long[]} of slot pairs
 * (the packed key -- idX in the high 32 bits, idY in the low 32 -- then the weight's IEEE bits), so
 * a lookup touches one cache line; doubling at load 0.7. Memory per cell is 16 bytes / load factor,
 * i.e. 23-46 bytes (about 30 on average).
 *
 * <p>Not thread-safe.
 */
public final class JointCounts {
  /** Ids are non-negative, so no packed pair can equal -1. */
  private static final long EMPTY = -1L;
  /** Slots; the table holds two longs per slot, so this keeps it under 2^31 elements. */
  private static final int MAX_CAPACITY = 1 << 29;

  /** Slot s: key at 2s, weight bits at 2s + 1. */
  private long[] table;
  private int capacity;
  private int mask;
  private int threshold;
  private int size;
  /** Sum of the keys read ahead by {@link #addAll}; never used. */
  @SuppressWarnings("unused")
  private long touched;

  @FunctionalInterface
  public interface CellConsumer {
    void accept(int idX, int idY, double count);
  }

  public JointCounts() {
    this(8);
  }

  /** Pre-sizes for {@code expectedCells} cells. */
  public JointCounts(int expectedCells) {
    int cap = 16;
    while (thresholdOf(cap) < expectedCells && cap < MAX_CAPACITY) {
      cap <<= 1;
    }
    allocate(cap);
  }

  private void allocate(int cap) {
    table = new long[2 * cap];
    for (int i = 0; i < table.length; i += 2) {
      table[i] = EMPTY;
    }
    capacity = cap;
    mask = cap - 1;
    threshold = thresholdOf(cap);
  }

  private static int thresholdOf(int cap) {
    return (int) (cap * 0.7);
  }

  private static int slotOf(long key, int mask) {
    return (int) CategoryDictionary.fmix64(key) & mask;
  }

  /** Adds {@code w} to cell (idX, idY), creating it at 0 first if absent. */
  public void add(int idX, int idY, double w) {
    if ((idX | idY) < 0) {
      throw new IllegalArgumentException("ids must be >= 0: (" + idX + ", " + idY + ")");
    }
    long key = ((long) idX << 32) | (idY & 0xFFFFFFFFL);
    long[] t = table;
    int s = slotOf(key, mask);
    while (true) {
      int at = 2 * s;
      long k = t[at];
      if (k == key) {
        t[at + 1] = Double.doubleToRawLongBits(Double.longBitsToDouble(t[at + 1]) + w);
        return;
      }
      if (k == EMPTY) {
        t[at] = key;
        t[at + 1] = Double.doubleToRawLongBits(w);
        if (++size > threshold) {
          grow();
        }
        return;
      }
      s = (s + 1) & mask;
    }
  }

  /**
   * {@link #add} of cells {@code (xs[k], ys[k], ws[k])} for k in {@code [0, n)} whose weight is
   * not 0, in that order (so the sums are those of adding them one by one), after reading the
   * slot of each: the cache misses of the batch overlap instead of coming one per cell.
   */
  public void addAll(int[] xs, int[] ys, double[] ws, int n) {
    addAll(xs, ys, ws, 0, n);
  }

  /** {@link #addAll(int[], int[], double[], int)} of the cells at {@code [from, to)}. */
  public void addAll(int[] xs, int[] ys, double[] ws, int from, int to) {
    long[] t = table;
    long touched = 0;
    for (int k = from; k < to; k++) {
      touched += t[2 * slotOf(((long) xs[k] << 32) | (ys[k] & 0xFFFFFFFFL), mask)];
    }
    this.touched = touched;
    for (int k = from; k < to; k++) {
      if (ws[k] != 0) {
        add(xs[k], ys[k], ws[k]);
      }
    }
  }

  /**
   * Cells gathered for {@link #addAll}: {@link #add} them one by one, {@link #flushInto} a table
   * when {@link #add} says the batch is full and once at the end.
   */
  static final class Batch {
    final int[] xs = new int[CategoryDictionary.BATCH];
    final int[] ys = new int[CategoryDictionary.BATCH];
    final double[] ws = new double[CategoryDictionary.BATCH];
    int n;

    /** Gathers a cell; true when the batch is full. */
    boolean add(int idX, int idY, double w) {
      xs[n] = idX;
      ys[n] = idY;
      ws[n] = w;
      return ++n == xs.length;
    }

    void flushInto(JointCounts counts) {
      counts.addAll(xs, ys, ws, n);
      n = 0;
    }
  }

  /** Weight of cell (idX, idY), 0.0 if absent. */
  public double get(int idX, int idY) {
    if ((idX | idY) < 0) {
      return 0.0;
    }
    long key = ((long) idX << 32) | (idY & 0xFFFFFFFFL);
    int s = slotOf(key, mask);
    while (true) {
      long k = table[2 * s];
      if (k == key) {
        return Double.longBitsToDouble(table[2 * s + 1]);
      }
      if (k == EMPTY) {
        return 0.0;
      }
      s = (s + 1) & mask;
    }
  }

  /** Number of cells. */
  public int size() {
    return size;
  }

  /** Visits every cell once, in no particular order. */
  public void forEach(CellConsumer c) {
    long[] t = table;
    for (int at = 0; at < t.length; at += 2) {
      long k = t[at];
      if (k != EMPTY) {
        c.accept((int) (k >>> 32), (int) k, Double.longBitsToDouble(t[at + 1]));
      }
    }
  }

  /** Writes the cells into the three arrays (length >= size()); returns size(). */
  int copyTo(int[] idX, int[] idY, double[] count) {
    int n = 0;
    long[] t = table;
    for (int at = 0; at < t.length; at += 2) {
      long k = t[at];
      if (k != EMPTY) {
        idX[n] = (int) (k >>> 32);
        idY[n] = (int) k;
        count[n++] = Double.longBitsToDouble(t[at + 1]);
      }
    }
    return n;
  }

  /** Heap bytes of the slot array plus the object (approximate). */
  public long estimatedBytes() {
    return 32 + CategoryDictionary.arrayBytes(table.length, 8);
  }

  private void grow() {
    if (capacity >= MAX_CAPACITY) {
      throw new IllegalStateException("too many cells: " + size);
    }
    long[] old = table;
    allocate(capacity * 2);
    long[] t = table;
    for (int i = 0; i < old.length; i += 2) {
      long k = old[i];
      if (k != EMPTY) {
        int s = slotOf(k, mask);
        while (t[2 * s] != EMPTY) {
          s = (s + 1) & mask;
        }
        t[2 * s] = k;
        t[2 * s + 1] = old[i + 1];
      }
    }
  }
}
