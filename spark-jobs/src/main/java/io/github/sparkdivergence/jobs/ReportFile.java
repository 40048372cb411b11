package io.github.sparkdivergence.jobs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A job's one-file text output besides its Spark outputs, such as {@code --report PATH.html}:
 * written by the driver through Hadoop's {@link FileSystem} (local, hdfs, s3a, ...), never half
 * written in place, and never replacing an existing file unless the job's {@code --mode} is
 * overwrite. {@link #requested} reads the flag; {@link OutputChecks#check} checks it with the
 * job's other outputs before the session starts; {@link #write} writes it when the job is done.
 */
public record ReportFile(String flag, String location, boolean overwrite) {

  /**
   * The declaration of {@code --flag PATH.html}: {@code what} the job writes there (lines of the
   * --help width), then what every report file is.
   */
  public static JobArgs.Option option(String flag, String what) {
    return JobArgs.Option.value(flag, "PATH.html", what + "\n"
        + "(one self-contained HTML file: no script, nothing fetched; a local, hdfs or\n"
        + "s3a path; an existing file is replaced only with --mode overwrite)");
  }

  /**
   * The report named by option {@code flag} and the job's {@code --mode}; null when the option is
   * absent. No file system access: {@link OutputChecks#check} does that.
   */
  public static ReportFile requested(JobArgs args, String flag) {
    String location = args.get(flag);
    if (location == null) return null;
    if (location.isBlank()) throw JobException.usage("option --" + flag + " is empty");
    return new ReportFile(flag, location, args.choice("mode", JobOptions.MODES).equals("overwrite"));
  }

  /** {@link #write(JobContext, String, String, boolean)} of this report. */
  public void write(JobContext ctx, String content) {
    write(ctx, location, content, overwrite);
  }

  /**
   * Writes {@code content} (UTF-8) to {@code path}. Where rename is atomic
   * ({@link OutputChecks#ATOMIC_RENAME_SCHEMES}) the file is written to a hidden sibling and
   * renamed into place when complete, so a reader or a killed run never sees half a file; an
   * existing file is first renamed aside, then deleted. On object stores (rename is a copy there)
   * it is written in place: an object appears only when its upload completes. An existing file is
   * an error unless {@code overwrite}, and a directory always is.
   */
  public static void write(JobContext ctx, String path, String content, boolean overwrite) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    Path target;
    FileSystem fs;
    try {
      Path p = new Path(path);
      fs = fileSystem(p.getFileSystem(ctx.hadoopConf()));
      target = fs.makeQualified(p);
    } catch (IOException | IllegalArgumentException e) {
      throw JobException.input("cannot write " + path + ": " + JobException.firstLine(e.getMessage()));
    }
    try {
      refuseExisting(fs, target, "report file " + path, overwrite);
      if (!OutputChecks.ATOMIC_RENAME_SCHEMES.contains(target.toUri().getScheme().toLowerCase(Locale.ROOT))) {
        try (FSDataOutputStream out = fs.create(target, overwrite)) {
          out.write(bytes);
        }
        return;
      }
      writeAndRename(fs, target, path, bytes, overwrite);
    } catch (JobException e) {
      throw e;
    } catch (IOException e) {
      throw JobException.input("cannot write " + path + ": " + JobException.firstLine(e.getMessage()));
    }
  }

  /**
   * The check before the session ({@link OutputChecks#check}): an existing file is refused without
   * {@code --mode overwrite}, an existing directory always.
   */
  void checkExisting(FileSystem fs, Path qualified) {
    try {
      refuseExisting(fs, qualified, "--" + flag + " " + location, overwrite);
    } catch (IOException e) {
      throw JobException.input("cannot check --" + flag + " " + location + ": " + JobException.firstLine(e.getMessage()));
    }
  }

  private static void refuseExisting(FileSystem fs, Path p, String what, boolean overwrite) throws IOException {
    FileStatus st;
    try {
      st = fs.getFileStatus(p);
    } catch (FileNotFoundException e) {
      return;
    }
    if (st.isDirectory()) {
      throw JobException.input(what + " is a directory; a report is one file (choose a file name, e.g. report.html)");
    }
    if (!overwrite) throw JobException.input(what + " already exists (use --mode overwrite to replace it)");
  }

  private static void writeAndRename(FileSystem fs, Path target, String path, byte[] bytes, boolean overwrite)
      throws IOException {
    Path tmp = OutputWriter.sibling(target, "tmp");
    try {
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(bytes);
      }
      if (!fs.exists(target)) {
        if (!fs.rename(tmp, target)) throw new IOException("cannot rename " + tmp + " to " + target);
        return;
      }
      refuseExisting(fs, target, "report file " + path, overwrite); // it may have appeared while the job ran
      OutputWriter.replace(fs, tmp, target, "report");
    } finally {
      OutputWriter.deleteQuietly(fs, tmp, "report");
    }
  }

  /** The local file system without its checksum layer: a report is one file, not one plus a hidden .crc. */
  private static FileSystem fileSystem(FileSystem fs) {
    return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
  }
}
