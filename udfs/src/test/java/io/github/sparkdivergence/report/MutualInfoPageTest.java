package io.github.sparkdivergence.report;

import static io.github.sparkdivergence.report.Fixtures.NASTY;
import static io.github.sparkdivergence.report.Fixtures.count;
import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.report.MutualInfoReport.Ranked;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MutualInfoPageTest {

  @Test
  void rankingIsABarChartInTheOrderGiven() {
    MutualInfoReport r = Fixtures.ranking();
    String html = HtmlReport.render(r);
    Fixtures.assertSelfContained(html);
    Fixtures.assertNoUrl(html);
    assertEquals(5, count(html, "<g class=\"bar\">"));
    assertEquals(4, count(html, "<rect class=\"v\""), "no bar for NaN");
    List<String> labels = new ArrayList<>();
    Matcher m = Pattern.compile("text-anchor=\"end\"[^>]*>([^<]*)</text>").matcher(html);
    while (m.find()) labels.add(m.group(1));
    assertEquals(List.of("Sex", "Class", Html.esc(NASTY), "Age", "constant"), labels, "the caller's order, escaped");
    assertTrue(html.contains(">0.2156</text>") && html.contains(">-0.0004</text>") && html.contains(">n/a</text>"), html);
    assertTrue(html.contains("5 features ranked by ami"));
    assertTrue(html.contains("<li>2,201 rows; numeric columns in 10 quantile bins</li>"));
    assertFalse(html.contains("<table class=\"heat\""));
  }

  /** AMI can be negative: zero sits right of the left edge, and the negative bar ends at the edge. */
  @Test
  void negativeAndInfiniteValuesStayOnTheScale() {
    String html = HtmlReport.render(MutualInfoReport.ranking("t", "g", List.of(new Ranked("a", 1), new Ranked("b", -1),
        new Ranked("c", Double.POSITIVE_INFINITY), new Ranked(null, 0.5)), List.of()));
    Fixtures.assertSelfContained(html);
    // scale [-1, 1] over 480 px from x = 300: zero at 540
    assertTrue(html.contains("<rect class=\"v\" x=\"540\" y=\"7\" width=\"240\""), "a: zero to the right edge");
    assertTrue(html.contains("<rect class=\"v\" x=\"300\" y=\"29\" width=\"240\""), "b: left edge to zero");
    assertTrue(html.contains("<rect class=\"v\" x=\"540\" y=\"51\" width=\"240\""), "∞: the whole positive side");
    assertTrue(html.contains(">∞</text>"));
    assertTrue(html.contains("font-style=\"italic\">NULL</text>"), "a null feature reads NULL");
    assertTrue(html.contains("<path class=\"ax\" d=\"M540 2V"), "the zero axis");
  }

  @Test
  void matrixIsAHeatMapWithNamesOnBothAxesAndBlankNaNCells() {
    MutualInfoReport r = Fixtures.matrix();
    String html = HtmlReport.render(r);
    Fixtures.assertSelfContained(html);
    Fixtures.assertNoUrl(html);
    assertEquals(6, count(html, "<td class=\"na\"></td>"), "the diagonal and the pair not computed");
    assertEquals(10, count(html, "<td style=\"background:"));
    assertEquals(8, count(html, "<bdi>"), "four names on each axis");
    assertEquals(2, count(html, "<bdi>&lt;b&gt;fare&lt;/b&gt; &amp; &quot;tip&quot; &#39;ü&#39; 日本 😀</bdi>"));
    assertTrue(html.contains("<td style=\"background:#08519c;color:#fff\" title=\"distance × origin\">0.61</td>"),
        "the largest value is the darkest, with white text: " + html);
    assertTrue(html.contains("<td style=\"background:#ffffff\" title=\"delay × " + Html.esc(NASTY) + "\">0</td>"));
    assertTrue(html.contains("nmi between every pair of 4 columns"));
    assertTrue(html.contains("(darker: stronger dependence)"));
    assertFalse(html.contains("<svg class=\"ranking\""));
  }

  @Test
  void aSmallPValueIsTheDarkCell() {
    double n = Double.NaN;
    String html = HtmlReport.render(MutualInfoReport.matrix("p", "p_value", List.of("a", "b", "c"),
        new double[][] {{n, 0.0, 1.0}, {0.0, n, 0.5}, {1.0, 0.5, n}}, List.of()));
    assertTrue(html.contains("<td style=\"background:#08519c;color:#fff\" title=\"a × b\">0</td>"), html);
    assertTrue(html.contains("<td style=\"background:#ffffff\" title=\"a × c\">1</td>"), html);
    assertTrue(html.contains("(darker: smaller p-value)"));
  }

  @Test
  void emptyReportsAndShapeErrors() {
    String html = HtmlReport.render(new MutualInfoReport(null, null, null, null, null, null));
    Fixtures.assertSelfContained(html);
    assertTrue(html.contains("Nothing to show"));
    assertTrue(html.contains("<title>Mutual information</title>"));
    assertTrue(html.contains("0 features ranked by value"));
    assertThrows(IllegalArgumentException.class,
        () -> MutualInfoReport.matrix("t", "mi", List.of("a", "b"), new double[][] {{0, 1}}, List.of()), "2 columns, 1 row");
    assertThrows(IllegalArgumentException.class,
        () -> MutualInfoReport.matrix("t", "mi", List.of("a", "b"), new double[][] {{0, 1}, {1}}, List.of()), "ragged");
    assertThrows(IllegalArgumentException.class,
        () -> MutualInfoReport.matrix("t", "mi", List.of("a"), null, List.of()), "no matrix");
    assertThrows(IllegalArgumentException.class,
        () -> new MutualInfoReport("t", "mi", List.of(), List.of(), new double[][] {{1}}, List.of()), "no names");
    double[][] m = {{Double.NaN}};
    MutualInfoReport one = MutualInfoReport.matrix("t", "mi", List.of("a"), m, List.of());
    m[0][0] = 5;
    assertTrue(Double.isNaN(one.matrix()[0][0]), "the matrix is copied");
    assertNull(MutualInfoReport.ranking("t", "mi", List.of(), List.of()).matrix());
  }
}
