package io.github.sparkdivergence.spark.input;

import java.util.Arrays;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Aligns two {@code map<string,double>} rows on the union of their keys. Open addressing over the
 * keys' own hash codes, reused across rows, so a row costs no boxing and no {@code String}.
 */
public final class StringUnion {
  private UTF8String[] keys = new UTF8String[64];
  private int[] slots = new int[128];
  private int mask;
  private int size;

  /** Starts a new row that will hold at most {@code maxKeys} keys. */
  void clear(int maxKeys) {
    int cap = Integer.highestOneBit(Math.max(8, maxKeys) * 2 - 1) << 1; // load factor <= 0.5
    if (slots.length < cap) slots = new int[cap];
    if (keys.length < maxKeys) keys = new UTF8String[maxKeys];
    Arrays.fill(slots, 0, cap, -1);
    mask = cap - 1;
    size = 0;
  }

  /** Position of {@code key} in the union: {@code p >= 0} when newly added, {@code -1 - p} when seen. */
  int indexOf(UTF8String key) {
    int h = mix(key.hashCode()) & mask;
    while (true) {
      int s = slots[h];
      if (s < 0) {
        slots[h] = size;
        keys[size] = key;
        return size++;
      }
      if (keys[s].equals(key)) return -1 - s;
      h = (h + 1) & mask;
    }
  }

  int size() { return size; }

  private static int mix(int h) { return (h ^ (h >>> 16)) * 0x45d9f3b; }
}
