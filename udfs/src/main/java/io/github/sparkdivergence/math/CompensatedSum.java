package io.github.sparkdivergence.math;

/**
 * Neumaier (improved Kahan-Babuska) summation: the one summation primitive of the aggregates. The
 * per-row kernels inline the same step ({@link Precise#sumError}) so that nothing is allocated
 * whatever the JIT decides.
 */
public final class CompensatedSum implements java.io.Serializable {
  private double sum;
  private double comp;

  public void add(double x) {
    double t = sum + x;
    comp += Precise.sumError(sum, x, t);
    sum = t;
  }

  public double value() {
    return sum + comp;
  }

  void reset() {
    sum = 0;
    comp = 0;
  }
}
