package io.github.sparkdivergence.counts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkdivergence.math.InformationMeasures;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PairwiseCounts} against the plain one-pair {@link ContingencyState} fed row by row: the
 * pair states it emits, flushed and merged in any split, counted in dense matrices, hash tables or
 * both, hold exactly the same cells.
 */
class PairwiseCountsTest {
  private static final int[][] PAIRS = {{0, 1}, {0, 2}, {1, 2}, {2, 0}};

  /** Row r, column c: a value of mixed kind, NULL now and then, with some dependence between columns. */
  private static Object value(int[][] data, int r, int c) {
    int v = data[r][c];
    if (v < 0) return null;
    return c == 1 ? (Object) ("s" + v) : (Object) (long) v;
  }

  private static int intern(CategoryDictionary d, Object v) {
    if (v == null) return d.idOfNull();
    if (v instanceof Long l) return d.idOfLong(l);
    byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
    return d.idOfBytes(b, 0, b.length);
  }

  private static int[][] data(int rows, long seed) {
    Random random = new Random(seed);
    int[][] data = new int[rows][3];
    for (int r = 0; r < rows; r++) {
      int a = random.nextInt(40);
      data[r][0] = random.nextInt(17) == 0 ? -1 : a;
      data[r][1] = random.nextInt(13) == 0 ? -1 : (a / 4 + random.nextInt(3));
      // New values keep arriving: dense matrices grow, and the (0, 2) pair outgrows dense counting.
      data[r][2] = r / 3 + random.nextInt(5);
    }
    return data;
  }

  @Test
  void pairStatesEqualOnePairStatesWhateverTheFlushes() {
    for (boolean dropNulls : new boolean[] {false, true}) {
      int[][] data = data(30_000, 5);
      ContingencyState[] expected = new ContingencyState[PAIRS.length];
      for (int p = 0; p < PAIRS.length; p++) {
        expected[p] = new ContingencyState();
        for (int r = 0; r < data.length; r++) {
          Object a = value(data, r, PAIRS[p][0]);
          Object b = value(data, r, PAIRS[p][1]);
          if (dropNulls && (a == null || b == null)) continue;
          expected[p].add(intern(expected[p].x(), a), intern(expected[p].y(), b), 1.0);
        }
      }
      // Batches of up to 1000 rows; the object flushed (states emitted, then cleared) every
      // `every` rows; the emitted states merged per pair.
      for (int every : new int[] {data.length, 7_000, 1}) {
        for (long denseBytes : new long[] {0, 300_000, 1L << 30}) {
          countAndCompare(data, expected, dropNulls, every, denseBytes);
        }
      }
    }
  }

  private static void countAndCompare(int[][] data, ContingencyState[] expected, boolean dropNulls, int every,
      long denseBytes) {
    int batch = Math.min(every, 1000);
    PairwiseCounts counts = new PairwiseCounts(3, PAIRS, dropNulls, denseBytes);
    ContingencyState[] merged = new ContingencyState[PAIRS.length];
    ContingencyState[] streamed = new ContingencyState[PAIRS.length];
    // As MutualInformation merges a pair's partial states: into a one-pair PairwiseCounts.
    PairwiseCounts[] reduced = new PairwiseCounts[PAIRS.length];
    for (int p = 0; p < PAIRS.length; p++) {
      merged[p] = new ContingencyState();
      streamed[p] = new ContingencyState();
      reduced[p] = new PairwiseCounts(2, new int[][] {{0, 1}}, false, denseBytes);
    }
    int[][] ids = new int[3][batch];
    int inBatch = 0;
    for (int r = 0; r < data.length; r++) {
      for (int c = 0; c < 3; c++) ids[c][inBatch] = intern(counts.column(c), value(data, r, c));
      inBatch++;
      boolean flush = (r + 1) % every == 0 || r == data.length - 1;
      if (inBatch == batch || flush) {
        counts.addRows(ids, inBatch);
        inBatch = 0;
      }
      if (flush) {
        for (int p = 0; p < PAIRS.length; p++) {
          byte[] state = counts.pairState(p);
          merged[p].merge(ContingencyState.fromBytes(state));
          streamed[p].mergeBytes(state);
          reduced[p].mergePairState(0, state);
        }
        counts.clear();
      }
    }
    for (int p = 0; p < PAIRS.length; p++) {
      String what = "pair " + p + ", flush every " + every + ", dense bytes " + denseBytes + ", dropNulls " + dropNulls;
      assertEquals(ContingencyStateTest.byValue(expected[p]), ContingencyStateTest.byValue(merged[p]), what);
      assertEquals(ContingencyStateTest.byValue(expected[p]), ContingencyStateTest.byValue(streamed[p]), what + ", merged from bytes");
      assertEquals(expected[p].totalWeight(), streamed[p].totalWeight(), 0.0, what + ", merged from bytes");
      assertEquals(ContingencyStateTest.byValue(expected[p]), ContingencyStateTest.byValue(reduced[p].pairCounts(0)), what + ", merged into PairwiseCounts");
      assertEquals((long) expected[p].totalWeight(), reduced[p].rows(0), what + ", merged into PairwiseCounts");
      assertEquals(expected[p].totalWeight(), merged[p].totalWeight(), 0.0, what);
      assertEquals(InformationMeasures.mutualInformation(expected[p].toTable(), Math.E),
          InformationMeasures.mutualInformation(merged[p].toTable(), Math.E), 1e-13, what);
    }
    if (dropNulls) assertTrue(merged[0].totalWeight() < data.length, "rows with a NULL were dropped");
    else assertEquals(data.length, merged[0].totalWeight(), 0.0);
  }

  @Test
  void clearForgetsAndEstimateGrows() {
    PairwiseCounts counts = new PairwiseCounts(2, new int[][] {{0, 1}}, false);
    long empty = counts.estimatedBytes();
    int[][] ids = new int[2][1000];
    for (long v = 0; v < 10_000; v++) {
      ids[0][(int) (v % 1000)] = counts.column(0).idOfLong(v);
      ids[1][(int) (v % 1000)] = counts.column(1).idOfLong(v % 3);
      if (v % 1000 == 999) counts.addRows(ids, 1000);
    }
    assertEquals(10_000, counts.rows(0));
    assertTrue(counts.estimatedBytes() > empty + 10_000 * 16, "cells and values are counted: " + counts.estimatedBytes());
    counts.clear();
    assertEquals(0, counts.rows(0));
    assertEquals(0, counts.column(0).size());
    assertEquals(0.0, ContingencyState.fromBytes(counts.pairState(0)).totalWeight(), 0.0);
    assertThrows(IllegalArgumentException.class, () -> new PairwiseCounts(2, new int[][] {{0, 0}}, false));

    // Few values: a dense matrix; once the pair would pass MAX_DENSE_CELLS, a hash table.
    PairwiseCounts dense = new PairwiseCounts(2, new int[][] {{0, 1}}, false, 1L << 30);
    int[][] batch = new int[2][1];
    for (long v = 0; v < 2_000_000 && (v < 1000 || dense.isDense(0)); v++) {
      batch[0][0] = dense.column(0).idOfLong(v < 1000 ? v % 50 : v);
      batch[1][0] = dense.column(1).idOfLong(v % 7);
      dense.addRows(batch, 1);
      if (v == 999) assertTrue(dense.isDense(0), "50 x 7 values: dense");
    }
    assertTrue(!dense.isDense(0), "moved to the hash table");
    long values = dense.column(0).size();
    // Capacity is values + values / 4 + 4 on each side.
    assertTrue((values + values / 4 + 4) * (7 + 7 / 4 + 4) > PairwiseCounts.MAX_DENSE_CELLS, "moved when it had to: " + values);
    assertTrue((values - 1 + (values - 1) / 4 + 4) * (7 + 7 / 4 + 4) <= PairwiseCounts.MAX_DENSE_CELLS * 1.3, "not much later: " + values);
    ContingencyState s = ContingencyState.fromBytes(dense.pairState(0));
    assertEquals(dense.rows(0), (long) s.totalWeight());
    assertEquals(Math.min(dense.rows(0), 50 * 7) + (dense.rows(0) - 1000), s.cells(), "every cell kept");
    assertThrows(IllegalArgumentException.class, () -> new PairwiseCounts(2, new int[][] {{0, 2}}, false));
    ContingencyState fractional = new ContingencyState();
    fractional.add(fractional.x().idOfLong(1), fractional.y().idOfLong(2), 0.5);
    Exception e = assertThrows(IllegalArgumentException.class,
        () -> new PairwiseCounts(2, new int[][] {{0, 1}}, false).mergePairState(0, fractional.toBytes()));
    assertTrue(e.getMessage().contains("whole counts"), e.getMessage());
  }
}
