package io.github.sparkdivergence.spark.input;

import io.github.sparkdivergence.counts.CategoryDictionary;
import io.github.sparkdivergence.counts.CategorySink;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Interns one categorical input value straight from Spark's internal row into a {@link
 * CategorySink} (a dictionary, or a batch that interns later): strings and binary by their bytes
 * (copied out of an {@code UnsafeRow} without a {@code UTF8String} or {@code String}), integral,
 * date and time types by their long value, floating point by their normalised bits (so -0.0 = 0.0
 * and all NaNs are one category, as in Spark's GROUP BY), decimals by their unscaled value. NULL is
 * its own category.
 */
public enum CategoryReader {
  STRING, BINARY, INT, LONG, BOOLEAN, SHORT, BYTE, FLOAT, DOUBLE, COMPACT_DECIMAL, WIDE_DECIMAL, NULL;

  /** The reader for a column type, or null when the type cannot be a category. */
  public static CategoryReader of(DataType t) {
    if (t instanceof StringType) return STRING;
    if (t instanceof BinaryType) return BINARY;
    if (t instanceof IntegerType || t instanceof DateType) return INT;
    if (t instanceof LongType || t instanceof TimestampType || t instanceof TimestampNTZType) return LONG;
    if (t instanceof BooleanType) return BOOLEAN;
    if (t instanceof ShortType) return SHORT;
    if (t instanceof ByteType) return BYTE;
    if (t instanceof FloatType) return FLOAT;
    if (t instanceof DoubleType) return DOUBLE;
    if (t instanceof DecimalType d) return d.precision() <= 18 ? COMPACT_DECIMAL : WIDE_DECIMAL;
    if (t instanceof NullType) return NULL;
    return null;
  }

  public static final String SUPPORTED = "string, binary, boolean, integral, float, double, decimal, date or timestamp";

  public int intern(CategorySink dict, InternalRow row, int i, DataType type) {
    if (row.isNullAt(i)) return dict.idOfNull();
    switch (this) {
      case STRING:
      case BINARY: return bytes(dict, row, i, this == STRING);
      case INT: return dict.idOfLong(row.getInt(i));
      case LONG: return dict.idOfLong(row.getLong(i));
      case BOOLEAN: return dict.idOfLong(row.getBoolean(i) ? 1 : 0);
      case SHORT: return dict.idOfLong(row.getShort(i));
      case BYTE: return dict.idOfLong(row.getByte(i));
      case FLOAT: return dict.idOfLong(CategoryDictionary.normalizedDoubleBits(row.getFloat(i)));
      case DOUBLE: return dict.idOfLong(CategoryDictionary.normalizedDoubleBits(row.getDouble(i)));
      case COMPACT_DECIMAL: {
        if (row instanceof UnsafeRow u) return dict.idOfLong(u.getLong(i)); // stored unscaled
        DecimalType d = (DecimalType) type;
        return dict.idOfLong(row.getDecimal(i, d.precision(), d.scale()).toUnscaledLong());
      }
      case WIDE_DECIMAL: {
        DecimalType d = (DecimalType) type;
        byte[] b = row.getDecimal(i, d.precision(), d.scale()).toJavaBigDecimal().unscaledValue().toByteArray();
        return dict.idOfBytes(b, 0, b.length);
      }
      default: return dict.idOfNull();
    }
  }

  /**
   * An UnsafeRow keeps (offset << 32 | size) of a variable-length value in its fixed slot. On the
   * heap (the usual case) the row's {@code byte[]} is looked up in place: the dictionary copies the
   * bytes only for a new category and keeps no reference to the row. Off-heap rows are copied once
   * into the dictionary's scratch buffer.
   */
  private static int bytes(CategorySink dict, InternalRow row, int i, boolean string) {
    if (row instanceof UnsafeRow u) {
      long offsetAndSize = u.getLong(i);
      int offset = (int) (offsetAndSize >> 32);
      int size = (int) offsetAndSize;
      if (u.getBaseObject() instanceof byte[] array) {
        return dict.idOfBytes(array, (int) (u.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET) + offset, size);
      }
      byte[] scratch = dict.scratch(size);
      Platform.copyMemory(u.getBaseObject(), u.getBaseOffset() + offset, scratch, Platform.BYTE_ARRAY_OFFSET, size);
      return dict.idOfBytes(scratch, 0, size);
    }
    if (string) {
      // a column batch's row (Parquet, ORC, a cache) hands out strings over the vector's own array
      UTF8String s = row.getUTF8String(i);
      if (s.getBaseObject() instanceof byte[] array) {
        return dict.idOfBytes(array, (int) (s.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET), s.numBytes());
      }
      byte[] b = s.getBytes();
      return dict.idOfBytes(b, 0, b.length);
    }
    byte[] b = row.getBinary(i);
    return dict.idOfBytes(b, 0, b.length);
  }
}
