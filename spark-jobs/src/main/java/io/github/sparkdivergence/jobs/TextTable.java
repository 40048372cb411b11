package io.github.sparkdivergence.jobs;

import io.github.sparkdivergence.drift.Numbers;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns (numbers right-aligned) for the jobs' summaries. */
public final class TextTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();
  private final boolean[] numeric;

  public TextTable(List<String> header) {
    this.header = List.copyOf(header);
    this.numeric = new boolean[header.size()];
  }

  public TextTable row(Object... cells) {
    if (cells.length != header.size()) throw new IllegalArgumentException("expected " + header.size() + " cells");
    List<String> r = new ArrayList<>();
    for (int i = 0; i < cells.length; i++) {
      Object c = cells[i];
      if (c instanceof Number) numeric[i] = true;
      r.add(cell(c));
    }
    rows.add(r);
    return this;
  }

  public int size() { return rows.size(); }

  /** A double in a compact, readable form ({@link Numbers#num}: 6 significant digits, Infinity as "inf"). */
  public static String num(double d) { return Numbers.num(d); }

  static String cell(Object c) {
    if (c == null) return "NULL";
    if (c instanceof Double d) return num(d);
    if (c instanceof Float f) return num(f);
    return String.valueOf(c);
  }

  public String render() {
    int n = header.size();
    int[] w = new int[n];
    for (int i = 0; i < n; i++) w[i] = header.get(i).length();
    for (List<String> r : rows) for (int i = 0; i < n; i++) w[i] = Math.max(w[i], r.get(i).length());
    StringBuilder sep = new StringBuilder("+");
    for (int i = 0; i < n; i++) sep.append("-".repeat(w[i] + 2)).append('+');
    StringBuilder sb = new StringBuilder();
    sb.append(sep).append('\n');
    line(sb, header, w, new boolean[n]);
    sb.append(sep).append('\n');
    for (List<String> r : rows) line(sb, r, w, numeric);
    sb.append(sep).append('\n');
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] w, boolean[] right) {
    sb.append('|');
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      String pad = " ".repeat(w[i] - c.length());
      sb.append(' ').append(right[i] ? pad + c : c + pad).append(" |");
    }
    sb.append('\n');
  }
}
