package io.github.sparkdivergence.drift;

import java.util.Locale;

/**
 * How numbers are written in labels, messages and printed tables: 6 significant digits, plain
 * between 1e-4 and 1e7 (trailing zeros dropped), scientific outside, "inf" for infinity. Bucket
 * labels such as {@code [1.5, 2)} are output data, so this format is part of the outputs.
 */
public final class Numbers {
  private Numbers() {}

  public static String num(double d) {
    if (Double.isNaN(d)) return "NaN";
    if (d == Double.POSITIVE_INFINITY) return "inf";
    if (d == Double.NEGATIVE_INFINITY) return "-inf";
    if (d == 0) return "0";
    double a = Math.abs(d);
    if (a >= 1e-4 && a < 1e7) {
      String s = String.format(Locale.ROOT, "%.6g", d);
      if (s.contains(".") && !s.contains("e")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
      return s;
    }
    return String.format(Locale.ROOT, "%.4e", d);
  }
}
