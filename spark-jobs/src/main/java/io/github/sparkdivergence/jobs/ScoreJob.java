package io.github.sparkdivergence.jobs;

import io.github.sparkdivergence.math.DistributionMeasure;
import io.github.sparkdivergence.spark.DivergenceFunctions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Per-row divergence between two distribution columns with the library's per-row functions
 * ({@link DivergenceFunctions}); writes the input rows plus one column per metric, and prints (optionally
 * writes) a summary per metric and group: count, nulls, infinite, mean, finite_mean, p50, p90, p99,
 * max, finite_max.
 */
public final class ScoreJob implements Job {

  static final List<String> KINDS = List.of("array", "vector", "map", "logprobs", "logits");

  /**
   * The metrics of array/vector/map input, each named as its output column: every measure of two
   * distributions by its SQL name, KL the other way round, and the entropy of each side.
   */
  static final List<String> DIST_METRICS = new ArrayList<>();
  static final List<String> LOG_METRICS = List.of("kl_div", "reverse_kl_div");
  /** Short forms accepted on the command line (earlier releases' names). */
  static final Map<String, String> ALIASES = Map.of("kl", "kl_div", "reverse_kl", "reverse_kl_div", "js", "js_div",
      "jeffreys", "jeffreys_div");
  /** --metrics when absent: it depends on --input-kind, so the help states it in words built from these. */
  static final List<String> DEFAULT_METRICS = List.of("kl_div", "js_distance");
  static final List<String> DEFAULT_LOG_METRICS = List.of("kl_div");

  static {
    for (DistributionMeasure m : DistributionMeasure.values()) {
      if (!m.pair()) continue;
      DIST_METRICS.add(m.sqlName());
      if (m == DistributionMeasure.KL_DIV) DIST_METRICS.add("reverse_kl_div");
    }
    DIST_METRICS.add("entropy_p");
    DIST_METRICS.add("entropy_q");
  }

  @Override public String name() { return "score"; }
  @Override public String summary() { return "per-row divergence between two distribution columns, with a summary"; }
  @Override public String synopsis() { return "--input PATH --p COL --q COL --output PATH [options]"; }

  @Override
  public String description() {
    return """
        Scores every row with divergences between the distributions in columns --p and --q, using the
        library's SQL functions (kl_div, js_div, js_distance, ..., kl_div_log, kl_div_logits), and
        writes the input rows plus one column per metric. Prints a summary per metric (and per
        --group-by group): count, nulls, infinite (rows scored +-Infinity, e.g. KL where q has a
        zero that p does not), mean, finite_mean (over the finite rows), p50, p90, p99
        (approximate), max and finite_max.

        Input kinds: array (array<double> probabilities), vector (MLlib vectors), map
        (map<string,double>, aligned on the union of keys), logprobs (array<double> of natural-log
        probabilities), logits (array<double> of raw logits, softmaxed). array/vector/map are
        recognised from the column type when --input-kind is not given.

        Metrics for array/vector/map, each the SQL function of that name (reverse_kl_div is
        KL(q||p), entropy_p and entropy_q the entropy of each side):
        %s
        For logprobs/logits: kl_div, reverse_kl_div. Each metric's output column has its name;
        kl, reverse_kl, js and jeffreys are accepted as short forms.

        A row the divergence is not defined for (different lengths, negative values, ...) gets NULL
        and counts in the summary's nulls; with --strict such a row fails the job instead, whatever
        spark.sql.ansi.enabled says.""".formatted(wrap(String.join(", ", DIST_METRICS) + "."));
  }

  @Override
  public List<JobArgs.Option> options() {
    List<JobArgs.Option> o = new ArrayList<>(List.of(
        JobArgs.Option.value("input", "PATH", "input dataset (path or catalog table)"),
        JobArgs.Option.value("p", "COL", "column holding the first distribution p"),
        JobArgs.Option.value("q", "COL", "column holding the second distribution q"),
        JobArgs.Option.value("input-kind", "KIND", "array (array<double>), vector (MLlib), map (map<string,double>,\n"
            + "aligned on the union of keys), logprobs (natural-log probabilities) or\n"
            + "logits (softmaxed); default: from the column type (array, vector or map)"),
        JobArgs.Option.value("metrics", "M,M,...", wrap("metrics to compute, each written as the output column of that name: "
            + String.join(", ", DIST_METRICS) + "; for logprobs/logits " + String.join(", ", LOG_METRICS)
            + "; short forms " + String.join(", ", new java.util.TreeSet<>(ALIASES.keySet())) + " (default "
            + String.join(",", DEFAULT_METRICS) + "; logprobs/logits: " + String.join(",", DEFAULT_LOG_METRICS) + ")", 72)),
        JobArgs.Option.value("base", "B", "logarithm base: e, 2, 10, ...", "e"),
        JobArgs.Option.flag("normalize", "divide each distribution by its sum first (array/vector/map)"),
        JobArgs.Option.value("eps", "X", "additive smoothing (x + eps) / (1 + K*eps) after normalising,\n"
            + "for array/vector/map", "0"),
        JobArgs.Option.value("group-by", "A,B,...", "summarise the scores per group of these columns"),
        JobArgs.Option.value("summary-output", "PATH", "also write the summary table there (same --output-format and --mode;\n"
            + "must not be, contain or lie inside --output or --input)"),
        JobArgs.Option.flag("strict", "fail on the first invalid row instead of scoring it NULL"),
        JobArgs.Option.value("top", "N", "rows of the printed summary", "50")));
    o.addAll(JobOptions.inputOptions("input"));
    o.addAll(JobOptions.outputOptions(true));
    o.addAll(JobOptions.commonOptions());
    return o;
  }

  @Override
  public int run(JobContext ctx, JobArgs args) {
    String inputPath = args.require("input");
    String pName = args.require("p");
    String qName = args.require("q");
    String kindFlag = args.choice("input-kind", KINDS);
    double base = args.base("base");
    double eps = args.doubleValue("eps", 0, false, Double.MAX_VALUE);
    boolean normalize = args.flag("normalize");
    int top = args.intValue("top", 1, Integer.MAX_VALUE);
    List<String> metricNames = args.list("metrics");
    Output summaryRequested = Output.requested(args, "summary-output", false);
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("input", inputPath);
    List<Output> outputs = OutputChecks.check(ctx, args, inputs,
        Arrays.asList(Output.requested(args, "output", true), summaryRequested));
    Output output = outputs.get(0);
    Output summaryOut = summaryRequested == null ? null : outputs.get(1);
    var spark = ctx.spark(); // the session starts here, after the checks that need none
    String corrupt = InputReader.corruptColumn(spark, args);

    Dataset<Row> input = ctx.stage("read", () -> InputReader.read(spark, args, inputPath, "input"), d -> inputPath);
    StructType schema = input.schema();
    String p = Columns.resolveData(schema, pName, "input", corrupt);
    String q = Columns.resolveData(schema, qName, "input", corrupt);
    List<String> groupBy = new ArrayList<>();
    for (String g : args.list("group-by")) groupBy.add(Columns.resolveData(schema, g, "input", corrupt));

    String kind = kindFlag != null ? kindFlag : kindOf(schema.apply(p).dataType(), p);
    checkType(schema.apply(p).dataType(), p, kind);
    checkType(schema.apply(q).dataType(), q, kind);
    boolean logSpace = kind.equals("logprobs") || kind.equals("logits");
    if (logSpace && (normalize || args.has("eps"))) {
      throw JobException.usage("--normalize and --eps apply to array, vector and map inputs, not " + kind);
    }
    List<String> allowed = logSpace ? LOG_METRICS : DIST_METRICS;
    if (metricNames.isEmpty()) metricNames = logSpace ? DEFAULT_LOG_METRICS : DEFAULT_METRICS;
    LinkedHashSet<String> metrics = new LinkedHashSet<>();
    for (String m : metricNames) {
      String key = m.toLowerCase(Locale.ROOT);
      key = ALIASES.getOrDefault(key, key);
      if (!allowed.contains(key)) {
        throw JobException.usage("--metrics: '" + m + "' is not a metric for " + kind + " input (choose from "
            + String.join(", ", allowed) + ")");
      }
      metrics.add(key);
    }
    List<String> scoreCols = new ArrayList<>();
    List<Column> cols = new ArrayList<>();
    for (String f : schema.fieldNames()) cols.add(Columns.col(f));
    for (String m : metrics) {
      String outName = m;
      for (String f : schema.fieldNames()) {
        if (f.equalsIgnoreCase(outName)) {
          throw JobException.input("input already has a column named '" + f + "', the output column of metric " + m);
        }
      }
      cols.add(score(m, kind, Columns.col(p), Columns.col(q), base, normalize, eps).as(outName));
      scoreCols.add(outName);
    }

    long rows = ctx.stage("count", input::count, c -> c + " rows");
    InputReader.requireNonEmpty(rows, "input");

    // The functions fail on an invalid row under ANSI and give NULL without it: --strict decides,
    // not the session's setting.
    String ansiKey = "spark.sql.ansi.enabled";
    String previousAnsi = spark.conf().get(ansiKey, null);
    boolean strict = args.flag("strict");
    spark.conf().set(ansiKey, Boolean.toString(strict));
    Dataset<Row> scored = input.select(cols.toArray(new Column[0])).persist(StorageLevel.MEMORY_AND_DISK());
    List<Row> summary;
    try {
      try {
        ctx.stage("compute+write", () -> OutputWriter.write(scored, output, false));
      } catch (Exception e) { // Spark 3.5 throws the checked SparkException here, Spark 4 the function's error
        throw strict ? strictFailure(e) : JobException.sneaky(e);
      }
      Dataset<Row> summaryDf = summary(scored, groupBy, scoreCols);
      summary = ctx.stage("summary", summaryDf::collectAsList, s -> s.size() + " rows");
      if (summaryOut != null) {
        List<Row> collected = summary;
        ctx.stage("write summary", () -> OutputWriter.write(spark.createDataFrame(collected, summaryDf.schema()),
            summaryOut, true));
      }
    } finally {
      scored.unpersist(false);
      if (previousAnsi == null) spark.conf().unset(ansiKey);
      else spark.conf().set(ansiKey, previousAnsi);
    }

    var out = ctx.out();
    out.println();
    out.printf(Locale.ROOT, "Scored %d rows (%s input, p=%s, q=%s, log base %s) into %s (%s)%n", rows, kind, p, q,
        base == Math.E ? "e" : TextTable.num(base), output.location(), output.format());
    List<String> header = new ArrayList<>(groupBy);
    header.addAll(SUMMARY_COLUMNS);
    TextTable t = new TextTable(header);
    int shown = 0;
    for (Row r : summary) {
      if (shown++ >= top) break;
      Object[] cells = new Object[header.size()];
      for (int i = 0; i < cells.length; i++) cells[i] = r.get(i);
      t.row(cells);
    }
    out.print(t.render());
    if (summary.size() > top) out.println("(" + (summary.size() - top) + " more summary rows"
        + (summaryOut != null ? " in " + summaryOut.location() : "; use --summary-output") + ")");
    out.print(ctx.timings());
    return 0;
  }

  /** The row that --strict stopped at, said without the functions' hint to turn ANSI off. */
  static RuntimeException strictFailure(Exception e) {
    String tag = "[" + io.github.sparkdivergence.spark.InvalidDivergenceInputException.CONDITION + "] ";
    String hint = ". Set spark.sql.ansi.enabled";
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String row = null;
      if (t instanceof io.github.sparkdivergence.spark.InvalidDivergenceInputException invalid) {
        row = invalid.function() + ": argument " + invalid.argument() + " " + invalid.problem();
      } else if (t.getMessage() != null && t.getMessage().contains(tag) && t.getMessage().contains(hint)) {
        // Spark 3.5 hands the task's exception over as text only
        String m = t.getMessage();
        int from = m.indexOf(tag) + tag.length();
        int to = m.indexOf(hint, from);
        if (to > from) row = m.substring(from, to);
      }
      if (row != null) {
        return new JobException(JobException.INPUT, "--strict: a row cannot be scored: " + row
            + " (without --strict such rows score NULL and count in the summary's nulls)", e);
      }
    }
    return JobException.sneaky(e);
  }

  /** Lines of at most 96 characters, indented like the rest of the description. */
  private static String wrap(String text) { return wrap(text, 96); }

  private static String wrap(String text, int width) {
    StringBuilder out = new StringBuilder();
    int lineStart = 0;
    for (String word : text.split(" ")) {
      if (out.length() - lineStart + word.length() + 1 > width && out.length() > lineStart) {
        out.append('\n');
        lineStart = out.length();
      } else if (out.length() > lineStart) {
        out.append(' ');
      }
      out.append(word);
    }
    return out.toString();
  }

  static String kindOf(DataType t, String col) {
    if (t instanceof ArrayType) return "array";
    if (t instanceof VectorUDT) return "vector";
    if (t instanceof MapType) return "map";
    throw JobException.input("column '" + col + "' has type " + t.simpleString()
        + "; score needs array<double>, an MLlib vector or map<string,double>");
  }

  static void checkType(DataType t, String col, String kind) {
    boolean ok = switch (kind) {
      case "vector" -> t instanceof VectorUDT;
      case "map" -> t instanceof MapType m && m.keyType() instanceof StringType && m.valueType() instanceof NumericType;
      default -> t instanceof ArrayType a && a.elementType() instanceof NumericType;
    };
    if (!ok) {
      String want = switch (kind) {
        case "vector" -> "an MLlib vector";
        case "map" -> "map<string,double>";
        default -> "array<double>";
      };
      throw JobException.input("column '" + col + "' has type " + t.simpleString() + " but --input-kind " + kind
          + " needs " + want);
    }
  }

  static Column score(String metric, String kind, Column p, Column q, double base, boolean normalize, double eps) {
    boolean reverse = metric.equals("reverse_kl_div");
    if (kind.equals("logprobs")) {
      return reverse ? DivergenceFunctions.klDivLog(q, p, base) : DivergenceFunctions.klDivLog(p, q, base);
    }
    if (kind.equals("logits")) {
      return reverse ? DivergenceFunctions.klDivLogits(q, p, base) : DivergenceFunctions.klDivLogits(p, q, base);
    }
    return switch (metric) {
      case "reverse_kl_div" -> DivergenceFunctions.measure(DistributionMeasure.KL_DIV, q, p, base, normalize, eps);
      case "entropy_p" -> DivergenceFunctions.measure(DistributionMeasure.DIST_ENTROPY, p, null, base, normalize, eps);
      case "entropy_q" -> DivergenceFunctions.measure(DistributionMeasure.DIST_ENTROPY, q, null, base, normalize, eps);
      default -> DivergenceFunctions.measure(DistributionMeasure.bySqlName(metric), p, q, base, normalize, eps);
    };
  }

  /** The summary's columns after the group columns, as printed and written. */
  static final List<String> SUMMARY_COLUMNS = List.of("metric", "count", "nulls", "infinite", "mean", "finite_mean",
      "p50", "p90", "p99", "max", "finite_max");

  /**
   * One aggregation: (group..., metric, value) stacked, then per group and metric the counts, the
   * plain mean (infinite as soon as one row is) beside the mean and max of the finite rows, and
   * the percentiles.
   */
  static Dataset<Row> summary(Dataset<Row> scored, List<String> groupBy, List<String> scoreCols) {
    Dataset<Row> stacked = null;
    for (String m : scoreCols) {
      List<Column> cols = new ArrayList<>();
      for (String g : groupBy) cols.add(Columns.col(g));
      cols.add(functions.lit(m).as("metric"));
      cols.add(Columns.col(m).cast("double").as("value"));
      Dataset<Row> part = scored.select(cols.toArray(new Column[0]));
      stacked = stacked == null ? part : stacked.union(part);
    }
    List<Column> keys = new ArrayList<>();
    for (String g : groupBy) keys.add(Columns.col(g));
    keys.add(functions.col("metric"));
    Column v = functions.col("value");
    Column infinite = v.equalTo(functions.lit(Double.POSITIVE_INFINITY)).or(v.equalTo(functions.lit(Double.NEGATIVE_INFINITY)));
    Column finite = functions.when(functions.not(infinite), v);
    Column pct = functions.percentile_approx(v, functions.lit(new double[] {0.5, 0.9, 0.99}), functions.lit(10000));
    Dataset<Row> agg = stacked.groupBy(keys.toArray(new Column[0])).agg(
        functions.count(v).as("count"),
        functions.sum(functions.when(v.isNull(), 1L).otherwise(0L)).as("nulls"),
        functions.sum(functions.when(infinite, 1L).otherwise(0L)).as("infinite"),
        functions.avg(v).as("mean"),
        functions.avg(finite).as("finite_mean"),
        pct.as("pct"),
        functions.max(v).as("max"),
        functions.max(finite).as("finite_max"));
    List<Column> out = new ArrayList<>();
    for (String g : groupBy) out.add(Columns.col(g));
    out.add(functions.col("metric"));
    out.add(functions.col("count"));
    out.add(functions.col("nulls"));
    out.add(functions.col("infinite"));
    out.add(functions.col("mean"));
    out.add(functions.col("finite_mean"));
    out.add(functions.col("pct").getItem(0).as("p50"));
    out.add(functions.col("pct").getItem(1).as("p90"));
    out.add(functions.col("pct").getItem(2).as("p99"));
    out.add(functions.col("max"));
    out.add(functions.col("finite_max"));
    List<Column> order = new ArrayList<>(keys);
    return agg.select(out.toArray(new Column[0])).orderBy(order.toArray(new Column[0]));
  }
}
