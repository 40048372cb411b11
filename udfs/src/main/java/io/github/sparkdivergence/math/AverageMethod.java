package io.github.sparkdivergence.math;

import java.util.Locale;

/**
 * How NMI and AMI average the two entropies in their denominator: scikit-learn's
 * {@code average_method} (default arithmetic). The one rule for the {@code method} option.
 */
public enum AverageMethod {
  ARITHMETIC, GEOMETRIC, MIN, MAX;

  /** The option's spelling: {@code arithmetic}, {@code geometric}, {@code min}, {@code max}. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The method named {@code name} (case-insensitive), or null. */
  public static AverageMethod of(String name) {
    if (name != null) {
      for (AverageMethod m : values()) {
        if (m.optionName().equalsIgnoreCase(name.trim())) return m;
      }
    }
    return null;
  }

  /** What is wrong with a name that is not a method, for error messages. */
  public static String problem(String name) {
    return "must be 'arithmetic', 'geometric', 'min' or 'max' but was '" + name + "'";
  }

  /**
   * The method named {@code name}.
   *
   * @throws InvalidInputException on argument {@code arg} for any other name
   */
  public static AverageMethod parse(String name, int arg) {
    AverageMethod m = of(name);
    if (m == null) {
      throw new InvalidInputException(arg, "average method " + problem(name));
    }
    return m;
  }

  /** The generalized mean of u and v this method stands for. */
  double average(double u, double v) {
    switch (this) {
      case MIN:
        return Math.min(u, v);
      case GEOMETRIC:
        return Math.sqrt(u * v);
      case MAX:
        return Math.max(u, v);
      default:
        return (u + v) / 2;
    }
  }
}
