package io.github.sparkdivergence.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** How numbers read on the pages: the same text for a score wherever it is shown. */
final class Numbers {
  private Numbers() {}

  private static final MathContext FOUR = new MathContext(4, RoundingMode.HALF_UP);

  /**
   * Four significant digits, trailing zeros dropped; scientific ({@code 1.235e-7}) outside
   * [1e-4, 1e6) where plain digits would be mostly zeros; "∞" / "-∞"; "n/a" for NaN.
   */
  static String sig4(double x) {
    if (Double.isNaN(x)) return "n/a";
    if (Double.isInfinite(x)) return x > 0 ? "∞" : "-∞";
    if (x == 0) return "0";
    // valueOf, not new BigDecimal(x): rounds the shortest decimal form, so 0.12345 reads 0.1235
    BigDecimal d = BigDecimal.valueOf(x).round(FOUR).stripTrailingZeros();
    double a = Math.abs(d.doubleValue());
    if (a >= 1e-4 && a < 1e6) return d.toPlainString();
    int exponent = d.precision() - d.scale() - 1;
    return d.movePointLeft(exponent).toPlainString() + "e" + exponent;
  }

  /** A count with thousands separators: 1,234,567. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A proportion in [0, 1] as a percentage: 0.12345 reads 12.35%. */
  static String percent(double p) {
    return sig4(p * 100) + "%";
  }

  /** An SVG coordinate: one decimal is below a pixel, and keeps the markup short. */
  static String coord(double v) {
    long tenths = Math.round(v * 10);
    String sign = tenths < 0 ? "-" : "";
    long a = Math.abs(tenths);
    return a % 10 == 0 ? sign + a / 10 : sign + a / 10 + "." + a % 10;
  }
}
