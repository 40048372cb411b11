package io.github.sparkdivergence.jobs;

import java.util.List;
import java.util.Locale;

/**
 * The flags every job takes besides its own: reader, writer and session options, and the choices
 * and defaults they share.
 */
public final class JobOptions {
  private JobOptions() {}

  /** --input-format and --output-format choices. */
  public static final List<String> FORMATS = List.of("parquet", "csv", "json", "orc", "table");
  /** --mode choices; the first is the default. */
  public static final List<String> MODES = List.of("error", "overwrite");

  /** Most quantile bins a numeric column may be cut into (--bins). */
  public static final int MAX_BINS = 10_000;

  /** --bins and --relative-error, the quantile binning of numeric columns (drift, mutual-info, profile). */
  public static List<JobArgs.Option> binningOptions(String unit) {
    return List.of(
        JobArgs.Option.value("bins", "N", "quantile " + unit + " for numeric columns",
            String.valueOf(io.github.sparkdivergence.spark.QuantileBinning.DEFAULT_BINS)),
        JobArgs.Option.value("relative-error", "X", "relative error of the quantiles, 0 for exact",
            String.valueOf(io.github.sparkdivergence.spark.QuantileBinning.DEFAULT_RELATIVE_ERROR)));
  }

  static int bins(JobArgs args) { return args.intValue("bins", 2, MAX_BINS); }

  static double relativeError(JobArgs args) { return args.doubleValue("relative-error", 0, false, 1); }

  /** The reader / writer flags every job takes. */
  public static List<JobArgs.Option> inputOptions(String inputFlagHelp) {
    return List.of(
        JobArgs.Option.value("input-format", "FMT", "parquet, csv, json, orc or table (default: from the extension;\n"
            + "a name that is not an existing path but a catalog table is read as a table)"),
        JobArgs.Option.value("input-schema", "DDL", "schema for csv/json input, e.g. 'id INT, p ARRAY<DOUBLE>'\n"
            + "(default: csv schema inferred, json inferred; json maps need it)"),
        JobArgs.Option.repeated("option", "KEY=VALUE", "extra reader option, e.g. --option sep=';' (csv/json are read\n"
            + "with mode=FAILFAST unless --option mode=...; PERMISSIVE reads malformed\n"
            + "rows as nulls)"));
  }

  public static List<JobArgs.Option> outputOptions(boolean required) {
    return List.of(
        JobArgs.Option.value("output", "PATH", (required ? "required: " : "optional: ")
            + "where to write the result (a directory written by Spark);\n"
            + "must not be, contain or lie inside an input"),
        JobArgs.Option.value("output-format", "FMT", "parquet, csv, json, orc or table (default: from the\n"
            + "extension of --output, else parquet; table saves as a catalog table)"),
        JobArgs.Option.value("mode", "MODE", "error: fail if the output exists, unless it holds no committed\n"
            + "output (a failed run's leftover); overwrite: replace it, atomically on\n"
            + "file/hdfs/viewfs, in place elsewhere", MODES.get(0)),
        JobArgs.Option.flag("csv-neutralize-formulas", "in CSV outputs, prefix string cells starting with = + - @\n"
            + "tab or CR with a single quote (spreadsheet formula injection)"));
  }

  public static List<JobArgs.Option> commonOptions() {
    return List.of(
        JobArgs.Option.value("master", "URL", "Spark master when not started by spark-submit", "local[*]"),
        JobArgs.Option.repeated("conf", "KEY=VALUE", "Spark configuration when not started by spark-submit"),
        JobArgs.Option.flag("verbose", "print stack traces of errors"),
        JobArgs.Option.flag("help", "print this help"));
  }

  /**
   * parquet/csv/json/orc from a file or directory name (compression suffixes ignored), else null:
   * the default of --input-format and --output-format.
   */
  static String formatFromName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    while (n.endsWith("/")) n = n.substring(0, n.length() - 1);
    for (String c : List.of(".gz", ".bz2", ".snappy", ".zst", ".lz4", ".deflate", ".zstd", ".zlib")) {
      if (n.endsWith(c)) n = n.substring(0, n.length() - c.length());
    }
    if (n.endsWith(".parquet")) return "parquet";
    if (n.endsWith(".csv")) return "csv";
    if (n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".ndjson")) return "json";
    if (n.endsWith(".orc")) return "orc";
    return null;
  }
}
