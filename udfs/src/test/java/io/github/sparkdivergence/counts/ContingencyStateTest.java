package io.github.sparkdivergence.counts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkdivergence.math.ContingencyTable;
import io.github.sparkdivergence.math.InformationMeasures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

public class ContingencyStateTest {

  /** Cell weights keyed by the categories' values, independent of id assignment. */
  static Map<String, Double> byValue(ContingencyState s) {
    Map<String, Double> m = new HashMap<>();
    ContingencyTable t = s.toTable();
    for (int k = 0; k < t.nnz(); k++) {
      m.merge(label(s.x(), t.rowId(k)) + "|" + label(s.y(), t.colId(k)), t.count(k), Double::sum);
    }
    return m;
  }

  private static String label(CategoryDictionary d, int id) {
    switch (d.kind(id)) {
      case CategoryDictionary.KIND_NULL:
        return "null";
      case CategoryDictionary.KIND_LONG:
        return "L" + d.longValue(id);
      default:
        return "B" + new String(d.bytesValue(id), StandardCharsets.UTF_8);
    }
  }

  private static int feed(CategoryDictionary d, int v) {
    // Mixed kinds in one dictionary: null, longs and strings that spell the same digits.
    if (v % 11 == 0) {
      return d.idOfNull();
    }
    if (v % 2 == 0) {
      return d.idOfLong(v);
    }
    byte[] b = Integer.toString(v).getBytes(StandardCharsets.UTF_8);
    return d.idOfBytes(b, 0, b.length);
  }

  @Test
  void mergeIsExactAndOrderIndependent() {
    Random r = new Random(11);
    int rows = 50_000;
    int[] xs = new int[rows];
    int[] ys = new int[rows];
    long[] ws = new long[rows];
    ContingencyState whole = new ContingencyState();
    for (int i = 0; i < rows; i++) {
      xs[i] = r.nextInt(400);
      ys[i] = (int) Math.abs(r.nextGaussian() * 30);
      ws[i] = 1 + r.nextInt(3);
      whole.add(feed(whole.x(), xs[i]), feed(whole.y(), ys[i]), ws[i]);
    }
    for (int parts : new int[] {2, 7, 200}) {
      ContingencyState[] p = new ContingencyState[parts];
      Arrays.setAll(p, i -> new ContingencyState());
      for (int i = rows - 1; i >= 0; i--) {
        ContingencyState s = p[r.nextInt(parts)];
        s.add(feed(s.x(), xs[i]), feed(s.y(), ys[i]), ws[i]);
      }
      ContingencyState acc = ContingencyState.fromBytes(p[parts - 1].toBytes());
      for (int i = parts - 2; i >= 0; i--) {
        acc.merge(ContingencyState.fromBytes(p[i].toBytes()));
      }
      assertEquals(byValue(whole), byValue(acc));
      assertEquals(whole.distinctX(), acc.distinctX());
      assertEquals(whole.distinctY(), acc.distinctY());
      assertEquals(whole.cells(), acc.cells());
      assertEquals(whole.totalWeight(), acc.totalWeight());
      ContingencyTable a = whole.toTable();
      ContingencyTable b = acc.toTable();
      assertEquals(InformationMeasures.mutualInformation(a, 2),
          InformationMeasures.mutualInformation(b, 2), 1e-15);
      assertEquals(InformationMeasures.adjustedMutualInfo(a),
          InformationMeasures.adjustedMutualInfo(b), 1e-13);
    }
  }

  @Test
  void selfMergeDoubles() {
    ContingencyState s = new ContingencyState();
    s.add(s.x().idOfLong(1), s.y().idOfNull(), 2);
    s.add(s.x().idOfLong(2), s.y().idOfLong(1), 3);
    s.merge(s);
    assertEquals(Map.of("L1|null", 4.0, "L2|L1", 6.0), byValue(s));
    assertEquals(10.0, s.totalWeight());
  }

  @Test
  void roundTripIsBitExact() {
    ContingencyState s = new ContingencyState();
    double[] weights = {0.1, 1e-300, Double.MIN_VALUE, 0x1.0p53, 0x1.0p53 + 2, 1e300, 3, 0.5,
        Math.PI, 7, 1e-17, 0.3, 1e16 + 2};
    byte[] big = new byte[300];
    new Random(5).nextBytes(big);
    for (int i = 0; i < weights.length; i++) {
      int x = i % 3 == 0 ? s.x().idOfNull() : s.x().idOfLong(Long.MIN_VALUE + i);
      int y = s.y().idOfBytes(big, i, 200 - i);
      s.add(x, y, weights[i]);
    }
    s.add(s.x().idOfLong(Long.MAX_VALUE), s.y().idOfLong(CategoryDictionary.normalizedDoubleBits(-0.0)), 1);
    for (ContingencyState back : new ContingencyState[] {
        javaRoundTrip(s), ContingencyState.fromBytes(s.toBytes())}) {
      assertEquals(byValue(s), byValue(back));
      assertEquals(Double.doubleToRawLongBits(s.totalWeight()),
          Double.doubleToRawLongBits(back.totalWeight()));
      for (int id = 0; id < s.x().size(); id++) {
        assertEquals(label(s.x(), id), label(back.x(), id));
      }
      for (int id = 0; id < s.y().size(); id++) {
        assertEquals(label(s.y(), id), label(back.y(), id));
      }
      ContingencyTable a = s.toTable();
      ContingencyTable b = back.toTable();
      // Ids survive the round trip, so cells can be matched by (row, col) directly.
      for (int k = 0; k < a.nnz(); k++) {
        assertEquals(Double.doubleToRawLongBits(a.count(k)),
            Double.doubleToRawLongBits(findCount(b, a.rowId(k), a.colId(k))));
      }
    }
    byte[] bytes = s.toBytes();
    assertThrows(IllegalArgumentException.class,
        () -> ContingencyState.fromBytes(Arrays.copyOf(bytes, bytes.length - 1)));
    assertThrows(IllegalArgumentException.class,
        () -> ContingencyState.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)));
  }

  private static double findCount(ContingencyTable t, int row, int col) {
    for (int k = 0; k < t.nnz(); k++) {
      if (t.rowId(k) == row && t.colId(k) == col) {
        return t.count(k);
      }
    }
    return Double.NaN;
  }

  @Test
  void addValidates() {
    ContingencyState s = new ContingencyState();
    int x = s.x().idOfLong(1);
    int y = s.y().idOfLong(1);
    assertThrows(IllegalArgumentException.class, () -> s.add(x, y, -1));
    assertThrows(IllegalArgumentException.class, () -> s.add(x, y, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> s.add(x, y, Double.POSITIVE_INFINITY));
    assertThrows(IndexOutOfBoundsException.class, () -> s.add(x + 1, y, 1));
    s.add(x, y, 0);
    assertEquals(0, s.cells());
  }

  /**
   * 1,000 x 1,000 distinct string categories, every cell filled with an integer count: prints and
   * bounds the wire size and the in-memory estimate per cell.
   */
  @Test
  void compactForAMillionCells() throws Exception {
    ContingencyState s = new ContingencyState();
    Random r = new Random(9);
    int[] xi = new int[1000];
    int[] yi = new int[1000];
    for (int i = 0; i < 1000; i++) {
      byte[] b = ("category-" + i).getBytes(StandardCharsets.UTF_8);
      xi[i] = s.x().idOfBytes(b, 0, b.length);
      yi[i] = s.y().idOfBytes(b, 0, b.length);
    }
    for (int i = 0; i < 1000; i++) {
      for (int j = 0; j < 1000; j++) {
        s.add(xi[i], yi[j], 1 + r.nextInt(1000));
      }
    }
    assertEquals(1_000_000, s.cells());
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ObjectOutputStream oos = new ObjectOutputStream(bos)) {
      oos.writeObject(s);
    }
    double perCell = bos.size() / 1e6;
    double memPerCell = s.estimatedBytes() / 1e6;
    System.out.printf("1000x1000 cells: %d bytes serialized (%.2f B/cell), estimatedBytes %d "
        + "(%.1f B/cell)%n", bos.size(), perCell, s.estimatedBytes(), memPerCell);
    assertTrue(perCell <= 16, "serialized bytes per cell " + perCell);
    assertTrue(memPerCell <= 48, "memory bytes per cell " + memPerCell);
    ContingencyState back = javaRoundTrip(s);
    assertEquals(s.cells(), back.cells());
    assertEquals(s.totalWeight(), back.totalWeight());
  }


  @SuppressWarnings("unchecked")
  public static <T> T javaRoundTrip(T o) {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (ObjectOutputStream oos = new ObjectOutputStream(bos)) {
        oos.writeObject(o);
      }
      try (ObjectInputStream ois =
          new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
        return (T) ois.readObject();
      }
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
