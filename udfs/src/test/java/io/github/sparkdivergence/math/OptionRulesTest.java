package io.github.sparkdivergence.math;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The one rule per option: log base and average method, as every function applies them. */
class OptionRulesTest {
  @Test
  void logBase() {
    for (double ok : new double[] {Math.E, 2, 10, 0.5, 1e-300, 1.0000001}) assertTrue(LogBase.isValid(ok), "" + ok);
    for (double bad : new double[] {1, 0, -2, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertFalse(LogBase.isValid(bad), "" + bad);
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> LogBase.ln(bad, 3));
      assertEquals(3, e.argumentIndex());
      assertEquals("log base must be positive, finite and not 1 but was " + bad, e.problem());
    }
    assertEquals(1.0, LogBase.ln(Math.E, 0), "natural log results are unscaled");
    assertEquals(Math.log(2), LogBase.ln(2, 0));
  }

  @Test
  void averageMethod() {
    assertEquals(AverageMethod.GEOMETRIC, AverageMethod.of(" Geometric "));
    assertNull(AverageMethod.of("mean"));
    assertNull(AverageMethod.of(null));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> AverageMethod.parse("mean", 1));
    assertEquals("average method must be 'arithmetic', 'geometric', 'min' or 'max' but was 'mean'", e.problem());
    assertEquals(2.0, AverageMethod.ARITHMETIC.average(1, 3));
    assertEquals(Math.sqrt(3), AverageMethod.GEOMETRIC.average(1, 3));
    assertEquals(1.0, AverageMethod.MIN.average(1, 3));
    assertEquals(3.0, AverageMethod.MAX.average(1, 3));
    // the measures take the same rule
    ContingencyTable t = ContingencyTable.fromMatrix(new double[][] {{1, 2}, {3, 4}});
    assertThrows(InvalidInputException.class, () -> InformationMeasures.normalizedMutualInfo(t, "mean"));
    assertThrows(InvalidInputException.class, () -> InformationMeasures.entropyX(t, 1.0));
  }
}
