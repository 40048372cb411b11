package io.github.sparkdivergence.jobs;

import io.github.sparkdivergence.drift.DriftMeasure;
import io.github.sparkdivergence.report.HtmlReport;
import io.github.sparkdivergence.spark.Drift;
import io.github.sparkdivergence.spark.drift.ColumnDrift;
import io.github.sparkdivergence.spark.drift.DriftOptions;
import io.github.sparkdivergence.spark.drift.DriftResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code drift} job: flags, inputs and outputs around the library's {@link Drift}, which holds
 * every rule of the comparison (see {@link DriftOptions} and docs/drift.md).
 */
public final class DriftJob implements Job {

  @Override public String name() { return "drift"; }
  @Override public String summary() { return "per-column drift with verdicts (Wasserstein, JS, PSI, KL, ...) between two datasets"; }
  @Override public String synopsis() {
    return "(--reference PATH | --reference-profile PROFILE...) (--current PATH | --current-profile PROFILE...) [options]\n"
        + "  or: --input PATH --reference-filter EXPR --current-filter EXPR [options]";
  }

  @Override
  public String description() {
    return """
        Compares each column's distribution in a reference and a current dataset, one row per
        column: the method (the measure the verdict uses), its threshold, the score, whether the
        column drifted, and every measure that applies: %s.

        Methods by default (Evidently's for more than 1000 reference rows): numeric columns
        wasserstein_normed (exact Wasserstein-1 of the finite values / the reference's standard
        deviation), categorical columns js_distance_raw (Jensen-Shannon distance of the
        proportions), vector columns (MLlib vectors, numeric arrays) kl_mvn_ref_cur (KL between
        Gaussians fitted to each side); threshold %s; a column drifts when its score is above its
        threshold. The dataset drifts when at least --dataset-share of the columns drift.

        Categorical columns (string, boolean, or any column named in --categorical) are compared
        as counts over the union of their categories; numeric columns are also bucketed with --bins
        quantile splits of the reference for the binned measures (values outside its range fall
        into the end buckets). Null (and NaN) is a category of its own. Smoothing of the binned
        measures: p~ = (p + eps) / (1 + K*eps) over the K categories; the *_raw ones are
        unsmoothed (+inf when a category is missing on one side); PSI is always in nats.

        With --reference-profile (a profile written by the profile job, or several to merge, e.g.
        the daily profiles of last month) the reference rows are not read: its columns, kinds,
        bucket splits and exact counts come from the profile, and the results are those of
        --reference on the rows it was made from. --current-profile does the same for the current
        side, so that two sets of saved profiles (last week's and this week's) are compared
        without reading any rows; the bucket splits are the reference profile's.

        Exit status 3 when the dataset drifted or a --threshold was exceeded (the outputs are
        written first, and the message says which).""".formatted(String.join(", ", DriftMeasure.names()),
        TextTable.num(DriftOptions.DEFAULT_THRESHOLD));
  }

  @Override
  public List<JobArgs.Option> options() {
    List<JobArgs.Option> o = new ArrayList<>(List.of(
        JobArgs.Option.value("reference", "PATH", "reference dataset (path or catalog table)"),
        JobArgs.Option.value("current", "PATH", "current dataset (path or catalog table)"),
        JobArgs.Option.repeated("reference-profile", "PROFILE", "a saved profile as the reference instead of --reference\n"
            + "(repeat, or a glob, to merge several)"),
        JobArgs.Option.repeated("current-profile", "PROFILE", "a saved profile as the current data instead of --current\n"
            + "(repeat, or a glob, to merge several)"),
        JobArgs.Option.value("input", "PATH", "one dataset split by --reference-filter and --current-filter"),
        JobArgs.Option.value("reference-filter", "EXPR", "SQL condition selecting the reference rows (with --input,\n"
            + "or applied to --reference); Spark SQL with the job's rights: any function\n"
            + "the session allows, reflect/java_method included"),
        JobArgs.Option.value("current-filter", "EXPR", "SQL condition selecting the current rows (with --input,\n"
            + "or applied to --current)"),
        JobArgs.Option.value("columns", "A,B,...", "columns to compare (default: every numeric, string, boolean, vector\n"
            + "and numeric-array column; others are skipped with a note)"),
        JobArgs.Option.value("categorical", "A,B,...", "treat these columns as categorical even if numeric (or date)"),
        JobArgs.Option.repeated("method", "COLUMN=MEASURE", "the measure COLUMN's verdict uses instead of its kind's default"),
        JobArgs.Option.repeated("threshold", "[COLUMN:]MEASURE=VALUE", "threshold of MEASURE (for COLUMN only, or every column):\n"
            + "the verdict's when MEASURE is the column's method, and an alarm of its\n"
            + "own: exit 3 and name the columns whose MEASURE is above VALUE"),
        JobArgs.Option.value("dataset-share", "X", "the dataset drifts when this share of the columns drift",
            TextTable.num(DriftOptions.DEFAULT_DATASET_SHARE)),
        JobOptions.binningOptions("buckets").get(0),
        JobOptions.binningOptions("buckets").get(1),
        JobArgs.Option.value("eps", "X", "additive smoothing of the proportions", String.valueOf(DriftOptions.DEFAULT_EPS)),
        JobArgs.Option.value("base", "B", "logarithm base of KL and JS: e, 2, 10, ...; base 2 puts js_distance\n"
            + "in [0, 1]", "e"),
        JobArgs.Option.value("ridge", "X", "added to the diagonal of both fitted covariances of vector columns", "0"),
        JobArgs.Option.value("categories-output", "PATH", "also write the per-category counts and proportions (column,\n"
            + "category, bucket, lower, upper, n_ref, n_cur, p_ref, p_cur); same --output-format/--mode;\n"
            + "must not be, contain or lie inside --output or an input"),
        JobArgs.Option.value("summary-json", "PATH", "also write the verdicts as one JSON file (infinite scores as the\n"
            + "string \"Infinity\"); an existing file is replaced only with --mode overwrite"),
        ReportFile.option("report", "also write the verdicts as a page: the dataset verdict, then a row per\n"
            + "column by score with reference and current histograms"),
        JobArgs.Option.value("max-categories", "N", "refuse columns with more categories than this",
            String.valueOf(DriftOptions.DEFAULT_MAX_CATEGORIES)),
        JobArgs.Option.value("top", "N", "rows of the printed table", "50")));
    o.addAll(JobOptions.inputOptions("input"));
    o.addAll(JobOptions.outputOptions(false));
    o.addAll(JobOptions.commonOptions());
    return o;
  }

  /** The flags as the library's options, checked before the session starts (a bad value is a usage error). */
  private static DriftOptions options(JobArgs args) {
    DriftOptions o = new DriftOptions();
    try {
      columnOptions(o, args);
      o.eps(args.doubleValue("eps", 0, false, 1));
      o.base(args.base("base"));
      o.ridge(args.doubleValue("ridge", 0, false, Double.MAX_VALUE));
      o.datasetShare(args.doubleValue("dataset-share", 0, true, 1));
      o.maxCategories(args.intValue("max-categories", 1, Integer.MAX_VALUE));
      for (String kv : args.all("method")) {
        Map.Entry<String, String> m = JobArgs.pair("method", kv);
        o.method(m.getKey().trim(), m.getValue());
      }
      for (String kv : args.all("threshold")) threshold(o, kv);
    } catch (IllegalArgumentException e) {
      throw JobException.usage(e.getMessage());
    }
    return o;
  }

  /**
   * --columns, --categorical, --bins and --relative-error into {@code o}: which columns, read as
   * what, as drift and profile read them (one rule for both).
   */
  static void columnOptions(DriftOptions o, JobArgs args) {
    if (args.has("columns")) o.columns(args.list("columns"));
    o.categorical(args.list("categorical"));
    o.bins(JobOptions.bins(args));
    o.relativeError(JobOptions.relativeError(args));
  }

  /** {@code MEASURE=VALUE} or {@code COLUMN:MEASURE=VALUE} (the column is everything before the last ':'). */
  private static void threshold(DriftOptions o, String kv) {
    int eq = kv.lastIndexOf('=');
    if (eq <= 0) throw JobException.usage("--threshold needs [COLUMN:]MEASURE=VALUE but was '" + kv + "'");
    String key = kv.substring(0, eq).trim();
    String value = kv.substring(eq + 1).trim();
    double v;
    try {
      v = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw JobException.usage("--threshold " + key + " needs a number >= 0 but was '" + value + "'");
    }
    int colon = key.lastIndexOf(':');
    if (colon < 0) o.threshold(key, v);
    else o.threshold(key.substring(0, colon), key.substring(colon + 1), v);
  }

  /** The two datasets compared, each with its filter applied. */
  private record Sides(Dataset<Row> ref, Dataset<Row> cur) {}

  /** --output and --categories-output after {@link OutputChecks#check}, --summary-json and --report; null when not given. */
  private record Outputs(Output results, Output categories, ReportFile summaryJson, ReportFile report) {
    static Outputs check(JobContext ctx, JobArgs args, Map<String, String> inputs) {
      Output results = Output.requested(args, "output", false);
      Output categories = Output.requested(args, "categories-output", false);
      ReportFile summary = ReportFile.requested(args, "summary-json");
      ReportFile report = ReportFile.requested(args, "report");
      List<Output> checked = OutputChecks.check(ctx, args, inputs, Arrays.asList(results, categories),
          Arrays.asList(summary, report));
      return new Outputs(results == null ? null : checked.get(0),
          categories == null ? null : checked.get(checked.size() - 1), summary, report);
    }
  }

  @Override
  public int run(JobContext ctx, JobArgs args) {
    DriftOptions options = options(args);
    Map<String, String> inputs = inputs(args);
    Outputs outputs = Outputs.check(ctx, args, inputs);
    SparkSession spark = ctx.spark(); // the session starts here, after the checks that need none

    Sides sides = read(ctx, spark, args);
    options.corruptRecordColumn(InputReader.corruptColumn(spark, args));
    DriftResult result = ctx.stage("compute", () -> {
      try {
        Drift drift = args.has("current-profile") ? Drift.betweenProfiles(sides.ref(), sides.cur())
            : args.has("reference-profile") ? Drift.fromProfile(sides.ref(), sides.cur())
            : Drift.between(sides.ref(), sides.cur());
        return drift.options(options).run();
      } catch (IllegalArgumentException e) {
        throw JobException.input(e.getMessage());
      }
    }, r -> r.columns().size() + " columns");
    for (String note : result.notes()) ctx.info(note);

    write(ctx, result, outputs, "Drift: " + (twoInputs(args) ? referenceName(args) + " vs " + currentName(args)
        : args.get("input") + " (" + args.get("reference-filter") + " vs " + args.get("current-filter") + ")"));
    print(ctx, result, args.intValue("top", 1, Integer.MAX_VALUE), outputs.results(), outputs.report());
    requireNoDrift(result);
    return 0;
  }

  private static boolean twoInputs(JobArgs args) {
    return args.has("reference") || args.has("reference-profile") || args.has("current") || args.has("current-profile");
  }

  private static String currentName(JobArgs args) {
    return args.has("current-profile") ? "profile " + String.join(", ", args.all("current-profile")) : args.get("current");
  }

  private static String referenceName(JobArgs args) {
    return args.has("reference-profile") ? "profile " + String.join(", ", args.all("reference-profile")) : args.get("reference");
  }

  /** The input flags given (option name -> location), after checking they form one of the two forms. */
  private static Map<String, String> inputs(JobArgs args) {
    boolean twoInputs = twoInputs(args);
    if (twoInputs == args.has("input")) {
      throw JobException.usage("give either --reference and --current, or --input with --reference-filter and --current-filter");
    }
    if (args.has("reference") && args.has("reference-profile")) {
      throw JobException.usage("give --reference or --reference-profile, not both");
    }
    if (args.has("current") && args.has("current-profile")) {
      throw JobException.usage("give --current or --current-profile, not both");
    }
    if (twoInputs && !((args.has("reference") || args.has("reference-profile")) && (args.has("current") || args.has("current-profile")))) {
      throw JobException.usage("--reference (or --reference-profile) and --current (or --current-profile) go together");
    }
    if (args.has("current-profile") && !args.has("reference-profile")) {
      throw JobException.usage("--current-profile needs a --reference-profile (whose bucket splits it is compared with)");
    }
    for (String side : List.of("reference", "current")) {
      if (args.has(side + "-profile") && args.has(side + "-filter")) {
        throw JobException.usage("--" + side + "-filter cannot apply to a --" + side + "-profile (profile the rows you want)");
      }
    }
    if (!twoInputs && !(args.has("reference-filter") && args.has("current-filter"))) {
      throw JobException.usage("--input needs --reference-filter and --current-filter");
    }
    Map<String, String> inputs = new LinkedHashMap<>();
    for (String flag : List.of("reference", "current", "input")) if (args.has(flag)) inputs.put(flag, args.get(flag));
    ProfileInput.addInputs(inputs, args, "reference-profile");
    ProfileInput.addInputs(inputs, args, "current-profile");
    return inputs;
  }

  private static Sides read(JobContext ctx, SparkSession spark, JobArgs args) {
    boolean twoInputs = twoInputs(args);
    return ctx.stage("read", () -> {
      Dataset<Row> r;
      Dataset<Row> c;
      if (args.has("reference-profile")) {
        r = ProfileInput.read(spark, args.all("reference-profile"), "reference-profile");
        c = args.has("current-profile") ? ProfileInput.read(spark, args.all("current-profile"), "current-profile")
            : InputReader.read(spark, args, args.get("current"), "current");
      } else if (twoInputs) {
        r = InputReader.read(spark, args, args.get("reference"), "reference");
        c = InputReader.read(spark, args, args.get("current"), "current");
      } else {
        r = InputReader.read(spark, args, args.get("input"), "input");
        c = r;
      }
      return new Sides(filter(r, args.get("reference-filter"), "reference-filter"),
          filter(c, args.get("current-filter"), "current-filter"));
    }, d -> twoInputs ? referenceName(args) + " vs " + currentName(args) : args.get("input"));
  }

  private static void write(JobContext ctx, DriftResult result, Outputs outputs, String title) {
    if (outputs.results() != null) ctx.stage("write", () -> OutputWriter.write(result.table(), outputs.results(), true));
    if (outputs.categories() != null) {
      ctx.stage("write categories", () -> OutputWriter.write(result.categories(), outputs.categories(), true));
    }
    if (outputs.summaryJson() != null) ctx.stage("summary", () -> outputs.summaryJson().write(ctx, result.summaryJson()));
    if (outputs.report() != null) {
      ctx.stage("report", () -> outputs.report().write(ctx, HtmlReport.render(result.report(title))));
    }
  }

  /**
   * Exit status 3, after the outputs are written and the table printed: the dataset drifted, or
   * an explicit --threshold was exceeded; the message says which.
   */
  private static void requireNoDrift(DriftResult result) {
    List<String> why = new ArrayList<>();
    if (result.datasetDrifted()) why.add(result.verdictText());
    List<String> fired = result.thresholdsExceeded();
    if (!fired.isEmpty()) why.add("--threshold exceeded in " + fired.size() + " of " + result.columns().size()
        + " column(s): " + String.join("; ", fired));
    if (!why.isEmpty()) throw new JobException(JobException.DRIFT, String.join("; ", why));
  }

  private static Dataset<Row> filter(Dataset<Row> df, String expr, String flag) {
    if (expr == null) return df;
    try {
      return df.filter(expr);
    } catch (Exception e) {
      // parse errors are ParseException (an AnalysisException) in Spark 4
      throw JobException.usage("--" + flag + " '" + expr + "' is not a valid condition: " + JobException.firstLine(e.getMessage()));
    }
  }

  private static void print(JobContext ctx, DriftResult result, int top, Output output, ReportFile report) {
    DriftOptions o = result.options();
    var out = ctx.out();
    out.println();
    out.printf(Locale.ROOT, "Drift of %d column(s): reference %d rows, current %d rows; numeric columns in %d quantile "
        + "buckets of the reference; eps=%s, log base %s (PSI in nats)%n", result.columns().size(), result.nRef(),
        result.nCur(), o.bins(), TextTable.num(o.eps()), o.base() == Math.E ? "e" : TextTable.num(o.base()));
    out.println(result.verdictText());
    TextTable t = new TextTable(List.of("column", "kind", "method", "threshold", "score", "drifted", "K", "psi",
        "only_in_ref", "only_in_cur"));
    int shown = 0;
    for (ColumnDrift c : result.columns()) {
      if (shown++ >= top) break;
      t.row(c.column(), c.kind().label(), c.method().outputName(), c.threshold(), c.score(), c.drifted() ? "YES" : "no",
          c.categories(), c.measure(DriftMeasure.PSI), shortList(c.onlyInRef()), shortList(c.onlyInCur()));
    }
    out.print(t.render());
    if (result.columns().size() > top) out.println("(" + (result.columns().size() - top) + " more columns in the output)");
    if (output != null) out.println("Written to " + output.location() + " (" + output.format() + ")");
    if (report != null) out.println("Report written to " + report.location());
    out.print(ctx.timings());
  }

  static String shortList(List<String> xs) {
    if (xs.isEmpty()) return "";
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < Math.min(3, xs.size()); i++) shown.add(xs.get(i) == null ? "NULL" : xs.get(i));
    return xs.size() + ": " + String.join(" ", shown) + (xs.size() > 3 ? " ..." : "");
  }
}
