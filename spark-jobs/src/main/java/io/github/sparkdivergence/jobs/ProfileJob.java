package io.github.sparkdivergence.jobs;

import io.github.sparkdivergence.spark.drift.DriftOptions;
import io.github.sparkdivergence.spark.drift.Profile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code profile} job: flags, input and output around the library's {@link Profile}, which
 * holds every rule of what a profile records (docs/states.md).
 */
public final class ProfileJob implements Job {
  @Override public String name() { return "profile"; }
  @Override public String summary() { return "save a dataset's exact counts per column (and pair) as mergeable states"; }
  @Override public String synopsis() {
    return "--input PATH [--filter EXPR] --output PATH [--columns A,B,...] [--pairs] [--splits-from PROFILE] [options]";
  }

  @Override
  public String description() {
    return """
        Writes a profile of a dataset: one row per column with the exact counts of its values as
        a distribution state, and with --pairs one row per pair of columns with their exact joint
        counts as a contingency state (docs/states.md). Columns are read as drift reads them:
        numeric columns per distinct value, with the bucket splits drift fits on these rows
        (--bins, --relative-error) or those of --splits-from; string and boolean columns, and those
        named in --categorical, per value as text. Null (and NaN) are categories of their own.

        Profiles of disjoint parts of the data (daily partitions) merge exactly when their splits
        are equal: make the first with the defaults, the others with --splits-from FIRST. Then
        drift --reference-profile compares current data with one or several merged profiles
        without reading the reference again, and mutual-info --from-profiles ranks or tabulates
        the pairs of merged profiles made with --pairs.

        The output has the columns kind (column or pair), col_a, col_b, drift_kind, splits,
        state (binary), rows (of the dataset) and created_at: parquet, orc, json or a table.
        A numeric column's state grows with its distinct values (about 10 bytes each).""";
  }

  @Override
  public List<JobArgs.Option> options() {
    List<JobArgs.Option> o = new ArrayList<>(List.of(
        JobArgs.Option.value("input", "PATH", "dataset to profile (path or catalog table)"),
        JobArgs.Option.value("filter", "EXPR", "SQL condition selecting the rows to profile (e.g. one day of a\n"
            + "dataset); Spark SQL with the job's rights"),
        JobArgs.Option.value("columns", "A,B,...", "columns to profile (default: every numeric, string and boolean column)"),
        JobArgs.Option.value("categorical", "A,B,...", "numeric (or date) columns to profile as categories"),
        JobArgs.Option.flag("pairs", "also save the joint counts of every pair of the columns (for mutual-info)"),
        JobArgs.Option.repeated("splits-from", "PROFILE", "bucket numeric columns by the splits of this saved profile, so\n"
            + "that this profile merges with it and the others made so")));
    o.addAll(JobOptions.binningOptions("buckets"));
    o.addAll(JobOptions.inputOptions("input"));
    o.addAll(JobOptions.outputOptions(true));
    o.addAll(JobOptions.commonOptions());
    return o;
  }

  @Override
  public int run(JobContext ctx, JobArgs args) {
    String inputPath = args.require("input");
    DriftOptions options = new DriftOptions();
    try {
      DriftJob.columnOptions(options, args);
    } catch (IllegalArgumentException e) {
      throw JobException.usage(e.getMessage());
    }
    Output requested = Output.requested(args, "output", true);
    if (requested.format().equals("csv")) {
      throw JobException.usage("a profile holds binary states, which csv cannot: write it as parquet, orc, json or a table");
    }
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("input", inputPath);
    ProfileInput.addInputs(inputs, args, "splits-from");
    Output output = OutputChecks.check(ctx, args, inputs, Collections.singletonList(requested), Collections.emptyList()).get(0);
    SparkSession spark = ctx.spark(); // the session starts here, after the checks that need none

    Dataset<Row> read = ctx.stage("read", () -> InputReader.read(spark, args, inputPath, "input"), d -> inputPath);
    Dataset<Row> input;
    try {
      input = args.has("filter") ? read.filter(args.get("filter")) : read;
    } catch (Exception e) {
      throw JobException.usage("--filter '" + args.get("filter") + "' is not a valid condition: " + JobException.firstLine(e.getMessage()));
    }
    options.corruptRecordColumn(InputReader.corruptColumn(spark, args));
    Profile profile = Profile.of(input).options(options).pairs(args.flag("pairs"));
    if (args.has("splits-from")) profile = profile.splitsFrom(Profile.merge(ProfileInput.read(spark, args.all("splits-from"), "splits-from")));
    Profile job = profile;
    List<Row> rows = ctx.stage("profile", () -> {
      try {
        return job.compute().collectAsList();
      } catch (IllegalArgumentException e) {
        throw JobException.input(e.getMessage());
      }
    }, r -> r.size() + " states");
    ctx.stage("write", () -> OutputWriter.write(spark.createDataFrame(rows, Profile.SCHEMA), output, true));
    // printed as profiled: the columns in their order, then the pairs in the order of their columns
    List<String> order = new ArrayList<>();
    for (Row r : rows) if (r.getString(0).equals(Profile.COLUMN)) order.add(r.getString(1));
    List<Row> shown = new ArrayList<>(rows);
    shown.sort(java.util.Comparator.comparing((Row r) -> !r.getString(0).equals(Profile.COLUMN))
        .thenComparingInt(r -> order.indexOf(r.getString(1)))
        .thenComparingInt(r -> r.isNullAt(2) ? -1 : order.indexOf(r.getString(2))));

    var out = ctx.out();
    out.println();
    long n = rows.isEmpty() ? 0 : rows.get(0).getLong(rows.get(0).fieldIndex("rows"));
    out.printf(Locale.ROOT, "Profile of %s: %,d rows%n", inputPath, n);
    TextTable t = new TextTable(List.of("kind", "col_a", "col_b", "drift_kind", "buckets", "state_bytes"));
    for (Row r : shown) {
      t.row(r.getString(0), r.getString(1), r.isNullAt(2) ? "" : r.getString(2), r.isNullAt(3) ? "" : r.getString(3),
          r.isNullAt(4) ? "" : String.valueOf(r.getList(4).size() - 1), ((byte[]) r.get(5)).length);
    }
    out.print(t.render());
    out.println("Written to " + output.location() + " (" + output.format() + ")");
    out.print(ctx.timings());
    return 0;
  }
}
