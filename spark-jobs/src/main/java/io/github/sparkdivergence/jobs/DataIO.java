package io.github.sparkdivergence.jobs;

import io.github.sparkdivergence.spark.ScalaSeqs;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
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
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reading inputs and writing outputs for every job: Parquet, CSV (with header), JSON or ORC by path
 * (format from a flag or the extension) or a catalog table; writes only through Spark's writers with
 * an explicit save mode.
 *
 * <p>The input and output rules live here, in {@link #locateInput} (an input path must exist and
 * have a known format), {@link #checkOutputs} (called by every job before it starts the session or
 * reads anything; it locates every input too) and {@link #write}: no output may be, contain or lie inside an input or another output
 * (paths compared fully qualified and normalised; globs by their non-glob parent and every match;
 * tables by qualified name and location); every output's existence is checked up front; on file
 * systems with an atomic directory rename ({@link #ATOMIC_RENAME_SCHEMES}) a path output is written
 * to a hidden sibling and swapped in only when complete.
 */
public final class DataIO {
  private DataIO() {}

  public static final List<String> FORMATS = List.of("parquet", "csv", "json", "orc", "table");
  /** --mode choices; the first is the default. */
  public static final List<String> MODES = List.of("error", "overwrite");

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

  /** File system schemes whose directory rename is atomic: outputs there are swapped in when complete. */
  public static final Set<String> ATOMIC_RENAME_SCHEMES = Set.of("file", "hdfs", "viewfs");

  /** The marker of the hidden siblings a write goes through: {@code .<name>.spark-divergence-<uuid>.tmp|.old}. */
  static final String SIBLING_MARK = ".spark-divergence-";

  /**
   * Where and how to write. {@code flag} is the option that named it ("output", "summary-output",
   * ...). After {@link #checkOutputs}: {@code path} is the qualified path (null for a table),
   * {@code atomic} whether it is written through a hidden sibling and swapped in, and
   * {@code replaceLeftover} whether it is a failed run's uncommitted directory to be replaced.
   */
  public record Output(String flag, String location, String format, SaveMode mode, boolean neutralizeFormulas,
      Path path, boolean atomic, boolean replaceLeftover) {
    boolean isTable() { return format.equals("table"); }
  }

  /**
   * The output named by option {@code flag}, with the job's shared --output-format, --mode and
   * --csv-neutralize-formulas; null when the option is absent (and not required). No file system
   * access: {@link #checkOutputs} does that, for all outputs at once.
   */
  public static Output output(JobArgs args, String flag, boolean required) {
    String location = required ? args.require(flag) : args.get(flag);
    if (location == null) return null;
    if (location.isBlank()) throw JobException.usage("option --" + flag + " is empty");
    String mode = args.choice("mode", MODES);
    String format = args.choice("output-format", FORMATS);
    if (format == null) {
      format = formatFromName(location);
      if (format == null) format = "parquet";
    }
    SaveMode saveMode = mode.equals("overwrite") ? SaveMode.Overwrite : SaveMode.ErrorIfExists;
    return new Output(flag, location, format, saveMode, args.flag("csv-neutralize-formulas"), null, false, false);
  }

  /** Where something read or written lives: a catalog table (qualified name, location if known) or paths. */
  private record Place(String what, String location, List<String> table, List<Path> paths) {}

  /**
   * The one place for the output rules, run by every job before it starts the session, reads or
   * computes anything: every input is located ({@link #locateInput}: a missing path fails here),
   * every output (nulls ignored) is checked against every input ({@code inputs}: option name ->
   * location, e.g. "input" -> "data/x.parquet") and against every other output, then for
   * existence. An output that is, contains or lies inside an input or another output is a
   * command-line error (exit 2); an existing output without {@code --mode overwrite} is refused
   * (exit 1) unless it is a directory a failed run left without committed output (no
   * {@code _SUCCESS}; only {@code _temporary}, hidden or {@code _} files and {@code part-*}
   * files), which is then replaced, with a warning. Stale hidden siblings of an output (left by a
   * killed run) are named in a warning, not deleted: another run may be writing through them.
   *
   * <p>Paths are checked with {@code ctx.hadoopConf()}, without a session; {@code ctx.spark()}
   * (which starts the session) is called only for catalog tables: a table input or output, or an
   * input that is no existing path but a name that may be a table.
   */
  public static List<Output> checkOutputs(JobContext ctx, JobArgs args, Map<String, String> inputs,
      List<Output> requested) {
    List<Output> outputs = new ArrayList<>();
    for (Output o : requested) if (o != null) outputs.add(o);
    if (outputs.isEmpty() && (args.has("output-format") || args.has("mode") || args.has("csv-neutralize-formulas"))) {
      throw JobException.usage("--output-format, --mode and --csv-neutralize-formulas need --output");
    }
    if (!outputs.isEmpty() && args.flag("csv-neutralize-formulas") && outputs.stream().noneMatch(o -> o.format().equals("csv"))) {
      throw JobException.usage("--csv-neutralize-formulas applies to CSV outputs, and no output is CSV");
    }
    Configuration conf = ctx.hadoopConf();
    List<Place> in = new ArrayList<>();
    List<Input> located = new ArrayList<>();
    for (Map.Entry<String, String> e : inputs.entrySet()) {
      if (e.getValue() == null) continue;
      Input i = locateInput(ctx::spark, conf, args, e.getValue(), e.getKey(), true);
      in.add(i.isTable() ? tablePlace(ctx.spark(), "--" + e.getKey(), i.location()) : inputPlace(i));
      located.add(i);
    }
    if (outputs.isEmpty()) {
      for (Input i : located) i.requireFound();
      return outputs;
    }
    List<Place> out = new ArrayList<>();
    List<Output> checked = new ArrayList<>();
    for (Output o : outputs) {
      Place p;
      Path qualified = null;
      if (o.isTable()) {
        p = tablePlace(ctx.spark(), "--" + o.flag(), o.location());
      } else {
        qualified = qualify(conf, o.location(), "--" + o.flag());
        if (hasGlob(o.location())) {
          throw JobException.usage("--" + o.flag() + " " + o.location() + " contains a glob character (*?[]{}); an output needs a plain path");
        }
        p = new Place("--" + o.flag(), o.location(), null, List.of(qualified));
      }
      for (Place i : in) conflict(p, i, "an input");
      for (Place other : out) conflict(p, other, "another output");
      out.add(p);
      checked.add(new Output(o.flag(), o.location(), o.format(), o.mode(), o.neutralizeFormulas(), qualified,
          qualified != null && ATOMIC_RENAME_SCHEMES.contains(qualified.toUri().getScheme().toLowerCase(Locale.ROOT)), false));
    }
    // a missing input after the overlaps: an output over a glob's parent is refused even when it matches nothing
    for (Input i : located) i.requireFound();
    List<Output> ready = new ArrayList<>();
    for (Output o : checked) ready.add(checkExisting(ctx, conf, o, args.job()));
    return ready;
  }

  /** An existing output: refused, replaced (--mode overwrite), or a failed run's leftover (replaced). */
  private static Output checkExisting(JobContext ctx, Configuration conf, Output o, String job) {
    if (o.isTable()) {
      if (o.mode() == SaveMode.ErrorIfExists && tableExists(ctx.spark(), o.location())) {
        throw JobException.input("output table " + o.location() + " already exists (use --mode overwrite to replace it)");
      }
      return o;
    }
    Path p = o.path();
    try {
      FileSystem fs = checkingFileSystem(p, conf);
      warnStaleSiblings(fs, p, job);
      FileStatus st;
      try {
        st = fs.getFileStatus(p);
      } catch (FileNotFoundException e) {
        return o;
      }
      if (o.mode() == SaveMode.Overwrite) return o;
      if (st.isDirectory() && uncommitted(fs, p)) {
        JobContext.LOG.warn("{}: replacing {}: it holds no committed output (no _SUCCESS), left by a failed run", job, p);
        return new Output(o.flag(), o.location(), o.format(), o.mode(), o.neutralizeFormulas(), p, o.atomic(), true);
      }
    } catch (IOException e) {
      throw JobException.input("cannot check output path " + o.location() + ": " + firstLine(e.getMessage()));
    }
    throw JobException.input("output path " + o.location() + " already exists (use --mode overwrite to replace it)");
  }

  /**
   * A directory a failed or killed run left behind: no {@code _SUCCESS}, and nothing but
   * {@code _temporary}, hidden or {@code _}-prefixed entries and {@code part-*} files.
   */
  static boolean uncommitted(FileSystem fs, Path dir) throws IOException {
    for (FileStatus s : fs.listStatus(dir)) {
      String n = s.getPath().getName();
      if (n.equals("_SUCCESS")) return false;
      if (n.startsWith("_") || n.startsWith(".")) continue;
      if (n.startsWith("part-") && s.isFile()) continue;
      return false;
    }
    return true;
  }

  private static void warnStaleSiblings(FileSystem fs, Path p, String job) throws IOException {
    Path parent = p.getParent();
    if (parent == null || !fs.exists(parent)) return;
    String prefix = "." + p.getName() + SIBLING_MARK;
    List<String> tmp = new ArrayList<>();
    List<String> old = new ArrayList<>();
    for (FileStatus s : fs.listStatus(parent)) {
      String n = s.getPath().getName();
      if (!n.startsWith(prefix)) continue;
      if (n.endsWith(".tmp")) tmp.add(s.getPath().toString());
      else if (n.endsWith(".old")) old.add(s.getPath().toString());
    }
    if (!tmp.isEmpty()) {
      JobContext.LOG.warn("{}: stale temporary output(s) of {} left by a killed run: {} (not deleted: another run may "
          + "be writing through them; delete them when none is)", job, p, String.join(", ", tmp));
    }
    if (!old.isEmpty()) {
      JobContext.LOG.warn("{}: previous content of {} left aside by a run killed while swapping outputs: {} "
          + "(rename it back if {} is missing or incomplete; not deleted)", job, p, String.join(", ", old), p.getName());
    }
  }

  private static Place tablePlace(SparkSession spark, String what, String location) {
    return new Place(what, location, tableId(spark, location), tableLocation(spark, location));
  }

  private static Place inputPlace(Input i) {
    List<Path> paths = new ArrayList<>(); // the matches first: the most specific conflict is reported
    for (FileStatus s : i.found()) paths.add(s.getPath());
    Path parent = nonGlobParent(i.qualified());
    if (!paths.contains(parent)) paths.add(parent);
    return new Place("--" + i.what(), i.location(), null, paths);
  }

  private static void conflict(Place o, Place other, String kind) {
    if (o.table() != null && o.table().equals(other.table())) {
      throw JobException.usage(o.what() + " " + o.location() + " is the table " + other.what() + " " + other.location()
          + " reads: a job never writes over " + kind);
    }
    for (Path a : o.paths()) {
      for (Path b : other.paths()) {
        String rel = relation(a, b);
        if (rel != null) {
          throw JobException.usage(o.what() + " " + o.location() + " (" + a + ") " + rel + " " + other.what() + " "
              + other.location() + (b.toString().equals(other.location()) ? "" : " (" + b + ")")
              + ": a job never writes over " + kind + "; choose another path");
        }
      }
    }
  }

  /** "is", "is inside" or "contains" when one qualified path is or lies inside the other, else null. */
  static String relation(Path a, Path b) {
    java.net.URI ua = a.toUri();
    java.net.URI ub = b.toUri();
    if (!eqIgnoreCase(ua.getScheme(), ub.getScheme()) || !eqIgnoreCase(ua.getAuthority(), ub.getAuthority())) return null;
    String pa = trimSlash(ua.getPath());
    String pb = trimSlash(ub.getPath());
    if (pa.equals(pb)) return "is";
    if (pa.startsWith(pb.equals("/") ? "/" : pb + "/")) return "is inside";
    if (pb.startsWith(pa.equals("/") ? "/" : pa + "/")) return "contains";
    return null;
  }

  private static boolean eqIgnoreCase(String a, String b) {
    return a == null || a.isEmpty() ? b == null || b.isEmpty() : a.equalsIgnoreCase(b);
  }

  private static String trimSlash(String p) {
    String s = p == null || p.isEmpty() ? "/" : p;
    while (s.length() > 1 && s.endsWith("/")) s = s.substring(0, s.length() - 1);
    return s;
  }

  /**
   * The file system the checks before the session use for {@code p}: for a local path a fresh
   * {@link LocalFileSystem}, what {@code p.getFileSystem(conf)} returns there too, but without
   * Hadoop's file-system cache, whose key logs the user in (JAAS, ~0.16 s of a mistake that should
   * be reported in under a second); any other scheme through the cache as usual.
   */
  static FileSystem checkingFileSystem(Path p, Configuration conf) throws IOException {
    String scheme = p.toUri().getScheme();
    if (scheme == null) scheme = FileSystem.getDefaultUri(conf).getScheme();
    if (!"file".equalsIgnoreCase(scheme)) return p.getFileSystem(conf);
    LocalFileSystem fs = new LocalFileSystem();
    fs.initialize(java.net.URI.create("file:///"), conf);
    return fs;
  }

  /** The fully qualified, normalised path ({@code .}, {@code ..}, trailing slashes, scheme, working directory). */
  static Path qualify(Configuration conf, String location, String what) {
    try {
      Path p = new Path(location);
      return checkingFileSystem(p, conf).makeQualified(p);
    } catch (IOException | IllegalArgumentException e) {
      throw JobException.usage(what + " " + location + " is not a usable path: " + firstLine(e.getMessage()));
    }
  }

  static boolean hasGlob(String s) {
    for (char c : s.toCharArray()) if ("*?[]{}".indexOf(c) >= 0) return true;
    return false;
  }

  /** The deepest ancestor of a glob path without glob characters (the path itself when it has none). */
  static Path nonGlobParent(Path p) {
    Path q = p;
    while (q.getParent() != null && hasGlob(q.toUri().getPath())) q = q.getParent();
    return q;
  }

  /** catalog, database, table; lower-case (Spark's default case-insensitive resolution). */
  private static List<String> tableId(SparkSession spark, String name) {
    List<String> parts;
    try {
      parts = new ArrayList<>(ScalaSeqs.asJava(
          spark.sessionState().sqlParser().parseMultipartIdentifier(name)));
    } catch (Exception e) {
      parts = new ArrayList<>(List.of(name.split("\\.")));
    }
    if (parts.size() == 1) parts.add(0, spark.catalog().currentDatabase());
    if (parts.size() == 2) parts.add(0, spark.catalog().currentCatalog());
    List<String> id = new ArrayList<>();
    for (String s : parts) id.add(s.toLowerCase(Locale.ROOT));
    return id;
  }

  /** The location of an existing table ({@code DESCRIBE TABLE EXTENDED}), as a one-element list; empty if none. */
  private static List<Path> tableLocation(SparkSession spark, String name) {
    if (!tableExists(spark, name)) return List.of();
    try {
      for (Row r : spark.sql("DESCRIBE TABLE EXTENDED " + name).collectAsList()) {
        if ("Location".equals(r.getString(0)) && r.getString(1) != null && !r.getString(1).isBlank()) {
          Path p = new Path(r.getString(1));
          return List.of(p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p));
        }
      }
    } catch (Exception e) {
      // a view, or a catalog without locations: compared by name only
    }
    return List.of();
  }

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
   * The one place for the input rules (run by {@link #checkOutputs} before the session starts, and
   * by {@link #read}): the reader flags (--input-format, --option pairs, --input-schema) are valid;
   * a path must match something and have a format (the flag's, the name's or its data files'); a
   * name that matches no path is read as a catalog table when there is one ({@code spark}, which
   * may start the session, is called only then, or for --input-format table). {@code what} names
   * the input in errors ("input", "reference"). With {@code allowMissing}, a path that matches
   * nothing is returned with a null format ({@link Input#requireFound} fails on it).
   */
  static Input locateInput(java.util.function.Supplier<SparkSession> spark, Configuration conf, JobArgs args,
      String location, String what, boolean allowMissing) {
    String format = args.choice("input-format", FORMATS);
    args.pairs("option");
    inputSchema(args);
    if ("table".equals(format)) {
      if (!tableExists(spark.get(), location)) throw JobException.input(what + " table does not exist: " + location);
      return new Input(what, location, "table", null, new FileStatus[0]);
    }
    Path path = new Path(location);
    FileStatus[] found;
    FileSystem fs;
    Path qualified;
    try {
      fs = checkingFileSystem(path, conf);
      qualified = fs.makeQualified(path);
      found = fs.globStatus(path);
    } catch (IOException | IllegalArgumentException e) {
      throw JobException.input("cannot read " + what + " path " + location + ": " + e.getMessage());
    }
    if (found == null || found.length == 0) {
      if (format == null && looksLikeTable(location) && tableExists(spark.get(), location)) {
        return new Input(what, location, "table", null, new FileStatus[0]);
      }
      Input missing = new Input(what, location, null, qualified, new FileStatus[0]);
      return allowMissing ? missing : missing.requireFound();
    }
    if (format == null) format = formatOf(fs, found, location, what);
    return new Input(what, location, format, qualified, found);
  }

  /** --input-schema as a schema (null when absent); parsed without a session. */
  static StructType inputSchema(JobArgs args) {
    String schema = args.get("input-schema");
    if (schema == null) return null;
    try {
      return StructType.fromDDL(schema);
    } catch (RuntimeException e) {
      throw JobException.usage("option --input-schema is not a valid schema: " + firstLine(e.getMessage()));
    }
  }

  /** Reads the dataset named by {@code location}; {@code what} names it in errors ("input", "reference"). */
  public static Dataset<Row> read(SparkSession spark, JobArgs args, String location, String what) {
    Input located = locateInput(() -> spark, spark.sparkContext().hadoopConfiguration(), args, location, what, false);
    String format = located.format();
    Map<String, String> options = args.pairs("option");
    StructType schema = inputSchema(args);
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
      if (malformed(e)) throw malformedInput(what, location, format, e);
      throw new JobException(JobException.INPUT, "cannot read " + what + " " + location + " as " + format + ": "
          + Main.describe(e), e);
    } finally {
      READ.get().add(new String[] {what, location, format});
    }
  }

  /** The inputs read by the job running in this thread (what, location, format): named in malformed-record errors. */
  static final ThreadLocal<List<String[]>> READ = ThreadLocal.withInitial(ArrayList::new);

  /** True when Spark's FAILFAST parser rejected a record somewhere in {@code e}'s causes. */
  static boolean malformed(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("MALFORMED_RECORD_IN_PARSING") || m.contains("Malformed records are detected"))) return true;
    }
    return false;
  }

  /** The one-line error for a malformed record: which input, and how to read such rows as nulls. */
  static JobException malformedInput(String what, String location, String format, Throwable e) {
    return new JobException(JobException.INPUT, malformedMessage(what + " " + location, format, e), e);
  }

  /**
   * "{@code input} (file) has a malformed csv record; to read malformed rows as nulls, give
   * --option mode=PERMISSIVE"; the file comes from Spark's FAILED_READ_FILE message when there is
   * one ({@code input} may then be null).
   */
  static String malformedMessage(String input, String format, Throwable e) {
    String file = null;
    java.util.regex.Pattern fileIn = java.util.regex.Pattern.compile("(?i)error while reading file (\\S+?)\\.?(\\s|$)"); // 4.x and 3.5 wordings
    for (Throwable t = e; t != null && file == null; t = t.getCause() == t ? null : t.getCause()) {
      java.util.regex.Matcher m = fileIn.matcher(String.valueOf(t.getMessage()));
      if (m.find()) file = m.group(1);
    }
    if (input == null) {
      // a failure in a later stage: the input the file belongs to (the only csv/json one, else by path)
      List<String[]> text = new ArrayList<>();
      for (String[] r : READ.get()) if ("csv".equals(r[2]) || "json".equals(r[2])) text.add(r);
      for (String[] r : text) {
        String loc = r[1].replaceFirst("^file:/*", "/");
        if (text.size() == 1 || (file != null && file.replaceFirst("^file:/*", "/").startsWith(loc))) {
          input = r[0] + " " + r[1];
          format = r[2];
          break;
        }
      }
    }
    if (input == null && format == null) {
      // Spark 3.5 does not name the file; the format is still known when the text inputs share it
      java.util.Set<String> formats = new java.util.HashSet<>();
      for (String[] r : READ.get()) if ("csv".equals(r[2]) || "json".equals(r[2])) formats.add(r[2]);
      if (formats.size() == 1) format = formats.iterator().next();
    }
    String where = input == null ? (file == null ? "an input" : file) : input + (file == null ? "" : " (" + file + ")");
    return where + " has a malformed " + (format == null ? "" : format + " ") + "record; to read malformed rows as "
        + "nulls, give --option mode=PERMISSIVE (their raw text then goes to the corrupt-record column, which the jobs "
        + "never use as data)";
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

  /** {@link #resolve}, refusing the corrupt-record column {@code corrupt}. */
  public static String resolveData(StructType schema, String name, String what, String corrupt) {
    String r = resolve(schema, name, what);
    if (r.equalsIgnoreCase(corrupt)) {
      throw JobException.input("column '" + r + "' of " + what + " is the reader's corrupt-record column (raw text of "
          + "malformed rows), not data");
    }
    return r;
  }

  private static boolean tableExists(SparkSession spark, String name) {
    try {
      return spark.catalog().tableExists(name);
    } catch (Exception e) { // ParseException is checked, and thrown undeclared
      return false;
    }
  }

  /** A name that is read as a catalog table when no path matches it: up to 3 identifier parts. */
  static boolean looksLikeTable(String location) {
    return location.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*){0,2}");
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
    throw JobException.input("cannot tell the format of " + what + " " + location
        + " from its name (no .parquet, .csv, .json or .orc file in it): give --input-format parquet|csv|json|orc|table");
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

  /**
   * Writes through Spark's writer (and its commit protocol). CSV gets nested columns as JSON text.
   * A path output on a file system with atomic rename is written to a fresh hidden sibling
   * ({@code <parent>/.<name>.spark-divergence-<uuid>.tmp}) and swapped in when complete: the old
   * output (if any) is renamed aside, the new one renamed in, the old one deleted; the sibling is
   * deleted whatever happens. Elsewhere (object stores) Spark writes in place, not atomically.
   * Tables: {@code saveAsTable}.
   */
  public static void write(Dataset<Row> df, Output out, boolean singleFile) {
    Dataset<Row> data = out.format().equals("csv") ? csvSafe(df, out.neutralizeFormulas()) : df;
    if (singleFile) data = data.coalesce(1);
    try {
      if (out.isTable()) {
        data.write().mode(out.mode()).saveAsTable(out.location());
      } else if (out.path() == null) {
        throw new IllegalStateException("output " + out.location() + " was not checked (DataIO.checkOutputs)");
      } else if (!out.atomic()) {
        writer(data, out).mode(out.replaceLeftover() ? SaveMode.Overwrite : out.mode()).save(out.path().toString());
      } else {
        writeAndSwap(data, out);
      }
    } catch (JobException e) {
      throw e;
    } catch (Exception e) {
      if (!(e instanceof AnalysisException)) throw sneaky(e);
      throw JobException.input("cannot write " + out.location() + ": " + firstLine(e.getMessage()));
    }
  }

  private static DataFrameWriter<Row> writer(Dataset<Row> data, Output out) {
    DataFrameWriter<Row> w = data.write().format(out.format());
    if (out.format().equals("csv")) w = w.option("header", "true");
    return w;
  }

  static Path sibling(Path p, String suffix) {
    return new Path(p.getParent(), "." + p.getName() + SIBLING_MARK + UUID.randomUUID() + "." + suffix);
  }

  private static void writeAndSwap(Dataset<Row> data, Output out) throws IOException {
    Path target = out.path();
    FileSystem fs = target.getFileSystem(data.sparkSession().sparkContext().hadoopConfiguration());
    Path tmp = sibling(target, "tmp");
    try {
      writer(data, out).mode(SaveMode.ErrorIfExists).save(tmp.toString());
      if (!fs.exists(target)) {
        if (!fs.rename(tmp, target)) throw new IOException("cannot rename " + tmp + " to " + target);
        return;
      }
      if (out.mode() == SaveMode.ErrorIfExists && !(out.replaceLeftover() && uncommitted(fs, target))) {
        throw JobException.input("output path " + out.location() + " appeared while the job ran; not replaced "
            + "(use --mode overwrite to replace it)");
      }
      Path old = sibling(target, "old");
      if (!fs.rename(target, old)) throw new IOException("cannot rename " + target + " aside to " + old);
      if (!fs.rename(tmp, target)) {
        boolean back = fs.rename(old, target);
        throw new IOException("cannot rename " + tmp + " to " + target
            + (back ? " (the previous output is back in place)" : "; the previous output is in " + old));
      }
      if (!fs.delete(old, true)) JobContext.LOG.warn("could not delete the previous output, now in {}", old);
    } finally {
      try {
        if (fs.exists(tmp)) fs.delete(tmp, true);
      } catch (IOException e) {
        JobContext.LOG.warn("could not delete the temporary output {}: {}", tmp, e.getMessage());
      }
    }
  }

  /**
   * CSV cannot hold arrays, maps, structs or vectors: those become JSON text. With
   * {@code neutralizeFormulas}, a string cell starting with {@code = + - @}, tab or CR gets a
   * leading single quote (OWASP's CSV injection advice); numbers and JSON text are left alone.
   */
  static Dataset<Row> csvSafe(Dataset<Row> df, boolean neutralizeFormulas) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      Column c = col(f.name());
      DataType t = f.dataType();
      if (t instanceof StringType && neutralizeFormulas) {
        c = functions.when(c.rlike("^[=+\\-@\t\r]"), functions.concat(functions.lit("'"), c)).otherwise(c);
      } else if (t instanceof VectorUDT) {
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
