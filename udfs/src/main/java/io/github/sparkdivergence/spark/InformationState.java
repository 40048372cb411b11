package io.github.sparkdivergence.spark;

import io.github.sparkdivergence.math.ContingencyState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * Partial state of an information aggregate: the weighted contingency table of (x, y) (y is a
 * single NULL category for one-column measures) plus the options read from the first row. Merges
 * exactly, so partial results from any partitioning, executor or earlier run combine to the same
 * table.
 *
 * <p>Spark ships V2 aggregate states with plain Java serialization, which resolves classes with the
 * JVM's application class loader: on a cluster, where this library arrives with {@code --jars} or
 * as the application jar, executors could not load this class. So the state travels as a
 * {@code byte[]} ({@link #writeReplace}) and the aggregate decodes it with {@link #of}.
 */
public final class InformationState implements Serializable {
  private static final long serialVersionUID = 1L;

  ContingencyState table = new ContingencyState();
  /** Options are constant per call; NaN / null until a row has been seen. */
  double base = Double.NaN;
  String method;
  /** Set when a row was invalid under ANSI-off semantics: the result is NULL. */
  boolean invalid;

  public InformationState() {}

  /** A live state, or one that crossed the wire as bytes. */
  static InformationState of(Serializable s) {
    return s instanceof InformationState state ? state : fromBytes((byte[]) s);
  }

  void merge(InformationState other) {
    table.merge(other.table);
    if (Double.isNaN(base)) base = other.base;
    if (method == null) method = other.method;
    invalid |= other.invalid;
  }

  public ContingencyState table() { return table; }

  private Object writeReplace() { return toBytes(); }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeDouble(base);
      out.writeBoolean(method != null);
      if (method != null) out.writeUTF(method);
      out.writeBoolean(invalid);
      byte[] t = table.toBytes();
      out.writeInt(t.length);
      out.write(t);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static InformationState fromBytes(byte[] b) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
      InformationState s = new InformationState();
      s.base = in.readDouble();
      s.method = in.readBoolean() ? in.readUTF() : null;
      s.invalid = in.readBoolean();
      int length = in.readInt();
      int offset = b.length - in.available();
      s.table = ContingencyState.fromBytes(b, offset, length);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
