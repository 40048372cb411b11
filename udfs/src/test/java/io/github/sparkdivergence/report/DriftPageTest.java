package io.github.sparkdivergence.report;

import static io.github.sparkdivergence.report.Fixtures.NASTY;
import static io.github.sparkdivergence.report.Fixtures.count;
import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.report.DriftReport.Bucket;
import io.github.sparkdivergence.report.DriftReport.Column;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DriftPageTest {

  static Column column(String name, boolean drifted, double score) {
    return new Column(name, "numeric", "psi", 0.2, score, drifted, 10, 10, List.of(new Bucket("[0, 1)", 10, 10)),
        List.of(), List.of());
  }

  /** The column names in the order of the table's rows. */
  static List<String> rowNames(String html) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("<tr class=\"column [a-z]+\"><th scope=\"row\">(?:<bdi[^>]*>)?([^<]*)").matcher(html);
    while (m.find()) names.add(m.group(1));
    return names;
  }

  @Test
  void thePageIsSelfContainedAndHasOneRowPerColumn() {
    DriftReport r = Fixtures.drift();
    String html = HtmlReport.render(r);
    Fixtures.assertSelfContained(html);
    Fixtures.assertNoUrl(html);
    assertEquals(r.columns().size(), count(html, "<tr class=\"column "));
    assertEquals(3, count(html, "<tr class=\"column drift\">"));
    assertTrue(html.contains("<p class=\"headline\">No dataset drift: Drift in 3 of 7 columns</p>"), html);
    assertTrue(html.contains("Share of drifted columns 0.4286 (dataset drift share: 0.5)"), html);
    assertTrue(html.contains("reference rows 1,200,000 · current rows 950,000"), html);
    assertTrue(html.contains("<caption>7 columns, drifted first, then by score (highest first, n/a last)</caption>"));
    assertTrue(html.contains("<li>note with &lt;markup&gt; &amp; &quot;quotes&quot;</li>"), "notes escaped");
    assertTrue(html.contains("<title>Flights: January against June</title>"));
  }

  @Test
  void everyTextValueIsEscaped() {
    String html = HtmlReport.render(Fixtures.drift());
    assertFalse(html.contains(NASTY));
    assertFalse(html.contains("<b>"));
    assertTrue(html.contains("<bdi>&lt;b&gt;fare&lt;/b&gt; &amp; &quot;tip&quot; &#39;ü&#39; 日本 😀</bdi>"), html);
    assertTrue(html.contains("a&amp;b: ref 600,000"), "bucket labels in tooltips");
    assertTrue(html.contains("<bdi>&lt;new&gt;</bdi>"), "one-side categories");
    assertEquals(html, new String(html.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8), "UTF-8 round trip");
  }

  @Test
  void charactersHtmlForbidsBecomeReplacementCharacters() {
    String bad = "a\u0001b\u0085c\uD800d\uDC00e\tf";
    String html = HtmlReport.render(new DriftReport("t", 1, 1, 0.5, false, List.of(bad), List.of(column(bad, false, 0))));
    Fixtures.assertSelfContained(html);
    assertTrue(html.contains("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\tf"), html);
    String pair = "x\uD83D\uDE00y";
    assertTrue(HtmlReport.render(new DriftReport(pair, 1, 1, 0.5, false, List.of(), List.of())).contains("<h1>" + pair + "</h1>"),
        "a surrogate pair is one character, kept");
  }

  /** Drifted first; then by score, highest first, with ∞ above every number and NaN last; ties by name. */
  @Test
  void rowsAreOrderedDriftedFirstThenByScore() {
    List<Column> cols = List.of(column("low", false, 0.01), column("nan", false, Double.NaN), column("high", false, 0.9),
        column("d-small", true, 0.3), column("d-inf", true, Double.POSITIVE_INFINITY), column("d-nan", true, Double.NaN),
        column("neg-inf", false, Double.NEGATIVE_INFINITY), column("b-tie", false, 0.01), column("d-big", true, 7));
    String html = HtmlReport.render(new DriftReport("t", 10, 10, 0.5, true, List.of(), cols));
    assertEquals(List.of("d-inf", "d-big", "d-small", "d-nan", "high", "b-tie", "low", "neg-inf", "nan"), rowNames(html));
    assertTrue(html.contains("<p class=\"headline\">Dataset drift: Drift in 4 of 9 columns</p>"));
    assertTrue(html.contains("<strong>∞</strong>") && html.contains("<strong>-∞</strong>") && html.contains("<strong>n/a</strong>"));
  }

  /** 34 categories and NULL: the 20 most frequent by nRef + nCur drawn, 15 folded into one "other" bar. */
  @Test
  void categoriesBeyondTheTop20AreFoldedIntoOther() {
    Column origin = Fixtures.drift().columns().get(2);
    List<DriftPage.Bar> bars = DriftPage.bars(origin);
    assertEquals(21, bars.size());
    for (int i = 1; i < 20; i++) {
      assertTrue(bars.get(i - 1).nRef() + bars.get(i - 1).nCur() >= bars.get(i).nRef() + bars.get(i).nCur(), "by count");
    }
    DriftPage.Bar other = bars.get(20);
    assertEquals(15, other.folded());
    assertEquals("other (15 categories)", other.text());
    long ref = 0;
    long cur = 0;
    for (Bucket b : origin.buckets()) {
      ref += b.nRef();
      cur += b.nCur();
    }
    for (DriftPage.Bar b : bars) {
      ref -= b.nRef();
      cur -= b.nCur();
    }
    assertEquals(0, ref, "every reference row is in a bar");
    assertEquals(0, cur, "every current row is in a bar");
    assertNull(bars.get(0).label(), "NULL, the most frequent, first");
    assertEquals(35, origin.buckets().size(), "34 categories and NULL");
    String html = HtmlReport.render(Fixtures.drift());
    assertTrue(html.contains("<title>other (15 categories): ref "), html);
    // NULL: 40,000 of 635,000 reference rows, 90,000 of 685,500 current rows
    String shares = Numbers.percent(40_000 / 635_000.0) + " → " + Numbers.percent(90_000 / 685_500.0);
    assertEquals("6.299% → 13.13%", shares);
    assertTrue(html.contains("<title>NULL: ref 40,000 (6.299%), cur 90,000 (13.13%)</title>"), html);
    assertTrue(html.contains("<div class=\"shift\">largest change: <span class=\"null\">NULL</span> " + shares + "</div>"),
        "the caption names the bar that moved most");
  }

  @Test
  void twentyOneCategoriesAreAllDrawnAndNumericBucketsKeepTheirOrder() {
    Column c21 = new Column("c", "categorical", "psi", 0.2, 0.1, false, 1, 1, Fixtures.categories(21, "k"), List.of(), List.of());
    assertEquals(21, DriftPage.bars(c21).size(), "folding one category into 'other' would only hide its name");
    assertTrue(DriftPage.bars(c21).stream().allMatch(b -> b.folded() == 0));
    Column c22 = new Column("c", "categorical", "psi", 0.2, 0.1, false, 1, 1, Fixtures.categories(22, "k"), List.of(), List.of());
    assertEquals(2, DriftPage.bars(c22).get(20).folded());
    List<Bucket> num = Fixtures.numeric(40, 1000, 1000, 3);
    Column n = new Column("n", "numeric", "psi", 0.2, 0.1, false, 1, 1, num, List.of(), List.of());
    assertEquals(num.stream().map(Bucket::label).toList(), DriftPage.bars(n).stream().map(DriftPage.Bar::label).toList(),
        "numeric buckets are never folded or reordered");
  }

  @Test
  void categoriesSeenOnOneSideAreTruncatedWithACount() {
    String html = HtmlReport.render(Fixtures.drift());
    assertTrue(html.contains("<span class=\"side\">only in reference (12):</span> <bdi>AP90</bdi>, "), html);
    assertTrue(html.contains("<bdi>AP99</bdi>, … and 2 more</div>"), html);
    assertFalse(html.contains("AP100</bdi>"), "beyond the first 10");
    assertTrue(html.contains("<span class=\"side\">only in current (2):</span> <bdi>ZZ1</bdi>, <bdi>&lt;new&gt;</bdi></div>"));
    List<String> withNull = new ArrayList<>();
    withNull.add(null);
    Column c = new Column("c", "categorical", "psi", 0.2, 0.1, true, 1, 1, List.of(), List.of(), withNull);
    assertTrue(HtmlReport.render(new DriftReport("t", 1, 1, 0.5, true, List.of(), List.of(c)))
        .contains("only in current (1):</span> <span class=\"null\">NULL</span>"), "SQL NULL on one side only");
  }

  @Test
  void emptyAndMissingParts() {
    String none = HtmlReport.render(new DriftReport(null, 0, 0, 0.5, false, null, null));
    Fixtures.assertSelfContained(none);
    assertTrue(none.contains("<p class=\"headline\">No dataset drift: No columns compared</p>"), none);
    assertTrue(none.contains("<title>Drift report</title>"));
    assertFalse(none.contains("Share of drifted"), "no share of zero columns");
    assertFalse(none.contains("<ul class=\"notes\">"));
    assertEquals(0, count(none, "<tr class=\"column "));
    Column vector = new Column("v", "vector", "kl_div", 0.5, 0.1, false, 3, 4, null, null, null);
    String html = HtmlReport.render(new DriftReport("t", 3, 4, 0.5, false, List.of(), List.of(vector)));
    Fixtures.assertSelfContained(html);
    assertTrue(html.contains("<span class=\"none\">no bucket counts</span>"), html);
    assertTrue(html.contains("No drift in the 1 column compared"), html);
    Column empty = new Column("e", "numeric", "psi", 0.2, Double.NaN, false, 0, 0, List.of(new Bucket("[0, 1)", 0, 0)),
        List.of(), List.of());
    String zero = HtmlReport.render(new DriftReport("t", 0, 0, 0.5, false, List.of(), List.of(empty)));
    Fixtures.assertSelfContained(zero);
    assertFalse(zero.contains("largest change"), "no shares of zero rows");
    assertTrue(zero.contains("<div class=\"shift\">no rows on either side</div>"), zero);
    assertThrows(IllegalArgumentException.class, () -> new DriftReport("t", 0, 0, 0.5, false, List.of(),
        java.util.Arrays.asList(empty, null)));
  }

  @Test
  void aLongNameIsClippedWithTheWholeNameAsTooltip() {
    String longName = "x".repeat(200);
    String html = HtmlReport.render(new DriftReport("t", 1, 1, 0.5, false, List.of(), List.of(column(longName, false, 0))));
    assertTrue(html.contains("<bdi title=\"" + longName + "\">" + "x".repeat(DriftPage.NAME_MAX - 1) + "…</bdi>"), html);
  }

  /**
   * 500 columns of 20 buckets each (half numeric, half categorical with one-side lists): the page
   * is built from counts only, so its size is a function of columns and buckets alone. Measured
   * here and printed; the same shape with counts a million times larger, or labels a thousand
   * times longer, is the same size to within a few percent.
   */
  @Test
  void fiveHundredColumnsOfTwentyBucketsStaySmall() {
    int size = HtmlReport.render(wide(1, 1)).getBytes(StandardCharsets.UTF_8).length;
    int bigCounts = HtmlReport.render(wide(1_000_000, 1)).getBytes(StandardCharsets.UTF_8).length;
    int longLabels = HtmlReport.render(wide(1, 1000)).getBytes(StandardCharsets.UTF_8).length;
    System.out.printf("drift report, 500 columns x 20 buckets: %,d bytes (counts x 1e6: %,d; labels x 1000: %,d)%n",
        size, bigCounts, longLabels);
    assertTrue(size < 2_000_000, "500 x 20 report is " + size + " bytes");
    assertTrue(bigCounts < size * 1.2, "counts do not make the page grow (only their digits do)");
    assertTrue(longLabels < size * 1.5, "labels are clipped (" + DriftPage.TOOLTIP_MAX + " characters in a tooltip)");
  }

  static DriftReport wide(long scale, int labelRepeat) {
    List<Column> cols = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      List<Bucket> buckets = new ArrayList<>();
      for (int b = 0; b < 20; b++) {
        String label = i % 2 == 0 ? "[" + b * 5 + ", " + (b + 1) * 5 + ")" : ("cat_" + b).repeat(labelRepeat);
        buckets.add(new Bucket(label, scale * (100 + (b * 37 + i) % 90), scale * (100 + (b * 53 + i) % 90)));
      }
      List<String> only = i % 2 == 0 ? List.of() : List.of(("new_a").repeat(labelRepeat), "new_b", "new_c");
      cols.add(new Column("feature_" + String.format("%03d", i) + "_value", i % 2 == 0 ? "numeric" : "categorical",
          i % 2 == 0 ? "psi" : "js_distance", 0.1, (i * 7919 % 1000) / 1000.0, i % 5 == 0, scale * 2900, scale * 2900,
          buckets, List.of(), only));
    }
    return new DriftReport("wide", scale * 2900, scale * 2900, 0.5, false, List.of(), cols);
  }
}
