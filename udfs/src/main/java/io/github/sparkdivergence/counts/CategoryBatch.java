package io.github.sparkdivergence.counts;

import java.util.Arrays;

/**
 * Category values staged for one {@link CategoryDictionary} and interned together by {@link
 * CategoryDictionary#intern(CategoryBatch, int[])}. Row at a time, a dictionary of millions of
 * categories costs two cache misses per value, one after the other, with the engine's own work in
 * between; a batch first touches the slots of all its values (independent loads, which the CPU
 * overlaps), then interns them, and so spends about half the time per value (the JFR profile of
 * {@code mutual_info} at 2M x 100 values, docs/benchmarks.md). Values are copied in, so the
 * caller's rows may be reused at once. Hashes are taken here, as the dictionary takes them.
 *
 * <p>Not thread-safe.
 */
public final class CategoryBatch implements CategorySink {
  static final long TAG_NULL = -2L;
  static final long TAG_LONG = -1L;

  /** Per value: its word (head of the bytes, or the long), tag (as in the dictionary) and hash. */
  final long[] words;
  final long[] tags;
  final int[] hashes;
  byte[] arena = new byte[256];
  private int arenaUsed;
  int size;
  private byte[] scratch;

  public CategoryBatch(int capacity) {
    words = new long[capacity];
    tags = new long[capacity];
    hashes = new int[capacity];
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return words.length;
  }

  public void clear() {
    size = 0;
    arenaUsed = 0;
  }

  @Override
  public int idOfNull() {
    tags[size] = TAG_NULL;
    return size++;
  }

  @Override
  public int idOfLong(long v) {
    words[size] = v;
    tags[size] = TAG_LONG;
    hashes[size] = CategoryDictionary.hashLong(v);
    return size++;
  }

  @Override
  public int idOfBytes(byte[] bytes, int off, int len) {
    if (arena.length - arenaUsed < len) {
      arena = Arrays.copyOf(arena, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(2L * arena.length, (long) arenaUsed + len)));
    }
    System.arraycopy(bytes, off, arena, arenaUsed, len);
    long head = CategoryDictionary.head(arena, arenaUsed, len);
    words[size] = head;
    tags[size] = ((long) arenaUsed << 32) | len;
    hashes[size] = len <= 8 ? CategoryDictionary.hashShort(head, len) : CategoryDictionary.hashBytes(arena, arenaUsed, len);
    arenaUsed += len;
    return size++;
  }

  @Override
  public byte[] scratch(int minLength) {
    if (scratch == null || scratch.length < minLength) {
      scratch = new byte[Math.max(minLength, 64)];
    }
    return scratch;
  }
}
