package io.github.sparkdivergence.report;

/**
 * The markup both pages share: escaping of every value that comes from data, and the page shell
 * (one self-contained HTML5 document: inline CSS, no script, nothing loaded from anywhere).
 */
final class Html {
  private Html() {}

  /**
   * Forbids every fetch and every script, so that the page is self-contained by construction and
   * anything that would break that shows up as a console error in a browser.
   */
  static final String CSP = "default-src 'none'; style-src 'unsafe-inline'";

  /** System fonts only: a web font would be a fetch. */
  private static final String FONTS = "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif";

  private static final String BASE_CSS = """
      :root { color-scheme: light; }
      body { font: 14px/1.45 %s; color: #1d2329; background: #fff; margin: 24px 32px; }
      h1 { font-size: 22px; margin: 0 0 8px; }
      h2 { font-size: 16px; margin: 24px 0 8px; }
      .meta { color: #4a5560; margin: 4px 0; }
      ul.notes { margin: 8px 0 16px; padding-left: 20px; color: #4a5560; }
      .null { font-style: italic; color: #6b7680; }
      .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      footer { margin-top: 24px; color: #6b7680; font-size: 12px; }
      """.formatted(FONTS);

  /** The document around {@code body}; {@code css} is the page's own rules. */
  static String page(String title, String css, CharSequence body) {
    StringBuilder sb = new StringBuilder(body.length() + 4096);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(BASE_CSS).append(css)
        .append("</style>\n</head>\n<body>\n").append(body)
        .append("<footer>Built by spark-divergence from aggregated counts only (per bucket and category): ")
        .append("no row of the data is in this page.</footer>\n")
        .append("</body>\n</html>\n");
    return sb.toString();
  }

  /**
   * Text safe in element content and in quoted attribute values (SVG included). Characters HTML
   * forbids (C0 and C1 controls other than tab and newlines, lone surrogates) become U+FFFD, so
   * the page is always valid UTF-8 and parses the same everywhere; null is the empty string.
   */
  static String esc(String s) {
    if (s == null) return "";
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> forbidden(s, i) ? "\uFFFD" : null;
      };
      if (rep == null && Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        if (sb != null) sb.append(c).append(s.charAt(i + 1));
        i++;
        continue;
      }
      if (rep != null && sb == null) sb = new StringBuilder(s.length() + 16).append(s, 0, i);
      if (sb != null) {
        if (rep != null) sb.append(rep);
        else sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  private static boolean forbidden(String s, int i) {
    char c = s.charAt(i);
    if (c < 0x20) return c != '\t' && c != '\n' && c != '\r';
    if (c >= 0x7F && c <= 0x9F) return true;
    if (Character.isHighSurrogate(c)) return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    return Character.isLowSurrogate(c); // a low surrogate reached here has no high one before it
  }

  /**
   * At most {@code max} code points, "…" marking a cut; never splits a surrogate pair. Labels and
   * names come from data: clipping them keeps a page's size a function of its columns and buckets.
   */
  static String clip(String s, int max) {
    if (s == null || s.codePointCount(0, s.length()) <= max) return s;
    return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
  }

  /** The text of a label: SQL NULL reads NULL. */
  static String labelText(String label) {
    return label == null ? "NULL" : label;
  }

  /**
   * A label in HTML: escaped, clipped to {@code max} code points (the whole label as a tooltip
   * when clipped), SQL NULL as an italic NULL, isolated from the text around it (a right-to-left
   * name must not reorder its neighbours).
   */
  static void label(StringBuilder sb, String label, int max) {
    if (label == null) {
      sb.append("<span class=\"null\">NULL</span>");
      return;
    }
    String shown = clip(label, max);
    sb.append("<bdi");
    if (!shown.equals(label)) sb.append(" title=\"").append(esc(clip(label, TOOLTIP_MAX))).append('"');
    sb.append('>').append(esc(shown)).append("</bdi>");
  }

  /** The longest tooltip text: a bound on the page size whatever the data holds. */
  static final int TOOLTIP_MAX = 300;
}
