package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.counts.CategoryBatch;
import io.github.sparkdivergence.counts.CategoryDictionary;
import io.github.sparkdivergence.counts.ContingencyState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * Partial state of an information aggregate: the weighted contingency table of (x, y) (y is a
 * single NULL category for one-column measures) plus the option (log base or NMI method) of the
 * group's rows. Merges exactly, so partial results from any partitioning, executor or earlier run
 * combine to the same table.
 *
 * <p>The option must be the same on every row of a group: the state keeps the first row's value
 * as given ({@link #rawBase} / {@link #rawMethod}) and the aggregate compares every later row and
 * every merged state with it.
 *
 * <p>Spark ships V2 aggregate states with plain Java serialization, which resolves classes with the
 * JVM's application class loader: on a cluster, where this library arrives with {@code --jars} or
 * as the application jar, executors could not load this class. So the state travels as a
 * {@code byte[]} ({@link #writeReplace}) and the aggregate decodes it with {@link #of}.
 */
public final class InformationState implements Serializable {
  private static final long serialVersionUID = 2L;

  /** The counts so far, without the {@link #pending} rows: read it through {@link #table()}. */
  private ContingencyState table = new ContingencyState();
  /**
   * Rows read but not yet counted (at most {@link CategoryDictionary#BATCH}): interned and added
   * a batch at a time, which halves the cost per row once the dictionaries outgrow the caches (see
   * {@link CategoryBatch}). Not serialised: every reader of the state counts them first.
   */
  private transient Pending pending;

  /** The values and weights of the pending rows, and scratch space to count them. */
  static final class Pending {
    final CategoryBatch x = new CategoryBatch(CategoryDictionary.BATCH);
    final CategoryBatch y = new CategoryBatch(CategoryDictionary.BATCH);
    final double[] w = new double[CategoryDictionary.BATCH];
    final int[] ix = new int[CategoryDictionary.BATCH];
    final int[] iy = new int[CategoryDictionary.BATCH];

    /** Records the weight of the row whose x and y were just staged; true when the batch is full. */
    boolean row(double weight) {
      w[x.size() - 1] = weight;
      return x.size() == x.capacity();
    }
  }
  /** Whether a row's option has been read; until then the fields below are unset. */
  boolean optionSeen;
  /** The option was NULL: the result is NULL, as for the per-row functions. */
  boolean optionNull;
  /** The base as given on the first row (NaN when the option is not a base). */
  double rawBase = Double.NaN;
  /** The method as given on the first row (null when the option is not a method). */
  String rawMethod;
  /** The splits as given on the first row (null when the option is not splits, or one was NULL). */
  double[] rawSplits;
  /** The valid splits a bucketed distribution counts by; null when it counts values. */
  double[] splits;
  /** Set when a row was invalid under ANSI-off semantics: the result is NULL. */
  boolean invalid;

  public InformationState() {}

  /** A live state, or one that crossed the wire as bytes. */
  public static InformationState of(Serializable s) {
    return s instanceof InformationState state ? state : fromBytes((byte[]) s);
  }

  /** Whether this state's option (as given) is the same as {@code other}'s; unseen matches anything. */
  boolean sameOption(InformationState other) {
    if (!optionSeen || !other.optionSeen) return true;
    if (optionNull || other.optionNull) return optionNull == other.optionNull;
    return Double.compare(rawBase, other.rawBase) == 0 && java.util.Objects.equals(rawMethod, other.rawMethod)
        && java.util.Arrays.equals(rawSplits, other.rawSplits);
  }

  /** Whether this state has seen no category (so no cell and no weight either; its option aside). */
  boolean holdsNothing() {
    ContingencyState t = table();
    return t.distinctX() == 0 && t.distinctY() == 0;
  }

  /** Takes {@code other}'s option when this state has none yet. */
  void adoptOption(InformationState other) {
    if (optionSeen || !other.optionSeen) return;
    optionSeen = true;
    optionNull = other.optionNull;
    rawBase = other.rawBase;
    rawMethod = other.rawMethod;
    rawSplits = other.rawSplits;
    splits = other.splits;
  }

  /** Drops the counts of a group whose result is already NULL (or that failed): nothing to carry. */
  void markInvalid() {
    invalid = true;
    table = new ContingencyState();
    pending = null;
  }

  /**
   * Categories per dictionary, and cells, up to which rows are counted one at a time, straight into
   * the table: tables this small stay in the caches, so staging the values in a batch (a copy and a
   * second pass) costs more than the misses it would overlap. Measured on cached 50 x 50 rows: the
   * task CPU over the two-column scan fell from about 43 to 21 ns per row (docs/benchmarks.md).
   */
  static final int DIRECT_MAX_CATEGORIES = 1 << 12;
  static final int DIRECT_MAX_CELLS = 1 << 14;
  /** Rows counted directly since the table was last held to the limits. */
  private transient int directRows;

  /**
   * The table, when the next row should be counted straight into it (nothing staged, both
   * dictionaries and the cells still within the limits above); null when it should be staged with {@link #pending()}.
   */
  ContingencyState direct() {
    if (pending != null && pending.x.size() > 0) return null;
    ContingencyState t = table;
    return t.distinctX() <= DIRECT_MAX_CATEGORIES && t.distinctY() <= DIRECT_MAX_CATEGORIES
        && t.cells() <= DIRECT_MAX_CELLS ? t : null;
  }

  /** Records a row counted directly; true every {@link CategoryDictionary#BATCH} rows, as a full batch. */
  boolean directRow() {
    if (++directRows < CategoryDictionary.BATCH) return false;
    directRows = 0;
    return true;
  }

  /** Where the next row's x and y are staged: count them with {@link #table()} once full. */
  Pending pending() {
    if (pending == null) pending = new Pending();
    return pending;
  }

  /** The counts of every row so far: counts the pending rows first. */
  ContingencyState table() {
    Pending p = pending;
    if (p != null && p.x.size() > 0) {
      table.addAll(p.x, p.y, p.w, p.ix, p.iy);
      p.x.clear();
      p.y.clear();
    }
    return table;
  }

  private Object writeReplace() { return toBytes(); }

  public byte[] toBytes() {
    byte[] header = header();
    return withLength(table().toBytes(header), header.length);
  }

  /**
   * This state as the parts of {@link ContingencyState#toBytesByX}, each in {@link #toBytes()}'s
   * form with this state's option and validity: merged part by part over every task, each part
   * holds every cell of its x categories.
   */
  byte[][] toBytesByX(int parts) {
    byte[] header = header();
    byte[][] out = table().toBytesByX(parts, header);
    for (byte[] part : out) withLength(part, header.length);
    return out;
  }

  /** The totals of this state's y categories ({@link ContingencyState#columnTotals}), as a state without option. */
  byte[] columnTotalsBytes() {
    InformationState totals = new InformationState();
    totals.table = table().columnTotals();
    return totals.toBytes();
  }

  /** The option, the validity, and room for the table's length (the last 4 bytes). */
  private byte[] header() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeBoolean(optionSeen);
      out.writeBoolean(optionNull);
      out.writeDouble(rawBase);
      out.writeBoolean(rawMethod != null);
      if (rawMethod != null) out.writeUTF(rawMethod);
      writeSplits(out, rawSplits);
      writeSplits(out, splits);
      out.writeBoolean(invalid);
      out.writeInt(0); // the table's length, set by withLength
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code all}, a header of {@code headerLength} bytes and a table, with the table's length in the header. */
  private static byte[] withLength(byte[] all, int headerLength) {
    java.nio.ByteBuffer.wrap(all).putInt(headerLength - 4, all.length - headerLength);
    return all;
  }

  public static InformationState fromBytes(byte[] b) {
    Serialized s = serialized(b);
    s.state.table = ContingencyState.fromBytes(b, s.offset, s.length);
    return s.state;
  }

  /** A state in its {@link #toBytes()} form, read but for its counts, which are at [offset, offset + length). */
  record Serialized(InformationState state, byte[] bytes, int offset, int length) {}

  /** Reads the option and validity of a serialized state, leaving its counts as they are (its table empty). */
  static Serialized serialized(byte[] b) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
      InformationState s = new InformationState();
      s.optionSeen = in.readBoolean();
      s.optionNull = in.readBoolean();
      s.rawBase = in.readDouble();
      s.rawMethod = in.readBoolean() ? in.readUTF() : null;
      s.rawSplits = readSplits(in);
      s.splits = readSplits(in);
      s.invalid = in.readBoolean();
      int length = in.readInt();
      int offset = b.length - in.available();
      if (length < 0 || length > b.length - offset) throw new IllegalArgumentException("corrupt InformationState: length " + length);
      return new Serialized(s, b, offset, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeSplits(DataOutputStream out, double[] splits) throws IOException {
    out.writeInt(splits == null ? -1 : splits.length);
    if (splits != null) for (double d : splits) out.writeDouble(d);
  }

  private static double[] readSplits(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) return null;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = in.readDouble();
    return out;
  }
}
