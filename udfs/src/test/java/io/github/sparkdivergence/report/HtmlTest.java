package io.github.sparkdivergence.report;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class HtmlTest {

  @Test
  void fourSignificantDigits() {
    assertEquals("0.1235", Numbers.sig4(0.12345));
    assertEquals("1235", Numbers.sig4(1234.5));
    assertEquals("0.5", Numbers.sig4(0.5));
    assertEquals("1000", Numbers.sig4(999.95));
    assertEquals("-0.0004", Numbers.sig4(-0.0004));
    assertEquals("1.235e-7", Numbers.sig4(1.23456e-7));
    assertEquals("1e-5", Numbers.sig4(1e-5));
    assertEquals("1.235e7", Numbers.sig4(12_345_678));
    assertEquals("123500", Numbers.sig4(123_456));
    assertEquals("0", Numbers.sig4(-0.0));
    assertEquals("∞", Numbers.sig4(Double.POSITIVE_INFINITY));
    assertEquals("-∞", Numbers.sig4(Double.NEGATIVE_INFINITY));
    assertEquals("n/a", Numbers.sig4(Double.NaN));
    assertEquals("4.9e-324", Numbers.sig4(Double.MIN_VALUE));
    assertEquals("1.798e308", Numbers.sig4(Double.MAX_VALUE));
  }

  @Test
  void countsPercentagesAndCoordinates() {
    assertEquals("1,234,567", Numbers.count(1_234_567));
    assertEquals("0", Numbers.count(0));
    assertEquals("-1,000", Numbers.count(-1000));
    assertEquals("12.35%", Numbers.percent(0.12345));
    assertEquals("100%", Numbers.percent(1));
    assertEquals("12", Numbers.coord(12.04));
    assertEquals("12.1", Numbers.coord(12.06));
    assertEquals("-0.4", Numbers.coord(-0.4));
    assertEquals("-3", Numbers.coord(-3));
    assertEquals("0", Numbers.coord(-0.01));
  }

  @Test
  void escaping() {
    assertEquals("&lt;a href=&quot;x&quot;&gt; &amp; &#39;", Html.esc("<a href=\"x\"> & '"));
    assertEquals("", Html.esc(null));
    String plain = "plain ü 日本 😀";
    assertSame(plain, Html.esc(plain), "nothing to escape: no copy");
    assertEquals("\uFFFD\uFFFD\uFFFD", Html.esc("\u0000\u009f\uDC00"));
    assertEquals("a\uFFFD", Html.esc("a\uD800"), "a high surrogate at the end");
    assertEquals("\t\n\r", Html.esc("\t\n\r"));
  }

  @Test
  void clippingCountsCodePoints() {
    assertEquals("abc", Html.clip("abc", 3));
    assertEquals("ab…", Html.clip("abcd", 3));
    assertEquals("😀😀…", Html.clip("😀😀😀😀", 3), "never half an emoji");
    assertNull(Html.clip(null, 3));
  }
}
