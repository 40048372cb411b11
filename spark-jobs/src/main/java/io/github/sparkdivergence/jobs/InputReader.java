package io.github.sparkdivergence.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Locates and reads the jobs' inputs: Parquet, CSV (with header), JSON or ORC by path (format from
 * --input-format, the name or the data files) or a catalog table.
 */
public final class InputReader {
  private InputReader() {}

  /**
   * An input located: a catalog table ({@code format} "table", no paths), or a path with its
   * qualified form, what its glob matched and its format.
   */
  record Input(String what, String location, String format, Path qualified, FileStatus[] found) {
    boolean isTable() { return "table".equals(format); }

    /** Fails when the path matched nothing (format null): the "does not exist" rule. */
    Input requireFound() {
      if (format == null) throw JobException.input(what + " path does not exist: " + location);
      return this;
    }
  }

  /**
   * The one place for the input rules (run by {@link OutputChecks#check} before the session starts, and
   * by {@link #read}): the reader flags (--input-format, --option pairs, --input-schema) are valid;
   * a path must match something and have a format (the flag's, the name's or its data files'); a
   * name that matches no path is read as a catalog table when there is one ({@code spark}, which
   * may start the session, is called only then, or for --input-format table). {@code what} names
   * the input in errors ("input", "reference"). With {@code allowMissing}, a path that matches
   * nothing is returned with a null format ({@link Input#requireFound} fails on it).
   */
  static Input locate(Supplier<SparkSession> spark, Configuration conf, JobArgs args,
      String location, String what, boolean allowMissing) {
    String format = args.choice("input-format", JobOptions.FORMATS);
    args.pairs("option");
    schema(args);
    if ("table".equals(format)) {
      if (!Places.tableExists(spark.get(), location)) throw JobException.input(what + " table does not exist: " + location);
      return new Input(what, location, "table", null, new FileStatus[0]);
    }
    Path path = new Path(location);
    FileStatus[] found;
    FileSystem fs;
    Path qualified;
    try {
      fs = Places.checkingFileSystem(path, conf);
      qualified = fs.makeQualified(path);
      found = fs.globStatus(path);
    } catch (IOException | IllegalArgumentException e) {
      throw JobException.input("cannot read " + what + " path " + location + ": " + e.getMessage());
    }
    if (found == null || found.length == 0) {
      if (format == null && looksLikeTable(location) && Places.tableExists(spark.get(), location)) {
        return new Input(what, location, "table", null, new FileStatus[0]);
      }
      Input missing = new Input(what, location, null, qualified, new FileStatus[0]);
      return allowMissing ? missing : missing.requireFound();
    }
    if (format == null) format = formatOf(fs, found, location, what);
    return new Input(what, location, format, qualified, found);
  }

  /** --input-schema as a schema (null when absent); parsed without a session. */
  static StructType schema(JobArgs args) {
    String schema = args.get("input-schema");
    if (schema == null) return null;
    try {
      return StructType.fromDDL(schema);
    } catch (RuntimeException e) {
      throw JobException.usage("option --input-schema is not a valid schema: " + JobException.firstLine(e.getMessage()));
    }
  }

  /** Reads the dataset named by {@code location}; {@code what} names it in errors ("input", "reference"). */
  public static Dataset<Row> read(SparkSession spark, JobArgs args, String location, String what) {
    Input located = locate(() -> spark, spark.sparkContext().hadoopConfiguration(), args, location, what, false);
    String format = located.format();
    Map<String, String> options = args.pairs("option");
    StructType schema = schema(args);
    try {
      if (format.equals("table")) return spark.table(location);
      DataFrameReader reader = spark.read().format(format);
      boolean textFormat = format.equals("csv") || format.equals("json");
      if (textFormat && options.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("mode"))) {
        reader = reader.option("mode", "FAILFAST");
      }
      if (format.equals("csv")) {
        reader = reader.option("header", "true");
        if (schema == null) reader = reader.option("inferSchema", "true");
      }
      if (schema != null) reader = reader.schema(schema);
      for (Map.Entry<String, String> o : options.entrySet()) reader = reader.option(o.getKey(), o.getValue());
      Dataset<Row> df = reader.load(location);
      if (df.schema().isEmpty()) {
        throw JobException.input(what + " " + location + " has no columns: an empty or unreadable " + format + " file");
      }
      String corrupt = corruptColumn(spark, args);
      if (textFormat && List.of(df.columns()).contains(corrupt)) {
        JobContext.LOG.warn("{}: {} {} has malformed rows: column {} holds them as text and is not used as data",
            args.job(), what, location, corrupt);
      }
      return df;
    } catch (JobException e) {
      throw e;
    } catch (Exception e) {
      // load() reads footers and infers schemas: whatever fails here is about this input's files
      if (MalformedRecords.detected(e)) throw MalformedRecords.error(what, location, format, e);
      throw new JobException(JobException.INPUT, "cannot read " + what + " " + location + " as " + format + ": "
          + Main.describe(e), e);
    } finally {
      MalformedRecords.READ.get().add(new String[] {what, location, format});
    }
  }

  public static void requireNonEmpty(long rows, String what) {
    if (rows == 0) throw JobException.input(what + " is empty (0 rows)");
  }

  /**
   * The reader's corrupt-record column ({@code --option columnNameOfCorruptRecord=...}, else the
   * session's {@code spark.sql.columnNameOfCorruptRecord}, default {@code _corrupt_record}): never
   * data, so left out of default column lists and refused when named.
   */
  public static String corruptColumn(SparkSession spark, JobArgs args) {
    for (Map.Entry<String, String> o : args.pairs("option").entrySet()) {
      if (o.getKey().equalsIgnoreCase("columnNameOfCorruptRecord")) return o.getValue();
    }
    return spark.conf().get("spark.sql.columnNameOfCorruptRecord", "_corrupt_record");
  }

  /** A name that is read as a catalog table when no path matches it: up to 3 identifier parts. */
  static boolean looksLikeTable(String location) {
    return location.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*){0,2}");
  }

  /** The format of what {@code globStatus} found: a file's extension, or the data files of a directory. */
  private static String formatOf(FileSystem fs, FileStatus[] found, String location, String what) {
    String f = JobOptions.formatFromName(location);
    if (f != null) return f;
    List<FileStatus> candidates = new ArrayList<>(List.of(found));
    for (int depth = 0; depth < 3 && !candidates.isEmpty(); depth++) {
      List<FileStatus> next = new ArrayList<>();
      for (FileStatus s : candidates) {
        String name = s.getPath().getName();
        if (name.startsWith("_") || name.startsWith(".")) continue;
        if (s.isFile()) {
          f = JobOptions.formatFromName(name);
          if (f != null) return f;
        } else {
          try {
            next.addAll(List.of(fs.listStatus(s.getPath())));
          } catch (IOException e) {
            throw JobException.input("cannot list " + what + " directory " + s.getPath() + ": " + e.getMessage());
          }
        }
      }
      candidates = next;
    }
    throw JobException.input("cannot tell the format of " + what + " " + location
        + " from its name (no .parquet, .csv, .json or .orc file in it): give --input-format parquet|csv|json|orc|table");
  }
}
