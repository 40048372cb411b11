package io.github.sparkdivergence.counts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkdivergence.math.ContingencyTable;
import io.github.sparkdivergence.math.InformationMeasures;
import io.github.sparkdivergence.math.InformationSums;
import io.github.sparkdivergence.math.LevelTotals;
import io.github.sparkdivergence.math.PairSums;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A table counted by several tasks, split by x into parts ({@link ContingencyState#toBytesByX}),
 * each part merged over the tasks and summed on its own ({@link ContingencyState#partSums}): the
 * merged sums give what the whole table gives in memory.
 */
class PartsByXTest {
  private static final byte[] NO_PREFIX = new byte[0];

  /** {@code tasks} states over rows of x (strings, longs and NULL) and y, with weights when {@code weighted}. */
  private static List<ContingencyState> tasks(Random r, int tasks, int rows, int xs, int ys, boolean weighted) {
    List<ContingencyState> out = new ArrayList<>();
    for (int t = 0; t < tasks; t++) out.add(new ContingencyState());
    for (int i = 0; i < rows; i++) {
      ContingencyState s = out.get(r.nextInt(tasks));
      int xv = r.nextInt(xs);
      int yv = (xv * 7 + (r.nextInt(4) == 0 ? r.nextInt(ys) : 0)) % ys; // dependent, not a function
      int ix = xv % 13 == 0 ? s.x().idOfNull() : xv % 2 == 0 ? s.x().idOfLong(xv) : bytes(s.x(), "x" + xv);
      int iy = yv == 3 ? s.y().idOfNull() : bytes(s.y(), "y" + yv);
      s.add(ix, iy, weighted ? (r.nextInt(10) == 0 ? 0.0 : 0.25 + r.nextInt(40) / 8.0) : 1.0);
    }
    return out;
  }

  private static int bytes(CategoryDictionary d, String v) {
    byte[] b = v.getBytes(StandardCharsets.UTF_8);
    return d.idOfBytes(b, 0, b.length);
  }

  /** The sums of the tasks' states split into {@code parts}, merged part by part, as a cluster would. */
  private static PairSums splitAndSum(List<ContingencyState> tasks, int parts) {
    return splitAndSum(tasks, parts, true);
  }

  private static PairSums splitAndSum(List<ContingencyState> tasks, int parts, boolean cellEntropies) {
    ContingencyState totals = new ContingencyState();
    List<ContingencyState> merged = new ArrayList<>();
    for (int p = 0; p < parts; p++) merged.add(new ContingencyState());
    for (ContingencyState task : tasks) {
      byte[][] split = task.toBytesByX(parts, NO_PREFIX);
      assertEquals(parts, split.length);
      for (int p = 0; p < parts; p++) merged.get(p).mergeBytes(split[p]);
      totals.merge(task.columnTotals());
    }
    PairSums whole = null;
    for (int p = 0; p < parts; p++) {
      PairSums part = merged.get(p).partSums(totals, p == 0, cellEntropies);
      whole = whole == null ? part : whole.merge(part);
    }
    return whole;
  }

  private static ContingencyState whole(List<ContingencyState> tasks) {
    ContingencyState all = new ContingencyState();
    for (ContingencyState t : tasks) all.merge(t);
    return all;
  }

  private static void close(double expected, double actual, String what) {
    assertEquals(expected, actual, Math.max(1e-300, 1e-13 * Math.abs(expected)), what);
  }

  @Test
  void partsGiveTheMeasuresOfTheWholeTable() {
    for (boolean weighted : new boolean[] {false, true}) {
      for (int parts : new int[] {1, 2, 3, 8}) {
        Random r = new Random(parts * 31L + (weighted ? 1 : 0));
        List<ContingencyState> tasks = tasks(r, 3, 20_000, 900, 40, weighted);
        ContingencyTable t = whole(tasks).toTable();
        InformationSums.Measures m = splitAndSum(tasks, parts).measures(true);
        String what = (weighted ? "weights, " : "counts, ") + parts + " parts";
        close(t.total(), m.n(), what + ": n");
        assertEquals(t.observedRows(), m.levelsX(), what);
        assertEquals(t.observedCols(), m.levelsY(), what);
        close(InformationMeasures.mutualInformation(t, Math.E), m.mi(), what + ": MI");
        close(InformationMeasures.entropyX(t, Math.E), m.hx(), what + ": H(X)");
        close(InformationMeasures.jointEntropy(t, Math.E), m.hxy(), what + ": H(X,Y)");
        close(InformationMeasures.conditionalEntropy(t, Math.E), m.hxGivenY(), what + ": H(X|Y)");
        close(InformationMeasures.variationOfInformation(t, Math.E), m.vi(), what + ": VI");
        close(InformationMeasures.gTest(t).g(), m.gTest().g(), what + ": G");
        if (weighted) {
          assertTrue(Double.isNaN(m.ami()), what + ": AMI of fractional weights is undefined");
        } else {
          close(InformationMeasures.adjustedMutualInfo(t, "arithmetic"), m.ami(), what + ": AMI");
        }
        // without the cells' entropies: MI, G, H(X), AMI the same to the last bit; the three entropies NaN
        InformationSums.Measures lean = splitAndSum(tasks, parts, false).measures(true);
        assertEquals(m.mi(), lean.mi(), what);
        assertEquals(m.gTest().g(), lean.gTest().g(), what);
        assertEquals(m.hx(), lean.hx(), what);
        assertEquals(m.ami(), lean.ami(), what);
        assertTrue(Double.isNaN(lean.hxy()) && Double.isNaN(lean.hxGivenY()) && Double.isNaN(lean.vi()), what);
      }
    }
  }

  @Test
  void aCategoryGoesToTheSamePartInEveryState() {
    // two dictionaries that meet the same values in other orders (other ids)
    CategoryDictionary a = new CategoryDictionary();
    CategoryDictionary b = new CategoryDictionary();
    Map<String, Integer> partOfValue = new HashMap<>();
    Set<Integer> partsSeen = new HashSet<>();
    for (int v = 0; v < 2000; v++) bytes(a, "v" + v);
    a.idOfNull();
    b.idOfLong(17);
    for (int v = 1999; v >= 0; v--) bytes(b, "v" + v);
    for (int id = 0; id < a.size(); id++) {
      String v = a.kind(id) == CategoryDictionary.KIND_NULL ? "null" : new String(a.bytesValue(id), StandardCharsets.UTF_8);
      int p = a.partOf(id, 5);
      partOfValue.put(v, p);
      partsSeen.add(p);
    }
    for (int id = 0; id < b.size(); id++) {
      if (b.kind(id) != CategoryDictionary.KIND_BYTES) continue;
      String v = new String(b.bytesValue(id), StandardCharsets.UTF_8);
      assertEquals(partOfValue.get(v), b.partOf(id, 5), v);
    }
    assertEquals(Set.of(0, 1, 2, 3, 4), partsSeen, "2,000 values fall in every part");
  }

  @Test
  void eachPartHoldsItsXCategoriesAndEveryY() {
    List<ContingencyState> tasks = tasks(new Random(5), 1, 5_000, 300, 20, false);
    ContingencyState s = tasks.get(0);
    byte[][] split = s.toBytesByX(3, NO_PREFIX);
    long xs = 0;
    long cells = 0;
    double total = 0;
    for (byte[] part : split) {
      ContingencyState p = ContingencyState.fromBytes(part);
      assertEquals(s.distinctY(), p.distinctY());
      assertNotEquals(0, p.distinctX(), "300 categories fall in every part");
      xs += p.distinctX();
      cells += p.cells();
      total += p.totalWeight();
    }
    assertEquals(s.distinctX(), xs);
    assertEquals(s.cells(), cells);
    assertEquals(s.totalWeight(), total);
    assertEquals(ContingencyStateTest.byValue(s), mergedByValue(split));
    assertThrows(IllegalArgumentException.class, () -> s.toBytesByX(0, NO_PREFIX));
    assertThrows(IllegalArgumentException.class, () -> s.toBytesByX(ContingencyState.MAX_PARTS + 1, NO_PREFIX));
  }

  private static Map<String, Double> mergedByValue(byte[][] parts) {
    ContingencyState all = new ContingencyState();
    for (byte[] p : parts) all.mergeBytes(p);
    return ContingencyStateTest.byValue(all);
  }

  @Test
  void columnTotalsAreTheTablesColumnSums() {
    ContingencyState s = tasks(new Random(8), 1, 4_000, 200, 30, true).get(0);
    ContingencyTable t = s.toTable();
    ContingencyState totals = s.columnTotals();
    ContingencyTable c = totals.toTable();
    assertEquals(1, c.nRows());
    assertEquals(s.totalWeight(), totals.totalWeight());
    for (int iy = 0; iy < t.nCols(); iy++) {
      int at = totals.y().idOfValueIn(s.y(), iy);
      assertEquals(t.colSum(iy), c.colSum(at), 1e-12 * t.colSum(iy), "column " + iy);
    }
  }

  @Test
  void levelTotalsAddAllIsAddOneByOne() {
    Random r = new Random(3);
    double[] totals = new double[50_000];
    for (int i = 0; i < totals.length; i++) totals[i] = r.nextInt(7) == 0 ? 0 : 1 + r.nextInt(500) / (r.nextBoolean() ? 1.0 : 4.0);
    LevelTotals all = new LevelTotals();
    all.addAll(totals, totals.length);
    LevelTotals one = new LevelTotals();
    for (double t : totals) one.add(t);
    double[][] h1 = all.histogram();
    double[][] h2 = one.histogram();
    assertTrue(h1[0].length > 500, "past the first table's 64 slots: " + h1[0].length);
    assertEquals(java.util.Arrays.toString(h2[0]), java.util.Arrays.toString(h1[0]));
    assertEquals(java.util.Arrays.toString(h2[1]), java.util.Arrays.toString(h1[1]));
  }
}
