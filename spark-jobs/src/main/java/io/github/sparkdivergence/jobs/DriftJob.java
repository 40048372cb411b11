package io.github.sparkdivergence.jobs;

import io.github.sparkdivergence.math.DistributionMeasure;
import io.github.sparkdivergence.spark.QuantileBinning;
import io.github.sparkdivergence.spark.ScalaSeqs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.CharType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.types.VarcharType;

/**
 * Per-column distribution drift between a reference and a current dataset: KL both ways,
 * Jensen-Shannon divergence and distance, PSI, and the categories seen on one side only.
 *
 * <p>Categorical columns compare category counts over the union of categories; numeric columns are
 * bucketed with quantile splits fitted on the reference ({@link QuantileBinning}: QuantileDiscretizer's
 * splits, one bucket for a column with no usable value) and applied to both
 * sides (Bucketizer, outer splits -inf/+inf so out-of-range values land in the end buckets); null
 * (and NaN for numbers) is a category of its own. All counts come from ONE Spark aggregation over
 * (side, column, value) pairs; the small per-column vectors are compared on the driver with the
 * math core.
 *
 * <p>Smoothing: {@code p~_i = (p_i + eps) / (1 + K * eps)} over the K categories of the union, for
 * both sides. PSI = sum (cur~_i - ref~_i) * ln(cur~_i / ref~_i) on the smoothed proportions, which
 * equals KL(ref~||cur~) + KL(cur~||ref~) in nats. The {@code *_raw} columns are the same measures
 * without smoothing (+Infinity when a category is missing on one side). Hellinger distance, total
 * variation and L-infinity distance (TFDV's measure for categorical drift) are bounded by 1 and
 * computed on the raw proportions.
 */
public final class DriftJob implements Job {

  static final List<String> METRICS = List.of("kl_ref_cur", "kl_cur_ref", "js_divergence", "js_distance", "psi",
      "kl_ref_cur_raw", "kl_cur_ref_raw", "js_divergence_raw", "js_distance_raw", "psi_raw",
      DistributionMeasure.HELLINGER_DISTANCE.sqlName(), DistributionMeasure.TOTAL_VARIATION.sqlName(),
      DistributionMeasure.LINF_DISTANCE.sqlName());
  /** Bounded measures, finite without smoothing: computed on the raw proportions only. */
  private static final List<DistributionMeasure> BOUNDED = List.of(DistributionMeasure.HELLINGER_DISTANCE,
      DistributionMeasure.TOTAL_VARIATION, DistributionMeasure.LINF_DISTANCE);

  /**
   * The output schemas, built on first use: Spark 4's StringType starts its ICU collations (~0.2 s),
   * which Main's list of jobs would otherwise pay on every start, a mistake reported before the
   * session included.
   */
  static final class Schemas {
    static final StructType SCHEMA = withMetrics(new StructType()
        .add("column", DataTypes.StringType, false)
        .add("kind", DataTypes.StringType, false)
        .add("n_ref", DataTypes.LongType, false)
        .add("n_cur", DataTypes.LongType, false)
        .add("categories", DataTypes.IntegerType, false))
        .add("only_in_ref", DataTypes.createArrayType(DataTypes.StringType, true), false)
        .add("only_in_cur", DataTypes.createArrayType(DataTypes.StringType, true), false)
        // NULL when no --threshold was given: no verdict, as the printed "-" says
        .add("drifted", DataTypes.BooleanType, true);

    /** --categories-output: the counts behind the metrics, one row per (column, category). */
    static final StructType CATEGORY_SCHEMA = new StructType()
        .add("column", DataTypes.StringType, false)
        .add("category", DataTypes.StringType, true)
        .add("bucket", DataTypes.IntegerType, true)
        .add("lower", DataTypes.DoubleType, true)
        .add("upper", DataTypes.DoubleType, true)
        .add("n_ref", DataTypes.LongType, false)
        .add("n_cur", DataTypes.LongType, false)
        .add("p_ref", DataTypes.DoubleType, false)
        .add("p_cur", DataTypes.DoubleType, false);

    /** {@code head} followed by one non-null double column per metric, in {@link #METRICS} order. */
    private static StructType withMetrics(StructType head) {
      StructType t = head;
      for (String m : METRICS) t = t.add(m, DataTypes.DoubleType, false);
      return t;
    }

    private Schemas() {}
  }

  @Override public String name() { return "drift"; }
  @Override public String summary() { return "per-column drift (KL, JS, PSI) between a reference and a current dataset"; }
  @Override public String synopsis() {
    return "(--reference PATH --current PATH | --input PATH --reference-filter EXPR --current-filter EXPR) [options]";
  }

  @Override
  public String description() {
    return """
        Compares each column's distribution in a reference and a current dataset and reports
        KL(ref||cur), KL(cur||ref), Jensen-Shannon divergence and distance, PSI, n_ref, n_cur and the
        categories seen on one side only, one row per column.

        Categorical columns (string, boolean, or any column named in --categorical) are compared as
        counts over the union of their categories. Numeric columns are bucketed with --bins quantile
        splits fitted on the reference and applied to both sides; values outside the reference
        range fall into the end buckets. Null (and NaN) is a category of its own.

        Smoothing: p~ = (p + eps) / (1 + K*eps) over the K categories of the union, on both sides.
        PSI = sum (cur~ - ref~) * ln(cur~ / ref~) on the smoothed proportions (always natural log);
        KL and JS use --base. The *_raw columns are unsmoothed (+inf when a category is missing on
        one side). With --threshold metric=value the job exits with status 3 and names the columns
        whose metric is above the value (the output is still written).""";
  }

  @Override
  public List<JobArgs.Option> options() {
    List<JobArgs.Option> o = new ArrayList<>(List.of(
        JobArgs.Option.value("reference", "PATH", "reference dataset (path or catalog table)"),
        JobArgs.Option.value("current", "PATH", "current dataset (path or catalog table)"),
        JobArgs.Option.value("input", "PATH", "one dataset split by --reference-filter and --current-filter"),
        JobArgs.Option.value("reference-filter", "EXPR", "SQL condition selecting the reference rows (with --input,\n"
            + "or applied to --reference); Spark SQL with the job's rights: any function\n"
            + "the session allows, reflect/java_method included"),
        JobArgs.Option.value("current-filter", "EXPR", "SQL condition selecting the current rows (with --input,\n"
            + "or applied to --current)"),
        JobArgs.Option.value("columns", "A,B,...", "columns to compare (default: every numeric, string and boolean column;\n"
            + "others are skipped with a note)"),
        JobArgs.Option.value("categorical", "A,B,...", "treat these columns as categorical even if numeric (or date)"),
        JobArgs.Option.value("bins", "N", "quantile buckets for numeric columns",
            String.valueOf(QuantileBinning.DEFAULT_BINS)),
        JobArgs.Option.value("relative-error", "X", "relative error of the quantiles, 0 for exact",
            String.valueOf(QuantileBinning.DEFAULT_RELATIVE_ERROR)),
        JobArgs.Option.value("eps", "X", "additive smoothing of the proportions", "1e-4"),
        JobArgs.Option.value("base", "B", "logarithm base of KL and JS: e, 2, 10, ...; base 2 puts js_distance\n"
            + "in [0, 1]", "e"),
        JobArgs.Option.repeated("threshold", "METRIC=VALUE", "exit 3 and name the columns whose metric exceeds VALUE;\n"
            + "metrics: " + String.join(", ", METRICS.subList(0, 5)) + ",\n"
            + "the same with _raw (unsmoothed), " + String.join(", ", METRICS.subList(10, METRICS.size())) + ";\n"
            + "one value per metric: a metric given twice is a usage error"),
        JobArgs.Option.value("categories-output", "PATH", "also write the per-category counts and proportions (column,\n"
            + "category, bucket, lower, upper, n_ref, n_cur, p_ref, p_cur); same --output-format/--mode;\n"
            + "must not be, contain or lie inside --output or an input"),
        JobArgs.Option.value("max-categories", "N", "refuse columns with more categories than this", "10000"),
        JobArgs.Option.value("top", "N", "rows of the printed table", "50")));
    o.addAll(JobOptions.inputOptions("input"));
    o.addAll(JobOptions.outputOptions(false));
    o.addAll(JobOptions.commonOptions());
    return o;
  }

  private enum Kind { NUMERIC, CATEGORICAL }

  private record Spec(String name, Kind kind) {}

  /** Per-column result, also one output row. */
  record Result(String column, String kind, long nRef, long nCur, int categories, double[] metrics,
      List<String> onlyInRef, List<String> onlyInCur, List<String> reasons, List<Row> categoryRows) {
    double metric(String name) { return metrics[METRICS.indexOf(name)]; }

    /** The row of {@link Schemas#SCHEMA}; {@code drifted} is {@link Settings#drifted}. */
    Row row(Boolean drifted) {
      Object[] v = new Object[Schemas.SCHEMA.size()];
      int i = 0;
      v[i++] = column;
      v[i++] = kind;
      v[i++] = nRef;
      v[i++] = nCur;
      v[i++] = categories;
      for (double m : metrics) v[i++] = m;
      v[i++] = ScalaSeqs.asScala(onlyInRef);
      v[i++] = ScalaSeqs.asScala(onlyInCur);
      v[i] = drifted;
      return RowFactory.create(v);
    }
  }

  /** The flags that shape the comparison and its report, checked before the session starts. */
  private record Settings(int bins, double relErr, double eps, double base, int maxCategories, int top,
      Map<String, Double> thresholds) {
    static Settings parse(JobArgs args) {
      int bins = args.intValue("bins", 2, 10_000);
      double relErr = args.doubleValue("relative-error", 0, false, 1);
      double eps = args.doubleValue("eps", 0, false, 1);
      double base = args.base("base");
      int maxCategories = args.intValue("max-categories", 1, Integer.MAX_VALUE);
      int top = args.intValue("top", 1, Integer.MAX_VALUE);
      return new Settings(bins, relErr, eps, base, maxCategories, top, parseThresholds(args));
    }

    /** Null without --threshold: no verdict, rather than "not drifted". */
    Boolean drifted(Result r) { return thresholds.isEmpty() ? null : !r.reasons().isEmpty(); }
  }

  /** The two datasets compared, each with its filter applied. */
  private record Sides(Dataset<Row> ref, Dataset<Row> cur) {}

  /** --output and --categories-output after {@link OutputChecks#check}; null when not given. */
  private record Outputs(Output results, Output categories) {
    static Outputs check(JobContext ctx, JobArgs args, Map<String, String> inputs) {
      Output results = Output.requested(args, "output", false);
      Output categories = Output.requested(args, "categories-output", false);
      List<Output> checked = OutputChecks.check(ctx, args, inputs, Arrays.asList(results, categories));
      return new Outputs(results == null ? null : checked.get(0),
          categories == null ? null : checked.get(checked.size() - 1));
    }
  }

  @Override
  public int run(JobContext ctx, JobArgs args) {
    Settings settings = Settings.parse(args);
    Map<String, String> inputs = inputs(args);
    Outputs outputs = Outputs.check(ctx, args, inputs);
    SparkSession spark = ctx.spark(); // the session starts here, after the checks that need none

    Sides sides = read(ctx, spark, args);
    List<Spec> specs = columns(ctx, args, sides.ref().schema(), sides.cur().schema());
    long[] n = count(ctx, specs, sides);
    // fit splits on the reference, then one aggregation over both sides
    List<Result> results = ctx.stage("compute", () -> compute(ctx, specs, sides.ref(), sides.cur(), n, settings),
        r -> r.size() + " columns");

    write(ctx, spark, results, settings, outputs);
    print(ctx, results, n, settings, outputs.results());
    requireNoDrift(results);
    return 0;
  }

  /** --threshold metric=value pairs: metric (lower case) -> value. */
  private static Map<String, Double> parseThresholds(JobArgs args) {
    Map<String, Double> thresholds = new LinkedHashMap<>();
    for (String kv : args.all("threshold")) {
      Map.Entry<String, String> t = JobArgs.pair("threshold", kv);
      String m = t.getKey().toLowerCase(Locale.ROOT);
      if (!METRICS.contains(m)) {
        throw JobException.usage("--threshold metric must be one of " + String.join(", ", METRICS) + " but was '" + t.getKey() + "'");
      }
      if (thresholds.containsKey(m)) {
        throw JobException.usage("--threshold given twice for metric " + m + " (" + m + "=" + TextTable.num(thresholds.get(m))
            + " and " + kv.trim() + "): give one value per metric");
      }
      double v;
      try {
        v = Double.parseDouble(t.getValue().trim());
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
      if (!(v >= 0)) throw JobException.usage("--threshold " + t.getKey() + " needs a number >= 0 but was '" + t.getValue() + "'");
      thresholds.put(m, v);
    }
    return thresholds;
  }

  private static boolean twoInputs(JobArgs args) { return args.has("reference") || args.has("current"); }

  /** The input flags given (option name -> location), after checking they form one of the two forms. */
  private static Map<String, String> inputs(JobArgs args) {
    boolean twoInputs = twoInputs(args);
    if (twoInputs == args.has("input")) {
      throw JobException.usage("give either --reference and --current, or --input with --reference-filter and --current-filter");
    }
    if (twoInputs && !(args.has("reference") && args.has("current"))) {
      throw JobException.usage("--reference and --current go together");
    }
    if (!twoInputs && !(args.has("reference-filter") && args.has("current-filter"))) {
      throw JobException.usage("--input needs --reference-filter and --current-filter");
    }
    Map<String, String> inputs = new LinkedHashMap<>();
    for (String flag : List.of("reference", "current", "input")) if (args.has(flag)) inputs.put(flag, args.get(flag));
    return inputs;
  }

  private static Sides read(JobContext ctx, SparkSession spark, JobArgs args) {
    boolean twoInputs = twoInputs(args);
    return ctx.stage("read", () -> {
      Dataset<Row> r;
      Dataset<Row> c;
      if (twoInputs) {
        r = InputReader.read(spark, args, args.get("reference"), "reference");
        c = InputReader.read(spark, args, args.get("current"), "current");
      } else {
        r = InputReader.read(spark, args, args.get("input"), "input");
        c = r;
      }
      return new Sides(filter(r, args.get("reference-filter"), "reference-filter"),
          filter(c, args.get("current-filter"), "current-filter"));
    }, d -> twoInputs ? args.get("reference") + " vs " + args.get("current") : args.get("input"));
  }

  /**
   * {reference rows, current rows, then per spec the reference's usable (non-null, non-NaN) values
   * of a numeric column}: a column without any gets one bucket (QuantileBinning), and a warning in
   * {@link #compute}. Both sides must have rows.
   */
  private static long[] count(JobContext ctx, List<Spec> specs, Sides sides) {
    Dataset<Row> ref = sides.ref();
    long[] n = ctx.stage("count", () -> {
      List<Column> aggs = new ArrayList<>(List.of(functions.count(functions.lit(1))));
      for (Spec s : specs) {
        Column c = Columns.col(Columns.resolve(ref.schema(), s.name(), "reference")).cast(DataTypes.DoubleType);
        aggs.add(s.kind() == Kind.NUMERIC ? functions.count(functions.when(c.isNotNull().and(functions.not(functions.isnan(c))), 1))
            : functions.lit(0L));
      }
      Row r = ref.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
      long[] counts = new long[specs.size() + 2];
      counts[0] = r.getLong(0);
      counts[1] = sides.cur().count();
      for (int i = 0; i < specs.size(); i++) counts[i + 2] = r.getLong(i + 1);
      return counts;
    }, c -> "reference " + c[0] + " rows, current " + c[1] + " rows");
    InputReader.requireNonEmpty(n[0], "reference");
    InputReader.requireNonEmpty(n[1], "current");
    return n;
  }

  private static void write(JobContext ctx, SparkSession spark, List<Result> results, Settings settings,
      Outputs outputs) {
    if (outputs.results() != null) {
      List<Row> rows = new ArrayList<>();
      for (Result r : results) rows.add(r.row(settings.drifted(r)));
      ctx.stage("write", () -> OutputWriter.write(spark.createDataFrame(rows, Schemas.SCHEMA), outputs.results(), true));
    }
    if (outputs.categories() != null) {
      List<Row> rows = new ArrayList<>();
      for (Result r : results) rows.addAll(r.categoryRows());
      ctx.stage("write categories", () -> OutputWriter.write(spark.createDataFrame(rows, Schemas.CATEGORY_SCHEMA),
          outputs.categories(), true));
    }
  }

  /** Exit status 3 when a column is over a --threshold: after the outputs are written and the table printed. */
  private static void requireNoDrift(List<Result> results) {
    List<String> drifted = new ArrayList<>();
    for (Result r : results) {
      if (!r.reasons().isEmpty()) drifted.add(r.column() + " (" + String.join(", ", r.reasons()) + ")");
    }
    if (!drifted.isEmpty()) {
      throw new JobException(JobException.DRIFT, "drift detected in " + drifted.size() + " of " + results.size()
          + " column(s): " + String.join("; ", drifted));
    }
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

  static boolean isNumeric(DataType t) { return t instanceof NumericType; }

  static boolean isCategorical(DataType t) {
    return t instanceof StringType || t instanceof BooleanType || t instanceof CharType || t instanceof VarcharType;
  }

  static boolean isCastableToCategorical(DataType t) {
    return isNumeric(t) || isCategorical(t) || t instanceof DateType || t instanceof TimestampType
        || t instanceof TimestampNTZType;
  }

  private List<Spec> columns(JobContext ctx, JobArgs args, StructType refSchema, StructType curSchema) {
    List<String> requested = args.list("columns");
    String corrupt = InputReader.corruptColumn(ctx.spark(), args);
    Set<String> categorical = new LinkedHashSet<>();
    for (String c : args.list("categorical")) categorical.add(Columns.resolveData(refSchema, c, "reference", corrupt));
    List<Spec> specs = new ArrayList<>();
    if (requested.isEmpty()) {
      List<String> skipped = new ArrayList<>();
      for (String name : refSchema.fieldNames()) {
        if (name.equalsIgnoreCase(corrupt)) {
          ctx.warn("leaving out column " + name + ": the reader's corrupt-record column (raw text of malformed rows), not data");
          continue;
        }
        DataType t = refSchema.apply(name).dataType();
        boolean forced = categorical.contains(name);
        if (!(isNumeric(t) || isCategorical(t) || (forced && isCastableToCategorical(t)))) {
          skipped.add(name + " " + t.simpleString());
          continue;
        }
        specs.add(spec(name, refSchema, curSchema, forced));
      }
      if (!skipped.isEmpty()) ctx.info("skipping columns of other types (name them in --categorical to compare): " + String.join(", ", skipped));
      if (specs.isEmpty()) throw JobException.input("reference has no numeric, string or boolean column to compare");
    } else {
      Set<String> seen = new LinkedHashSet<>();
      for (String c : requested) {
        String name = Columns.resolveData(refSchema, c, "reference", corrupt);
        if (seen.add(name)) specs.add(spec(name, refSchema, curSchema, categorical.contains(name)));
      }
      for (String c : categorical) {
        if (!seen.contains(c)) throw JobException.usage("--categorical column '" + c + "' is not among --columns");
      }
    }
    return specs;
  }

  private static Spec spec(String name, StructType refSchema, StructType curSchema, boolean forced) {
    DataType rt = refSchema.apply(name).dataType();
    String curName = Columns.resolve(curSchema, name, "current");
    DataType ct = curSchema.apply(curName).dataType();
    if (forced) {
      if (!isCastableToCategorical(rt) || !isCastableToCategorical(ct)) {
        throw JobException.input("column '" + name + "' has type " + rt.simpleString()
            + ", which drift cannot compare as categories");
      }
      return new Spec(name, Kind.CATEGORICAL);
    }
    if (isNumeric(rt)) {
      if (!isNumeric(ct)) {
        throw JobException.input("column '" + name + "' is " + rt.simpleString() + " in the reference but "
            + ct.simpleString() + " in the current dataset");
      }
      return new Spec(name, Kind.NUMERIC);
    }
    if (isCategorical(rt)) {
      if (!isCastableToCategorical(ct)) {
        throw JobException.input("column '" + name + "' is " + rt.simpleString() + " in the reference but "
            + ct.simpleString() + " in the current dataset");
      }
      return new Spec(name, Kind.CATEGORICAL);
    }
    throw JobException.input("column '" + name + "' has type " + rt.simpleString()
        + ", which drift cannot compare (numeric, string or boolean columns; --categorical for dates)");
  }

  private static List<Result> compute(JobContext ctx, List<Spec> specs, Dataset<Row> ref, Dataset<Row> cur, long[] n,
      Settings settings) {
    int k = specs.size();
    Dataset<Row> refP = prepare(ref, specs);
    Dataset<Row> curP = prepare(cur, specs);
    List<Integer> numeric = new ArrayList<>();
    double[][] splits = new double[k][];
    for (int i = 0; i < k; i++) {
      if (specs.get(i).kind() != Kind.NUMERIC) continue;
      numeric.add(i);
      if (n[i + 2] == 0) {
        ctx.warn("column " + specs.get(i).name() + " has no non-null value in the reference: one split at 0");
      }
    }
    if (!numeric.isEmpty()) {
      String[] in = numeric.stream().map(i -> "c" + i).toArray(String[]::new);
      String[] outCols = numeric.stream().map(i -> "b" + i).toArray(String[]::new);
      // QuantileDiscretizer's splits; a column with no usable reference value gets the one split 0
      double[][] fitted = QuantileBinning.fit(refP, Arrays.asList(in), settings.bins(), settings.relErr());
      for (int j = 0; j < numeric.size(); j++) splits[numeric.get(j)] = fitted[j];
      Bucketizer bucketizer = new Bucketizer().setInputCols(in).setOutputCols(outCols)
          .setSplitsArray(numeric.stream().map(i -> splits[i]).toArray(double[][]::new)).setHandleInvalid("keep");
      refP = bucketizer.transform(refP);
      curP = bucketizer.transform(curP);
      for (int i : numeric) ctx.info("buckets of " + specs.get(i).name() + ": " + Arrays.toString(splits[i]));
    }

    // counts[i]: category key -> {ref count, cur count}; key null = SQL NULL
    List<Map<String, long[]>> counts = new ArrayList<>();
    for (int i = 0; i < k; i++) counts.add(new HashMap<>());
    Dataset<Row> agg = pairs(refP, specs, 0).union(pairs(curP, specs, 1)).groupBy("c", "v").agg(
        functions.sum(functions.when(functions.col("side").equalTo(0), 1L).otherwise(0L)).as("n_ref"),
        functions.sum(functions.when(functions.col("side").equalTo(1), 1L).otherwise(0L)).as("n_cur"));
    Iterator<Row> it = agg.toLocalIterator();
    long collected = 0;
    while (it.hasNext()) {
      Row r = it.next();
      int c = r.getInt(0);
      String v = r.isNullAt(1) ? null : r.getString(1);
      Map<String, long[]> m = counts.get(c);
      m.put(v, new long[] {r.getLong(2), r.getLong(3)});
      collected++;
      if (m.size() > settings.maxCategories()) {
        throw JobException.input("column '" + specs.get(c).name() + "' has more than " + settings.maxCategories()
            + " categories (raise --max-categories, or leave it out with --columns)");
      }
    }
    ctx.info("collected " + collected + " (column, category) counts from one aggregation");

    List<Result> results = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      results.add(compare(specs.get(i), splits[i], counts.get(i), n, settings));
    }
    return results;
  }

  /** Columns renamed c0..c{k-1}: numeric ones as double, categorical ones as string. */
  private static Dataset<Row> prepare(Dataset<Row> df, List<Spec> specs) {
    Column[] cols = new Column[specs.size()];
    for (int i = 0; i < cols.length; i++) {
      Spec s = specs.get(i);
      String actual = Columns.resolve(df.schema(), s.name(), "input");
      cols[i] = Columns.col(actual).cast(s.kind() == Kind.NUMERIC ? DataTypes.DoubleType : DataTypes.StringType).as("c" + i);
    }
    return df.select(cols);
  }

  /** (side, c, v) for every row and column: v is the category (bucket index for numeric columns). */
  private static Dataset<Row> pairs(Dataset<Row> df, List<Spec> specs, int side) {
    Column[] structs = new Column[specs.size()];
    for (int i = 0; i < structs.length; i++) {
      Column v = specs.get(i).kind() == Kind.NUMERIC
          ? functions.col("b" + i).cast(DataTypes.IntegerType).cast(DataTypes.StringType)
          : functions.col("c" + i);
      structs[i] = functions.struct(functions.lit(i).as("c"), v.as("v"));
    }
    return df.select(functions.explode(functions.array(structs)).as("kv"))
        .select(functions.lit(side).as("side"), functions.col("kv.c").as("c"), functions.col("kv.v").as("v"));
  }

  private static Result compare(Spec spec, double[] splits, Map<String, long[]> counts, long[] n, Settings settings) {
    List<String> keys = new ArrayList<>(counts.keySet());
    if (spec.kind() == Kind.NUMERIC) {
      keys.sort(Comparator.nullsLast(Comparator.comparingInt(Integer::parseInt)));
    } else {
      keys.sort(Comparator.<String, Long>comparing(key -> -counts.get(key)[0])
          .thenComparing(key -> -counts.get(key)[1])
          .thenComparing(Comparator.nullsLast(Comparator.<String>naturalOrder())));
      // null last whatever its count
      if (keys.remove(null)) keys.add(null);
    }
    int kk = keys.size();
    double[] p = new double[kk];
    double[] q = new double[kk];
    long sumRef = 0;
    long sumCur = 0;
    List<String> onlyRef = new ArrayList<>();
    List<String> onlyCur = new ArrayList<>();
    for (int i = 0; i < kk; i++) {
      long[] c = counts.get(keys.get(i));
      sumRef += c[0];
      sumCur += c[1];
      String label = spec.kind() == Kind.NUMERIC ? bucketLabel(keys.get(i), splits) : keys.get(i);
      if (c[1] == 0) onlyRef.add(label);
      if (c[0] == 0) onlyCur.add(label);
    }
    if (sumRef != n[0] || sumCur != n[1]) {
      throw new IllegalStateException("counts of " + spec.name() + " add up to " + sumRef + "/" + sumCur
          + " rows, not " + n[0] + "/" + n[1] + " (did the input change while the job ran?)");
    }
    for (int i = 0; i < kk; i++) {
      long[] c = counts.get(keys.get(i));
      p[i] = (double) c[0] / sumRef;
      q[i] = (double) c[1] / sumCur;
    }
    List<Row> categoryRows = new ArrayList<>();
    for (int i = 0; i < kk; i++) {
      String key = keys.get(i);
      long[] c = counts.get(key);
      boolean num = spec.kind() == Kind.NUMERIC;
      Integer bucket = num && key != null ? Integer.parseInt(key) : null;
      boolean real = bucket != null && bucket < splits.length - 1;
      categoryRows.add(RowFactory.create(spec.name(), num ? bucketLabel(key, splits) : key, bucket,
          real ? splits[bucket] : null, real ? splits[bucket + 1] : null, c[0], c[1], p[i], q[i]));
    }
    double[] m = metrics(p, q, kk, settings.base(), settings.eps());
    List<String> reasons = new ArrayList<>();
    for (Map.Entry<String, Double> t : settings.thresholds().entrySet()) {
      double v = m[METRICS.indexOf(t.getKey())];
      if (v > t.getValue()) reasons.add(t.getKey() + "=" + TextTable.num(v) + " > " + TextTable.num(t.getValue()));
    }
    return new Result(spec.name(), spec.kind().name().toLowerCase(Locale.ROOT), sumRef, sumCur, kk, m, onlyRef, onlyCur, reasons,
        categoryRows);
  }

  /**
   * Every metric of {@link #METRICS}, in that order, from the proportions of the two sides: the
   * library's measures with its eps smoothing, (x_i + eps) / (1 + K * eps), and without.
   */
  static double[] metrics(double[] ref, double[] cur, int k, double base, double eps) {
    Map<String, Double> m = new HashMap<>();
    for (int raw = 0; raw < 2; raw++) {
      String suffix = raw == 1 ? "_raw" : "";
      double e = raw == 1 ? 0.0 : eps;
      m.put("kl_ref_cur" + suffix, DistributionMeasure.KL_DIV.dense(ref, cur, k, base, false, e));
      m.put("kl_cur_ref" + suffix, DistributionMeasure.KL_DIV.dense(cur, ref, k, base, false, e));
      m.put("js_divergence" + suffix, DistributionMeasure.JS_DIV.dense(ref, cur, k, base, false, e));
      m.put("js_distance" + suffix, DistributionMeasure.JS_DISTANCE.dense(ref, cur, k, base, false, e));
      // PSI = sum (cur_i - ref_i) ln(cur_i / ref_i) = KL(ref||cur) + KL(cur||ref) in nats: Jeffreys
      m.put("psi" + suffix, DistributionMeasure.JEFFREYS_DIV.dense(ref, cur, k, Math.E, false, e));
    }
    for (DistributionMeasure b : BOUNDED) m.put(b.sqlName(), b.dense(ref, cur, k, Math.E, false, 0.0));
    double[] out = new double[METRICS.size()];
    for (int i = 0; i < out.length; i++) out[i] = m.get(METRICS.get(i));
    return out;
  }

  static String bucketLabel(String key, double[] splits) {
    if (key == null) return null;
    int b = Integer.parseInt(key);
    if (b >= splits.length - 1) return "NaN";
    return (b == 0 ? "(" : "[") + TextTable.num(splits[b]) + ", " + TextTable.num(splits[b + 1]) + ")";
  }

  private static void print(JobContext ctx, List<Result> results, long[] n, Settings settings, Output output) {
    double base = settings.base();
    int top = settings.top();
    var out = ctx.out();
    out.println();
    out.printf(Locale.ROOT, "Drift of %d column(s): reference %d rows, current %d rows; numeric columns in %d quantile "
        + "buckets of the reference; eps=%s, log base %s (PSI in nats)%n", results.size(), n[0], n[1], settings.bins(),
        TextTable.num(settings.eps()), base == Math.E ? "e" : TextTable.num(base));
    TextTable t = new TextTable(List.of("column", "kind", "K", "kl_ref_cur", "kl_cur_ref", "js_divergence",
        "js_distance", "psi", "only_in_ref", "only_in_cur", "drifted"));
    int shown = 0;
    for (Result r : results) {
      if (shown++ >= top) break;
      t.row(r.column(), r.kind(), r.categories(), r.metric("kl_ref_cur"), r.metric("kl_cur_ref"),
          r.metric("js_divergence"), r.metric("js_distance"), r.metric("psi"), shortList(r.onlyInRef()),
          shortList(r.onlyInCur()), verdict(settings.drifted(r)));
    }
    out.print(t.render());
    if (results.size() > top) out.println("(" + (results.size() - top) + " more columns in the output)");
    if (output != null) out.println("Written to " + output.location() + " (" + output.format() + ")");
    out.print(ctx.timings());
  }

  private static String verdict(Boolean drifted) { return drifted == null ? "-" : drifted ? "YES" : "no"; }

  static String shortList(List<String> xs) {
    if (xs.isEmpty()) return "";
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < Math.min(3, xs.size()); i++) shown.add(xs.get(i) == null ? "NULL" : xs.get(i));
    return xs.size() + ": " + String.join(" ", shown) + (xs.size() > 3 ? " ..." : "");
  }
}
