package io.github.sparkdivergence.spark.drift;

import io.github.sparkdivergence.drift.ColumnKind;
import io.github.sparkdivergence.spark.ColumnNames;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.CharType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.types.VarcharType;

/** Which columns drift compares, and as what kind, from the two schemas and the options. */
final class DriftColumns {
  /** A compared column: its name in the reference (the output's name) and in the current data. */
  record Spec(String name, String curName, ColumnKind kind) {}

  private DriftColumns() {}

  static boolean isNumeric(DataType t) { return t instanceof NumericType; }

  static boolean isCategorical(DataType t) {
    return t instanceof StringType || t instanceof BooleanType || t instanceof CharType || t instanceof VarcharType;
  }

  static boolean isVector(DataType t) {
    return t instanceof VectorUDT || (t instanceof ArrayType a && a.elementType() instanceof NumericType);
  }

  static boolean isCastableToCategorical(DataType t) {
    return isNumeric(t) || isCategorical(t) || t instanceof DateType || t instanceof TimestampType
        || t instanceof TimestampNTZType;
  }

  /**
   * The columns to compare: {@link DriftOptions#columns} in that order, else every numeric,
   * string, boolean, vector and numeric-array column of the reference (others skipped with a
   * note). {@code corrupt} (the reader's malformed-row column) is never data.
   */
  static List<Spec> select(StructType ref, StructType cur, DriftOptions options, String corrupt, List<String> notes) {
    Set<String> categorical = new LinkedHashSet<>();
    for (String c : options.categoricalColumns()) categorical.add(resolveData(ref, c, corrupt));
    List<Spec> specs = new ArrayList<>();
    if (options.columns() == null) {
      List<String> skipped = new ArrayList<>();
      for (String name : ref.fieldNames()) {
        if (name.equalsIgnoreCase(corrupt)) {
          notes.add("left out column " + name + ": the reader's corrupt-record column (raw text of malformed rows), not data");
          continue;
        }
        DataType t = ref.apply(name).dataType();
        boolean forced = categorical.contains(name);
        if (!(isNumeric(t) || isCategorical(t) || isVector(t) || (forced && isCastableToCategorical(t)))) {
          skipped.add(name + " " + t.simpleString());
          continue;
        }
        specs.add(spec(name, ref, cur, forced));
      }
      if (!skipped.isEmpty()) {
        notes.add("skipped columns of other types (name them as categorical to compare): " + String.join(", ", skipped));
      }
      if (specs.isEmpty()) throw new IllegalArgumentException("reference has no numeric, string, boolean or vector column to compare");
    } else {
      Set<String> seen = new LinkedHashSet<>();
      for (String c : options.columns()) {
        String name = resolveData(ref, c, corrupt);
        if (seen.add(name)) specs.add(spec(name, ref, cur, categorical.contains(name)));
      }
      for (String c : categorical) {
        if (!seen.contains(c)) throw new IllegalArgumentException("categorical column '" + c + "' is not among the columns compared");
      }
    }
    for (String named : options.namedColumns()) {
      // the rule DriftOptions looks columns up by: exact name, else case-insensitive
      if (specs.stream().noneMatch(s -> s.name().equalsIgnoreCase(named))) {
        throw new IllegalArgumentException("a method or threshold is given for column '" + named
            + "', which is not compared (columns compared: " + String.join(", ", specs.stream().map(Spec::name).toList()) + ")");
      }
    }
    return specs;
  }

  private static String resolveData(StructType schema, String name, String corrupt) {
    String r = ColumnNames.resolve(schema, name, "reference");
    if (r.equalsIgnoreCase(corrupt)) {
      throw new IllegalArgumentException("column '" + r + "' of reference is the reader's corrupt-record column (raw text of "
          + "malformed rows), not data");
    }
    return r;
  }

  private static Spec spec(String name, StructType ref, StructType cur, boolean forced) {
    DataType rt = ref.apply(name).dataType();
    String curName = ColumnNames.resolve(cur, name, "current");
    DataType ct = cur.apply(curName).dataType();
    if (forced) {
      if (!isCastableToCategorical(rt) || !isCastableToCategorical(ct)) {
        throw new IllegalArgumentException("column '" + name + "' has type " + rt.simpleString()
            + ", which drift cannot compare as categories");
      }
      return new Spec(name, curName, ColumnKind.CATEGORICAL);
    }
    if (isNumeric(rt)) {
      if (!isNumeric(ct)) throw mismatch(name, rt, ct);
      return new Spec(name, curName, ColumnKind.NUMERIC);
    }
    if (isCategorical(rt)) {
      if (!isCastableToCategorical(ct)) throw mismatch(name, rt, ct);
      return new Spec(name, curName, ColumnKind.CATEGORICAL);
    }
    if (isVector(rt)) {
      if (!isVector(ct)) throw mismatch(name, rt, ct);
      return new Spec(name, curName, ColumnKind.VECTOR);
    }
    throw new IllegalArgumentException("column '" + name + "' has type " + rt.simpleString()
        + ", which drift cannot compare (numeric, string, boolean, vector or numeric-array columns; categorical for dates)");
  }

  private static IllegalArgumentException mismatch(String name, DataType rt, DataType ct) {
    return new IllegalArgumentException("column '" + name + "' is " + rt.simpleString() + " in the reference but "
        + ct.simpleString() + " in the current dataset");
  }
}
