package io.github.sparkdivergence.counts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CategoryDictionaryTest {

  @Test
  void kindsAreDistinctCategories() {
    CategoryDictionary d = new CategoryDictionary();
    int nul = d.idOfNull();
    int zero = d.idOfLong(0);
    int empty = d.idOfBytes(new byte[0], 0, 0);
    int zeros8 = d.idOfBytes(new byte[8], 0, 8);
    // A bytes value is stored as (offset << 32 | length): 0 for the empty string at offset 0.
    assertEquals(4, new HashSet<>(java.util.List.of(nul, zero, empty, zeros8)).size());
    assertEquals(nul, d.idOfNull());
    assertEquals(zero, d.idOfLong(0));
    assertEquals(empty, d.idOfBytes(new byte[3], 2, 0));
    assertEquals(zeros8, d.idOfBytes(new byte[10], 1, 8));
    assertEquals(CategoryDictionary.KIND_NULL, d.kind(nul));
    assertEquals(CategoryDictionary.KIND_LONG, d.kind(zero));
    assertEquals(CategoryDictionary.KIND_BYTES, d.kind(empty));
    assertEquals(4, d.size());
    assertThrows(IllegalArgumentException.class, () -> d.longValue(empty));
    assertThrows(IllegalArgumentException.class, () -> d.bytesValue(zero));
    assertThrows(IndexOutOfBoundsException.class, () -> d.kind(4));
  }

  @Test
  void idsAreDenseInFirstSeenOrder() {
    CategoryDictionary d = new CategoryDictionary();
    assertEquals(0, d.idOfLong(42));
    assertEquals(1, d.idOfBytes(utf8("a"), 0, 1));
    assertEquals(2, d.idOfNull());
    assertEquals(3, d.idOfLong(-42));
    assertEquals(1, d.idOfBytes(utf8("xa"), 1, 1));
    assertEquals(-42, d.longValue(3));
  }

  @Test
  void doublesFollowSparkGroupingSemantics() {
    assertEquals(CategoryDictionary.normalizedDoubleBits(0.0),
        CategoryDictionary.normalizedDoubleBits(-0.0));
    double otherNaN = Double.longBitsToDouble(0x7ff0000000000123L);
    assertTrue(Double.isNaN(otherNaN));
    assertEquals(CategoryDictionary.normalizedDoubleBits(Double.NaN),
        CategoryDictionary.normalizedDoubleBits(otherNaN));
    assertEquals(CategoryDictionary.normalizedDoubleBits(Double.NaN),
        CategoryDictionary.normalizedDoubleBits(-Double.NaN));
    assertNotEquals(CategoryDictionary.normalizedDoubleBits(1.0),
        CategoryDictionary.normalizedDoubleBits(Math.nextUp(1.0)));
    assertEquals(1.5, Double.longBitsToDouble(CategoryDictionary.normalizedDoubleBits(1.5)));
  }

  @Test
  void growthKeepsEveryLongAndString() {
    CategoryDictionary d = new CategoryDictionary(1);
    Random r = new Random(7);
    long[] longs = new long[300_000];
    for (int i = 0; i < longs.length; i++) {
      longs[i] = r.nextLong();
      assertEquals(i, d.idOfLong(longs[i]));
    }
    byte[][] strs = new byte[100_000][];
    for (int i = 0; i < strs.length; i++) {
      strs[i] = utf8("s" + i + "-é".repeat(i % 7));
      assertEquals(longs.length + i, d.idOfBytes(strs[i], 0, strs[i].length));
    }
    assertEquals(longs.length + strs.length, d.size());
    for (int i = 0; i < longs.length; i++) {
      assertEquals(i, d.idOfLong(longs[i]));
      assertEquals(longs[i], d.longValue(i));
    }
    byte[] buf = new byte[64];
    for (int i = 0; i < strs.length; i++) {
      System.arraycopy(strs[i], 0, buf, 3, strs[i].length);
      assertEquals(longs.length + i, d.idOfBytes(buf, 3, strs[i].length));
      assertArrayEquals(strs[i], d.bytesValue(longs.length + i));
    }
    assertEquals(longs.length + strs.length, d.size());
  }

  /** Values whose 32-bit hashes are equal must still be different categories. */
  @Test
  void fullHashCollisionsStayDistinct() {
    Map<Integer, byte[]> seen = new HashMap<>();
    byte[] a = null;
    byte[] b = null;
    for (int i = 0; a == null; i++) {
      byte[] s = utf8("k" + i);
      byte[] prev = seen.putIfAbsent(CategoryDictionary.hashBytes(s, 0, s.length), s);
      if (prev != null) {
        a = prev;
        b = s;
      }
    }
    CategoryDictionary d = new CategoryDictionary();
    int ia = d.idOfBytes(a, 0, a.length);
    int ib = d.idOfBytes(b, 0, b.length);
    assertNotEquals(ia, ib);
    assertEquals(ia, d.idOfBytes(a, 0, a.length));
    assertEquals(ib, d.idOfBytes(b, 0, b.length));
    // Same for long keys: a few hundred thousand random longs contain 32-bit hash collisions.
    Map<Integer, Long> hashes = new HashMap<>();
    Set<Long> colliding = new HashSet<>();
    Random r = new Random(1);
    for (int i = 0; i < 400_000; i++) {
      long v = r.nextLong();
      Long prev = hashes.putIfAbsent((int) CategoryDictionary.fmix64(v ^ 0x2545F4914F6CDD1DL), v);
      if (prev != null && prev != v) {
        colliding.add(prev);
        colliding.add(v);
      }
    }
    assertTrue(colliding.size() >= 2, "expected some collisions");
    CategoryDictionary dl = new CategoryDictionary();
    Set<Integer> ids = new HashSet<>();
    for (long v : colliding) {
      ids.add(dl.idOfLong(v));
    }
    assertEquals(colliding.size(), ids.size());
    assertEquals(colliding.size(), dl.size());
  }

  @Test
  void sameSlotChainsAndPrefixes() {
    CategoryDictionary d = new CategoryDictionary();
    // Strings that are prefixes of each other, long strings (> 8-byte blocks) differing at the end.
    String base = "x".repeat(40);
    for (int len = 0; len <= 40; len++) {
      byte[] s = utf8(base.substring(0, len));
      assertEquals(len, d.idOfBytes(s, 0, s.length));
    }
    byte[] t1 = utf8(base + "a");
    byte[] t2 = utf8(base + "b");
    assertNotEquals(d.idOfBytes(t1, 0, t1.length), d.idOfBytes(t2, 0, t2.length));
    assertEquals(43, d.size());
  }

  @Test
  void remapAndScratch() {
    CategoryDictionary a = new CategoryDictionary();
    CategoryDictionary b = new CategoryDictionary();
    a.idOfLong(5);
    a.idOfBytes(utf8("u"), 0, 1);
    b.idOfBytes(utf8("u"), 0, 1);
    b.idOfNull();
    b.idOfLong(5);
    b.idOfLong(6);
    assertArrayEquals(new int[] {1, 2, 0, 3}, a.remap(b));
    assertEquals(4, a.size());
    byte[] s = a.scratch(100);
    assertTrue(s.length >= 100);
    s[0] = 'u';
    assertEquals(1, a.idOfBytes(s, 0, 1));
    assertTrue(a.estimatedBytes() > 0);
  }

  /**
   * Values compare by their first 8 bytes in the probe and the rest in the arena: labels sharing
   * a head, of every length around 8, read from anywhere in a larger array -- including right at its
   * end, where no 8-byte word fits -- map to one id per distinct value.
   */
  @Test
  void bytesMatchExactlyWhereverTheyStartInTheArray() {
    Random random = new Random(7);
    String[] stems = {"", "a", "cat_", "category", "category_", "item_12345", "\u00e9t\u00e9_"};
    Map<String, Integer> expected = new HashMap<>();
    CategoryDictionary d = new CategoryDictionary();
    for (int round = 0; round < 20_000; round++) {
      String v = stems[random.nextInt(stems.length)] + (random.nextBoolean() ? "" : Integer.toString(random.nextInt(300)));
      byte[] b = utf8(v);
      int before = random.nextInt(10);
      int after = random.nextInt(3) == 0 ? 0 : random.nextInt(10);
      byte[] array = new byte[before + b.length + after];
      random.nextBytes(array);
      System.arraycopy(b, 0, array, before, b.length);
      int id = d.idOfBytes(array, before, b.length);
      Integer known = expected.putIfAbsent(v, id);
      assertEquals(known == null ? expected.size() - 1 : known, id, v);
    }
    assertEquals(expected.size(), d.size());
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      assertArrayEquals(utf8(e.getKey()), d.bytesValue(e.getValue()), e.getKey());
    }
    CategoryDictionary copy = new CategoryDictionary();
    int[] map = copy.remap(d);
    for (int id = 0; id < map.length; id++) assertEquals(id, map[id]);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
