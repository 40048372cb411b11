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

  /**
   * Adds another sum with its compensation, not its rounded value: sums of the same terms split
   * into parts in different ways then agree to far below an ulp (drift's runs over cut ranges).
   */
  public void add(CompensatedSum other) {
    add(other.sum);
    add(other.comp);
  }

  /** The uncompensated sum and the compensation, whose sum is {@link #value()}. */
  public double[] parts() {
    return new double[] {sum, comp};
  }

  public double value() {
    return sum + comp;
  }

  void reset() {
    sum = 0;
    comp = 0;
  }
}
