package io.github.sparkdivergence.math;

/**
 * Accuracy-preserving scalar kernels and the pieces of inline Neumaier summation.
 *
 * <p>Summation pattern used by every public sum (kept inline so nothing is allocated):
 * <pre>
 *   if (Double.isFinite(x)) { double t = s + x; c += Precise.sumError(s, x, t); s = t; }
 *   else special += x;
 *   ...
 *   return Precise.finish(s, c, special);
 * </pre>
 * Infinite/NaN terms go to {@code special} because they would poison the compensation term.
 */
final class Precise {
  private Precise() {}

  static final double LN2 = Math.log(2.0);

  /**
   * Rounding error of t = s + x (Neumaier's variant: correct whichever operand is larger): the one
   * compensated-summation step. The per-row kernels inline the loop around it
   * ({@code t = s + x; c += sumError(s, x, t); s = t}) rather than use an accumulator object, so
   * they stay allocation-free whatever the JIT decides; {@link CompensatedSum} wraps it
   * for the aggregates.
   */
  static double sumError(double s, double x, double t) {
    return Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
  }

  /** Combines the running sum, its compensation and the sum of non-finite terms. */
  static double finish(double s, double c, double special) {
    // once s has overflowed, c is inf-inf garbage; the overflow itself is the answer
    double r = Double.isFinite(s) ? s + c : s;
    return special == 0 ? r : special + r;
  }

  /**
   * ln(a/b) for finite a, b > 0 without losing accuracy: near a == b the quotient's rounding
   * would dominate a plain log, and for extreme ratios a/b over- or underflows (subnormal
   * quotients have too few bits).
   */
  static double logRatio(double a, double b) {
    double r = a / b;
    if (r > 0.875 && r < 1.125) {
      // Sterbenz: a - b is exact here, so only one rounding before log1p. Outside this window
      // log(r) is already accurate to ~1e-15 relative, and log1p costs twice as much as log.
      return Math.log1p((a - b) / b);
    }
    if (r >= Double.MIN_NORMAL && r < Double.POSITIVE_INFINITY) {
      return Math.log(r);
    }
    return Math.log(a) - Math.log(b);
  }

  /**
   * e^x - 1 - x, accurate also for tiny |x| where expm1(x) - x cancels to the last few bits. The
   * result is >= 0 and +inf for x = +/-inf.
   */
  static double expm1MinusX(double x) {
    if (Math.abs(x) < 0.25) {
      // Taylor series x^2/2! + ... + x^13/13!; the first omitted term is < 2e-18 relative.
      return x * x * (1.0 / 2 + x * (1.0 / 6 + x * (1.0 / 24 + x * (1.0 / 120
          + x * (1.0 / 720 + x * (1.0 / 5040 + x * (1.0 / 40320 + x * (1.0 / 362880
          + x * (1.0 / 3628800 + x * (1.0 / 39916800 + x * (1.0 / 479001600
          + x * (1.0 / 6227020800L))))))))))));
    }
    if (x == Double.POSITIVE_INFINITY) {
      return x;
    }
    return Math.expm1(x) - x;
  }

  /**
   * (1+u)ln(1+u) + (1-u)ln(1-u) for |u| < 0.125 by its series sum u^(2k)/(k(2k-1)); the closed
   * form cancels to ~u^2 from terms of size ~u. Nine terms: the first omitted one is < 3e-19
   * relative.
   */
  static double jsSeries(double u) {
    double w = u * u;
    return w * (1.0 + w * (1.0 / 6 + w * (1.0 / 15 + w * (1.0 / 28 + w * (1.0 / 45
        + w * (1.0 / 66 + w * (1.0 / 91 + w * (1.0 / 120 + w * (1.0 / 153)))))))));
  }
}
