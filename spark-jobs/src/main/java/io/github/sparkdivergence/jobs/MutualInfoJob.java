package io.github.sparkdivergence.jobs;

import io.github.sparkdivergence.report.HtmlReport;
import io.github.sparkdivergence.report.MutualInfoReport;
import io.github.sparkdivergence.spark.MutualInformation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.CharType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.types.VarcharType;

/**
 * Mutual information between columns, through the DataFrame-level API
 * {@link MutualInformation}: the pairwise matrix, or every column ranked by its MI with
 * {@code --target}. Writes the tidy table (col_a, col_b, n, h_a, h_b, h_ab, mi, nmi, ami, g, dof,
 * p_value, levels_a, levels_b) and prints the top rows by {@code --rank-by} (AMI by default: raw MI
 * grows with a column's number of levels, so high-cardinality columns would win by construction);
 * {@code --report} draws that measure as an HTML page ({@link HtmlReport}).
 */
public final class MutualInfoJob implements Job {

  @Override public String name() { return "mutual-info"; }
  @Override public String summary() { return "mutual information: a target's top features, or the pairwise matrix"; }
  @Override public String synopsis() {
    return "(--input PATH | --from-profiles PROFILE...) [--columns A,B,...] [--target COL] [options]";
  }

  @Override
  public String description() {
    return """
        Mutual information between the columns of a dataset. With --target, every other selected
        column is paired with the target (a feature ranking); otherwise every pair of selected
        columns (the upper triangle of the matrix). Numeric columns are discretised into --bins
        quantile bins (QuantileDiscretizer, --relative-error) unless listed in --categorical (integer
        codes, ids); null is a category of its own unless --drop-nulls. With --weight COL each row
        counts as its weight (pre-aggregated counts, sampling weights): n is then the total
        weight, and ami is left null unless every weight is a whole count.

        The result is the tidy table col_a, col_b, n, h_a, h_b, h_ab (entropies), mi, nmi
        (normalised), ami (adjusted for chance), g (the G-test statistic 2*n*MI in nats), dof,
        p_value (G-test of independence), levels_a and levels_b (distinct values after binning),
        written with --output and ranked by --rank-by (default %s).

        How to read it: mi is the information shared, in nats, and grows with the number of levels
        even for independent columns; nmi scales it to [0, 1]; ami subtracts what chance alone
        gives (0 = no more than chance, 1 = each column determines the other), so it ranks columns
        of different cardinality fairly. Date and timestamp columns are left out unless named in
        --columns; columns with about one distinct value per row (ids) are flagged.

        --report PATH.html writes the --rank-by measure as a page to open in a browser: the
        features as a bar chart (with --target), or every pair as a heat map.

        --from-profiles reads the pair states of saved profiles (the profile job with --pairs;
        several are merged, e.g. a month of daily profiles) instead of --input: the table is the
        one of the rows they were made from, binned as the profiles bin them (--bins,
        --relative-error, --categorical, --drop-nulls and --weight do not apply).""".formatted(RANK_BY.get(0));
  }

  @Override
  public List<JobArgs.Option> options() {
    List<JobArgs.Option> o = new ArrayList<>(List.of(
        JobArgs.Option.value("input", "PATH", "input dataset (path or catalog table)"),
        JobArgs.Option.repeated("from-profiles", "PROFILE", "the pair states of saved profiles instead of --input\n"
            + "(repeat, or a glob, to merge several)"),
        JobArgs.Option.value("columns", "A,B,...", "columns to use (default: every numeric, string and boolean column;\n"
            + "date and timestamp columns only when named here)"),
        JobArgs.Option.value("target", "COL", "rank the other columns by their dependence on this one\n"
            + "(default: every pair of columns)"),
        JobArgs.Option.value("rank-by", "MEASURE", "order of the rows: " + String.join(", ", RANK_BY)
            + ";\np_value ranks the smallest first", RANK_BY.get(0)),
        JobOptions.binningOptions("bins").get(0),
        JobOptions.binningOptions("bins").get(1),
        JobArgs.Option.value("categorical", "A,B,...", "numeric columns that are codes or ids, used as categories (not binned)"),
        JobArgs.Option.flag("drop-nulls", "leave out, per pair, the rows where either column is null (default: null is a category)"),
        JobArgs.Option.value("weight", "COL", "numeric column whose value each row counts as (pre-aggregated counts);\n"
            + "a null weight counts nothing, a negative one fails the job; not a column to analyse"),
        JobArgs.Option.flag("no-ami", "leave ami NULL: skips its expected-MI term, whose cost grows with the distinct\n"
            + "level counts of the two columns (see docs/benchmarks.md)"),
        JobArgs.Option.value("top", "N", "rows of the printed table", "20"),
        ReportFile.option("report", "write the --rank-by measure as a page: a bar chart of the features\n"
            + "(with --target) or a heat map of every pair")));
    o.addAll(JobOptions.inputOptions("input"));
    o.addAll(JobOptions.outputOptions(false));
    o.addAll(JobOptions.commonOptions());
    return o;
  }

  /** --rank-by choices; the first is the default. */
  static final List<String> RANK_BY = List.of("ami", "mi", "nmi", "g", "p_value");

  /** A column with at least one distinct value per this many rows is flagged as ID-like. */
  static final double ID_LIKE_ROWS_PER_LEVEL = 2;

  /** Dates and timestamps are mostly row labels: used only when named in --columns. */
  static boolean temporal(DataType t) {
    return t instanceof DateType || t instanceof TimestampType || t instanceof TimestampNTZType;
  }

  static boolean supported(DataType t) {
    return t instanceof NumericType || t instanceof StringType || t instanceof BooleanType || t instanceof CharType
        || t instanceof VarcharType || t instanceof DateType || t instanceof TimestampType || t instanceof TimestampNTZType;
  }

  @Override
  public int run(JobContext ctx, JobArgs args) {
    if (args.has("from-profiles")) return runFromProfiles(ctx, args);
    String inputPath = args.require("input");
    int bins = JobOptions.bins(args);
    double relErr = JobOptions.relativeError(args);
    int top = args.intValue("top", 1, Integer.MAX_VALUE);
    String rankBy = args.choice("rank-by", RANK_BY);
    if (args.flag("no-ami") && rankBy.equals("ami")) {
      throw JobException.usage("--no-ami leaves ami NULL, which --rank-by ami (the default) ranks by: give --rank-by mi, nmi, g or p_value");
    }
    java.util.Map<String, String> inputs = new java.util.LinkedHashMap<>();
    inputs.put("input", inputPath);
    ReportFile report = ReportFile.requested(args, "report");
    Output output = OutputChecks.check(ctx, args, inputs, java.util.Collections.singletonList(
        Output.requested(args, "output", false)), java.util.Collections.singletonList(report))
        .stream().findFirst().orElse(null);
    var spark = ctx.spark(); // the session starts here, after the checks that need none
    String corrupt = InputReader.corruptColumn(spark, args);

    Dataset<Row> input = ctx.stage("read", () -> InputReader.read(spark, args, inputPath, "input"), d -> inputPath);
    StructType schema = input.schema();
    String target = args.has("target") ? Columns.resolveData(schema, args.get("target"), "input", corrupt) : null;
    String weight = args.has("weight") ? Columns.resolveData(schema, args.get("weight"), "input", corrupt) : null;
    if (weight != null && !(schema.apply(weight).dataType() instanceof NumericType)) {
      throw JobException.input("--weight column '" + weight + "' has type " + schema.apply(weight).dataType().simpleString()
          + ": a weight must be numeric");
    }
    if (weight != null && weight.equals(target)) throw JobException.usage("--weight column '" + weight + "' cannot also be the --target");
    if (target != null && !supported(schema.apply(target).dataType())) {
      throw JobException.input("target column '" + target + "' has type " + schema.apply(target).dataType().simpleString()
          + ", which mutual-info cannot use (numeric, string, boolean or date columns)");
    }
    LinkedHashSet<String> columns = new LinkedHashSet<>();
    if (args.has("columns")) {
      for (String c : args.list("columns")) {
        String name = Columns.resolveData(schema, c, "input", corrupt);
        DataType t = schema.apply(name).dataType();
        if (!supported(t)) {
          throw JobException.input("column '" + name + "' has type " + t.simpleString()
              + ", which mutual-info cannot use (numeric, string, boolean or date columns)");
        }
        columns.add(name);
      }
    } else {
      List<String> skipped = new ArrayList<>();
      List<String> dates = new ArrayList<>();
      for (String f : schema.fieldNames()) {
        if (f.equalsIgnoreCase(corrupt)) {
          ctx.warn("leaving out column " + f + ": the reader's corrupt-record column (raw text of malformed rows), not data");
          continue;
        }
        DataType t = schema.apply(f).dataType();
        if (f.equals(target) || f.equals(weight)) continue;
        if (temporal(t)) dates.add(f);
        else if (supported(t)) columns.add(f);
        else skipped.add(f + " " + t.simpleString());
      }
      if (!skipped.isEmpty()) ctx.info("skipping columns of other types: " + String.join(", ", skipped));
      if (!dates.isEmpty()) {
        ctx.info("leaving out date/timestamp columns (name them in --columns to use them): " + String.join(", ", dates));
      }
    }
    if (target != null) columns.remove(target);
    if (weight != null && columns.contains(weight)) {
      throw JobException.usage("--weight column '" + weight + "' cannot also be one of --columns");
    }
    if (columns.size() < (target == null ? 2 : 1)) {
      throw JobException.usage(target == null ? "mutual-info needs at least 2 columns (or a --target and 1 column)"
          : "mutual-info needs at least 1 column besides the target");
    }

    long rows = ctx.stage("count", input::count, c -> c + " rows");
    InputReader.requireNonEmpty(rows, "input");

    List<String> all = new ArrayList<>(columns);
    if (target != null) all.add(target);
    MutualInformation mi = MutualInformation.of(input).columns(all.toArray(new String[0])).bins(bins).relativeError(relErr);
    if (target != null) mi = mi.target(target);
    if (args.has("categorical")) {
      List<String> codes = new ArrayList<>();
      for (String c : args.list("categorical")) {
        String name = Columns.resolveData(schema, c, "input", corrupt);
        if (!all.contains(name)) {
          throw JobException.usage("--categorical column '" + name + "' is not among the columns used: " + all);
        }
        codes.add(name);
      }
      mi = mi.categorical(codes.toArray(new String[0]));
    }
    mi = mi.dropNulls(args.flag("drop-nulls")).ami(!args.flag("no-ami"));
    if (weight != null) mi = mi.weight(weight);
    MutualInformation job = mi;
    StructType[] schemaOut = new StructType[1];
    List<Row> table = ctx.stage("compute", () -> {
      Dataset<Row> result = job.compute();
      schemaOut[0] = result.schema();
      return result.collectAsList();
    }, t -> t.size() + " pairs");
    StructType resultSchema = schemaOut[0];
    return finish(ctx, args, table, resultSchema, target, columns, rows, "numeric columns in " + bins + " quantile bins", report, output);
  }

  /** --from-profiles: the pairs of merged saved profiles, through {@link MutualInformation#fromStates}. */
  private int runFromProfiles(JobContext ctx, JobArgs args) {
    if (args.has("input")) throw JobException.usage("give --input or --from-profiles, not both");
    for (String flag : List.of("bins", "relative-error", "categorical", "drop-nulls", "no-ami", "weight")) {
      if (args.has(flag)) throw JobException.usage("--" + flag + " does not apply to --from-profiles: the profiles were binned when made");
    }
    String rankBy = args.choice("rank-by", RANK_BY);
    java.util.Map<String, String> inputs = new java.util.LinkedHashMap<>();
    ProfileInput.addInputs(inputs, args, "from-profiles");
    ReportFile report = ReportFile.requested(args, "report");
    Output output = OutputChecks.check(ctx, args, inputs, java.util.Collections.singletonList(
        Output.requested(args, "output", false)), java.util.Collections.singletonList(report))
        .stream().findFirst().orElse(null);
    args.choice("rank-by", RANK_BY);
    var spark = ctx.spark();
    Dataset<Row> pairs = ctx.stage("read", () -> ProfileInput.read(spark, args.all("from-profiles"), "from-profiles")
        .where("kind = 'pair'"), d -> String.join(", ", args.all("from-profiles")));
    String target = args.get("target");
    List<String> named = args.has("columns") ? args.list("columns") : null;
    LinkedHashSet<String> columns = new LinkedHashSet<>();
    for (Row r : pairs.select("col_a", "col_b").distinct().collectAsList()) {
      for (int i = 0; i < 2; i++) columns.add(r.getString(i));
    }
    if (columns.isEmpty()) throw JobException.input("the profiles have no pair states: make them with profile --pairs");
    if (target != null && !columns.contains(target)) {
      throw JobException.input("target column '" + target + "' is not among the profiles' pairs: " + columns);
    }
    if (named != null) {
      for (String c : named) {
        if (!columns.contains(c)) throw JobException.input("column '" + c + "' is not among the profiles' pairs: " + columns);
      }
      columns.retainAll(new LinkedHashSet<>(named));
      if (target != null) columns.add(target);
    }
    java.util.Set<String> keep = new java.util.HashSet<>(columns);
    Dataset<Row> chosen = pairs.filter((org.apache.spark.api.java.function.FilterFunction<Row>) r -> {
      String a = r.getAs("col_a");
      String b = r.getAs("col_b");
      return keep.contains(a) && keep.contains(b) && (target == null || target.equals(a) || target.equals(b));
    });
    if (target != null) columns.remove(target);
    StructType[] schemaOut = new StructType[1];
    List<Row> table = ctx.stage("compute", () -> {
      try {
        Dataset<Row> result = MutualInformation.fromStates(chosen, Math.E);
        schemaOut[0] = result.schema();
        return result.collectAsList();
      } catch (IllegalArgumentException e) {
        throw JobException.input(e.getMessage());
      }
    }, t -> t.size() + " pairs");
    if (table.isEmpty()) throw JobException.input("no pair of the profiles is among the columns asked for");
    long rows = ((Number) table.get(0).get(schemaOut[0].fieldIndex("n"))).longValue();
    return finish(ctx, args, table, schemaOut[0], target, columns, rows, "binned as the profiles bin them", report, output);
  }

  /** Ranks, writes, draws and prints the tidy table: the same for rows and for profiles. */
  private int finish(JobContext ctx, JobArgs args, List<Row> table, StructType resultSchema, String target,
      LinkedHashSet<String> columns, long rows, String binning, ReportFile report, Output output) {
    var spark = ctx.spark();
    int top = args.intValue("top", 1, Integer.MAX_VALUE);
    String rankBy = args.choice("rank-by", RANK_BY);
    List<Row> sorted = new ArrayList<>(table);
    sorted.sort(ranking(resultSchema, rankBy));

    if (output != null) {
      ctx.stage("write", () -> OutputWriter.write(spark.createDataFrame(sorted, resultSchema), output, true));
    }

    List<String> notes = notes(sorted, resultSchema);
    String rankedBy = rankBy.equals("ami") ? "ami (mi adjusted for chance: 0 = independent, 1 = identical)" : rankBy;
    if (report != null) {
      String about = String.format(Locale.ROOT, "%,d rows; %s; mi in nats; %s", rows, binning,
          target == null ? "blank: the diagonal, pairs with a constant column, pairs without a value" : "ranked by " + rankedBy);
      MutualInfoReport page = htmlReport(sorted, resultSchema, target, new ArrayList<>(columns), rankBy, prepend(about, notes));
      ctx.stage("report", () -> report.write(ctx, HtmlReport.render(page)));
    }

    var out = ctx.out();
    out.println();
    out.printf(Locale.ROOT, "Mutual information (nats) %s, %d rows, %s; ranked by %s%n",
        target == null ? "between " + columns.size() + " columns (" + sorted.size() + " pairs)"
            : "of " + columns.size() + " column(s) with target " + target, rows, binning, rankedBy);
    List<String> shownCols = new ArrayList<>();
    for (String c : List.of("col_a", "col_b", "n", "h_a", "h_b", "h_ab", "mi", "nmi", "ami", "g", "dof", "p_value")) {
      if (List.of(resultSchema.fieldNames()).contains(c)) shownCols.add(c);
    }
    TextTable t = new TextTable(prepend("rank", shownCols));
    int rank = 0;
    for (Row r : sorted) {
      if (rank >= top) break;
      Object[] cells = new Object[shownCols.size() + 1];
      cells[0] = ++rank;
      for (int i = 0; i < shownCols.size(); i++) cells[i + 1] = r.get(resultSchema.fieldIndex(shownCols.get(i)));
      t.row(cells);
    }
    out.print(t.render());
    if (sorted.size() > top) out.println("(" + (sorted.size() - top) + " more pairs" + (output != null ? " in the output" : "") + ")");
    for (String line : notes) out.println(line);
    if (output != null) out.println("Written to " + output.location() + " (" + output.format() + ")");
    if (report != null) out.println("Report written to " + report.location());
    out.print(ctx.timings());
    return 0;
  }

  /**
   * Descending by the measure (p_value ascending), NULLs last; ties by mi, then by the names. Pairs
   * with a constant side come last whatever their scores: scikit-learn's convention gives two
   * constant columns NMI = AMI = 1, which says nothing about dependence.
   */
  static Comparator<Row> ranking(StructType schema, String rankBy) {
    int at = schema.fieldIndex(rankBy);
    int mi = schema.fieldIndex("mi");
    int la = schema.fieldIndex("levels_a");
    int lb = schema.fieldIndex("levels_b");
    boolean ascending = rankBy.equals("p_value");
    Comparator<Row> informative = Comparator.comparing((Row r) -> r.getLong(la) <= 1 || r.getLong(lb) <= 1);
    Comparator<Row> byMeasure = (a, b) -> {
      if (a.isNullAt(at) || b.isNullAt(at)) return Boolean.compare(a.isNullAt(at), b.isNullAt(at));
      int c = Double.compare(a.getDouble(at), b.getDouble(at));
      return ascending ? c : -c;
    };
    Comparator<Row> byMi = (a, b) -> a.isNullAt(mi) || b.isNullAt(mi) ? Boolean.compare(a.isNullAt(mi), b.isNullAt(mi))
        : -Double.compare(a.getDouble(mi), b.getDouble(mi));
    return informative.thenComparing(byMeasure).thenComparing(byMi).thenComparing((Row r) -> r.getString(0))
        .thenComparing((Row r) -> r.getString(1));
  }

  /**
   * The page of {@code --report}: with a target, its features in the table's order with their
   * {@code rankBy} value; else {@code rankBy} between every two of {@code columns}, symmetric, NaN
   * on the diagonal, where the table has no value (NULL) and for a pair with a constant side
   * (two constant columns score NMI = AMI = 1, which would be the darkest cells of the map).
   */
  static MutualInfoReport htmlReport(List<Row> sorted, StructType schema, String target, List<String> columns,
      String rankBy, List<String> notes) {
    int at = schema.fieldIndex(rankBy);
    int a = schema.fieldIndex("col_a");
    int b = schema.fieldIndex("col_b");
    int la = schema.fieldIndex("levels_a");
    int lb = schema.fieldIndex("levels_b");
    if (target != null) {
      List<MutualInfoReport.Ranked> ranked = new ArrayList<>();
      for (Row r : sorted) {
        String feature = target.equals(r.getString(a)) ? r.getString(b) : r.getString(a);
        ranked.add(new MutualInfoReport.Ranked(feature, value(r, at)));
      }
      return MutualInfoReport.ranking("Mutual information with target " + target, rankBy, ranked, notes);
    }
    java.util.Map<String, Integer> index = new java.util.HashMap<>();
    for (String c : columns) index.put(c, index.size());
    double[][] m = new double[columns.size()][columns.size()];
    for (double[] row : m) java.util.Arrays.fill(row, Double.NaN);
    for (Row r : sorted) {
      Integer i = index.get(r.getString(a));
      Integer j = index.get(r.getString(b));
      if (i != null && j != null && !i.equals(j)) {
        m[i][j] = r.getLong(la) <= 1 || r.getLong(lb) <= 1 ? Double.NaN : value(r, at);
        m[j][i] = m[i][j];
      }
    }
    return MutualInfoReport.matrix("Mutual information between " + columns.size() + " columns", rankBy, columns, m, notes);
  }

  private static double value(Row r, int at) {
    return r.isNullAt(at) ? Double.NaN : ((Number) r.get(at)).doubleValue();
  }

  /**
   * One line per column whose levels come close to its rows (its MI is high by construction) or
   * that has a single level (after binning: nothing to measure).
   */
  static List<String> notes(List<Row> table, StructType schema) {
    java.util.Map<String, String> flagged = new java.util.LinkedHashMap<>();
    int n = schema.fieldIndex("n");
    for (Row r : table) {
      // with --weight, n is the total weight: levels compare with it only when it counts rows
      double total = ((Number) r.get(n)).doubleValue();
      boolean counts = total == Math.rint(total);
      long rows = (long) total;
      for (String side : new String[] {"a", "b"}) {
        String col = r.getString(schema.fieldIndex("col_" + side));
        long levels = r.getLong(schema.fieldIndex("levels_" + side));
        if (total == 0 || flagged.containsKey(col)) continue;
        if (levels == 1) {
          flagged.put(col, "Constant column " + col + ": one level in " + (counts ? rows + " rows" : "a total weight of " + total)
              + " (a numeric column that is"
              + " mostly one value falls into one quantile bin: try --categorical); its pairs are ranked last, their"
              + " scores carry no information");
        } else if (counts && levels * ID_LIKE_ROWS_PER_LEVEL >= rows) {
          flagged.put(col, String.format(Locale.ROOT, "ID-like column %s: %d distinct values in %d rows; its mi and nmi"
              + " are high by construction (ami and p_value correct for that; --columns to leave it out)", col, levels, rows));
        }
      }
    }
    return new ArrayList<>(flagged.values());
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> l = new ArrayList<>();
    l.add(first);
    l.addAll(rest);
    return l;
  }
}
