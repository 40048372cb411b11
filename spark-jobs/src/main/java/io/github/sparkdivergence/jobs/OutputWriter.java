package io.github.sparkdivergence.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the jobs' outputs, only through Spark's writers with an explicit save mode, to places
 * {@link OutputChecks#check} accepted. On file systems with an atomic directory rename
 * ({@link OutputChecks#ATOMIC_RENAME_SCHEMES}) a path output is swapped in only when complete, so
 * a failed or killed run never leaves a half-written output in its place.
 */
public final class OutputWriter {
  private OutputWriter() {}

  /** The marker of the hidden siblings a write goes through: {@code .<name>.spark-divergence-<uuid>.tmp|.old}. */
  static final String SIBLING_MARK = ".spark-divergence-";

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
        throw new IllegalStateException("output " + out.location() + " was not checked (OutputChecks.check)");
      } else if (!out.atomic()) {
        writer(data, out).mode(out.replaceLeftover() ? SaveMode.Overwrite : out.mode()).save(out.path().toString());
      } else {
        writeAndSwap(data, out);
      }
    } catch (JobException e) {
      throw e;
    } catch (Exception e) {
      if (!(e instanceof AnalysisException)) throw JobException.sneaky(e);
      throw JobException.input("cannot write " + out.location() + ": " + JobException.firstLine(e.getMessage()));
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
      if (out.mode() == SaveMode.ErrorIfExists && !(out.replaceLeftover() && OutputChecks.uncommitted(fs, target))) {
        throw JobException.input("output path " + out.location() + " appeared while the job ran; not replaced "
            + "(use --mode overwrite to replace it)");
      }
      replace(fs, tmp, target, "output");
    } finally {
      deleteQuietly(fs, tmp, "output");
    }
  }

  /**
   * Puts the complete {@code tmp} in place of the existing {@code target}: HDFS's rename never
   * replaces, so the old one goes aside first (a moment without it, never half of it) and comes
   * back if the second rename fails. {@code what} ("output", "report") names it in messages.
   */
  static void replace(FileSystem fs, Path tmp, Path target, String what) throws IOException {
    Path old = sibling(target, "old");
    if (!fs.rename(target, old)) throw new IOException("cannot rename " + target + " aside to " + old);
    if (!fs.rename(tmp, target)) {
      boolean back = fs.rename(old, target);
      throw new IOException("cannot rename " + tmp + " to " + target
          + (back ? " (the previous " + what + " is back in place)" : "; the previous " + what + " is in " + old));
    }
    if (!fs.delete(old, true)) JobContext.LOG.warn("could not delete the previous {}, now in {}", what, old);
  }

  /** Removes a temporary sibling left by a failed write, if any; a failure to do so is only logged. */
  static void deleteQuietly(FileSystem fs, Path tmp, String what) {
    try {
      if (fs.exists(tmp)) fs.delete(tmp, true);
    } catch (IOException e) {
      JobContext.LOG.warn("could not delete the temporary {} {}: {}", what, tmp, e.getMessage());
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
      Column c = Columns.col(f.name());
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
}
