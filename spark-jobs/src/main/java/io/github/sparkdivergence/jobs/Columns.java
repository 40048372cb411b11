package io.github.sparkdivergence.jobs;

import io.github.sparkdivergence.spark.ColumnNames;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.StructType;

/** Columns of the jobs' inputs by the names users give on the command line. */
public final class Columns {
  private Columns() {}

  /** A column by its exact name (dots and backticks quoted). */
  public static Column col(String name) { return ColumnNames.col(name); }

  /** {@link ColumnNames#resolve}, as a {@link JobException} (bad input) when there is no such column. */
  public static String resolve(StructType schema, String name, String what) {
    try {
      return ColumnNames.resolve(schema, name, what);
    } catch (IllegalArgumentException e) {
      throw JobException.input(e.getMessage());
    }
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
