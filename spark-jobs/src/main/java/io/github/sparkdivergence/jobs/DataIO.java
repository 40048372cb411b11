package io.github.sparkdivergence.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reading inputs and writing outputs for every job: Parquet, CSV (with header), JSON or ORC by path
 * (format from a flag or the extension) or a catalog table; writes only through Spark's writers with
 * an explicit save mode.
 */
public final class DataIO {
  private DataIO() {}

  public static final List<String> FORMATS = List.of("parquet", "csv", "json", "orc", "table");
  public static final List<String> MODES = List.of("error", "overwrite");

  /** The reader / writer flags every job takes. */
  public static List<JobArgs.Option> inputOptions(String inputFlagHelp) {
    return List.of(
        JobArgs.Option.value("input-format", "FMT", "parquet, csv, json, orc or table (default: from the extension;\n"
            + "a name that is not an existing path but a catalog table is read as a table)"),
        JobArgs.Option.value("input-schema", "DDL", "schema for csv/json input, e.g. 'id INT, p ARRAY<DOUBLE>'\n"
            + "(default: csv schema inferred, json inferred)"),
        JobArgs.Option.repeated("option", "KEY=VALUE", "extra reader option, e.g. --option sep=';'"));
  }

  public static List<JobArgs.Option> outputOptions(boolean required) {
    return List.of(
        JobArgs.Option.value("output", "PATH", (required ? "" : "optional: ")
            + "where to write the result (a directory written by Spark)"),
        JobArgs.Option.value("output-format", "FMT", "parquet, csv, json, orc or table (default: from the\n"
            + "extension of --output, else parquet; table saves as a catalog table)"),
        JobArgs.Option.value("mode", "MODE", "error (default: fail if the output exists) or overwrite"));
  }

  public static List<JobArgs.Option> commonOptions() {
    return List.of(
        JobArgs.Option.value("master", "URL", "Spark master when not started by spark-submit (default local[*])"),
        JobArgs.Option.repeated("conf", "KEY=VALUE", "Spark configuration when not started by spark-submit"),
        JobArgs.Option.flag("verbose", "print stack traces of errors"),
        JobArgs.Option.flag("help", "print this help"));
  }

  /** Where and how to write, validated before any work is done. */
  public record Output(String location, String format, SaveMode mode) {}

  public static Output output(SparkSession spark, JobArgs args, boolean required) {
    String location = required ? args.require("output") : args.get("output");
    if (location == null) {
      if (args.has("output-format") || args.has("mode")) throw JobException.usage("--output-format and --mode need --output");
      return null;
    }
    String mode = args.choice("mode", "error", MODES);
    String format = args.choice("output-format", null, FORMATS);
    if (format == null) {
      format = formatFromName(location);
      if (format == null) format = "parquet";
    }
    SaveMode saveMode = mode.equals("overwrite") ? SaveMode.Overwrite : SaveMode.ErrorIfExists;
    if (saveMode == SaveMode.ErrorIfExists) {
      boolean exists;
      if (format.equals("table")) {
        exists = spark.catalog().tableExists(location);
      } else {
        Path p = new Path(location);
        try {
          exists = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (IOException e) {
          throw JobException.input("cannot check output path " + location + ": " + e.getMessage());
        }
      }
      if (exists) {
        throw JobException.input("output " + (format.equals("table") ? "table " : "path ") + location
            + " already exists (use --mode overwrite to replace it)");
      }
    }
    return new Output(location, format, saveMode);
  }

  /** Reads the dataset named by {@code location}; {@code what} names it in errors ("input", "reference"). */
  public static Dataset<Row> read(SparkSession spark, JobArgs args, String location, String what) {
    String format = args.choice("input-format", null, FORMATS);
    Map<String, String> options = args.pairs("option");
    String schema = args.get("input-schema");
    if (format == null || !format.equals("table")) {
      Path path = new Path(location);
      FileStatus[] found;
      FileSystem fs;
      try {
        fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
        found = fs.globStatus(path);
      } catch (IOException | IllegalArgumentException e) {
        throw JobException.input("cannot read " + what + " path " + location + ": " + e.getMessage());
      }
      if (found == null || found.length == 0) {
        if (format == null && location.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*){0,2}")
            && tableExists(spark, location)) {
          format = "table";
        } else {
          throw JobException.input(what + " path does not exist: " + location);
        }
      } else if (format == null) {
        format = formatOf(fs, found, location, what);
      }
    }
    try {
      if (format.equals("table")) {
        if (!tableExists(spark, location)) throw JobException.input(what + " table does not exist: " + location);
        return spark.table(location);
      }
      DataFrameReader reader = spark.read().format(format);
      if (format.equals("csv")) {
        reader = reader.option("header", "true");
        if (schema == null) reader = reader.option("inferSchema", "true");
      }
      if (schema != null) {
        try {
          reader = reader.schema(StructType.fromDDL(schema));
        } catch (RuntimeException e) {
          throw JobException.usage("option --input-schema is not a valid schema: " + firstLine(e.getMessage()));
        }
      }
      for (Map.Entry<String, String> o : options.entrySet()) reader = reader.option(o.getKey(), o.getValue());
      return reader.load(location);
    } catch (JobException e) {
      throw e;
    } catch (Exception e) {
      if (!(e instanceof AnalysisException)) throw sneaky(e);
      throw JobException.input("cannot read " + what + " " + location + " as " + format + ": " + firstLine(e.getMessage()));
    }
  }

  private static boolean tableExists(SparkSession spark, String name) {
    try {
      return spark.catalog().tableExists(name);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The format of what {@code globStatus} found: a file's extension, or the data files of a directory. */
  private static String formatOf(FileSystem fs, FileStatus[] found, String location, String what) {
    String f = formatFromName(location);
    if (f != null) return f;
    List<FileStatus> candidates = new ArrayList<>(List.of(found));
    for (int depth = 0; depth < 3 && !candidates.isEmpty(); depth++) {
      List<FileStatus> next = new ArrayList<>();
      for (FileStatus s : candidates) {
        String name = s.getPath().getName();
        if (name.startsWith("_") || name.startsWith(".")) continue;
        if (s.isFile()) {
          f = formatFromName(name);
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
    throw JobException.usage("cannot tell the format of " + what + " " + location
        + " from its name: give --input-format parquet|csv|json|orc|table");
  }

  /** parquet/csv/json/orc from a file or directory name (compression suffixes ignored), else null. */
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

  /** Writes through Spark's writer (and its commit protocol). CSV gets nested columns as JSON text. */
  public static void write(Dataset<Row> df, Output out, boolean singleFile) {
    Dataset<Row> data = out.format().equals("csv") ? csvSafe(df) : df;
    if (singleFile) data = data.coalesce(1);
    DataFrameWriter<Row> w = data.write().mode(out.mode());
    try {
      if (out.format().equals("table")) {
        w.saveAsTable(out.location());
      } else {
        if (out.format().equals("csv")) w = w.option("header", "true");
        w.format(out.format()).save(out.location());
      }
    } catch (Exception e) {
      if (!(e instanceof AnalysisException)) throw sneaky(e);
      throw JobException.input("cannot write " + out.location() + ": " + firstLine(e.getMessage()));
    }
  }

  /** CSV cannot hold arrays, maps, structs or vectors: those become JSON text. */
  static Dataset<Row> csvSafe(Dataset<Row> df) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      Column c = col(f.name());
      DataType t = f.dataType();
      if (t instanceof VectorUDT) {
        c = functions.to_json(org.apache.spark.ml.functions.vector_to_array(c, "float64"));
      } else if (t instanceof ArrayType || t instanceof MapType || t instanceof StructType) {
        c = functions.to_json(c);
      }
      cols.add(c.as(f.name()));
    }
    return df.select(cols.toArray(new Column[0]));
  }

  /** A column by its exact name (dots and backticks quoted). */
  public static Column col(String name) { return functions.col("`" + name.replace("`", "``") + "`"); }

  /**
   * The actual name of column {@code name} in {@code schema} (exact match first, then
   * case-insensitive), or a {@link JobException} that lists the available columns.
   */
  public static String resolve(StructType schema, String name, String what) {
    for (String f : schema.fieldNames()) if (f.equals(name)) return f;
    for (String f : schema.fieldNames()) if (f.equalsIgnoreCase(name)) return f;
    throw JobException.input("unknown column '" + name + "' in " + what + " (columns: "
        + String.join(", ", schema.fieldNames()) + ")");
  }

  public static void requireNonEmpty(long rows, String what) {
    if (rows == 0) throw JobException.input(what + " is empty (0 rows)");
  }

  /** Rethrows any exception unchanged (Scala code throws checked exceptions undeclared). */
  @SuppressWarnings("unchecked")
  static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
    throw (T) t;
  }

  static String firstLine(String s) {
    if (s == null) return "";
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).strip();
  }
}
