package io.github.sparkdivergence.math;

/**
 * The one rule for a logarithm base, used by every function and aggregate that takes one: a number
 * that is positive, finite and not 1. Natural log (base e) is the default everywhere.
 */
public final class LogBase {
  private LogBase() {}

  public static boolean isValid(double base) {
    return base > 0 && base != 1.0 && base < Double.POSITIVE_INFINITY;
  }

  /** What is wrong with an invalid {@code base}, for error messages. */
  public static String problem(double base) {
    return "log base must be positive, finite and not 1 but was " + base;
  }

  /**
   * ln(base) of a valid base, exactly 1.0 for {@code Math.E} so natural-log results are unscaled.
   *
   * @throws InvalidInputException on argument {@code arg} for an invalid base
   */
  public static double ln(double base, int arg) {
    if (base == Math.E) {
      return 1.0;
    }
    if (!isValid(base)) {
      throw new InvalidInputException(arg, problem(base));
    }
    return Math.log(base);
  }
}
