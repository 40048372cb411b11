package io.github.sparkdivergence.math;

/**
 * Per-token KL estimators used in RLHF (Schulman's k1/k2/k3) from the log-probabilities of the
 * sampled tokens under the policy (lp) and the reference model (ref):
 * <ul>
 *   <li>k1 = lp - ref (unbiased, can be negative)
 *   <li>k2 = (lp - ref)^2 / 2
 *   <li>k3 = r - 1 - ln r with r = exp(ref - lp), evaluated as expm1(d) - d with d = ref - lp
 *       (and a series for small |d|), so it is >= 0, accurate for d near 0, and finite for large
 *       |d| where exp(d) alone would overflow only when the value itself does.
 * </ul>
 *
 * <p>Mask: {@code null} means every token counts; otherwise each entry must be 0 or 1 (-0.0 counts
 * as 0). Masked tokens (mask 0) are not inspected at all, so padding may hold any value including
 * NaN; they contribute 0.0 to {@link #perToken} and nothing to sums and counts. {@link #maskedMean}
 * is NaN when no token is unmasked (0/0, like torch's masked mean), not an error.
 *
 * <p>Invalid ({@link InvalidInputException}): NaN lp/ref at an unmasked token, mask value other
 * than 0/1, n = 0, arrays shorter than n, null estimator or output. Infinite log-probs follow the
 * formulas (e.g. ref = -inf gives k1 = k2 = k3 = +inf; lp = ref = -inf gives NaN). Argument
 * indices: perToken/maskedSum/maskedMean 0 = lp, 1 = ref, 2 = mask, 3 = estimator, 4 = out;
 * tokenValue 0 = estimator, 1 = lp, 2 = ref. Mask entries are checked first, then per position.
 */
public final class RlhfKl {
  private RlhfKl() {}

  /** The three estimators of KL(policy || reference) from samples of the policy. */
  public enum Estimator {
    K1,
    K2,
    K3;

    /** Case-insensitive "k1", "k2" or "k3" (surrounding blanks ignored). */
    public static Estimator parse(String s) {
      if (s != null) {
        switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
          case "k1":
            return K1;
          case "k2":
            return K2;
          case "k3":
            return K3;
          default:
            break;
        }
      }
      throw new InvalidInputException(
          0, "unknown estimator " + (s == null ? "null" : "'" + s + "'")
              + "; allowed values: k1, k2, k3");
    }
  }

  public static double tokenValue(Estimator e, double lp, double ref) {
    if (e == null) {
      throw new InvalidInputException(0, "estimator is null; allowed values: k1, k2, k3");
    }
    if (Double.isNaN(lp)) {
      throw new InvalidInputException(1, "is NaN");
    }
    if (Double.isNaN(ref)) {
      throw new InvalidInputException(2, "is NaN");
    }
    return value(e, lp, ref);
  }

  public static void perToken(
      double[] lp, double[] ref, double[] mask, int n, Estimator e, double[] out) {
    check(lp, ref, mask, n, e);
    if (out == null) {
      throw new InvalidInputException(4, "is null");
    }
    if (out.length < n) {
      throw new InvalidInputException(4, "length " + out.length + " is shorter than n = " + n);
    }
    for (int i = 0; i < n; i++) {
      out[i] = mask == null || mask[i] != 0 ? value(e, lp[i], ref[i]) : 0.0;
    }
  }

  public static double maskedSum(double[] lp, double[] ref, double[] mask, int n, Estimator e) {
    check(lp, ref, mask, n, e);
    return sum(lp, ref, mask, n, e);
  }

  /** Sum over unmasked tokens divided by their number; NaN if none is unmasked. */
  public static double maskedMean(double[] lp, double[] ref, double[] mask, int n, Estimator e) {
    check(lp, ref, mask, n, e);
    int count = n;
    if (mask != null) {
      count = 0;
      for (int i = 0; i < n; i++) {
        if (mask[i] != 0) {
          count++;
        }
      }
    }
    return count == 0 ? Double.NaN : sum(lp, ref, mask, n, e) / count;
  }

  private static double sum(double[] lp, double[] ref, double[] mask, int n, Estimator e) {
    double s = 0;
    double c = 0;
    double special = 0;
    for (int i = 0; i < n; i++) {
      if (mask != null && mask[i] == 0) {
        continue;
      }
      double x = value(e, lp[i], ref[i]);
      if (Double.isFinite(x)) {
        double t = s + x;
        c += Precise.sumError(s, x, t);
        s = t;
      } else {
        special += x;
      }
    }
    return Precise.finish(s, c, special);
  }

  private static double value(Estimator e, double lp, double ref) {
    switch (e) {
      case K1:
        return lp - ref;
      case K2:
        double d = lp - ref;
        return d * (0.5 * d);
      default:
        return Precise.expm1MinusX(ref - lp);
    }
  }

  private static void check(double[] lp, double[] ref, double[] mask, int n, Estimator e) {
    Checks.vector(lp, n, 0);
    Checks.vector(ref, n, 1);
    if (mask != null) {
      Checks.length(mask.length, n, 2);
      for (int i = 0; i < n; i++) {
        double m = mask[i];
        if (m != 0 && m != 1) {
          throw new InvalidInputException(
              2, "mask value " + m + " at index " + i + " must be 0 or 1");
        }
      }
    }
    if (e == null) {
      throw new InvalidInputException(3, "estimator is null; allowed values: k1, k2, k3");
    }
    for (int i = 0; i < n; i++) {
      if (mask == null || mask[i] != 0) {
        if (Double.isNaN(lp[i])) {
          throw Checks.nan(0, i);
        }
        if (Double.isNaN(ref[i])) {
          throw Checks.nan(1, i);
        }
      }
    }
  }
}
