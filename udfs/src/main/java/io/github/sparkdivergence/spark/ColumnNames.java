package io.github.sparkdivergence.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/** Columns by the names users give: the one matching rule of the library and the jobs. */
public final class ColumnNames {
  private ColumnNames() {}

  /** A column by its exact name (dots and backticks quoted). */
  public static Column col(String name) { return functions.col("`" + name.replace("`", "``") + "`"); }

  /**
   * The actual name of column {@code name} in {@code schema} (exact match first, then
   * case-insensitive), or an {@link IllegalArgumentException} that lists the available columns.
   */
  public static String resolve(StructType schema, String name, String what) {
    for (String f : schema.fieldNames()) if (f.equals(name)) return f;
    for (String f : schema.fieldNames()) if (f.equalsIgnoreCase(name)) return f;
    throw new IllegalArgumentException("unknown column '" + name + "' in " + what + " (columns: "
        + String.join(", ", schema.fieldNames()) + ")");
  }
}
