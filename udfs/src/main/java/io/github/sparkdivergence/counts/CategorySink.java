package io.github.sparkdivergence.counts;

/**
 * Where a reader puts one category value: a {@link CategoryDictionary}, which interns it at once
 * and returns its id, or a {@link CategoryBatch}, which stages it and returns its position in the
 * batch. Readers of an engine's rows are written once against this and serve both.
 */
public interface CategorySink {
  int idOfNull();

  int idOfLong(long v);

  /** The bytes {@code bytes[off, off + len)}; the sink does not keep a reference to the array. */
  int idOfBytes(byte[] bytes, int off, int len);

  /** A reusable buffer of at least {@code minLength} bytes, for values that must be copied first. */
  byte[] scratch(int minLength);
}
