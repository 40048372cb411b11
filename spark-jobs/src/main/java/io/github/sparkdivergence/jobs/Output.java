package io.github.sparkdivergence.jobs;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SaveMode;

/**
 * Where and how to write. {@code flag} is the option that named it ("output", "summary-output",
 * ...). After {@link OutputChecks#check}: {@code path} is the qualified path (null for a table),
 * {@code atomic} whether it is written through a hidden sibling and swapped in, and
 * {@code replaceLeftover} whether it is a failed run's uncommitted directory to be replaced.
 */
public record Output(String flag, String location, String format, SaveMode mode, boolean neutralizeFormulas,
    Path path, boolean atomic, boolean replaceLeftover) {

  /**
   * The output named by option {@code flag}, with the job's shared --output-format, --mode and
   * --csv-neutralize-formulas; null when the option is absent (and not required). No file system
   * access: {@link OutputChecks#check} does that, for all outputs at once.
   */
  public static Output requested(JobArgs args, String flag, boolean required) {
    String location = required ? args.require(flag) : args.get(flag);
    if (location == null) return null;
    if (location.isBlank()) throw JobException.usage("option --" + flag + " is empty");
    String mode = args.choice("mode", JobOptions.MODES);
    String format = args.choice("output-format", JobOptions.FORMATS);
    if (format == null) {
      format = JobOptions.formatFromName(location);
      if (format == null) format = "parquet";
    }
    SaveMode saveMode = mode.equals("overwrite") ? SaveMode.Overwrite : SaveMode.ErrorIfExists;
    return new Output(flag, location, format, saveMode, args.flag("csv-neutralize-formulas"), null, false, false);
  }

  boolean isTable() { return format.equals("table"); }

  /** This output placed at the qualified {@code path}. */
  Output at(Path path, boolean atomic) {
    return new Output(flag, location, format, mode, neutralizeFormulas, path, atomic, replaceLeftover);
  }

  /** This output, marked as a failed run's leftover that the write replaces. */
  Output replacingLeftover() {
    return new Output(flag, location, format, mode, neutralizeFormulas, path, atomic, true);
  }
}
