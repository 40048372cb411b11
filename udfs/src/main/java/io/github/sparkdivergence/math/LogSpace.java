package io.github.sparkdivergence.math;

/**
 * KL divergence for distributions given as log-probabilities or logits, without leaving log space
 * where that would lose accuracy.
 *
 * <p>Conventions: {@link #klDivergenceFromLogProbs} is PyTorch's {@code F.kl_div(input=logQ,
 * target=logP, reduction='sum', log_target=True)} = sum exp(a_i) (a_i - b_i), except that a term
 * with a_i = -inf is 0 (p_i = 0 contributes nothing; PyTorch yields NaN there because it
 * evaluates 0 * -inf). b_i = -inf with a_i > -inf gives +inf. Other infinities follow IEEE
 * arithmetic of the formula (a_i = +inf gives +inf, or NaN if b_i = +inf too). Inputs need not be
 * normalized. Results are divided by ln(base).
 *
 * <p>{@link #klDivergenceFromLogits} is KL(softmax(x) || softmax(y)). A -inf logit is a
 * probability of exactly 0 (masking). If x or y contains +inf, or all its logits are -inf,
 * softmax is undefined and the result is NaN (as PyTorch's log_softmax gives).
 *
 * <p>NaN anywhere is an {@link InvalidInputException}; so are n = 0, arrays shorter than n, and a
 * bad base. Argument indices: 0 = first vector, 1 = second vector, 2 = base.
 */
public final class LogSpace {
  private LogSpace() {}

  private static final double NEG_INF = Double.NEGATIVE_INFINITY;

  public static double klDivergenceFromLogProbs(
      double[] logP, double[] logQ, int n, double base) {
    Checks.vector(logP, n, 0);
    Checks.noNaN(logP, n, 0);
    Checks.vector(logQ, n, 1);
    Checks.noNaN(logQ, n, 1);
    double lnBase = Checks.lnBase(base, 2);
    double s = 0;
    double c = 0;
    double special = 0;
    for (int i = 0; i < n; i++) {
      double x = term(logP[i], logQ[i]);
      if (Double.isFinite(x)) {
        double t = s + x;
        c += Precise.sumError(s, x, t);
        s = t;
      } else {
        special += x;
      }
    }
    return Precise.finish(s, c, special) / lnBase;
  }

  public static double klDivergenceFromLogProbs(double[] logP, double[] logQ) {
    int n = Checks.lengthOf(logP, 0);
    Checks.lengthOf(logQ, 1);
    Checks.sameLength(logP, logQ, 1);
    return klDivergenceFromLogProbs(logP, logQ, n, Math.E);
  }

  /**
   * KL(softmax(x) || softmax(y)). Pass 1 computes each log-normalizer as max + log1p(rest) with an
   * online (rescaling) sum; keeping max and log1p(rest) apart avoids rounding the normalizer to
   * the ulp of a large logit (1.8e-12 at 1e4). Pass 2 sums p_i (log p_i - log q_i).
   */
  public static double klDivergenceFromLogits(double[] x, double[] y, int n, double base) {
    Checks.vector(x, n, 0);
    Checks.vector(y, n, 1);
    double mx = 0;
    double lx = 0;
    double my = 0;
    double ly = 0;
    for (int v = 0; v < 2; v++) {
      double[] z = v == 0 ? x : y;
      double m = NEG_INF;
      double s = 0; // sum of exp(z_i - m) over all but one maximal element
      double c = 0;
      for (int i = 0; i < n; i++) {
        double zi = z[i];
        if (Double.isNaN(zi)) {
          throw Checks.nan(v, i);
        }
        if (zi > m) {
          if (m != NEG_INF) {
            double r = Math.exp(m - zi); // the old maximum's weight after rescaling
            s = (s + c) * r + r;
            c = 0;
          }
          m = zi;
        } else if (zi != NEG_INF && m != Double.POSITIVE_INFINITY) {
          double e = Math.exp(zi - m);
          double t = s + e;
          c += Precise.sumError(s, e, t);
          s = t;
        }
      }
      if (v == 0) {
        mx = m;
        lx = Math.log1p(s + c);
      } else {
        my = m;
        ly = Math.log1p(s + c);
      }
    }
    double lnBase = Checks.lnBase(base, 2);
    if (!Double.isFinite(mx) || !Double.isFinite(my)) {
      return Double.NaN; // +inf logit or all logits -inf: softmax undefined
    }
    double s = 0;
    double c = 0;
    double special = 0;
    for (int i = 0; i < n; i++) {
      double a = (x[i] - mx) - lx;
      double b = (y[i] - my) - ly;
      double t0 = term(a, b);
      if (Double.isFinite(t0)) {
        double t = s + t0;
        c += Precise.sumError(s, t0, t);
        s = t;
      } else {
        special += t0;
      }
    }
    return Precise.finish(s, c, special) / lnBase;
  }

  public static double klDivergenceFromLogits(double[] x, double[] y) {
    int n = Checks.lengthOf(x, 0);
    Checks.lengthOf(y, 1);
    Checks.sameLength(x, y, 1);
    return klDivergenceFromLogits(x, y, n, Math.E);
  }

  /**
   * ln(sum exp(x_i)) computed as max + log1p(sum of the others' exp(x_i - max)). Returns -inf if
   * every entry is -inf and +inf if any entry is +inf (as scipy.special.logsumexp).
   */
  public static double logSumExp(double[] x, int n) {
    Checks.vector(x, n, 0);
    double m = NEG_INF;
    int argMax = 0;
    for (int i = 0; i < n; i++) {
      double xi = x[i];
      if (xi > m) {
        m = xi;
        argMax = i;
      } else if (Double.isNaN(xi)) {
        throw Checks.nan(0, i);
      }
    }
    if (!Double.isFinite(m)) {
      return m;
    }
    double s = 0;
    double c = 0;
    for (int i = 0; i < n; i++) {
      if (i != argMax) {
        double e = Math.exp(x[i] - m);
        double t = s + e;
        c += Precise.sumError(s, e, t);
        s = t;
      }
    }
    return m + Math.log1p(s + c);
  }

  public static double logSumExp(double[] x) {
    return logSumExp(x, Checks.lengthOf(x, 0));
  }

  /** exp(a)(a - b) with exp(-inf) * anything = 0 and no underflow of exp(a) in the product. */
  private static double term(double a, double b) {
    if (a == NEG_INF) {
      return 0.0;
    }
    if (b == NEG_INF) {
      return Double.POSITIVE_INFINITY;
    }
    double d = a - b;
    double e = Math.exp(a);
    if (e >= Double.MIN_NORMAL && e < Double.POSITIVE_INFINITY) {
      return e * d;
    }
    if (d == 0) {
      return 0.0;
    }
    if (a == Double.POSITIVE_INFINITY) {
      return d > 0 ? d : Double.NaN; // inf * (inf - b): +inf, or NaN when b = +inf too
    }
    // exp(a) under- or overflows on its own but the product may not: fold |d| into the exponent
    return Math.copySign(Math.exp(a + Math.log(Math.abs(d))), d);
  }
}
