package io.github.sparkdivergence.spark.input;

import org.apache.spark.ml.linalg.MatrixUDT;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** How a probability vector is stored in a column, and the type checks binders share. */
public enum Representation {
  /** {@code array<double>}; other numeric arrays are cast by Spark. */
  ARRAY(DataTypes.createArrayType(DataTypes.DoubleType, true)),
  /** MLlib {@code org.apache.spark.ml.linalg.Vector}, dense or sparse. */
  VECTOR(SQLDataTypes.VectorType()),
  /** {@code map<string,double>}: categories by name, a missing key is 0. */
  MAP(DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true));

  public final DataType sqlType;

  Representation(DataType sqlType) { this.sqlType = sqlType; }

  public static final String EXPECTED = "array<double>, an MLlib vector or map<string,double>";

  /** Null when the type is none of the three. */
  public static Representation of(DataType t) {
    if (t instanceof ArrayType a && (isNumeric(a.elementType()) || a.elementType() instanceof NullType)) return ARRAY;
    if (t instanceof VectorUDT) return VECTOR;
    if (t instanceof MapType m && m.keyType() instanceof StringType
        && (isNumeric(m.valueType()) || m.valueType() instanceof NullType)) return MAP;
    if (t instanceof NullType) return ARRAY;
    return null;
  }

  /** MLlib {@code org.apache.spark.ml.linalg.Matrix}, dense or sparse: covariance arguments (not a distribution). */
  public static final DataType MATRIX = SQLDataTypes.MatrixType();

  public static boolean isVector(DataType t) { return t instanceof VectorUDT; }

  public static boolean isMatrix(DataType t) { return t instanceof MatrixUDT; }

  public static boolean isNumeric(DataType t) { return t instanceof NumericType || t instanceof NullType; }

  public static boolean isBoolean(DataType t) { return t instanceof BooleanType || t instanceof NullType; }

  public static boolean isNumericArray(DataType t) {
    return t instanceof NullType || (t instanceof ArrayType a
        && (isNumeric(a.elementType()) || a.elementType() instanceof BooleanType));
  }

  public static boolean isString(DataType t) { return t instanceof StringType || t instanceof NullType; }

  public static UnsupportedOperationException unsupported(String function, String usage, StructType input, String problem) {
    StringBuilder types = new StringBuilder();
    for (StructField f : input.fields()) {
      if (types.length() > 0) types.append(", ");
      types.append(f.dataType().simpleString());
    }
    // Spark ends the message with its own full stop
    String u = usage.replace("_FUNC_", function);
    if (u.endsWith(".")) u = u.substring(0, u.length() - 1);
    return new UnsupportedOperationException(function + "(" + types + "): " + problem + ". Usage: " + u);
  }

  static String ordinal(int i) {
    return switch (i) {
      case 0 -> "1st";
      case 1 -> "2nd";
      case 2 -> "3rd";
      default -> (i + 1) + "th";
    };
  }
}
