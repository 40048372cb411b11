package io.github.sparkdivergence.math;

import io.github.sparkdivergence.math.ContingencyTable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InformationMeasuresTest {
  private static final double LN2 = Math.log(2);
  private static final ContingencyTable UCB_ADMIT_GENDER =
      ContingencyTable.fromMatrix(new double[][] {{1198, 557}, {1493, 1278}});

  @Test
  void entropyFromCountsLikeScipy() {
    // scipy.stats.entropy([1, 2, 3, 0, 4]) = 1.2798542258336676
    assertEquals(1.2798542258336676, InformationMeasures.entropyFromCounts(
        new double[] {1, 2, 3, 0, 4, 99}, 5, Math.E), 1e-15);
    assertEquals(1.0, InformationMeasures.entropyFromCounts(new double[] {7, 7}, 2, 2), 0);
    assertEquals(0.0, InformationMeasures.entropyFromCounts(new double[] {5}, 1, 2));
    assertEquals(0.0, InformationMeasures.entropyFromCounts(new double[0], 0, 2));
    assertEquals(0.0, InformationMeasures.entropyFromCounts(new double[] {0, 0}, 2, 2));
    assertThrows(IllegalArgumentException.class,
        () -> InformationMeasures.entropyFromCounts(new double[] {1, -1}, 2, 2));
    assertThrows(IllegalArgumentException.class,
        () -> InformationMeasures.entropyFromCounts(new double[] {1, Double.NaN}, 2, 2));
    assertThrows(IllegalArgumentException.class,
        () -> InformationMeasures.entropyFromCounts(new double[] {1}, 2, 2));
  }

  @Test
  void baseIsValidatedAndScales() {
    for (double bad : new double[] {0, -2, 1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class,
          () -> InformationMeasures.mutualInformation(UCB_ADMIT_GENDER, bad));
      assertThrows(IllegalArgumentException.class,
          () -> InformationMeasures.entropyFromCounts(new double[] {1}, 1, bad));
    }
    double nats = InformationMeasures.mutualInformation(UCB_ADMIT_GENDER, Math.E);
    assertEquals(nats / LN2, InformationMeasures.mutualInformation(UCB_ADMIT_GENDER, 2), 0);
    assertEquals(nats / Math.log(10),
        InformationMeasures.mutualInformation(UCB_ADMIT_GENDER, 10), 0);
    assertEquals(nats / Math.log(0.5),
        InformationMeasures.mutualInformation(UCB_ADMIT_GENDER, 0.5), 0);
  }

  @Test
  void identities() {
    ContingencyTable t = ContingencyTable.fromMatrix(new double[][] {{3, 1, 0, 2}, {0, 5, 7, 1}, {2, 2, 2, 9}});
    double hx = InformationMeasures.entropyX(t, 2);
    double hy = InformationMeasures.entropyY(t, 2);
    double hxy = InformationMeasures.jointEntropy(t, 2);
    double mi = InformationMeasures.mutualInformation(t, 2);
    assertEquals(hx + hy - hxy, mi, 1e-15);
    assertEquals(hxy - hy, InformationMeasures.conditionalEntropy(t, 2), 1e-15);
    assertEquals(hx + hy - 2 * mi, InformationMeasures.variationOfInformation(t, 2), 1e-15);
    // G = 2 N MI(nats); dof (3-1)(4-1)
    InformationMeasures.GTest g = InformationMeasures.gTest(t);
    assertEquals(6, g.dof());
    assertEquals(2 * t.total() * mi * LN2, g.g(), 1e-12);
  }

  @Test
  void weightsAreScaleInvariantButEmiNeedsIntegers() {
    double[][] m = {{12, 5, 1}, {3, 30, 7}};
    double[][] w = new double[2][3];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        w[i][j] = m[i][j] * 0.37;
      }
    }
    ContingencyTable ti = ContingencyTable.fromMatrix(m);
    ContingencyTable tw = ContingencyTable.fromMatrix(w);
    assertTrue(ti.isIntegral());
    assertTrue(!tw.isIntegral());
    assertEquals(InformationMeasures.mutualInformation(ti, 2),
        InformationMeasures.mutualInformation(tw, 2), 1e-15);
    assertEquals(InformationMeasures.normalizedMutualInfo(ti, "max"),
        InformationMeasures.normalizedMutualInfo(tw, "max"), 1e-15);
    assertEquals(InformationMeasures.jointEntropy(ti, 2),
        InformationMeasures.jointEntropy(tw, 2), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> InformationMeasures.expectedMutualInfo(tw));
    assertThrows(IllegalArgumentException.class, () -> InformationMeasures.adjustedMutualInfo(tw));
    // The single-level special case returns before the integrality check, as in sklearn.
    assertEquals(1.0, InformationMeasures.adjustedMutualInfo(ContingencyTable.fromMatrix(new double[][] {{0.5}})));
  }

  @Test
  void sklearnSpecialCases() {
    ContingencyTable empty = ContingencyTable.fromMatrix(new double[0][]);
    assertEquals(0.0, InformationMeasures.mutualInformation(empty, 2));
    assertEquals(1.0, InformationMeasures.normalizedMutualInfo(empty, "min"));
    assertEquals(1.0, InformationMeasures.adjustedMutualInfo(empty, "min"));
    assertEquals(new InformationMeasures.GTest(0.0, 0, 1.0), InformationMeasures.gTest(empty));

    ContingencyTable single = ContingencyTable.fromMatrix(new double[][] {{4}});
    assertEquals(1.0, InformationMeasures.normalizedMutualInfo(single));
    assertEquals(1.0, InformationMeasures.adjustedMutualInfo(single));
    ContingencyTable oneRow = ContingencyTable.fromMatrix(new double[][] {{1, 2, 3}});
    assertEquals(0.0, InformationMeasures.mutualInformation(oneRow, 2));
    assertEquals(0.0, InformationMeasures.normalizedMutualInfo(oneRow, "geometric"));
    assertEquals(0.0, InformationMeasures.adjustedMutualInfo(oneRow, "min"));
    assertEquals(0.0, InformationMeasures.expectedMutualInfo(oneRow));
    assertEquals(new InformationMeasures.GTest(0.0, 0, 1.0), InformationMeasures.gTest(oneRow));

    ContingencyTable indep = ContingencyTable.fromMatrix(new double[][] {{2, 4}, {3, 6}});
    assertEquals(0.0, InformationMeasures.mutualInformation(indep, 2));
    assertEquals(0.0, InformationMeasures.normalizedMutualInfo(indep));

    ContingencyTable same = ContingencyTable.fromMatrix(new double[][] {{3, 0}, {0, 5}});
    assertEquals(1.0, InformationMeasures.normalizedMutualInfo(same, "geometric"), 1e-15);
    assertEquals(1.0, InformationMeasures.adjustedMutualInfo(same), 1e-15);
    assertEquals(0.0, InformationMeasures.variationOfInformation(same, 2));
    assertEquals(0.0, InformationMeasures.conditionalEntropy(same, 2));

    assertThrows(IllegalArgumentException.class,
        () -> InformationMeasures.normalizedMutualInfo(same, "harmonic"));
    assertThrows(IllegalArgumentException.class,
        () -> InformationMeasures.adjustedMutualInfo(same, null));
    assertEquals(InformationMeasures.normalizedMutualInfo(UCB_ADMIT_GENDER, "min"),
        InformationMeasures.normalizedMutualInfo(UCB_ADMIT_GENDER, "MIN"));
  }

  /**
   * EMI is computed once per distinct pair of marginal counts: thousands of levels with few
   * distinct counts are cheap, and the level order does not change a bit of the result.
   */
  @Test
  void emiOfManyLevelsIsFastAndOrderFree() {
    int levels = 3000;
    int cells = 13 * levels;
    java.util.Random random = new java.util.Random(3);
    int[] rows = new int[cells];
    int[] cols = new int[cells];
    double[] counts = new double[cells];
    for (int k = 0; k < cells; k++) {
      rows[k] = k % levels;
      cols[k] = (rows[k] * 7 + (k / levels) * (levels / 13)) % levels; // 13 distinct columns per row
      counts[k] = 50 + random.nextInt(20);
    }
    ContingencyTable t = new ContingencyTable(levels, levels, rows, cols, counts, cells);
    int[] permutedRows = new int[cells];
    for (int k = 0; k < cells; k++) permutedRows[k] = levels - 1 - rows[k];
    ContingencyTable permuted = new ContingencyTable(levels, levels, permutedRows, cols, counts, cells);
    long start = System.nanoTime();
    double emi = InformationMeasures.expectedMutualInfo(t);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(emi, InformationMeasures.expectedMutualInfo(permuted), 0);
    assertTrue(emi > 0 && emi < InformationMeasures.mutualInformation(t, Math.E), "EMI " + emi);
    System.out.println("EMI of " + levels + " x " + levels + " levels: " + ms + " ms");
  }

  @Test
  void zeroRowsAndColumnsAreNotLevels() {
    ContingencyTable dense = ContingencyTable.fromMatrix(new double[][] {{5, 2}, {1, 7}});
    ContingencyTable padded = new ContingencyTable(4, 3, new int[] {0, 0, 3, 3, 1}, new int[] {0, 2, 0, 2, 1},
        new double[] {5, 2, 1, 7, 0}, 5);
    assertEquals(2, padded.observedRows());
    assertEquals(2, padded.observedCols());
    assertEquals(InformationMeasures.mutualInformation(dense, 2),
        InformationMeasures.mutualInformation(padded, 2), 0);
    assertEquals(InformationMeasures.adjustedMutualInfo(dense),
        InformationMeasures.adjustedMutualInfo(padded), 0);
    assertEquals(InformationMeasures.gTest(dense), InformationMeasures.gTest(padded));
  }

  @Test
  void tableValidation() {
    assertThrows(IllegalArgumentException.class,
        () -> new ContingencyTable(1, 1, new int[] {1}, new int[] {0}, new double[] {1}, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new ContingencyTable(1, 1, new int[] {0}, new int[] {0}, new double[] {-1}, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new ContingencyTable(1, 1, new int[] {0}, new int[] {0}, new double[] {Double.NaN}, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new ContingencyTable(1, 1, new int[] {0}, new int[] {0}, new double[] {1}, 2));
    ContingencyTable t = ContingencyTable.of(new int[] {0, 2}, new int[] {1, 0}, new double[] {1.5, 2.5}, 2);
    assertEquals(3, t.nRows());
    assertEquals(2, t.nCols());
    assertEquals(4.0, t.total());
    assertEquals(2.5, t.rowSum(2));
    assertEquals(1.5, t.colSum(1));
  }

  @Test
  void gTestPValueInTheFarTail() {
    // scipy: chi2_contingency([[1198, 557], [1493, 1278]], correction=False,
    //   lambda_="log-likelihood") -> (93.4494071957306, 4.1671745567020105e-22, 1)
    InformationMeasures.GTest g = InformationMeasures.gTest(UCB_ADMIT_GENDER);
    assertEquals(1, g.dof());
    assertEquals(93.4494071957306, g.g(), 1e-12 * 93.4);
    assertEquals(4.1671745567020105e-22, g.pValue(), 1e-12 * 4.17e-22);
  }

  @Test
  void emiOfLargeNearIndependentTableIsAccurate() {
    // 40-digit mpmath: 1.2499998437500520834e-7 (sklearn 1.2: 1.250000095771291e-07).
    ContingencyTable t = ContingencyTable.fromMatrix(new double[][] {{1000000, 1000001}, {1000001, 1000000}});
    assertEquals(1.2499998437500520834e-7, InformationMeasures.expectedMutualInfo(t),
        1e-12 * 1.25e-7);
  }

  @Test
  void logRatioNearOne() {
    double c = 1e6 + 1;
    double n = 4e6 + 2;
    double a = 2e6 + 1;
    // c n / (a a) = (1e6 + 1)(4e6 + 2) / (2e6 + 1)^2 = 1 + 1 / (2e6 + 1) exactly
    assertEquals(Math.log1p(1 / (2e6 + 1)), InformationMeasures.logRatio(c, n, a, a), 1e-22);
  }
}
