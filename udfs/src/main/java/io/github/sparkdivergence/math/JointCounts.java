package io.github.sparkdivergence.math;

import java.util.Arrays;

/**
 * Weight per (idX, idY) pair: linear-probing open addressing over parallel {@code long[]} keys
 * (idX in the high 32 bits, idY in the low 32) and {@code double[]} weights, doubling at load
 * 0.7. Memory per cell is 16 bytes / load factor, i.e. 23-46 bytes (about 30 on average).
 *
 * <p>Not thread-safe.
 */
public final class JointCounts {
  /** Ids are non-negative, so no packed pair can equal -1. */
  private static final long EMPTY = -1L;
  private static final int MAX_CAPACITY = 1 << 30;

  private long[] keys;
  private double[] vals;
  private int mask;
  private int threshold;
  private int size;

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
    keys = new long[cap];
    Arrays.fill(keys, EMPTY);
    vals = new double[cap];
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
    int s = slotOf(key, mask);
    while (true) {
      long k = keys[s];
      if (k == key) {
        vals[s] += w;
        return;
      }
      if (k == EMPTY) {
        keys[s] = key;
        vals[s] = w;
        if (++size > threshold) {
          grow();
        }
        return;
      }
      s = (s + 1) & mask;
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
      long k = keys[s];
      if (k == key) {
        return vals[s];
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
    long[] ks = keys;
    double[] vs = vals;
    for (int s = 0; s < ks.length; s++) {
      long k = ks[s];
      if (k != EMPTY) {
        c.accept((int) (k >>> 32), (int) k, vs[s]);
      }
    }
  }

  /** Writes the cells into the three arrays (length >= size()); returns size(). */
  int copyTo(int[] idX, int[] idY, double[] count) {
    int n = 0;
    for (int s = 0; s < keys.length; s++) {
      long k = keys[s];
      if (k != EMPTY) {
        idX[n] = (int) (k >>> 32);
        idY[n] = (int) k;
        count[n++] = vals[s];
      }
    }
    return n;
  }

  /** Heap bytes of the two slot arrays plus the object (approximate). */
  public long estimatedBytes() {
    return 32 + CategoryDictionary.arrayBytes(keys.length, 8)
        + CategoryDictionary.arrayBytes(vals.length, 8);
  }

  private void grow() {
    if (keys.length >= MAX_CAPACITY) {
      throw new IllegalStateException("too many cells: " + size);
    }
    long[] oldK = keys;
    double[] oldV = vals;
    allocate(oldK.length * 2);
    for (int i = 0; i < oldK.length; i++) {
      long k = oldK[i];
      if (k != EMPTY) {
        int s = slotOf(k, mask);
        while (keys[s] != EMPTY) {
          s = (s + 1) & mask;
        }
        keys[s] = k;
        vals[s] = oldV[i];
      }
    }
  }
}
