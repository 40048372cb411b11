package io.github.sparkdivergence.math;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link InformationSums}, the measures of a table from partial sums of its cells and margins, in
 * any split and order, against {@link InformationMeasures} on the whole table.
 */
class InformationSumsTest {
  private static void close(double expected, double actual, String what) {
    assertEquals(expected, actual, Math.max(1e-300, 1e-13 * Math.abs(expected)), what);
  }

  /** A random r x c table of whole counts, some cells empty; near-independent when {@code skew} is 0. */
  private static double[][] table(Random random, int r, int c, int skew) {
    double[][] m = new double[r][c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        m[i][j] = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(50) + (i == j ? skew : 0);
      }
    }
    return m;
  }

  private static InformationSums.Measures fromParts(double[][] m, Random random, int parts) {
    double n = 0;
    double[] a = new double[m.length];
    double[] b = new double[m[0].length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[0].length; j++) {
        n += m[i][j];
        a[i] += m[i][j];
        b[j] += m[i][j];
      }
    }
    List<int[]> cells = new ArrayList<>();
    for (int i = 0; i < m.length; i++) for (int j = 0; j < m[0].length; j++) if (m[i][j] > 0) cells.add(new int[] {i, j});
    Collections.shuffle(cells, random);
    List<InformationSums> partial = new ArrayList<>();
    for (int p = 0; p < parts; p++) partial.add(new InformationSums(n));
    for (int k = 0; k < cells.size(); k++) {
      int[] ij = cells.get(k);
      partial.get(k % parts).addCell(m[ij[0]][ij[1]], a[ij[0]], b[ij[1]]);
    }
    InformationSums sums = new InformationSums(n);
    for (InformationSums s : partial) sums.merge(s);
    return sums.withMargins(histogram(a), histogram(b)).measures(histogram(a), histogram(b), "arithmetic");
  }

  private static double[][] histogram(double[] totals) {
    Map<Double, Double> h = new HashMap<>();
    for (double t : totals) if (t > 0) h.merge(t, 1.0, Double::sum);
    double[] keys = h.keySet().stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[][] out = new double[2][keys.length];
    for (int i = 0; i < keys.length; i++) {
      out[0][i] = keys[i];
      out[1][i] = h.get(keys[i]);
    }
    return out;
  }

  @Test
  void partialSumsInAnySplitGiveTheTablesMeasures() {
    Random random = new Random(5);
    int checked = 0;
    for (int[] shape : new int[][] {{2, 2}, {5, 3}, {30, 40}, {120, 7}, {1, 6}, {6, 1}}) {
      for (int skew : new int[] {0, 200}) {
        double[][] m = table(random, shape[0], shape[1], skew);
        ContingencyTable t = ContingencyTable.fromMatrix(m);
        for (int parts : new int[] {1, 3, 17}) {
          InformationSums.Measures s = fromParts(m, random, parts);
          String what = shape[0] + "x" + shape[1] + " skew " + skew + ", " + parts + " parts";
          close(InformationMeasures.mutualInformation(t, Math.E), s.mi(), what + " mi");
          close(InformationMeasures.entropyX(t, Math.E), s.hx(), what + " H(X)");
          close(InformationMeasures.entropyY(t, Math.E), s.hy(), what + " H(Y)");
          close(InformationMeasures.jointEntropy(t, Math.E), s.hxy(), what + " H(X,Y)");
          close(InformationMeasures.conditionalEntropy(t, Math.E), s.hxGivenY(), what + " H(X|Y)");
          close(InformationMeasures.variationOfInformation(t, Math.E), s.vi(), what + " VI");
          close(InformationMeasures.normalizedMutualInfo(t), s.nmi(), what + " NMI");
          close(InformationMeasures.adjustedMutualInfo(t), s.ami(), what + " AMI");
          close(InformationMeasures.expectedMutualInfo(t), s.emi(), what + " EMI");
          InformationMeasures.GTest g = InformationMeasures.gTest(t);
          close(g.g(), s.gTest().g(), what + " G");
          assertEquals(g.dof(), s.gTest().dof(), what + " dof");
          close(g.pValue(), s.gTest().pValue(), what + " p");
          assertEquals(t.observedRows(), s.levelsX(), what + " levels X");
          checked++;
        }
      }
    }
    assertEquals(36, checked);
  }

  @Test
  void emptyAndBadTotals() {
    InformationSums.Measures empty = new InformationSums(0).measures(new double[2][0], new double[2][0], "arithmetic");
    assertEquals(0.0, empty.mi());
    assertEquals(1.0, empty.nmi(), "sklearn: NMI 1 for an empty table");
    assertEquals(1.0, empty.ami());
    for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> new InformationSums(bad), "total " + bad);
    }
    assertThrows(IllegalArgumentException.class, () -> new InformationSums(3).merge(new InformationSums(4)));
  }

  /**
   * Weights that are not whole counts: every measure as on the whole table, AMI and EMI NaN (the
   * table's AMI rejects them); a table of whole weights keeps its AMI.
   */
  @Test
  void fractionalWeightsGiveEveryMeasureButAmi() {
    Random random = new Random(11);
    double[][] m = table(random, 9, 6, 30);
    for (double[] row : m) for (int j = 0; j < row.length; j++) row[j] *= 0.37;
    ContingencyTable t = ContingencyTable.fromMatrix(m);
    assertFalse(t.isIntegral());
    for (int parts : new int[] {1, 4}) {
      InformationSums.Measures s = fromParts(m, random, parts);
      close(InformationMeasures.mutualInformation(t, Math.E), s.mi(), parts + " parts: mi");
      close(InformationMeasures.jointEntropy(t, Math.E), s.hxy(), parts + " parts: H(X,Y)");
      close(InformationMeasures.normalizedMutualInfo(t), s.nmi(), parts + " parts: NMI");
      close(InformationMeasures.gTest(t).g(), s.gTest().g(), parts + " parts: G");
      assertTrue(Double.isNaN(s.ami()) && Double.isNaN(s.emi()), parts + " parts: no AMI for fractional weights");
    }
    assertThrows(InvalidInputException.class, () -> InformationMeasures.adjustedMutualInfo(t));
  }
}
