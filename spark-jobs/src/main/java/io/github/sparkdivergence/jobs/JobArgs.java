package io.github.sparkdivergence.jobs;

import io.github.sparkdivergence.math.LogBase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small hand-written parser: {@code --name value}, {@code --name=value} and value-less switches,
 * declared per job with {@link Option}s (which also produce the {@code --help} text). Every problem
 * is a {@link JobException} with the usage exit status.
 */
public final class JobArgs {

  /**
   * One declared flag. {@code dflt} is the value an absent flag has, as it would be typed (null:
   * none, or one that depends on other flags and is described in {@code help}); the help text and
   * the README tables show it and {@link #get} returns it, so it is written nowhere else.
   */
  public record Option(String name, String metavar, String help, boolean repeatable, String dflt) {
    static Option value(String name, String metavar, String help) { return value(name, metavar, help, null); }
    static Option value(String name, String metavar, String help, String dflt) {
      return new Option(name, metavar, help, false, dflt);
    }
    static Option repeated(String name, String metavar, String help) { return new Option(name, metavar, help, true, null); }
    static Option flag(String name, String help) { return new Option(name, null, help, false, null); }
    boolean takesValue() { return metavar != null; }

    /** The help text with the default and repeatability appended: the same words in --help and the README. */
    String describe() {
      return help + (dflt == null ? "" : " (default " + dflt + ")") + (repeatable ? " (repeatable)" : "");
    }

    /** {@code --name METAVAR}. */
    String head() { return "--" + name + (takesValue() ? " " + metavar : ""); }
  }

  private final String job;
  private final Map<String, Option> declared;
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  private JobArgs(String job, Map<String, Option> declared) {
    this.job = job;
    this.declared = declared;
  }

  public static JobArgs parse(String job, List<Option> options, String[] args) {
    Map<String, Option> byName = new LinkedHashMap<>();
    for (Option o : options) byName.put(o.name(), o);
    JobArgs parsed = new JobArgs(job, byName);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        throw JobException.usage("unexpected argument '" + a + "' (flags start with --; see " + job + " --help)");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Option o = byName.get(name);
      if (o == null) throw JobException.usage("unknown option --" + name + " (see " + job + " --help)");
      if (o.takesValue()) {
        if (value == null) {
          if (i + 1 >= args.length) throw JobException.usage("option --" + name + " needs a value (" + o.metavar() + ")");
          value = args[++i];
        }
      } else if (value != null) {
        throw JobException.usage("option --" + name + " takes no value");
      } else {
        value = "true";
      }
      List<String> list = parsed.values.computeIfAbsent(name, k -> new ArrayList<>());
      if (!list.isEmpty() && !o.repeatable()) throw JobException.usage("option --" + name + " given more than once");
      list.add(value);
    }
    return parsed;
  }

  public String job() { return job; }

  /** Whether the flag was given on the command line (a declared default does not count). */
  public boolean has(String name) { return values.containsKey(name); }

  /** The value given, else the declared default (null when there is none). */
  public String get(String name) {
    List<String> v = values.get(name);
    if (v != null) return v.get(0);
    Option o = declared.get(name);
    // a name no job declares is a typo in the code, not on the command line
    if (o == null) throw new IllegalArgumentException("option --" + name + " is not declared by " + job);
    return o.dflt();
  }

  /** {@link #get} for a value parsed as a number: such an option is declared with a default. */
  private String valueOrDefault(String name) {
    String v = get(name);
    if (v == null) throw new IllegalStateException("option --" + name + " of " + job + " has no declared default");
    return v;
  }

  public String require(String name) {
    String v = get(name);
    if (v == null || v.isBlank()) throw JobException.usage("missing required option --" + name + " (see " + job + " --help)");
    return v;
  }

  public List<String> all(String name) { return values.getOrDefault(name, List.of()); }

  /** A comma-separated list (empty when absent); blank items are an error. */
  public List<String> list(String name) {
    String v = get(name);
    if (v == null) return List.of();
    List<String> out = new ArrayList<>();
    for (String s : v.split(",", -1)) {
      String t = s.trim();
      if (t.isEmpty()) throw JobException.usage("option --" + name + " has an empty item in '" + v + "'");
      out.add(t);
    }
    return out;
  }

  public boolean flag(String name) { return has(name); }

  public int intValue(String name, int min, int max) {
    String v = valueOrDefault(name);
    try {
      int x = Integer.parseInt(v.trim());
      if (x < min || x > max) throw new NumberFormatException();
      return x;
    } catch (NumberFormatException e) {
      throw JobException.usage("option --" + name + " must be an integer in [" + min + ", " + max + "] but was '" + v + "'");
    }
  }

  /** A finite double in [min, max] (bounds inclusive unless {@code exclusiveMin}). */
  public double doubleValue(String name, double min, boolean exclusiveMin, double max) {
    String v = valueOrDefault(name);
    double x = parseDouble(name, v);
    if (!Double.isFinite(x) || x < min || (exclusiveMin && x == min) || x > max) {
      throw JobException.usage("option --" + name + " must be a number " + (exclusiveMin ? "> " : ">= ") + fmt(min)
          + (max < Double.MAX_VALUE ? " and <= " + fmt(max) : "") + " but was '" + v + "'");
    }
    return x;
  }

  /** A logarithm base: a number > 0 and not 1, or {@code e}. */
  public double base(String name) {
    String v = valueOrDefault(name);
    if (v.trim().equalsIgnoreCase("e")) return Math.E;
    double b = parseDouble(name, v);
    if (!LogBase.isValid(b)) {
      throw JobException.usage("option --" + name + " must be e or a number > 0 other than 1 but was '" + v + "'");
    }
    return b;
  }

  /** One of {@code allowed} (case-insensitive), returned lower-case; null when absent without a default. */
  public String choice(String name, List<String> allowed) {
    String v = get(name);
    if (v == null) return null;
    String lc = v.trim().toLowerCase(Locale.ROOT);
    if (!allowed.contains(lc)) {
      throw JobException.usage("option --" + name + " must be one of " + String.join(", ", allowed) + " but was '" + v + "'");
    }
    return lc;
  }

  /** Repeated {@code key=value} pairs (a repeated key keeps its last value: use {@link #pair} to refuse that). */
  public Map<String, String> pairs(String name) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : all(name)) {
      Map.Entry<String, String> e = pair(name, kv);
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** One {@code key=value} value of option {@code name}. */
  public static Map.Entry<String, String> pair(String name, String kv) {
    int eq = kv.indexOf('=');
    if (eq <= 0) throw JobException.usage("option --" + name + " must look like key=value but was '" + kv + "'");
    return Map.entry(kv.substring(0, eq).trim(), kv.substring(eq + 1));
  }

  private static double parseDouble(String name, String v) {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw JobException.usage("option --" + name + " must be a number but was '" + v + "'");
    }
  }

  static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  /** The {@code --help} text of a job. */
  public static String help(String job, String synopsis, String description, List<Option> options) {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: spark-divergence ").append(job).append(' ').append(synopsis).append("\n\n");
    sb.append(description.strip()).append("\n\nOptions:\n");
    int width = 0;
    for (Option o : options) width = Math.max(width, o.head().length());
    for (Option o : options) {
      String h = o.head();
      sb.append("  ").append(h).append(" ".repeat(width - h.length() + 2));
      String[] lines = o.describe().split("\n");
      sb.append(lines[0]);
      for (int i = 1; i < lines.length; i++) sb.append('\n').append(" ".repeat(width + 4)).append(lines[i]);
      sb.append('\n');
    }
    return sb.toString();
  }
}
