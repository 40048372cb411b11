package io.github.sparkdivergence.jobs;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/** Columns of the jobs' inputs by the names users give on the command line. */
public final class Columns {
  private Columns() {}

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

  /** {@link #resolve}, refusing the corrupt-record column {@code corrupt}. */
  public static String resolveData(StructType schema, String name, String what, String corrupt) {
    String r = resolve(schema, name, what);
    if (r.equalsIgnoreCase(corrupt)) {
      throw JobException.input("column '" + r + "' of " + what + " is the reader's corrupt-record column (raw text of "
          + "malformed rows), not data");
    }
    return r;
  }
}
