package io.github.sparkdivergence.report;

import io.github.sparkdivergence.report.MutualInfoReport.Ranked;
import java.util.List;
import java.util.Locale;

/** The mutual-information page: a ranking as a bar chart, or the pairwise matrix as a heat map. */
final class MutualInfoPage {
  private MutualInfoPage() {}

  static final int LABEL_MAX = 40;

  private static final double LABEL_W = 300;
  private static final double BARS_W = 480;
  private static final double VALUE_W = 90;
  private static final double ROW_H = 22;

  /** The heat map's darkest colour (the strongest dependence); white is none. */
  private static final int[] DARK = {0x08, 0x51, 0x9c};

  private static final String CSS = """
      svg.ranking { display: block; max-width: 100%; height: auto; }
      svg.ranking text { font-size: 13px; fill: #1d2329; dominant-baseline: central; }
      svg.ranking text.value { font-variant-numeric: tabular-nums; fill: #4a5560; }
      svg.ranking .bar rect.v { fill: #4c78a8; }
      svg.ranking .bar:hover rect.v { fill: #2f5d8a; }
      svg.ranking .ax { stroke: #9aa4ad; }
      table.heat { border-collapse: collapse; margin-top: 8px; }
      table.heat th { font-weight: 600; padding: 4px 6px; text-align: right; max-width: 16em; overflow-wrap: anywhere; }
      table.heat thead th { vertical-align: bottom; text-align: left; }
      table.heat thead th div { writing-mode: vertical-rl; transform: rotate(180deg); max-height: 14em;
        white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
      table.heat td { min-width: 4.2em; height: 2.2em; padding: 0 6px; text-align: center; border: 1px solid #fff;
        font-variant-numeric: tabular-nums; font-size: 12px; }
      table.heat td.na { background: #e9ecef; }
      .scale { display: flex; align-items: center; gap: 8px; font-size: 13px; color: #4a5560; margin: 12px 0; }
      .scale .ramp { width: 200px; height: 12px; border: 1px solid #c5ccd2;
        background: linear-gradient(to right, #fff, #08519c); }
      .scale .na { display: inline-block; width: 14px; height: 12px; background: #e9ecef; border: 1px solid #c5ccd2; }
      """;

  static String render(MutualInfoReport r) {
    StringBuilder b = new StringBuilder(4096 + r.ranking().size() * 512
        + r.matrixColumns().size() * r.matrixColumns().size() * 64);
    String measure = r.measure() == null || r.measure().isBlank() ? "value" : r.measure();
    String title = r.title() == null || r.title().isBlank() ? "Mutual information" : r.title();
    b.append("<h1>").append(Html.esc(title)).append("</h1>\n<p class=\"meta\">");
    if (r.isMatrix()) {
      b.append(Html.esc(measure)).append(" between every pair of ").append(Numbers.count(r.matrixColumns().size()))
          .append(" columns");
    } else {
      b.append(Numbers.count(r.ranking().size())).append(r.ranking().size() == 1 ? " feature" : " features")
          .append(" ranked by ").append(Html.esc(measure));
    }
    b.append("</p>\n");
    if (!r.notes().isEmpty()) {
      b.append("<ul class=\"notes\">\n");
      for (String n : r.notes()) b.append("<li>").append(Html.esc(n)).append("</li>\n");
      b.append("</ul>\n");
    }
    if (r.isMatrix()) heatMap(b, r.matrixColumns(), r.matrix(), measure);
    if (!r.ranking().isEmpty()) ranking(b, r.ranking(), measure);
    if (!r.isMatrix() && r.ranking().isEmpty()) b.append("<p class=\"meta\">Nothing to show: no feature and no matrix.</p>\n");
    return Html.page(title, CSS, b);
  }

  /**
   * One horizontal bar per feature, in the order given, on a scale from the smallest finite value
   * (or 0) to the largest (or 0): AMI can be slightly negative, so zero need not be the left edge.
   * An infinite value reaches the end of its side; NaN has no bar and reads n/a.
   */
  private static void ranking(StringBuilder b, List<Ranked> ranking, String measure) {
    double lo = 0;
    double hi = 0;
    for (Ranked f : ranking) {
      if (Double.isFinite(f.value())) {
        lo = Math.min(lo, f.value());
        hi = Math.max(hi, f.value());
      }
    }
    if (hi == lo) hi = lo + 1;
    double zero = LABEL_W + (0 - lo) / (hi - lo) * BARS_W;
    double width = LABEL_W + BARS_W + VALUE_W;
    double height = ranking.size() * ROW_H + 8;
    b.append("<svg class=\"ranking\" width=\"").append(Numbers.coord(width)).append("\" height=\"")
        .append(Numbers.coord(height)).append("\" viewBox=\"0 0 ").append(Numbers.coord(width)).append(' ')
        .append(Numbers.coord(height)).append("\" role=\"img\" aria-label=\"features ranked by ")
        .append(Html.esc(measure)).append("\">\n");
    for (int i = 0; i < ranking.size(); i++) {
      Ranked f = ranking.get(i);
      double y = 4 + i * ROW_H;
      double v = f.value();
      double end = Double.isNaN(v) ? zero
          : v == Double.POSITIVE_INFINITY ? LABEL_W + BARS_W
          : v == Double.NEGATIVE_INFINITY ? LABEL_W
          : LABEL_W + (v - lo) / (hi - lo) * BARS_W;
      String name = Html.labelText(f.feature());
      b.append("<g class=\"bar\"><title>").append(Html.esc(Html.clip(name, Html.TOOLTIP_MAX))).append(": ")
          .append(Html.esc(measure)).append(' ').append(Numbers.sig4(v)).append("</title>")
          .append("<text x=\"").append(Numbers.coord(LABEL_W - 10)).append("\" y=\"").append(Numbers.coord(y + ROW_H / 2))
          .append("\" text-anchor=\"end\"").append(f.feature() == null ? " font-style=\"italic\"" : "").append('>')
          .append(Html.esc(Html.clip(name, LABEL_MAX))).append("</text>");
      if (!Double.isNaN(v)) {
        b.append("<rect class=\"v\" x=\"").append(Numbers.coord(Math.min(zero, end))).append("\" y=\"")
            .append(Numbers.coord(y + 3)).append("\" width=\"").append(Numbers.coord(Math.max(Math.abs(end - zero), 0.5)))
            .append("\" height=\"").append(Numbers.coord(ROW_H - 6)).append("\"/>");
      }
      b.append("<text class=\"value\" x=\"").append(Numbers.coord(Math.max(zero, end) + 6)).append("\" y=\"")
          .append(Numbers.coord(y + ROW_H / 2)).append("\">").append(Numbers.sig4(v)).append("</text></g>\n");
    }
    b.append("<path class=\"ax\" d=\"M").append(Numbers.coord(zero)).append(" 2V").append(Numbers.coord(height - 2))
        .append("\"/>\n</svg>\n");
  }

  /**
   * The matrix as a table whose cells are coloured by strength: white for none, dark blue for the
   * largest finite value (for p_value the smallest: a small p-value is the strong dependence), grey
   * and blank where nothing was computed. Values are printed in the cells, so the colour only
   * guides the eye.
   */
  private static void heatMap(StringBuilder b, List<String> columns, double[][] m, String measure) {
    boolean pValue = measure.toLowerCase(Locale.ROOT).replace('-', '_').equals("p_value");
    double max = 0;
    for (double[] row : m) for (double v : row) if (Double.isFinite(v)) max = Math.max(max, v);
    b.append("<div class=\"scale\"><span>").append(pValue ? "1" : "0").append("</span><span class=\"ramp\"></span><span>")
        .append(pValue ? "0" : Numbers.sig4(max)).append("</span><span>").append(Html.esc(measure))
        .append(pValue ? " (darker: smaller p-value)" : " (darker: stronger dependence)")
        .append("</span><span class=\"na\"></span><span>not computed</span></div>\n");
    b.append("<table class=\"heat\">\n<thead><tr><td></td>");
    for (String c : columns) {
      b.append("<th scope=\"col\"><div>");
      Html.label(b, c, LABEL_MAX);
      b.append("</div></th>");
    }
    b.append("</tr></thead>\n<tbody>\n");
    for (int i = 0; i < columns.size(); i++) {
      b.append("<tr><th scope=\"row\">");
      Html.label(b, columns.get(i), LABEL_MAX);
      b.append("</th>");
      for (int j = 0; j < columns.size(); j++) {
        double v = m[i][j];
        if (Double.isNaN(v)) {
          b.append("<td class=\"na\"></td>");
          continue;
        }
        double t = pValue ? 1 - v : max > 0 ? v / max : 0;
        t = Math.max(0, Math.min(1, t));
        b.append("<td style=\"background:").append(colour(t)).append(t > 0.55 ? ";color:#fff" : "").append("\" title=\"")
            .append(Html.esc(Html.clip(Html.labelText(columns.get(i)), LABEL_MAX))).append(" × ")
            .append(Html.esc(Html.clip(Html.labelText(columns.get(j)), LABEL_MAX))).append("\">")
            .append(Numbers.sig4(v)).append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</tbody>\n</table>\n");
  }

  /** From white (t = 0) to {@link #DARK} (t = 1). */
  static String colour(double t) {
    StringBuilder s = new StringBuilder("#");
    for (int c : DARK) s.append(String.format(Locale.ROOT, "%02x", Math.round(255 + (c - 255) * t)));
    return s.toString();
  }
}
