package io.github.sparkdivergence.jobs;

import io.github.sparkdivergence.jobs.InputReader.Input;
import io.github.sparkdivergence.jobs.Places.Place;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SaveMode;

/**
 * Output placement and conflicts: no output may be, contain or lie inside an input or another
 * output, and an existing one is refused unless replacing it was asked for or it is a failed
 * run's leftover. Checked up front so that a mistake is reported before Spark starts, not after
 * the job ran.
 */
public final class OutputChecks {
  private OutputChecks() {}

  /** File system schemes whose directory rename is atomic: outputs there are swapped in when complete. */
  public static final Set<String> ATOMIC_RENAME_SCHEMES = Set.of("file", "hdfs", "viewfs");

  /**
   * The one place for the output rules, run by every job before it starts the session, reads or
   * computes anything: every input is located ({@link InputReader#locate}: a missing path fails here),
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
  public static List<Output> check(JobContext ctx, JobArgs args, Map<String, String> inputs,
      List<Output> requested) {
    return check(ctx, args, inputs, requested, List.of());
  }

  /**
   * {@link #check(JobContext, JobArgs, Map, List)} with one-file outputs besides: each report
   * (nulls ignored) is placed like an output (never an input, inside one or over another output),
   * then refused if it exists as a directory, or as a file without {@code --mode overwrite}
   * ({@link ReportFile}; a report needs no --output, so --mode may come with a report alone).
   */
  public static List<Output> check(JobContext ctx, JobArgs args, Map<String, String> inputs,
      List<Output> requested, List<ReportFile> reports) {
    List<Output> outputs = new ArrayList<>();
    for (Output o : requested) if (o != null) outputs.add(o);
    List<ReportFile> files = new ArrayList<>();
    for (ReportFile r : reports) if (r != null) files.add(r);
    if (outputs.isEmpty() && files.isEmpty()
        && (args.has("output-format") || args.has("mode") || args.has("csv-neutralize-formulas"))) {
      throw JobException.usage("--output-format, --mode and --csv-neutralize-formulas need --output");
    }
    if (outputs.isEmpty() && (args.has("output-format") || args.has("csv-neutralize-formulas"))) {
      throw JobException.usage("--output-format and --csv-neutralize-formulas need --output");
    }
    if (!outputs.isEmpty() && args.flag("csv-neutralize-formulas") && outputs.stream().noneMatch(o -> o.format().equals("csv"))) {
      throw JobException.usage("--csv-neutralize-formulas applies to CSV outputs, and no output is CSV");
    }
    Configuration conf = ctx.hadoopConf();
    List<Place> in = new ArrayList<>();
    List<Input> located = new ArrayList<>();
    for (Map.Entry<String, String> e : inputs.entrySet()) {
      if (e.getValue() == null) continue;
      Input i = InputReader.locate(ctx::spark, conf, args, e.getValue(), e.getKey(), true);
      in.add(i.isTable() ? Places.tablePlace(ctx.spark(), "--" + e.getKey(), i.location()) : Places.inputPlace(i));
      located.add(i);
    }
    if (outputs.isEmpty() && files.isEmpty()) {
      for (Input i : located) i.requireFound();
      return outputs;
    }
    List<Place> out = new ArrayList<>();
    List<Output> checked = new ArrayList<>();
    for (Output o : outputs) {
      Place p;
      Path qualified = null;
      if (o.isTable()) {
        p = Places.tablePlace(ctx.spark(), "--" + o.flag(), o.location());
      } else {
        qualified = Places.qualify(conf, o.location(), "--" + o.flag());
        if (Places.hasGlob(o.location())) {
          throw JobException.usage("--" + o.flag() + " " + o.location() + " contains a glob character (*?[]{}); an output needs a plain path");
        }
        p = new Place("--" + o.flag(), o.location(), null, List.of(qualified));
      }
      for (Place i : in) conflict(p, i, "an input");
      for (Place other : out) conflict(p, other, "another output");
      out.add(p);
      checked.add(o.at(qualified,
          qualified != null && ATOMIC_RENAME_SCHEMES.contains(qualified.toUri().getScheme().toLowerCase(Locale.ROOT))));
    }
    List<Path> reportPaths = new ArrayList<>();
    for (ReportFile r : files) {
      String what = "--" + r.flag();
      if (Places.hasGlob(r.location())) {
        throw JobException.usage(what + " " + r.location() + " contains a glob character (*?[]{}); a report needs a plain path");
      }
      Path qualified = Places.qualify(conf, r.location(), what);
      Place p = new Place(what, r.location(), null, List.of(qualified));
      for (Place i : in) conflict(p, i, "an input");
      for (Place other : out) conflict(p, other, "another output");
      out.add(p);
      reportPaths.add(qualified);
    }
    // a missing input after the overlaps: an output over a glob's parent is refused even when it matches nothing
    for (Input i : located) i.requireFound();
    List<Output> ready = new ArrayList<>();
    for (Output o : checked) ready.add(checkExisting(ctx, conf, o, args.job()));
    for (int i = 0; i < files.size(); i++) {
      try {
        files.get(i).checkExisting(Places.checkingFileSystem(reportPaths.get(i), conf), reportPaths.get(i));
      } catch (IOException e) {
        throw JobException.input("cannot check --" + files.get(i).flag() + " " + files.get(i).location() + ": "
            + JobException.firstLine(e.getMessage()));
      }
    }
    return ready;
  }

  private static void conflict(Place o, Place other, String kind) {
    if (o.table() != null && o.table().equals(other.table())) {
      throw JobException.usage(o.what() + " " + o.location() + " is the table " + other.what() + " " + other.location()
          + " reads: a job never writes over " + kind);
    }
    for (Path a : o.paths()) {
      for (Path b : other.paths()) {
        String rel = Places.relation(a, b);
        if (rel != null) {
          throw JobException.usage(o.what() + " " + o.location() + " (" + a + ") " + rel + " " + other.what() + " "
              + other.location() + (b.toString().equals(other.location()) ? "" : " (" + b + ")")
              + ": a job never writes over " + kind + "; choose another path");
        }
      }
    }
  }

  /** An existing output: refused, replaced (--mode overwrite), or a failed run's leftover (replaced). */
  private static Output checkExisting(JobContext ctx, Configuration conf, Output o, String job) {
    if (o.isTable()) {
      if (o.mode() == SaveMode.ErrorIfExists && Places.tableExists(ctx.spark(), o.location())) {
        throw JobException.input("output table " + o.location() + " already exists (use --mode overwrite to replace it)");
      }
      return o;
    }
    Path p = o.path();
    try {
      FileSystem fs = Places.checkingFileSystem(p, conf);
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
        return o.replacingLeftover();
      }
    } catch (IOException e) {
      throw JobException.input("cannot check output path " + o.location() + ": " + JobException.firstLine(e.getMessage()));
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
    String prefix = "." + p.getName() + OutputWriter.SIBLING_MARK;
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
}
