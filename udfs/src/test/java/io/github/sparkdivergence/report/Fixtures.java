package io.github.sparkdivergence.report;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.report.DriftReport.Bucket;
import io.github.sparkdivergence.report.DriftReport.Column;
import io.github.sparkdivergence.report.MutualInfoReport.Ranked;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reports the renderer tests and the browser test share, and the checks every page must pass. */
final class Fixtures {
  private Fixtures() {}

  /** A name with everything that breaks naive HTML: markup, entity, both quotes, non-Latin text, an emoji. */
  static final String NASTY = "<b>fare</b> & \"tip\" 'ü' 日本 😀";

  /** Numeric buckets shifted by {@code shift} between the sides. */
  static List<Bucket> numeric(int n, long refRows, long curRows, int shift) {
    List<Bucket> b = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long ref = refRows * (n - Math.abs(2 * i - n)) / (n * n / 2);
      long cur = curRows * (n - Math.abs(2 * (i - shift) - n)) / (n * n / 2);
      b.add(new Bucket(String.format(Locale.ROOT, "[%d, %d)", i * 10, (i + 1) * 10), Math.max(ref, 0), Math.max(cur, 0)));
    }
    return b;
  }

  static List<Bucket> categories(int n, String prefix) {
    List<Bucket> b = new ArrayList<>();
    for (int i = 0; i < n; i++) b.add(new Bucket(prefix + i, 1000L * (n - i), 900L * (n - i) + (i % 3 == 0 ? 5000 : 0)));
    return b;
  }

  /** Seven columns: numeric, categorical with folding, one-side categories, NULL, vector, ∞ and NaN scores. */
  static DriftReport drift() {
    List<Bucket> origin = new ArrayList<>(categories(34, "AP"));
    origin.add(new Bucket(null, 40_000, 90_000));
    List<Column> columns = List.of(
        new Column("distance", "numeric", "psi", 0.2, 0.0123, false, 1_200_000, 950_000,
            numeric(10, 1_200_000, 950_000, 0), List.of(), List.of()),
        new Column("delay", "numeric", "js_distance", 0.1, 0.3456, true, 1_200_000, 950_000,
            numeric(10, 1_200_000, 950_000, 2), List.of(), List.of()),
        new Column("origin", "categorical", "psi", 0.2, 0.8765, true, 1_200_000, 950_000, origin,
            List.of("AP90", "AP91", "AP92", "AP93", "AP94", "AP95", "AP96", "AP97", "AP98", "AP99", "AP100", "AP101"),
            List.of("ZZ1", "<new>")),
        new Column(NASTY, "categorical", "total_variation", 0.3, 0.05, false, 1_200_000, 950_000,
            List.of(new Bucket("a&b", 600_000, 480_000), new Bucket(null, 600_000, 470_000)), List.of(), List.of()),
        new Column("embedding", "vector", "kl_div", 0.5, 0.25, false, 1_200_000, 950_000, List.of(), List.of(), List.of()),
        new Column("carrier", "categorical", "kl_div", 1, Double.POSITIVE_INFINITY, true, 1_200_000, 950_000,
            List.of(new Bucket("AA", 700_000, 0), new Bucket("UA", 500_000, 950_000)), List.of("AA"), List.of()),
        new Column("cancelled", "numeric", "js_div", 0.1, Double.NaN, false, 0, 0,
            List.of(new Bucket("[0, 1)", 0, 0)), List.of(), List.of()));
    return new DriftReport("Flights: January against June", 1_200_000, 950_000, 0.5, false,
        List.of("delay and distance in 10 quantile bins of the reference", "note with <markup> & \"quotes\""), columns);
  }

  static MutualInfoReport ranking() {
    return MutualInfoReport.ranking("Mutual information with target Survived", "ami",
        List.of(new Ranked("Sex", 0.2156), new Ranked("Class", 0.0871), new Ranked(NASTY, 0.0123),
            new Ranked("Age", -0.0004), new Ranked("constant", Double.NaN)),
        List.of("2,201 rows; numeric columns in 10 quantile bins"));
  }

  static MutualInfoReport matrix() {
    List<String> cols = List.of("delay", "distance", "origin", NASTY);
    double n = Double.NaN;
    double[][] m = {
        {n, 0.12, 0.05, 0.0},
        {0.12, n, 0.61, 0.3},
        {0.05, 0.61, n, Double.NaN},
        {0.0, 0.3, Double.NaN, n}};
    return MutualInfoReport.matrix("Mutual information between 4 columns", "nmi", cols, m, List.of("one note"));
  }

  private static final Set<String> VOID = Set.of("meta", "br", "hr", "img", "input", "link", "wbr");
  private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)\\b[^<>]*?(/?)>");

  /**
   * What every page must be: an HTML5 document in UTF-8 that loads nothing and runs nothing, whose
   * tags nest (the escaping leaves no stray {@code <}), and whose characters HTML allows.
   */
  static void assertSelfContained(String html) {
    assertTrue(html.startsWith("<!DOCTYPE html>\n"), "doctype");
    assertTrue(html.contains("<meta charset=\"utf-8\">"), "charset");
    assertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\""), "CSP");
    String lower = html.toLowerCase(Locale.ROOT);
    for (String banned : List.of("<script", "javascript:", "url(", "@import", "@font-face", "<link", "<iframe", "<object",
        "<embed", "<img", "<base", "<use")) {
      assertFalse(lower.contains(banned), "found " + banned);
    }
    Matcher tags = TAG.matcher(lower);
    while (tags.find()) {
      String tag = tags.group();
      assertFalse(Pattern.compile("\\s(src|href|xlink:href|action|srcset|on[a-z]+)\\s*=").matcher(tag).find(),
          "a reference or event handler in " + tag);
    }
    assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode(html), "encodable as UTF-8 (no lone surrogate)");
    html.codePoints().forEach(c -> assertFalse((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || (c >= 0x7f && c <= 0x9f),
        "control character U+" + Integer.toHexString(c)));
    Deque<String> open = new ArrayDeque<>();
    Matcher m = TAG.matcher(html);
    while (m.find()) {
      String name = m.group(2).toLowerCase(Locale.ROOT);
      if (VOID.contains(name) || !m.group(3).isEmpty()) continue;
      if (m.group(1).isEmpty()) {
        open.push(name);
      } else {
        assertFalse(open.isEmpty(), "</" + name + "> closes nothing at " + m.start());
        int at = m.start();
        assertEquals(open.pop(), name, () -> "mis-nested tag at " + at + ": " + html.substring(Math.max(0, at - 80), at));
      }
    }
    assertEquals(List.of(), new ArrayList<>(open), "unclosed tags");
    // outside the style sheet, only tags hold '<' or '>': text and attribute values are escaped
    String text = html.replaceAll("(?s)<style>.*?</style>", "").replaceAll("<[^<>]*>", "");
    assertFalse(text.contains("<") || text.contains(">"), "a stray < or > in the text");
  }

  /** No URL of any kind, not even as text: for pages whose data holds none. */
  static void assertNoUrl(String html) {
    for (String u : List.of("http:", "https:", "//", "file:", "data:")) assertFalse(html.contains(u), "found " + u);
  }

  static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) n++;
    return n;
  }
}
