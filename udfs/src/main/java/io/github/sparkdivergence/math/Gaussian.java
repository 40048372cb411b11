package io.github.sparkdivergence.math;

/**
 * Closed-form KL divergences between normal distributions (sigma = standard deviation).
 *
 * <p>KL(N(mu1, s1^2) || N(mu2, s2^2)) = ln(s2/s1) + (s1^2 + (mu1-mu2)^2) / (2 s2^2) - 1/2 is
 * evaluated as (e^L - 1 - L)/2 + t^2/2 with L = 2 ln(s1/s2) and t = (mu1-mu2)/s2, so nothing
 * squares a raw sigma (no overflow for sigma = 1e200) and nearly equal sigmas do not cancel.
 * The VAE term KL(N(mu, e^logVar) || N(0, 1)) = -1/2 (1 + logVar - mu^2 - e^logVar) (PyTorch VAE
 * example convention) is evaluated the same way.
 *
 * <p>Invalid ({@link InvalidInputException}): NaN mu or logVar, sigma NaN or <= 0, n = 0, arrays
 * shorter than n, bad base. Infinities follow the formula: an infinite mu or sigma gives +inf,
 * or NaN for inf - inf (mu1 = mu2 = inf, or s1 = s2 = inf); logVar = +-inf gives +inf. Argument
 * indices follow the parameter lists without n: klGaussian* 0 = mu1, 1 = sigma1, 2 = mu2,
 * 3 = sigma2, 4 = base; klStdNormal 0 = mu, 1 = logVar, 2 = base.
 */
public final class Gaussian {
  private Gaussian() {}

  private static final double INF = Double.POSITIVE_INFINITY;

  public static double klGaussian(
      double mu1, double sigma1, double mu2, double sigma2, double base) {
    checkMu(mu1, 0, -1);
    checkSigma(sigma1, 1, -1);
    checkMu(mu2, 2, -1);
    checkSigma(sigma2, 3, -1);
    return klNat(mu1, sigma1, mu2, sigma2) / LogBase.ln(base, 4);
  }

  public static double klGaussian(double mu1, double sigma1, double mu2, double sigma2) {
    return klGaussian(mu1, sigma1, mu2, sigma2, Math.E);
  }

  /** Sum over dimensions of independent (diagonal-covariance) normals. */
  public static double klGaussianDiagonal(double[] mu1, double[] sigma1, double[] mu2,
      double[] sigma2, int n, double base) {
    Checks.vector(mu1, n, 0);
    Checks.vector(sigma1, n, 1);
    Checks.vector(mu2, n, 2);
    Checks.vector(sigma2, n, 3);
    for (int i = 0; i < n; i++) {
      checkMu(mu1[i], 0, i);
    }
    for (int i = 0; i < n; i++) {
      checkSigma(sigma1[i], 1, i);
    }
    for (int i = 0; i < n; i++) {
      checkMu(mu2[i], 2, i);
    }
    for (int i = 0; i < n; i++) {
      checkSigma(sigma2[i], 3, i);
    }
    double lnBase = LogBase.ln(base, 4);
    double s = 0;
    double c = 0;
    double special = 0;
    for (int i = 0; i < n; i++) {
      double x = klNat(mu1[i], sigma1[i], mu2[i], sigma2[i]);
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

  public static double klStdNormal(double mu, double logVar, double base) {
    checkMu(mu, 0, -1);
    if (Double.isNaN(logVar)) {
      throw new InvalidInputException(1, "is NaN");
    }
    return stdNat(mu, logVar) / LogBase.ln(base, 2);
  }

  public static double klStdNormal(double mu, double logVar) {
    return klStdNormal(mu, logVar, Math.E);
  }

  /** The VAE regularizer summed over n latent dimensions. */
  public static double klStdNormal(double[] mu, double[] logVar, int n, double base) {
    Checks.vector(mu, n, 0);
    Checks.noNaN(mu, n, 0);
    Checks.vector(logVar, n, 1);
    Checks.noNaN(logVar, n, 1);
    double lnBase = LogBase.ln(base, 2);
    double s = 0;
    double c = 0;
    double special = 0;
    for (int i = 0; i < n; i++) {
      double x = stdNat(mu[i], logVar[i]);
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

  private static double klNat(double mu1, double s1, double mu2, double s2) {
    double half;
    if (s1 == INF || s2 == INF) {
      half = s1 == s2 ? Double.NaN : INF;
    } else {
      half = 0.5 * Precise.expm1MinusX(2 * Precise.logRatio(s1, s2));
    }
    double d = mu1 - mu2;
    double t = d / s2;
    if (Double.isInfinite(d) && Double.isFinite(mu1) && Double.isFinite(mu2)) {
      t = mu1 / s2 - mu2 / s2; // the difference overflowed, the scaled one may not
    }
    // t * (0.5 t) overflows only if t^2/2 itself does
    return half + t * (0.5 * t);
  }

  private static double stdNat(double mu, double logVar) {
    return mu * (0.5 * mu) + 0.5 * Precise.expm1MinusX(logVar);
  }

  private static void checkMu(double mu, int arg, int index) {
    if (Double.isNaN(mu)) {
      throw index < 0 ? new InvalidInputException(arg, "is NaN") : Checks.nan(arg, index);
    }
  }

  private static void checkSigma(double sigma, int arg, int index) {
    if (!(sigma > 0)) {
      throw new InvalidInputException(
          arg, "sigma must be > 0 but was " + sigma + (index < 0 ? "" : " at index " + index));
    }
  }
}
