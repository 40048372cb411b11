package io.github.sparkdivergence.math;

import static io.github.sparkdivergence.math.DistributionMeasure.*;

/**
 * Divergences between discrete distributions given as dense {@code double[]} (with an explicit
 * length {@code n}, so callers can reuse longer buffers) or as MLlib-layout sparse vectors (size,
 * strictly increasing indices, values, nnz), without densifying.
 *
 * <h2>Definitions (scipy conventions)</h2>
 * <ul>
 *   <li>KL(p||q) = sum rel_entr(p_i, q_i): term 0 where p_i = 0, +inf where p_i > 0 = q_i.
 *   <li>cross-entropy H(p,q) = -sum p_i ln q_i, term 0 where p_i = 0 (IEEE otherwise, so
 *       p_i > 0 = q_i gives +inf).
 *   <li>entropy H(p) = sum entr(p_i) = -sum p_i ln p_i, term 0 where p_i = 0.
 *   <li>Jeffreys = KL(p||q) + KL(q||p).
 *   <li>JS divergence = KL(p||m)/2 + KL(q||m)/2 with m = (p+q)/2; JS distance =
 *       sqrt(max(JS, 0)), equal to {@code scipy.spatial.distance.jensenshannon(p, q, base)} when
 *       normalize = true.
 *   <li>Hellinger distance = sqrt(sum (sqrt p_i - sqrt q_i)^2 / 2), total variation =
 *       sum |p_i - q_i| / 2, L-infinity = max |p_i - q_i|: all in [0, 1], no log base.
 * </ul>
 * The measures are the constants of {@link DistributionMeasure}; {@link #term} and {@link #finish}
 * hold their kernels. Results of the log measures are divided by ln(base). {@code normalize} divides p and q by their own sums first
 * (as {@code scipy.stats.entropy} always does); a vector summing to 0 is then invalid. {@code eps}
 * smoothing is applied after normalization: p~_i = (p_i + eps) / (1 + K eps) over all K entries
 * (K = n dense, K = size sparse, implicit zeros included).
 *
 * <h2>Inputs must be distributions</h2>
 * With normalize = false each vector is used as given and must sum to 1 within
 * {@link #SUM_TOLERANCE} (1e-5: float32 model outputs pass); anything else (counts, a truncated
 * distribution) is an {@link InvalidInputException} that says to normalize. So no result leaves its
 * measure's range: KL, cross-entropy, Jeffreys and JS are {@code >= 0}, JS {@code <= ln 2} and the
 * entropy of K outcomes {@code <= ln K} (in nats; divided by ln(base)). Within the tolerance the
 * exact value for the given entries can fall outside by about the tolerance; results are clamped
 * to the range. A +inf entry is invalid like NaN (scipy would give -inf or NaN).
 *
 * <h2>Where results are more accurate than scipy's float64 evaluation</h2>
 * Terms are evaluated so the result stays finite and accurate wherever the math is: ln(p/q) is
 * computed as ln p - ln q when p/q over- or underflows (scipy gives +-inf for e.g. p = 1e-300,
 * q = 1e300), via log1p near p = q, and the JS terms avoid forming m = (p+q)/2 (which rounds to 0
 * for p = 5e-324, q = 0). A normalizing sum that overflows while every entry is finite is
 * recomputed over the entries scaled by a power of two (scipy would divide by inf), and where
 * normalizing underflows a positive entry (5e-324 / 4 = 0) the logs come from the raw entries, so
 * KL, cross-entropy and Jeffreys stay finite. All sums use Neumaier compensated summation. Elsewhere results agree
 * with scipy to ~1e-15 relative (the golden tests list every case where scipy's float64 value
 * differs from the exact one).
 *
 * <h2>Errors</h2>
 * {@link InvalidInputException} for NaN, negative or infinite entries, a vector that does not sum
 * to 1 (normalize = false; checked after the other arguments), n = 0 / size = 0, arrays shorter than
 * n, length mismatch (convenience overloads), malformed sparse vectors (unsorted, duplicate or
 * out-of-range indices), a normalized vector summing to 0, log base not in (0,1) or (1,inf), and
 * eps negative, NaN or infinite. Arguments are checked in order; the first problem is reported.
 * Argument indices: 0 = p, 1 = q, 2 = base, 3 = normalize, 4 = eps (entropy: 0 = p, 1 = base,
 * 2 = normalize, 3 = eps); n and the parts of a sparse vector are not counted separately.
 *
 * <p>Thread-safe, allocation-free on the non-error path.
 */
public final class Divergence {
  private Divergence() {}

  /** How far from 1 a vector used without normalize may sum (see the class comment). */
  public static final double SUM_TOLERANCE = Checks.SUM_TOLERANCE;

  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double HALF_LN2 = 0.5 * Precise.LN2;
  /** Scale applied before summing when the plain sum of finite entries overflows. */
  private static final double OVERFLOW_SCALE = 0x1p-64;

  /**
   * 1 / ln(base), validating base (positive, finite, not 1). base = Math.E gives exactly 1.0.
   * Reports a bad base with argumentIndex 0.
   */
  public static double logScale(double base) {
    return 1.0 / LogBase.ln(base, 0);
  }

  /**
   * Throws InvalidInputException on argument 1 when two sparse vectors have different sizes; the
   * sparse methods take a single size, so callers comparing two vectors check this first.
   */
  public static void requireSameSize(int pSize, int qSize) {
    Checks.sameSize(pSize, qSize);
  }

  // ---------------------------------------------------------------- dense

  public static double klDivergence(
      double[] p, double[] q, int n, double base, boolean normalize, double eps) {
    return pairwise(KL_DIV, p, q, n, base, normalize, eps);
  }

  public static double klDivergence(double[] p, double[] q) {
    return pairwise(KL_DIV, p, q, commonLength(p, q), Math.E, false, 0.0);
  }

  public static double crossEntropy(
      double[] p, double[] q, int n, double base, boolean normalize, double eps) {
    return pairwise(CROSS_ENTROPY, p, q, n, base, normalize, eps);
  }

  public static double crossEntropy(double[] p, double[] q) {
    return pairwise(CROSS_ENTROPY, p, q, commonLength(p, q), Math.E, false, 0.0);
  }

  public static double jsDivergence(
      double[] p, double[] q, int n, double base, boolean normalize, double eps) {
    return pairwise(JS_DIV, p, q, n, base, normalize, eps);
  }

  public static double jsDivergence(double[] p, double[] q) {
    return pairwise(JS_DIV, p, q, commonLength(p, q), Math.E, false, 0.0);
  }

  public static double jsDistance(
      double[] p, double[] q, int n, double base, boolean normalize, double eps) {
    return pairwise(JS_DISTANCE, p, q, n, base, normalize, eps);
  }

  public static double jsDistance(double[] p, double[] q) {
    return pairwise(JS_DISTANCE, p, q, commonLength(p, q), Math.E, false, 0.0);
  }

  public static double jeffreysDivergence(
      double[] p, double[] q, int n, double base, boolean normalize, double eps) {
    return pairwise(JEFFREYS_DIV, p, q, n, base, normalize, eps);
  }

  public static double jeffreysDivergence(double[] p, double[] q) {
    return pairwise(JEFFREYS_DIV, p, q, commonLength(p, q), Math.E, false, 0.0);
  }

  public static double entropy(double[] p, int n, double base, boolean normalize, double eps) {
    Checks.vector(p, n, 0);
    double given = entries(p, n, 0);
    double lnBase = LogBase.ln(base, 1);
    Checks.eps(eps, 3);
    if (!normalize) {
      Checks.sumsToOne(given, 0);
    }
    return entropyOf(p, n, n, normalize, eps) / lnBase;
  }

  public static double entropy(double[] p) {
    return entropy(p, Checks.lengthOf(p, 0), Math.E, false, 0.0);
  }

  // ---------------------------------------------------------------- sparse

  public static double klDivergenceSparse(int size, int[] pIdx, double[] pVal, int pNnz,
      int[] qIdx, double[] qVal, int qNnz, double base, boolean normalize, double eps) {
    return pairwiseSparse(KL_DIV, size, pIdx, pVal, pNnz, qIdx, qVal, qNnz, base, normalize, eps);
  }

  public static double crossEntropySparse(int size, int[] pIdx, double[] pVal, int pNnz,
      int[] qIdx, double[] qVal, int qNnz, double base, boolean normalize, double eps) {
    return pairwiseSparse(
        CROSS_ENTROPY, size, pIdx, pVal, pNnz, qIdx, qVal, qNnz, base, normalize, eps);
  }

  public static double jsDivergenceSparse(int size, int[] pIdx, double[] pVal, int pNnz,
      int[] qIdx, double[] qVal, int qNnz, double base, boolean normalize, double eps) {
    return pairwiseSparse(JS_DIV, size, pIdx, pVal, pNnz, qIdx, qVal, qNnz, base, normalize, eps);
  }

  public static double jsDistanceSparse(int size, int[] pIdx, double[] pVal, int pNnz,
      int[] qIdx, double[] qVal, int qNnz, double base, boolean normalize, double eps) {
    return pairwiseSparse(
        JS_DISTANCE, size, pIdx, pVal, pNnz, qIdx, qVal, qNnz, base, normalize, eps);
  }

  public static double jeffreysDivergenceSparse(int size, int[] pIdx, double[] pVal, int pNnz,
      int[] qIdx, double[] qVal, int qNnz, double base, boolean normalize, double eps) {
    return pairwiseSparse(
        JEFFREYS_DIV, size, pIdx, pVal, pNnz, qIdx, qVal, qNnz, base, normalize, eps);
  }

  public static double entropySparse(int size, int[] idx, double[] val, int nnz, double base,
      boolean normalize, double eps) {
    Checks.sparse(size, idx, val, nnz, 0);
    double lnBase = LogBase.ln(base, 1);
    Checks.eps(eps, 3);
    if (!normalize) {
      Checks.sumsToOne(Checks.sum(val, nnz), 0);
    }
    return entropyOf(val, nnz, size, normalize, eps) / lnBase;
  }

  // ---------------------------------------------------------------- cores

  /**
   * Entropy in nats of validated entries, dense and sparse alike: the first {@code count} values
   * are the explicit entries of a vector of {@code size} outcomes, the other size - count are
   * implicit zeros (a dense vector has count = size, so none).
   */
  private static double entropyOf(
      double[] val, int count, int size, boolean normalize, double eps) {
    double norm = normalize ? normalizer(val, count, 0) : 1.0;
    double pre = scaleOf(norm);
    double sum = sumOf(norm);
    double denom = 1.0 + size * eps;
    double s = 0;
    double c = 0;
    double special = 0;
    for (int k = 0; k < count; k++) {
      double x = entr(smoothed(val[k], pre, sum, eps, denom));
      if (Double.isFinite(x)) {
        double t = s + x;
        c += Precise.sumError(s, x, t);
        s = t;
      } else {
        special += x;
      }
    }
    // all implicit zeros share one smoothed value: add their terms in one step (with none there is
    // nothing to add; adding 0.0 would leave s and c as they are)
    int implicit = size - count;
    if (implicit > 0) {
      double x = entr(eps / denom) * implicit;
      if (Double.isFinite(x)) {
        double t = s + x;
        c += Precise.sumError(s, x, t);
        s = t;
      } else {
        special += x;
      }
    }
    return entropyInRange(Precise.finish(s, c, special), size);
  }

  private static int commonLength(double[] p, double[] q) {
    int n = Checks.lengthOf(p, 0);
    Checks.lengthOf(q, 1);
    Checks.sameLength(p, q, 1);
    return n;
  }

  /** {@code kind} on two dense vectors; {@code base} is ignored by a measure without one. */
  static double pairwise(DistributionMeasure kind, double[] p, double[] q, int n, double base,
      boolean normalize, double eps) {
    // Plain KL first: the certified pass also rejects every invalid entry (it returns NaN), so
    // valid input skips the separate validation passes; anything else is validated below, in
    // argument order, exactly as before.
    if (kind == KL_DIV && !normalize && eps == 0 && p != null && q != null && n > 0
        && p.length >= n && q.length >= n && LogBase.isValid(base)) {
      double fast = klCertified(p, q, n);
      if (fast == fast) {
        return finish(kind, fast, LogBase.ln(base, 2)); // base is valid: no throw
      }
    }
    Checks.vector(p, n, 0);
    double pGiven = entries(p, n, 0);
    Checks.vector(q, n, 1);
    double qGiven = entries(q, n, 1);
    double lnBase = kind.takesBase() ? LogBase.ln(base, 2) : 1.0;
    Checks.eps(eps, kind.takesBase() ? 4 : 3);
    if (!normalize) {
      Checks.sumsToOne(pGiven, 0);
      Checks.sumsToOne(qGiven, 1);
    }
    double pNorm = normalize ? normalizer(p, n, 0) : 1.0;
    double qNorm = normalize ? normalizer(q, n, 1) : 1.0;
    double pPre = scaleOf(pNorm);
    double pSum = sumOf(pNorm);
    double qPre = scaleOf(qNorm);
    double qSum = sumOf(qNorm);
    double denom = 1.0 + n * eps;
    boolean logFallback = normalize && eps == 0 && logRatioTerms(kind);
    double lnP = Math.log(pSum) - Math.log(pPre);
    double lnQ = Math.log(qSum) - Math.log(qPre);
    double s = 0;
    double c = 0;
    double special = 0;
    // Plain inputs (the common case) skip the four divisions of the general transform, which
    // are exact identities there: (x * 1 / 1 + 0) / 1 == x for every x >= 0.
    boolean plain = !normalize && eps == 0;
    boolean max = kind == LINF_DISTANCE;
    for (int i = 0; i < n; i++) {
      double x = plain ? term(kind, p[i], q[i])
          : term(kind, p[i], q[i], smoothed(p[i], pPre, pSum, eps, denom),
              smoothed(q[i], qPre, qSum, eps, denom), logFallback, lnP, lnQ);
      if (max) {
        s = Math.max(s, x);
      } else if (Double.isFinite(x)) {
        double t = s + x;
        c += Precise.sumError(s, x, t);
        s = t;
      } else {
        special += x;
      }
    }
    return finish(kind, max ? s : Precise.finish(s, c, special), lnBase);
  }

  /** {@code kind} on two sparse vectors; {@code base} is ignored by a measure without one. */
  static double pairwiseSparse(DistributionMeasure kind, int size, int[] pIdx, double[] pVal, int pNnz,
      int[] qIdx, double[] qVal, int qNnz, double base, boolean normalize, double eps) {
    Checks.sparse(size, pIdx, pVal, pNnz, 0);
    Checks.sparse(size, qIdx, qVal, qNnz, 1);
    double lnBase = kind.takesBase() ? LogBase.ln(base, 2) : 1.0;
    Checks.eps(eps, kind.takesBase() ? 4 : 3);
    if (!normalize) {
      Checks.sumsToOne(Checks.sum(pVal, pNnz), 0);
      Checks.sumsToOne(Checks.sum(qVal, qNnz), 1);
      if (eps == 0 && kind == KL_DIV) {
        double fast = klCertifiedSparse(pIdx, pVal, pNnz, qIdx, qVal, qNnz);
        if (fast == fast) {
          return finish(kind, fast, lnBase);
        }
      }
    }
    double pNorm = normalize ? normalizer(pVal, pNnz, 0) : 1.0;
    double qNorm = normalize ? normalizer(qVal, qNnz, 1) : 1.0;
    double pPre = scaleOf(pNorm);
    double pSum = sumOf(pNorm);
    double qPre = scaleOf(qNorm);
    double qSum = sumOf(qNorm);
    double denom = 1.0 + size * eps;
    boolean logFallback = normalize && eps == 0 && logRatioTerms(kind);
    double lnP = Math.log(pSum) - Math.log(pPre);
    double lnQ = Math.log(qSum) - Math.log(qPre);
    // an implicit zero becomes eps/denom in both vectors (0 * pre / sum = 0 exactly)
    double zero = eps / denom;
    boolean max = kind == LINF_DISTANCE;
    double s = 0;
    double c = 0;
    double special = 0;
    int i = 0;
    int j = 0;
    int union = 0;
    while (i < pNnz || j < qNnz) {
      int pi = i < pNnz ? pIdx[i] : Integer.MAX_VALUE;
      int qj = j < qNnz ? qIdx[j] : Integer.MAX_VALUE;
      double pr = pi <= qj ? pVal[i++] : 0.0;
      double qr = qj <= pi ? qVal[j++] : 0.0;
      union++;
      double x = term(kind, pr, qr, smoothed(pr, pPre, pSum, eps, denom),
          smoothed(qr, qPre, qSum, eps, denom), logFallback, lnP, lnQ);
      if (max) {
        s = Math.max(s, x);
      } else if (Double.isFinite(x)) {
        double t = s + x;
        c += Precise.sumError(s, x, t);
        s = t;
      } else {
        special += x;
      }
    }
    // positions implicit in both vectors: one shared term, counted once (O(1), not O(size)).
    // For every measure but cross-entropy it is exactly 0, which leaves the sum bit-identical to
    // the dense one.
    int both = size - union;
    double x = both == 0 ? 0.0 : term(kind, zero, zero) * both;
    if (max) {
      s = Math.max(s, x);
    } else if (Double.isFinite(x)) {
      double t = s + x;
      c += Precise.sumError(s, x, t);
      s = t;
    } else {
      special += x;
    }
    return finish(kind, max ? s : Precise.finish(s, c, special), lnBase);
  }

  /**
   * KL of plain (validated) inputs in one cheap pass: ln(p/q) straight from the quotient, without
   * the log1p window that near-equal entries need. Alongside it, a rigorous bound on the rounding
   * error: per term the quotient (u), the log (1 ulp = 2u) and the product (u), i.e. at most
   * u * p_i + 3u * |t_i|, plus 2u|S| for the compensated sum (u = 2^-53). The result is returned
   * only when that bound is within 1e-14 of it; otherwise (near-equal distributions, where the
   * terms cancel) NaN tells the caller to take the accurate path. Special entries (q_i = 0,
   * infinities, ratios that leave the normal range) also return NaN. Dense and sparse add the
   * same terms in the same order, so their results stay bit-identical.
   */
  private static double klCertified(double[] p, double[] q, int n) {
    double s = 0;
    double c = 0;
    double mass = 0;
    double qMass = 0;
    double abs = 0;
    for (int i = 0; i < n; i++) {
      double a = p[i];
      double b = q[i];
      double t = klFastTerm(a, b);
      if (t != t) {
        return Double.NaN;
      }
      double u = s + t;
      c += Precise.sumError(s, t, u);
      s = u;
      mass += a;
      qMass += b;
      abs += Math.abs(t);
    }
    return certified(s + c, mass, qMass, abs);
  }

  private static double klCertifiedSparse(int[] pIdx, double[] pVal, int pNnz, int[] qIdx,
      double[] qVal, int qNnz) {
    double s = 0;
    double c = 0;
    double mass = 0;
    double qMass = 0;
    double abs = 0;
    int i = 0;
    int j = 0;
    while (i < pNnz || j < qNnz) {
      int pi = i < pNnz ? pIdx[i] : Integer.MAX_VALUE;
      int qj = j < qNnz ? qIdx[j] : Integer.MAX_VALUE;
      double a = pi <= qj ? pVal[i++] : 0.0;
      double b = qj <= pi ? qVal[j++] : 0.0;
      double t = klFastTerm(a, b);
      if (t != t) {
        return Double.NaN;
      }
      double u = s + t;
      c += Precise.sumError(s, t, u);
      s = u;
      mass += a;
      qMass += b;
      abs += Math.abs(t);
    }
    return certified(s + c, mass, qMass, abs);
  }

  /** p ln(p/q) for finite p >= 0, q > 0 with a normal quotient; NaN for anything else. */
  private static double klFastTerm(double a, double b) {
    if (a > 0 && a < INF && b > 0 && b < INF) {
      double r = a / b;
      return r >= Double.MIN_NORMAL && r < INF ? a * Math.log(r) : Double.NaN;
    }
    return a == 0 && b > 0 && b < INF ? 0.0 : Double.NaN;
  }

  /**
   * The certified result, or NaN (take the validating path) when the rounding bound is too wide or
   * either vector is not a distribution: the validating path then reports it.
   */
  private static double certified(double result, double mass, double qMass, double abs) {
    double bound = 0x1p-53 * (1.01 * mass + 3.01 * abs + 2 * Math.abs(result));
    boolean distributions = Math.abs(mass - 1.0) <= Checks.SUM_TOLERANCE
        && Math.abs(qMass - 1.0) <= Checks.SUM_TOLERANCE;
    return distributions && bound <= 1e-14 * Math.abs(result) && result >= 0 ? result : Double.NaN;
  }

  /** Validates every entry; returns their plain sum for {@link Checks#sumsToOne}. */
  private static double entries(double[] a, int n, int arg) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      Checks.entry(a[i], i, arg);
      sum += a[i];
    }
    return sum;
  }

  /**
   * The one normalisation step: what an entry x of a vector becomes is
   * {@code x * scaleOf(norm) / sumOf(norm)} for {@code norm = normalizer(a, n, arg)} (see
   * {@link #smoothed}). The divisor is the compensated sum of the entries; when that overflows it
   * is the compensated sum of the entries scaled by {@link #OVERFLOW_SCALE} (exact for all but
   * subnormal products), and the entries are scaled alike. Every entry has been validated
   * (non-negative, no NaN, no infinity) before this runs, so an infinite sum is always an
   * overflow of finite entries; the scaled sum then is finite and far from 0.
   *
   * <p>Both facts come back in one double so that this per-row step allocates nothing (a result
   * object would rely on escape analysis): the sum, negated when it is the scaled one. A sum of
   * non-negative entries is never negative, and 0 is rejected here, so the sign is free, and
   * negating is exact, so {@link #sumOf} returns the sum bit for bit. 1.0 (what callers pass for
   * normalize = false) decodes as sum 1, scale 1.
   *
   * @throws InvalidInputException "sums to 0" on argument {@code arg}
   */
  private static double normalizer(double[] a, int n, int arg) {
    double sum = compensatedSum(a, n, 1.0);
    if (sum == 0) {
      throw new InvalidInputException(arg, "sums to 0");
    }
    return sum != INF ? sum : -compensatedSum(a, n, OVERFLOW_SCALE);
  }

  /** The divisor encoded by {@link #normalizer}. */
  private static double sumOf(double norm) {
    return Math.abs(norm);
  }

  /** The factor applied to each entry before dividing by {@link #sumOf}: 1 or OVERFLOW_SCALE. */
  private static double scaleOf(double norm) {
    return norm < 0 ? OVERFLOW_SCALE : 1.0;
  }

  /** Neumaier sum of {@code a[i] * pre}; +inf once it overflows. */
  private static double compensatedSum(double[] a, int n, double pre) {
    double s = 0;
    double c = 0;
    for (int i = 0; i < n; i++) {
      double x = a[i] * pre;
      double t = s + x;
      c += Precise.sumError(s, x, t);
      s = t;
    }
    return Precise.finish(s, c, 0);
  }

  /**
   * An entry x normalized (pre and sum from {@link #normalizer}, both 1 without normalize) and
   * smoothed by eps over denom = 1 + K eps. With pre = sum = denom = 1 and eps = 0 it is the
   * exact identity.
   */
  private static double smoothed(double x, double pre, double sum, double eps, double denom) {
    return (x * pre / sum + eps) / denom;
  }

  /**
   * The measure from its reduced terms (their sum, or for L-infinity their maximum), kept in the
   * measure's range (every measure >= 0; JS <= ln 2; Hellinger, total variation and L-infinity
   * <= 1) and, for a log measure, divided by ln(base). Inputs that sum to 1 only within the
   * tolerance, and rounding, could otherwise leave it a hair outside.
   */
  static double finish(DistributionMeasure kind, double reduced, double lnBase) {
    double v = Math.max(reduced, 0.0);
    switch (kind) {
      case JS_DIV:
        return Math.min(v, Precise.LN2) / lnBase;
      case JS_DISTANCE:
        return Math.sqrt(Math.min(v, Precise.LN2) / lnBase);
      case HELLINGER_DISTANCE:
        return Math.sqrt(Math.min(0.5 * v, 1.0));
      case TOTAL_VARIATION:
        return Math.min(0.5 * v, 1.0);
      case LINF_DISTANCE:
        return Math.min(v, 1.0);
      default:
        return v / lnBase;
    }
  }

  /** Measures whose terms are products with ln(x / y): those take the raw-log fallback. */
  private static boolean logRatioTerms(DistributionMeasure kind) {
    return kind == KL_DIV || kind == CROSS_ENTROPY || kind == JEFFREYS_DIV;
  }

  /** Entropy of K outcomes lies in [0, ln K]. */
  private static double entropyInRange(double natural, int k) {
    return Math.min(Math.max(natural, 0.0), Math.log(k));
  }

  /**
   * The term for raw entries (pr, qr) whose normalized/smoothed values are (x, y). Normalizing
   * can underflow a positive entry to a subnormal or 0 (5e-324 / 4), which would turn a finite
   * ln ratio into garbage or inf; then the logs are taken from the raw values: ln x = ln pr - lnP.
   */
  private static double term(DistributionMeasure kind, double pr, double qr, double x, double y,
      boolean logFallback, double lnP, double lnQ) {
    if (logFallback && (x < Double.MIN_NORMAL || y < Double.MIN_NORMAL) && pr > 0 && qr > 0) {
      double lnRatio = (Math.log(pr) - lnP) - (Math.log(qr) - lnQ);
      switch (kind) {
        case KL_DIV:
          return x * lnRatio;
        case CROSS_ENTROPY:
          return -x * (Math.log(qr) - lnQ);
        default:
          return (x - y) * lnRatio;
      }
    }
    return term(kind, x, y);
  }

  /** The per-entry kernel of each measure, for normalized (smoothed) entries x of p and y of q. */
  static double term(DistributionMeasure kind, double x, double y) {
    switch (kind) {
      case KL_DIV:
        return relEntr(x, y);
      case CROSS_ENTROPY:
        return crossTerm(x, y);
      case JEFFREYS_DIV:
        return jeffreysTerm(x, y);
      case JS_DIV:
      case JS_DISTANCE:
        return jsTerm(x, y);
      case HELLINGER_DISTANCE:
        return hellingerTerm(x, y);
      case TOTAL_VARIATION:
      case LINF_DISTANCE:
        return Math.abs(x - y);
      default:
        throw new IllegalArgumentException(kind + " is not a measure of two distributions");
    }
  }

  /**
   * (sqrt x - sqrt y)^2 as ((x - y) / (sqrt x + sqrt y))^2: the difference of the roots cancels
   * for near-equal entries, the difference of the entries is exact there (Sterbenz).
   */
  private static double hellingerTerm(double x, double y) {
    if (x == y) {
      return 0.0;
    }
    double d = (x - y) / (Math.sqrt(x) + Math.sqrt(y));
    return d * d;
  }

  /** scipy.special.rel_entr for x, y >= 0 (or NaN / +inf), accurate for extreme ratios. */
  static double relEntr(double x, double y) {
    if (x > 0 && y > 0) {
      if (x < INF && y < INF) {
        return x * Precise.logRatio(x, y);
      }
      return x * Math.log(x / y); // scipy's own expression for the infinite cases
    }
    if (x == 0 && y >= 0) {
      return 0.0;
    }
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return Double.NaN;
    }
    return INF; // x > 0 == y
  }

  private static double crossTerm(double x, double y) {
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return Double.NaN;
    }
    return x == 0 ? 0.0 : -x * Math.log(y);
  }

  /** scipy.special.entr for x >= 0 (or NaN / +inf). */
  private static double entr(double x) {
    if (x == 0) {
      return 0.0;
    }
    return -x * Math.log(x); // NaN stays NaN, entr(inf) = -inf
  }

  private static double jeffreysTerm(double x, double y) {
    if (x > 0 && y > 0 && x < INF && y < INF) {
      // one product instead of two nearly cancelling rel_entr terms
      return (x - y) * Precise.logRatio(x, y);
    }
    return relEntr(x, y) + relEntr(y, x);
  }

  /** (rel_entr(x, m) + rel_entr(y, m)) / 2 with m = (x + y) / 2, without forming m. */
  private static double jsTerm(double x, double y) {
    if (x == 0 && y == 0) {
      return 0.0;
    }
    if (Double.isNaN(x) || Double.isNaN(y) || x == INF || y == INF) {
      return Double.NaN; // m = inf gives rel_entr(inf, inf) = NaN in scipy
    }
    if (x == 0) {
      return HALF_LN2 * y;
    }
    if (y == 0) {
      return HALF_LN2 * x;
    }
    double s = x + y;
    if (s == INF) {
      // the term is homogeneous of degree 1, so halve the inputs
      return 2.0 * jsFinite(0.5 * x, 0.5 * y, 0.5 * x + 0.5 * y);
    }
    return jsFinite(x, y, s);
  }

  private static double jsFinite(double x, double y, double s) {
    double u = (x - y) / s;
    if (Math.abs(u) < 0.125) {
      // term = s/4 * ((1+u)ln(1+u) + (1-u)ln(1-u)); the series avoids the O(u) cancellation
      return s * (0.25 * Precise.jsSeries(u));
    }
    // ln(2x/s) and ln(2y/s) with exact scaling: double the numerators if that cannot overflow,
    // otherwise halve the (then >= 1, hence exactly halvable) denominator
    double xs;
    double ys;
    double ss;
    if (s > 1) {
      xs = x;
      ys = y;
      ss = 0.5 * s;
    } else {
      xs = 2 * x;
      ys = 2 * y;
      ss = s;
    }
    return 0.5 * (x * Precise.logRatio(xs, ss) + y * Precise.logRatio(ys, ss));
  }
}
