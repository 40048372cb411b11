package io.github.sparkdivergence.spark.input;

import io.github.sparkdivergence.counts.CategoryBatch;
import io.github.sparkdivergence.counts.CategoryDictionary;
import io.github.sparkdivergence.counts.CategorySink;
import java.util.Arrays;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The category ids of one column of Spark's column batches (a Parquet or ORC scan, a cached
 * table), interned as {@link CategoryReader} interns them from a row. A string column that the
 * file keeps dictionary-encoded is read by its dictionary ids: each id's value is interned once
 * per batch, not decoded into a new array for every row as a row (or the two-column scan) gets it.
 *
 * <p>Not thread-safe; one per column and task.
 */
public final class ColumnCategories {
  private final CategoryReader reader;
  private final DataType type;
  private final int column;
  private final CategoryBatch staged = new CategoryBatch(CategoryDictionary.BATCH);
  private final int[] stagedIds = new int[CategoryDictionary.BATCH];
  /** Per dictionary id of the current batch, its category id; -1 until a row of the batch has it. */
  private int[] byDictionaryId = new int[0];
  private int[] seen = new int[64];

  public ColumnCategories(CategoryReader reader, DataType type, int column) {
    this.reader = reader;
    this.type = type;
    this.column = column;
  }

  /**
   * Sets {@code ids[k]} to the category of row {@code rows[k]} of {@code batch}, for k in {@code
   * [0, n)}, interning new categories in {@code dictionary}: one at a time when {@code direct}
   * (a dictionary small enough to stay in the caches), else staged a batch at a time so that the
   * cache misses of a large dictionary overlap.
   */
  public void ids(ColumnarBatch batch, int[] rows, int n, CategoryDictionary dictionary, boolean direct, int[] ids) {
    ColumnVector v = batch.column(column);
    boolean bytes = reader == CategoryReader.STRING || reader == CategoryReader.BINARY;
    if (bytes && v instanceof WritableColumnVector w && w.hasDictionary()) {
      byDictionaryIds(batch, w, rows, n, dictionary, ids);
      return;
    }
    OnHeapColumnVector plain = bytes && v instanceof OnHeapColumnVector o ? o : null;
    byte[] values = plain == null ? null : valuesOf(plain, rows, n);
    if (direct) {
      for (int k = 0; k < n; k++) {
        ids[k] = intern(dictionary, batch, plain, values, rows[k]);
      }
      return;
    }
    for (int start = 0; start < n; start += CategoryDictionary.BATCH) {
      int end = Math.min(n, start + CategoryDictionary.BATCH);
      staged.clear();
      for (int k = start; k < end; k++) {
        intern(staged, batch, plain, values, rows[k]);
      }
      dictionary.intern(staged, stagedIds);
      System.arraycopy(stagedIds, 0, ids, start, end - start);
    }
  }

  /**
   * Row {@code r}'s category in {@code sink}: from {@code values}, the array of the on-heap
   * vector {@code plain}, when there is one ({@link #valuesOf}), else through the batch's row.
   */
  private int intern(CategorySink sink, ColumnarBatch batch, OnHeapColumnVector plain, byte[] values, int r) {
    if (values == null) return reader.intern(sink, batch.getRow(r), column, type);
    return plain.isNullAt(r) ? sink.idOfNull() : sink.idOfBytes(values, plain.getArrayOffset(r), plain.getArrayLength(r));
  }

  private static final byte[] NO_VALUES = new byte[0];

  /**
   * The one array that holds the values of an on-heap string or binary vector (no dictionary),
   * where each row's value starts at its array offset: read from the vector rather than through
   * the batch's row, whose UTF8String per value was the count's largest allocation
   * at high cardinality (2M x 100: 2.8 of 12.5 GB over five runs). Found through the first
   * non-NULL row; null when that row's value is not there (the batch is then read by its rows).
   */
  private static byte[] valuesOf(OnHeapColumnVector v, int[] rows, int n) {
    for (int k = 0; k < n; k++) {
      int r = rows[k];
      if (v.isNullAt(r)) continue;
      UTF8String s = v.getUTF8String(r);
      boolean atOffsets = s.getBaseObject() instanceof byte[] && s.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET == v.getArrayOffset(r);
      return atOffsets ? (byte[]) s.getBaseObject() : null;
    }
    return NO_VALUES;
  }

  private void byDictionaryIds(ColumnarBatch batch, WritableColumnVector v, int[] rows, int n,
      CategoryDictionary dictionary, int[] ids) {
    WritableColumnVector dictionaryIds = v.getDictionaryIds();
    int distinct = 0;
    for (int k = 0; k < n; k++) {
      int r = rows[k];
      if (v.isNullAt(r)) {
        ids[k] = dictionary.idOfNull();
        continue;
      }
      int d = dictionaryIds.getDictId(r);
      if (d >= byDictionaryId.length) {
        int old = byDictionaryId.length;
        byDictionaryId = Arrays.copyOf(byDictionaryId, Math.max(d + 1, 2 * old));
        Arrays.fill(byDictionaryId, old, byDictionaryId.length, -1);
      }
      int id = byDictionaryId[d];
      if (id < 0) {
        id = reader.intern(dictionary, batch.getRow(r), column, type);
        byDictionaryId[d] = id;
        if (distinct == seen.length) seen = Arrays.copyOf(seen, 2 * distinct);
        seen[distinct++] = d;
      }
      ids[k] = id;
    }
    // the next batch may come from another row group, whose dictionary numbers its values anew
    for (int k = 0; k < distinct; k++) byDictionaryId[seen[k]] = -1;
  }
}
