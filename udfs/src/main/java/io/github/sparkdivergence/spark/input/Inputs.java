package io.github.sparkdivergence.spark.input;

import io.github.sparkdivergence.math.InvalidInputException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.array.ByteArrayMethods;

/**
 * Reads Spark's internal values into the math core's {@code double[]} buffers. Unsafe arrays (what
 * scans and projections produce) are copied with one bulk memory copy after a word-wise null check.
 */
public final class Inputs {
  private Inputs() {}

  /** MLlib's VectorUDT stores {@code struct<type: tinyint, size: int, indices: array<int>, values: array<double>>}. */
  static final byte SPARSE = 0;

  public static void copyDoubles(ArrayData src, double[] dst, int n, int arg) {
    if (src instanceof UnsafeArrayData u) {
      Object base = u.getBaseObject();
      long offset = u.getBaseOffset();
      int header = UnsafeArrayData.calculateHeaderPortionInBytes(n);
      checkNoNulls(u, base, offset, header, arg);
      Platform.copyMemory(base, offset + header, dst, Platform.DOUBLE_ARRAY_OFFSET, n * 8L);
    } else {
      for (int i = 0; i < n; i++) {
        if (src.isNullAt(i)) throw nullElement(arg, i);
        dst[i] = src.getDouble(i);
      }
    }
  }

  public static void copyInts(ArrayData src, int[] dst, int n, int arg) {
    if (src instanceof UnsafeArrayData u) {
      Object base = u.getBaseObject();
      long offset = u.getBaseOffset();
      int header = UnsafeArrayData.calculateHeaderPortionInBytes(n);
      checkNoNulls(u, base, offset, header, arg);
      Platform.copyMemory(base, offset + header, dst, Platform.INT_ARRAY_OFFSET, n * 4L);
    } else {
      for (int i = 0; i < n; i++) {
        if (src.isNullAt(i)) throw nullElement(arg, i);
        dst[i] = src.getInt(i);
      }
    }
  }

  /** The null bitset sits between the 8-byte length and the values; all-zero words mean no nulls. */
  private static void checkNoNulls(UnsafeArrayData u, Object base, long offset, int header, int arg) {
    for (int w = 8; w < header; w += 8) {
      if (Platform.getLong(base, offset + w) != 0) {
        for (int i = 0; i < u.numElements(); i++) {
          if (u.isNullAt(i)) throw nullElement(arg, i);
        }
      }
    }
  }

  public static InvalidInputException nullElement(int arg, int index) {
    return new InvalidInputException(arg, "has a null element at index " + index);
  }

  /** A vector's length as a dense vector (its {@code size} when sparse). */
  public static int vectorSize(InternalRow v) {
    return v.getByte(0) == SPARSE ? v.getInt(1) : v.getArray(3).numElements();
  }

  public static boolean isSparse(InternalRow v) { return v.getByte(0) == SPARSE; }

  /** Writes the vector densely into {@code dst[0, size)}. */
  public static void densify(InternalRow v, double[] dst, int size, int arg) {
    ArrayData values = v.getArray(3);
    if (!isSparse(v)) {
      copyDoubles(values, dst, size, arg);
      return;
    }
    java.util.Arrays.fill(dst, 0, size, 0.0);
    ArrayData indices = v.getArray(2);
    int nnz = values.numElements();
    for (int k = 0; k < nnz; k++) {
      int i = indices.getInt(k);
      if (i < 0 || i >= size) {
        throw new InvalidInputException(arg, "has sparse index " + i + " outside [0, " + size + ")");
      }
      dst[i] = values.getDouble(k);
    }
  }

  /**
   * MLlib's MatrixUDT stores {@code struct<type: tinyint, numRows: int, numCols: int, colPtrs: array<int>,
   * rowIndices: array<int>, values: array<double>, isTransposed: boolean>}: dense values are
   * column-major (row-major when transposed), sparse ones CSC (CSR when transposed).
   */
  public static int matrixRows(InternalRow m) { return m.getInt(1); }

  public static int matrixCols(InternalRow m) { return m.getInt(2); }

  /** Writes the matrix row-major into {@code dst[0, rows * cols)}. */
  public static void matrixRowMajor(InternalRow m, double[] dst, int arg) {
    int rows = m.getInt(1);
    int cols = m.getInt(2);
    boolean transposed = m.getBoolean(6);
    ArrayData values = m.getArray(5);
    if (m.getByte(0) != SPARSE) {
      if (values.numElements() != rows * cols) {
        throw new InvalidInputException(arg, "has " + values.numElements() + " values for a " + rows + " x " + cols + " matrix");
      }
      if (transposed) {
        copyDoubles(values, dst, rows * cols, arg);
        return;
      }
      for (int j = 0, k = 0; j < cols; j++) {
        for (int i = 0; i < rows; i++, k++) dst[i * cols + j] = values.getDouble(k);
      }
      return;
    }
    java.util.Arrays.fill(dst, 0, rows * cols, 0.0);
    ArrayData ptrs = m.getArray(3);
    ArrayData idx = m.getArray(4);
    // CSC walks columns and indexes rows; CSR (transposed) the other way round
    int outer = transposed ? rows : cols;
    int inner = transposed ? cols : rows;
    if (ptrs.numElements() != outer + 1 || idx.numElements() != values.numElements()) {
      throw new InvalidInputException(arg, "has a malformed sparse layout for a " + rows + " x " + cols + " matrix");
    }
    for (int o = 0; o < outer; o++) {
      int end = ptrs.getInt(o + 1);
      for (int k = ptrs.getInt(o); k < end; k++) {
        int in = k >= 0 && k < idx.numElements() ? idx.getInt(k) : -1;
        if (in < 0 || in >= inner) {
          throw new InvalidInputException(arg, "has a malformed sparse layout for a " + rows + " x " + cols + " matrix");
        }
        dst[transposed ? o * cols + in : in * cols + o] = values.getDouble(k);
      }
    }
  }

  /** Copies map values in their stored order; keys do not matter for a single distribution. */
  public static int mapValues(MapData m, double[] dst, int arg) {
    int n = m.numElements();
    copyDoubles(m.valueArray(), dst, n, arg);
    return n;
  }

  /**
   * Aligns two maps on the union of their keys into {@code s.first} / {@code s.second} (a missing key is 0)
   * and returns the union's size: p's keys first, in p's order, then q's other keys in q's order.
   *
   * <p>Rows of one column usually repeat the same keys in the same order (a fixed vocabulary). The
   * last alignment is therefore kept in {@code s} with the exact bytes of both key arrays; a row
   * whose key arrays are byte-identical reuses it (a memory compare, a bulk copy and a scatter)
   * instead of hashing every key again. Any other row takes the general path and is remembered.
   */
  public static int alignMaps(MapData p, MapData q, Scratch s, int argP, int argQ) {
    int np = p.numElements();
    int nq = q.numElements();
    int max = np + nq;
    double[] a = s.first(max);
    double[] b = s.second(max);
    ArrayData pk = p.keyArray();
    ArrayData pv = p.valueArray();
    ArrayData qk = q.keyArray();
    ArrayData qv = q.valueArray();
    if (sameBytes(pk, s.mapKeysP, s.mapKeysPSize) && sameBytes(qk, s.mapKeysQ, s.mapKeysQSize)
        && !hasNulls(pv, np) && !hasNulls(qv, nq)) {
      int n = s.mapUnionSize;
      copyDoubles(pv, a, np, argP);
      java.util.Arrays.fill(a, np, n, 0.0);
      java.util.Arrays.fill(b, 0, n, 0.0);
      int[] pos = s.mapQPos;
      for (int i = 0; i < nq; i++) b[pos[i]] = qv.getDouble(i);
      return n;
    }
    s.mapKeysPSize = -1; // forgotten unless this row aligns without error
    int[] qPos = s.mapQPos(nq);
    StringUnion union = s.union;
    union.clear(max);
    for (int i = 0; i < np; i++) {
      if (pv.isNullAt(i)) throw new InvalidInputException(argP, "has a null value for key '" + pk.getUTF8String(i) + "'");
      int pos = union.indexOf(pk.getUTF8String(i));
      if (pos < 0) throw new InvalidInputException(argP, "has duplicate key '" + pk.getUTF8String(i) + "'");
      a[pos] = pv.getDouble(i);
      b[pos] = 0.0;
    }
    for (int i = 0; i < nq; i++) {
      if (qv.isNullAt(i)) throw new InvalidInputException(argQ, "has a null value for key '" + qk.getUTF8String(i) + "'");
      int pos = union.indexOf(qk.getUTF8String(i));
      if (pos >= 0) {
        a[pos] = 0.0;
        b[pos] = qv.getDouble(i);
        qPos[i] = pos;
      } else {
        b[-1 - pos] = qv.getDouble(i);
        qPos[i] = -1 - pos;
      }
    }
    remember(pk, qk, s, union.size());
    return union.size();
  }

  private static boolean sameBytes(ArrayData keys, byte[] bytes, int size) {
    return size >= 0 && keys instanceof UnsafeArrayData u && u.getSizeInBytes() == size
        && ByteArrayMethods.arrayEquals(u.getBaseObject(), u.getBaseOffset(), bytes, Platform.BYTE_ARRAY_OFFSET, size);
  }

  private static void remember(ArrayData pk, ArrayData qk, Scratch s, int unionSize) {
    if (!(pk instanceof UnsafeArrayData up) || !(qk instanceof UnsafeArrayData uq)) return;
    s.mapKeysP = copyBytes(up, s.mapKeysP);
    s.mapKeysQ = copyBytes(uq, s.mapKeysQ);
    s.mapKeysQSize = uq.getSizeInBytes();
    s.mapUnionSize = unionSize;
    s.mapKeysPSize = up.getSizeInBytes(); // last: marks the alignment valid
  }

  private static byte[] copyBytes(UnsafeArrayData u, byte[] dst) {
    int size = u.getSizeInBytes();
    byte[] out = dst.length >= size ? dst : new byte[Math.max(size, dst.length * 2)];
    Platform.copyMemory(u.getBaseObject(), u.getBaseOffset(), out, Platform.BYTE_ARRAY_OFFSET, size);
    return out;
  }

  private static boolean hasNulls(ArrayData a, int n) {
    if (a instanceof UnsafeArrayData u) {
      Object base = u.getBaseObject();
      long offset = u.getBaseOffset();
      int header = UnsafeArrayData.calculateHeaderPortionInBytes(n);
      for (int w = 8; w < header; w += 8) {
        if (Platform.getLong(base, offset + w) != 0) return true;
      }
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (a.isNullAt(i)) return true;
    }
    return false;
  }
}
