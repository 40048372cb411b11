package io.github.sparkdivergence.counts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The batched paths ({@link CategoryDictionary#intern(CategoryBatch, int[])}, {@link
 * ContingencyState#addAll}) give exactly what the value-by-value paths give: the same ids in the
 * same order, and a state whose bytes are identical, weights' last bits included.
 */
class BatchedCountingTest {

  /** A value of a mixed column: null, longs, short and long strings, with repeats and prefixes. */
  private static void stage(Random r, CategorySink sink, int universe) {
    int v = r.nextInt(universe);
    switch (v % 5) {
      case 0 -> sink.idOfNull();
      case 1 -> sink.idOfLong(v - universe / 2L);
      case 2 -> { byte[] b = ("s" + v).getBytes(StandardCharsets.UTF_8); sink.idOfBytes(b, 0, b.length); }
      case 3 -> { byte[] b = ("a longer category value " + v).getBytes(StandardCharsets.UTF_8); sink.idOfBytes(b, 0, b.length); }
      default -> sink.idOfBytes(new byte[v % 9], 0, v % 9); // "", "\0", ... "\0" x 8: heads all zero
    }
  }

  @Test
  void internOfABatchGivesTheIdsOfValueByValue() {
    for (int universe : new int[] {7, 300, 100_000}) {
      CategoryDictionary one = new CategoryDictionary();
      CategoryDictionary batched = new CategoryDictionary();
      CategoryBatch batch = new CategoryBatch(64);
      int[] ids = new int[64];
      Random a = new Random(universe);
      Random b = new Random(universe);
      for (int round = 0; round < 2000; round++) {
        int n = 1 + a.nextInt(64);
        b.nextInt(64);
        batch.clear();
        int[] expected = new int[n];
        for (int k = 0; k < n; k++) {
          int at = batch.size();
          stage(b, batch, universe);
          assertEquals(at, batch.size() - 1);
          CategoryDictionary d = one;
          stage(a, new CategorySink() {
            public int idOfNull() { return expected[at] = d.idOfNull(); }
            public int idOfLong(long v) { return expected[at] = d.idOfLong(v); }
            public int idOfBytes(byte[] x, int off, int len) { return expected[at] = d.idOfBytes(x, off, len); }
            public byte[] scratch(int minLength) { return d.scratch(minLength); }
          }, universe);
        }
        batched.intern(batch, ids);
        assertArrayEquals(expected, java.util.Arrays.copyOf(ids, n), "round " + round + " of universe " + universe);
      }
      assertEquals(one.size(), batched.size());
      ContingencyState x = new ContingencyState();
      for (int id = 0; id < one.size(); id++) {
        assertEquals(one.kind(id), batched.kind(id));
        assertEquals(x.x().idOfValueIn(one, id), x.y().idOfValueIn(batched, id));
      }
    }
  }

  @Test
  void addAllIsAddRowByRowToTheLastBit() {
    Random r = new Random(11);
    ContingencyState rows = new ContingencyState();
    ContingencyState batched = new ContingencyState();
    CategoryBatch xs = new CategoryBatch(64);
    CategoryBatch ys = new CategoryBatch(64);
    double[] ws = new double[64];
    int[] ix = new int[64];
    int[] iy = new int[64];
    for (int round = 0; round < 3000; round++) {
      int n = 1 + r.nextInt(64);
      xs.clear();
      ys.clear();
      for (int k = 0; k < n; k++) {
        long seed = r.nextLong();
        double w = switch (r.nextInt(4)) {
          case 0 -> 0.0;
          case 1 -> 1.0;
          default -> r.nextDouble() * 1e3; // sums whose last bits depend on the order
        };
        ws[k] = w;
        Random vx = new Random(seed);
        Random vy = new Random(seed + 1);
        stage(vx, xs, 5000);
        stage(vy, ys, 40);
        vx = new Random(seed);
        vy = new Random(seed + 1);
        int[] idx = {0};
        int[] idy = {0};
        stage(vx, sinkOf(rows.x(), idx), 5000);
        stage(vy, sinkOf(rows.y(), idy), 40);
        rows.add(idx[0], idy[0], w);
      }
      batched.addAll(xs, ys, ws, ix, iy);
    }
    assertArrayEquals(rows.toBytes(), batched.toBytes());
    assertEquals(Double.doubleToRawLongBits(rows.totalWeight()), Double.doubleToRawLongBits(batched.totalWeight()));
    // cells by their ids (a column batch's reader), in a run longer than a batch: add() one by one
    ContingencyState oneByOne = new ContingencyState();
    ContingencyState byIds = new ContingencyState();
    for (ContingencyState s : List.of(oneByOne, byIds)) {
      s.x().remap(rows.x());
      s.y().remap(rows.y());
    }
    var table = rows.toTable();
    int[] cx = new int[table.nnz()];
    int[] cy = new int[cx.length];
    double[] cw = new double[cx.length];
    for (int k = 0; k < cx.length; k++) {
      cx[k] = table.rowId(k);
      cy[k] = table.colId(k);
      cw[k] = k % 7 == 0 ? 0.0 : table.count(k);
      oneByOne.add(cx[k], cy[k], cw[k]);
    }
    byIds.addIds(cx, cy, cw, cx.length);
    assertArrayEquals(oneByOne.toBytes(), byIds.toBytes());
    assertTrue(cx.length > 1000 && byIds.cells() > 1000, cx.length + " cells");
    cw[0] = Double.NaN;
    assertThrows(IllegalArgumentException.class, () -> byIds.addIds(cx, cy, cw, 1));

    xs.clear();
    ys.clear();
    xs.idOfLong(1);
    ys.idOfLong(2);
    ws[0] = -1;
    assertThrows(IllegalArgumentException.class, () -> batched.addAll(xs, ys, ws, ix, iy));
    ys.idOfLong(3);
    assertThrows(IllegalArgumentException.class, () -> batched.addAll(xs, ys, ws, ix, iy), "batches of different sizes");
  }

  private static CategorySink sinkOf(CategoryDictionary d, int[] id) {
    return new CategorySink() {
      public int idOfNull() { return id[0] = d.idOfNull(); }
      public int idOfLong(long v) { return id[0] = d.idOfLong(v); }
      public int idOfBytes(byte[] x, int off, int len) { return id[0] = d.idOfBytes(x, off, len); }
      public byte[] scratch(int minLength) { return d.scratch(minLength); }
    };
  }

  @Test
  void bulkMergeAndRoundTripKeepEveryCell() {
    Random r = new Random(5);
    ContingencyState a = new ContingencyState();
    ContingencyState b = new ContingencyState();
    ContingencyState both = new ContingencyState();
    for (int i = 0; i < 200_000; i++) {
      ContingencyState s = i % 3 == 0 ? a : b;
      byte[] x = ("x" + r.nextInt(50_000)).getBytes(StandardCharsets.UTF_8);
      long y = r.nextInt(30);
      double w = (i & 1) == 0 ? 1 : 0.25 * (1 + r.nextInt(8));
      s.add(s.x().idOfBytes(x, 0, x.length), s.y().idOfLong(y), w);
      both.add(both.x().idOfBytes(x, 0, x.length), both.y().idOfLong(y), w);
    }
    ContingencyState merged = ContingencyState.fromBytes(a.toBytes());
    merged.merge(ContingencyState.fromBytes(b.toBytes()));
    assertEquals(ContingencyStateTest.byValue(both), ContingencyStateTest.byValue(merged));
    ContingencyState streamed = ContingencyState.fromBytes(a.toBytes());
    streamed.mergeBytes(b.toBytes());
    assertEquals(ContingencyStateTest.byValue(both), ContingencyStateTest.byValue(streamed));
    assertArrayEquals(merged.toBytes(), streamed.toBytes());
    // within limits it merges all; past the cells or the bytes of the union it stops and says so
    byte[] prefixed = new byte[7 + b.toBytes().length];
    System.arraycopy(b.toBytes(), 0, prefixed, 7, prefixed.length - 7);
    ContingencyState limited = ContingencyState.fromBytes(a.toBytes());
    assertTrue(limited.mergeBytes(prefixed, 7, prefixed.length - 7, merged.cells(), Long.MAX_VALUE));
    assertArrayEquals(merged.toBytes(), limited.toBytes());
    assertFalse(ContingencyState.fromBytes(a.toBytes()).mergeBytes(prefixed, 7, prefixed.length - 7, merged.cells() - 1, Long.MAX_VALUE));
    assertFalse(ContingencyState.fromBytes(a.toBytes()).mergeBytes(prefixed, 7, prefixed.length - 7, Long.MAX_VALUE, merged.peakBytes() / 2));
    byte[] trailing = java.util.Arrays.copyOf(b.toBytes(), b.toBytes().length + 1);
    assertThrows(IllegalArgumentException.class, () -> ContingencyState.fromBytes(a.toBytes()).mergeBytes(trailing));
    assertArrayEquals(merged.toBytes(), ContingencyState.fromBytes(merged.toBytes()).toBytes());
  }
}
