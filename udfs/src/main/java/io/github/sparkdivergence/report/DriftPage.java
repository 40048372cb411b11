package io.github.sparkdivergence.report;

import io.github.sparkdivergence.report.DriftReport.Bucket;
import io.github.sparkdivergence.report.DriftReport.Column;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The drift page: the dataset verdict, then one table row per column. */
final class DriftPage {
  private DriftPage() {}

  /** Categories drawn one by one; more would make bars too thin to read in a table cell. */
  static final int TOP_CATEGORIES = 20;
  /** Categories listed per side in "seen on one side only"; the rest is a count. */
  static final int ONE_SIDE_SHOWN = 10;
  static final int NAME_MAX = 80;
  static final int LABEL_MAX = 40;
  /** A bar's label in its tooltip: one per bucket, so shorter than {@link Html#TOOLTIP_MAX}. */
  static final int TOOLTIP_MAX = 80;

  private static final double WIDTH = 240;
  private static final double PLOT = 56;
  private static final double HEIGHT = PLOT + 4;

  private static final String CSS = """
      header.verdict { border-left: 6px solid; padding: 8px 14px; margin: 8px 0 12px; }
      header.verdict.drift { border-color: #c62828; background: #fff4f4; }
      header.verdict.ok { border-color: #2e7d32; background: #f3faf4; }
      header.verdict .headline { font-size: 18px; font-weight: 700; margin: 0; }
      .badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 700;
        border: 1px solid; white-space: nowrap; }
      .badge.drift { background: #fde8e8; color: #b71c1c; border-color: #f1a9a9; }
      .badge.ok { background: #e7f5ea; color: #1b5e20; border-color: #a9d8b4; }
      .legend { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; font-size: 13px; color: #4a5560;
        margin: 12px 0; }
      .sw { display: inline-block; width: 12px; height: 12px; vertical-align: -1px; margin-right: 5px; }
      .sw.ref { background: #4c78a8; }
      .sw.cur { background: #f58518; }
      .hist { display: block; }
      .hist .r { stroke: #4c78a8; }
      .hist .c { stroke: #f58518; }
      .hist .ax { stroke: #9aa4ad; stroke-width: 1; }
      .hist .t path { stroke: #000; stroke-opacity: 0; }
      .hist .t path:hover { stroke-opacity: 0.07; }
      table.columns { border-collapse: collapse; width: 100%; }
      table.columns caption { caption-side: top; text-align: left; color: #4a5560; padding: 4px 0 6px; }
      table.columns th, table.columns td { border-bottom: 1px solid #e3e7ea; padding: 6px 8px; vertical-align: top;
        text-align: left; }
      table.columns thead th { background: #f4f6f8; border-bottom: 2px solid #c5ccd2; font-weight: 600;
        position: sticky; top: 0; }
      table.columns tbody th { font-weight: 600; max-width: 16em; overflow-wrap: anywhere; }
      table.columns td.num, table.columns th.num { text-align: right; }
      tr.column.drift > th { box-shadow: inset 4px 0 #c62828; }
      tr.column.ok > th { box-shadow: inset 4px 0 #2e7d32; }
      .shift, .oneside, .none { font-size: 12px; color: #4a5560; }
      .oneside { max-width: 22em; overflow-wrap: anywhere; }
      .oneside .side { font-weight: 600; }
      """;

  static String render(DriftReport r) {
    StringBuilder b = new StringBuilder(2048 + r.columns().size() * 3072);
    String title = r.title() == null || r.title().isBlank() ? "Drift report" : r.title();
    header(b, r, title);
    if (!r.notes().isEmpty()) {
      b.append("<ul class=\"notes\">\n");
      for (String n : r.notes()) b.append("<li>").append(Html.esc(n)).append("</li>\n");
      b.append("</ul>\n");
    }
    legend(b);
    table(b, r);
    return Html.page(title, CSS, b);
  }

  /** Drifted first, then by score, highest first (NaN last), then by name: what to look at first is at the top. */
  static final Comparator<Column> ORDER = Comparator.comparing((Column c) -> !c.drifted())
      .thenComparing(DriftPage::byScoreDescending)
      .thenComparing(c -> Html.labelText(c.name()));

  private static int byScoreDescending(Column a, Column b) {
    boolean na = Double.isNaN(a.score());
    boolean nb = Double.isNaN(b.score());
    if (na || nb) return Boolean.compare(na, nb);
    return Double.compare(b.score(), a.score());
  }

  static List<Column> ordered(List<Column> columns) {
    List<Column> sorted = new ArrayList<>(columns);
    sorted.sort(ORDER);
    return sorted;
  }

  /** "Drift in 3 of 7 columns": the line a reader (and the browser test) looks for. */
  static String driftedLine(DriftReport r) {
    int n = r.columns().size();
    long d = r.driftedColumns();
    if (n == 0) return "No columns compared";
    if (d == 0) return n == 1 ? "No drift in the 1 column compared" : "No drift in any of the " + Numbers.count(n) + " columns";
    return "Drift in " + Numbers.count(d) + " of " + Numbers.count(n) + (n == 1 ? " column" : " columns");
  }

  private static void header(StringBuilder b, DriftReport r, String title) {
    String v = r.datasetDrifted() ? "drift" : "ok";
    b.append("<h1>").append(Html.esc(title)).append("</h1>\n");
    b.append("<header class=\"verdict ").append(v).append("\">\n<p class=\"headline\">")
        .append(r.datasetDrifted() ? "Dataset drift" : "No dataset drift").append(": ").append(driftedLine(r))
        .append("</p>\n<p class=\"meta\">");
    int n = r.columns().size();
    if (n > 0) {
      b.append("Share of drifted columns ").append(Numbers.sig4((double) r.driftedColumns() / n))
          .append(" (dataset drift share: ").append(Numbers.sig4(r.datasetShare())).append(") · ");
    }
    b.append("reference rows ").append(Numbers.count(r.nRef())).append(" · current rows ").append(Numbers.count(r.nCur()))
        .append("</p>\n</header>\n");
  }

  private static void legend(StringBuilder b) {
    b.append("<div class=\"legend\">")
        .append("<span><i class=\"sw ref\"></i>reference</span>")
        .append("<span><i class=\"sw cur\"></i>current</span>")
        .append("<span><span class=\"badge drift\">DRIFT</span> the column drifted (its method's score against its threshold)</span>")
        .append("<span><span class=\"badge ok\">no drift</span> it did not</span>")
        .append("<span>Bars: each side's share of its rows per bucket, scaled to the column's largest share; categorical "
            + "columns show their ").append(TOP_CATEGORIES).append(" most frequent categories (reference + current rows) "
            + "and fold the rest into one \"other\" bar. Hover a bar for its counts.</span>")
        .append("</div>\n");
  }

  private static void table(StringBuilder b, DriftReport r) {
    List<Column> columns = ordered(r.columns());
    b.append("<table class=\"columns\">\n<caption>").append(Numbers.count(columns.size()))
        .append(columns.size() == 1 ? " column" : " columns")
        .append(", drifted first, then by score (highest first, n/a last)</caption>\n")
        .append("<thead><tr><th scope=\"col\">Column</th><th scope=\"col\">Kind</th><th scope=\"col\">Method</th>")
        .append("<th scope=\"col\" class=\"num\">Threshold</th><th scope=\"col\" class=\"num\">Score</th>")
        .append("<th scope=\"col\">Verdict</th><th scope=\"col\" class=\"num\">Rows (ref / cur)</th>")
        .append("<th scope=\"col\">Reference vs current</th><th scope=\"col\">Seen on one side only</th></tr></thead>\n<tbody>\n");
    for (Column c : columns) row(b, c);
    b.append("</tbody>\n</table>\n");
  }

  private static void row(StringBuilder b, Column c) {
    String v = c.drifted() ? "drift" : "ok";
    b.append("<tr class=\"column ").append(v).append("\"><th scope=\"row\">");
    Html.label(b, c.name(), NAME_MAX);
    b.append("</th><td>").append(Html.esc(c.kind())).append("</td><td>").append(Html.esc(c.method()))
        .append("</td><td class=\"num\">").append(Numbers.sig4(c.threshold()))
        .append("</td><td class=\"num\"><strong>").append(Numbers.sig4(c.score())).append("</strong></td><td>")
        .append(c.drifted() ? "<span class=\"badge drift\">DRIFT</span>" : "<span class=\"badge ok\">no drift</span>")
        .append("</td><td class=\"num\">").append(Numbers.count(c.nRef())).append(" / ").append(Numbers.count(c.nCur()))
        .append("</td><td>");
    histogram(b, c);
    b.append("</td><td class=\"oneside\">");
    if (c.onlyInRef().isEmpty() && c.onlyInCur().isEmpty()) {
      b.append("<span class=\"none\">—</span>");
    } else {
      oneSide(b, "only in reference", c.onlyInRef());
      oneSide(b, "only in current", c.onlyInCur());
    }
    b.append("</td></tr>\n");
  }

  private static void oneSide(StringBuilder b, String what, List<String> labels) {
    if (labels.isEmpty()) return;
    b.append("<div><span class=\"side\">").append(what).append(" (").append(Numbers.count(labels.size())).append("):</span> ");
    int shown = Math.min(labels.size(), ONE_SIDE_SHOWN);
    for (int i = 0; i < shown; i++) {
      if (i > 0) b.append(", ");
      Html.label(b, labels.get(i), LABEL_MAX);
    }
    if (labels.size() > shown) b.append(", … and ").append(Numbers.count(labels.size() - shown)).append(" more");
    b.append("</div>");
  }

  /** A bar of the picture: a bucket, or ({@code folded} > 0) the categories folded into "other". */
  record Bar(String label, int folded, long nRef, long nCur) {
    String text() { return folded > 0 ? "other (" + Numbers.count(folded) + " categories)" : Html.labelText(label); }
  }

  /**
   * The bars drawn for a column: numeric (and vector) buckets in their order; categories by
   * nRef + nCur, most frequent first, beyond {@link #TOP_CATEGORIES} folded into one "other" bar
   * (ties keep the order given).
   */
  static List<Bar> bars(Column c) {
    List<Bar> bars = new ArrayList<>();
    List<Bucket> buckets = c.buckets();
    if (!"categorical".equals(c.kind())) {
      for (Bucket k : buckets) bars.add(new Bar(k.label(), 0, k.nRef(), k.nCur()));
      return bars;
    }
    List<Bucket> byCount = new ArrayList<>(buckets);
    byCount.sort(Comparator.comparingLong((Bucket k) -> k.nRef() + k.nCur()).reversed());
    if (byCount.size() <= TOP_CATEGORIES + 1) { // one "other" bar for a single category would hide its name
      for (Bucket k : byCount) bars.add(new Bar(k.label(), 0, k.nRef(), k.nCur()));
      return bars;
    }
    long otherRef = 0;
    long otherCur = 0;
    for (int i = 0; i < byCount.size(); i++) {
      Bucket k = byCount.get(i);
      if (i < TOP_CATEGORIES) {
        bars.add(new Bar(k.label(), 0, k.nRef(), k.nCur()));
      } else {
        otherRef += k.nRef();
        otherCur += k.nCur();
      }
    }
    bars.add(new Bar(null, byCount.size() - TOP_CATEGORIES, otherRef, otherCur));
    return bars;
  }

  /**
   * Reference and current proportions side by side per bar, as two paths (one per side) plus one
   * invisible hover target per bar carrying its numbers: little markup per bucket, since a wide
   * report has thousands.
   */
  private static void histogram(StringBuilder b, Column c) {
    List<Bar> bars = bars(c);
    if (bars.isEmpty()) {
      b.append("<span class=\"none\">no bucket counts</span>");
      return;
    }
    long totalRef = 0;
    long totalCur = 0;
    for (Bar k : bars) {
      totalRef += k.nRef();
      totalCur += k.nCur();
    }
    double[] pRef = new double[bars.size()];
    double[] pCur = new double[bars.size()];
    double max = 0;
    int widest = -1;
    for (int i = 0; i < bars.size(); i++) {
      pRef[i] = totalRef > 0 ? (double) bars.get(i).nRef() / totalRef : 0;
      pCur[i] = totalCur > 0 ? (double) bars.get(i).nCur() / totalCur : 0;
      max = Math.max(max, Math.max(pRef[i], pCur[i]));
      if (widest < 0 || Math.abs(pCur[i] - pRef[i]) > Math.abs(pCur[widest] - pRef[widest])) widest = i;
    }
    double slot = WIDTH / bars.size();
    double bar = slot * 0.4;
    StringBuilder ref = new StringBuilder();
    StringBuilder cur = new StringBuilder();
    StringBuilder hover = new StringBuilder();
    for (int i = 0; i < bars.size(); i++) {
      double x = i * slot + slot * 0.1;
      bar(ref, x + bar / 2, pRef[i], max);
      bar(cur, x + bar * 1.5, pCur[i], max);
      Bar k = bars.get(i);
      hover.append("<path d=\"M").append(Numbers.coord(i * slot + slot / 2)).append(" 0V").append(Numbers.coord(HEIGHT))
          .append("\"><title>").append(Html.esc(Html.clip(k.text(), TOOLTIP_MAX))).append(": ref ")
          .append(Numbers.count(k.nRef())).append(" (").append(Numbers.percent(pRef[i])).append("), cur ")
          .append(Numbers.count(k.nCur())).append(" (").append(Numbers.percent(pCur[i])).append(")</title></path>");
    }
    String w = Numbers.coord(WIDTH);
    String h = Numbers.coord(HEIGHT);
    b.append("<svg class=\"hist\" width=\"").append(w).append("\" height=\"").append(h).append("\" viewBox=\"0 0 ")
        .append(w).append(' ').append(h).append("\" role=\"img\" aria-label=\"reference and current proportions of ")
        .append(bars.size()).append(bars.size() == 1 ? " bucket" : " buckets").append("\">");
    // bars are vertical strokes as wide as a bar: half the markup of rectangles
    String bw = Numbers.coord(bar);
    if (ref.length() > 0) b.append("<path class=\"r\" stroke-width=\"").append(bw).append("\" d=\"").append(ref).append("\"/>");
    if (cur.length() > 0) b.append("<path class=\"c\" stroke-width=\"").append(bw).append("\" d=\"").append(cur).append("\"/>");
    b.append("<path class=\"ax\" d=\"M0 ").append(Numbers.coord(PLOT + 0.5)).append('H').append(w).append("\"/>")
        .append("<g class=\"t\" stroke-width=\"").append(Numbers.coord(slot)).append("\">").append(hover).append("</g></svg>");
    if (totalRef == 0 && totalCur == 0) {
      b.append("<div class=\"shift\">no rows on either side</div>");
    } else if (pRef[widest] == pCur[widest]) {
      b.append("<div class=\"shift\">the same shares on both sides</div>");
    } else {
      Bar k = bars.get(widest);
      b.append("<div class=\"shift\">largest change: ");
      if (k.folded() > 0) b.append(Html.esc(k.text()));
      else Html.label(b, k.label(), LABEL_MAX);
      b.append(' ').append(Numbers.percent(pRef[widest])).append(" → ").append(Numbers.percent(pCur[widest])).append("</div>");
    }
  }

  /** One bar, a vertical line from the axis up; a non-zero share is at least half a pixel high, so it stays visible. */
  private static void bar(StringBuilder d, double x, double p, double max) {
    if (p <= 0 || max <= 0) return;
    double h = Math.max(0.5, p / max * PLOT);
    d.append('M').append(Numbers.coord(x)).append(' ').append(Numbers.coord(PLOT)).append('v').append(Numbers.coord(-h));
  }
}
