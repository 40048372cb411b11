package io.github.sparkdivergence.report;

import java.util.Objects;

/**
 * Self-contained HTML pages of drift and mutual-information results: one HTML5 document with
 * inline CSS and inline SVG, no script, nothing fetched (a Content-Security-Policy forbids it), so
 * the file can be mailed, attached to a ticket or opened offline. Built from aggregated numbers
 * only: its size depends on the number of columns and buckets, never on the rows behind them.
 * Every value that comes from data (names, labels, notes) is escaped.
 */
public final class HtmlReport {
  private HtmlReport() {}

  /**
   * The dataset verdict (the drifted share against {@code datasetShare}, the row counts), the
   * notes, then one table row per column, drifted first and by score, each with a histogram of
   * reference against current proportions and the categories seen on one side only.
   */
  public static String render(DriftReport report) {
    return DriftPage.render(Objects.requireNonNull(report, "report"));
  }

  /** A ranking as a horizontal bar chart, or the matrix as a heat map, with the notes. */
  public static String render(MutualInfoReport report) {
    return MutualInfoPage.render(Objects.requireNonNull(report, "report"));
  }
}
