package io.github.sparkdivergence.spark;

import io.github.sparkdivergence.math.ContingencyState;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;

/**
 * Partial state of an information aggregate: the weighted contingency table of (x, y) (y is a
 * single NULL category for one-column measures) plus the options read from the first row. Merges
 * exactly, so partial results from any partitioning, executor or earlier run combine to the same
 * table.
 */
public final class InformationState implements Externalizable {
  private static final long serialVersionUID = 1L;

  ContingencyState table = new ContingencyState();
  /** Options are constant per call; NaN / null until a row has been seen. */
  double base = Double.NaN;
  String method;
  /** Set when a row was invalid under ANSI-off semantics: the result is NULL. */
  boolean invalid;

  public InformationState() {}

  void merge(InformationState other) {
    table.merge(other.table);
    if (Double.isNaN(base)) base = other.base;
    if (method == null) method = other.method;
    invalid |= other.invalid;
  }

  public ContingencyState table() { return table; }

  @Override
  public void writeExternal(ObjectOutput out) throws IOException {
    out.writeDouble(base);
    out.writeBoolean(method != null);
    if (method != null) out.writeUTF(method);
    out.writeBoolean(invalid);
    table.writeExternal(out);
  }

  @Override
  public void readExternal(ObjectInput in) throws IOException {
    base = in.readDouble();
    method = in.readBoolean() ? in.readUTF() : null;
    invalid = in.readBoolean();
    table = new ContingencyState();
    table.readExternal(in);
  }
}
