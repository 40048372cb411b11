package io.github.sparkdivergence.math;

/**
 * KL divergence for distributions given as log-probabilities or logits, without leaving log space
 * where that would lose accuracy.
 *
 * <p>Conventions: {@link #klDivergenceFromLogProbs} is PyTorch's {@code F.kl_div(input=logQ,
 * target=logP, reduction='sum', log_target=True)} = sum exp(a_i) (a_i - b_i), except that a term
 * with a_i = -inf is 0 (p_i = 0 contributes nothing; PyTorch yields NaN there because it
 * evaluates 0 * -inf). b_i = -inf with a_i > -inf gives +inf. Both vectors must be
 * distributions: sum exp(a_i) and sum exp(b_i) within {@link Divergence#SUM_TOLERANCE} of 1, so the
 * result is never below 0 (PyTorch would sum the terms of any input); truncated (top-k) or
 * otherwise unnormalized log-probabilities go to {@link #klDivergenceFromLogits}, whose
 * log-softmax renormalizes them. Results are divided by ln(base).
 *
 * <p>{@link #klDivergenceFromLogits} is KL(softmax(x) || softmax(y)). A -inf logit is a
 * probability of exactly 0 (masking).
 *
 * <p>{@link InvalidInputException} for NaN or +inf anywhere (+inf has no probability; PyTorch gives
 * NaN), a vector of logits that are all -inf (softmax undefined), log-probabilities that do not sum
 * to 1, n = 0, arrays shorter than n, and a bad base. Argument indices: 0 = first vector, 1 =
 * second vector, 2 = base.
 */
public final class LogSpace {
  private LogSpace() {}

  private static final double NEG_INF = Double.NEGATIVE_INFINITY;

  public static double klDivergenceFromLogProbs(
      double[] logP, double[] logQ, int n, double base) {
    Checks.vector(logP, n, 0);
    Checks.finiteAbove(logP, n, 0);
    Checks.vector(logQ, n, 1);
    Checks.finiteAbove(logQ, n, 1);
    double lnBase = LogBase.ln(base, 2);
    double s = 0;
    double c = 0;
    double special = 0;
    double pMass = 0;
    double qMass = 0;
    for (int i = 0; i < n; i++) {
      double a = logP[i];
      double b = logQ[i];
      double e = Math.exp(a);
      pMass += e;
      qMass += Math.exp(b);
      double x = term(a, b, e);
      if (Double.isFinite(x)) {
        double t = s + x;
        c += Precise.sumError(s, x, t);
        s = t;
      } else {
        special += x;
      }
    }
    Checks.logSumsToOne(pMass, 0);
    Checks.logSumsToOne(qMass, 1);
    return Math.max(Precise.finish(s, c, special), 0.0) / lnBase;
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
        if (zi == Double.POSITIVE_INFINITY) {
          throw Checks.infinite(v, i);
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
      if (m == NEG_INF) {
        throw new InvalidInputException(v, "has only -Infinity logits: softmax is undefined");
      }
      if (v == 0) {
        mx = m;
        lx = Math.log1p(s + c);
      } else {
        my = m;
        ly = Math.log1p(s + c);
      }
    }
    double lnBase = LogBase.ln(base, 2);
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
    return Math.max(Precise.finish(s, c, special), 0.0) / lnBase;
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
    return term(a, b, Math.exp(a));
  }

  /** {@link #term(double, double)} given e = exp(a). */
  private static double term(double a, double b, double e) {
    if (a == NEG_INF) {
      return 0.0;
    }
    if (b == NEG_INF) {
      return Double.POSITIVE_INFINITY;
    }
    double d = a - b;
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
