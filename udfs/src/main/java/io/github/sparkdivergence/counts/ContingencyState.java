package io.github.sparkdivergence.counts;

import io.github.sparkdivergence.math.CompensatedSum;
import io.github.sparkdivergence.math.ContingencyTable;
import io.github.sparkdivergence.math.InformationMeasures;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;

/**
 * Mergeable aggregation state for two categorical columns: a {@link CategoryDictionary} per side
 * and a {@link JointCounts} of weights per (x, y) pair.
 *
 * <pre>{@code
 * int xId = state.x().idOfLong(v);          // or idOfBytes / idOfNull
 * int yId = state.y().idOfBytes(b, 0, len);
 * state.add(xId, yId, 1.0);
 * }</pre>
 *
 * <p>Memory per group: see {@link #estimatedBytes()}; about 20-40 bytes + value length per
 * distinct category on each side and 23-46 bytes per non-empty (x, y) cell.
 *
 * <p>Wire format ({@link #toBytes()}, also used by {@link Externalizable}): version byte, x
 * dictionary, y dictionary, total weight, varint cell count, then per cell varint idX, varint idY
 * and the weight. Weights are written as varint 2c when they are integers below 2^53, else as a
 * marker and the 8 IEEE bytes, so a round trip is bit-exact. Integer counts of a 1,000 x 1,000
 * table take about 6 bytes per cell.
 *
 * <p>Not thread-safe.
 */
public final class ContingencyState implements Externalizable {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  private CategoryDictionary x;
  private CategoryDictionary y;
  private JointCounts joint;
  private final CompensatedSum total = new CompensatedSum();

  public ContingencyState() {
    this(new CategoryDictionary(), new CategoryDictionary(), new JointCounts());
  }

  private ContingencyState(CategoryDictionary x, CategoryDictionary y, JointCounts joint) {
    this.x = x;
    this.y = y;
    this.joint = joint;
  }

  /**
   * A state over existing parts, for {@link PairwiseCounts}, which shares one dictionary per
   * column among all the pairs that column is in. Only for serialising: adding to it would
   * intern into the shared dictionaries.
   */
  static ContingencyState over(CategoryDictionary x, CategoryDictionary y, JointCounts joint, double total) {
    ContingencyState s = new ContingencyState(x, y, joint);
    s.total.add(total);
    return s;
  }

  /** Dictionary of the first (row) column. */
  public CategoryDictionary x() {
    return x;
  }

  /** Dictionary of the second (column) column. */
  public CategoryDictionary y() {
    return y;
  }

  /**
   * Adds weight {@code w} (finite, {@code >= 0}) to cell (xId, yId). A zero weight stores no cell,
   * though the ids stay interned: categories whose total is 0 are ignored by the measures.
   */
  public void add(int xId, int yId, double w) {
    if (addCell(xId, yId, w)) {
      total.add(w);
    }
  }

  /**
   * Interns the staged values {@code xs} and {@code ys} (one per row, as many of each) in this
   * state's dictionaries and adds weight {@code ws[k]} to the cell of row k, in row order: the
   * state is the one {@link #add} row by row would give, reached with the cache misses of the
   * batch overlapped. {@code ix} and {@code iy} are scratch space (at least the batch size).
   * Leaves the batches as they were.
   */
  public void addAll(CategoryBatch xs, CategoryBatch ys, double[] ws, int[] ix, int[] iy) {
    int n = xs.size();
    if (ys.size() != n || ws.length < n || ix.length < n || iy.length < n) {
      throw new IllegalArgumentException("batches of " + n + " and " + ys.size() + " values, " + ws.length
          + " weights, " + ix.length + " and " + iy.length + " ids");
    }
    for (int k = 0; k < n; k++) {
      checkWeight(ws[k]);
    }
    x.intern(xs, ix);
    y.intern(ys, iy);
    for (int k = 0; k < n; k++) {
      if (ws[k] != 0) {
        total.add(ws[k]);
      }
    }
    joint.addAll(ix, iy, ws, n);
  }

  /**
   * Adds weight {@code ws[k]} to cell {@code (ix[k], iy[k])} for k in {@code [0, n)}, in that
   * order, with the categories already interned in this state's dictionaries (a reader that maps
   * a column's own dictionary ids to these): the state {@link #add} cell by cell would give, with
   * the cache misses overlapped a batch at a time.
   */
  public void addIds(int[] ix, int[] iy, double[] ws, int n) {
    if (ix.length < n || iy.length < n || ws.length < n) {
      throw new IllegalArgumentException(n + " cells but " + ix.length + ", " + iy.length + " ids and " + ws.length + " weights");
    }
    for (int k = 0; k < n; k++) {
      checkCell(ix[k], iy[k], ws[k]);
    }
    for (int k = 0; k < n; k++) {
      if (ws[k] != 0) {
        total.add(ws[k]);
      }
    }
    for (int start = 0; start < n; start += CategoryDictionary.BATCH) {
      joint.addAll(ix, iy, ws, start, Math.min(n, start + CategoryDictionary.BATCH));
    }
  }

  /** A weight every state accepts: finite and >= 0 (NaN is none). The one rule for every caller. */
  public static boolean isWeight(double w) {
    return w >= 0 && w != Double.POSITIVE_INFINITY;
  }

  private static void checkWeight(double w) {
    if (!isWeight(w)) {
      throw new IllegalArgumentException("weight must be finite and >= 0: " + w);
    }
  }

  private void checkCell(int xId, int yId, double w) {
    checkWeight(w);
    if (xId < 0 || xId >= x.size() || yId < 0 || yId >= y.size()) {
      throw new IndexOutOfBoundsException("ids (" + xId + ", " + yId + ") not interned");
    }
  }

  private boolean addCell(int xId, int yId, double w) {
    checkCell(xId, yId, w);
    if (w == 0) {
      return false;
    }
    joint.add(xId, yId, w);
    return true;
  }

  /**
   * Adds every cell of {@code other}, re-interning its categories in this state's dictionaries;
   * categories match exactly (kind and value). Integer weights below 2^53 merge exactly.
   */
  public void merge(ContingencyState other) {
    merge(other, Long.MAX_VALUE);
  }

  /**
   * {@link #merge(ContingencyState)} that stops as soon as this state holds more than {@code
   * maxCells} cells and returns false: the state is then partly merged and of no further use. A
   * caller that enforces a cap thus fails before the merge has allocated the whole union.
   */
  public boolean merge(ContingencyState other, long maxCells) {
    return merge(other, maxCells, Long.MAX_VALUE);
  }

  /**
   * {@link #merge(ContingencyState, long)} that also stops, returning false, as soon as this state's
   * {@link #peakBytes()} would pass {@code maxBytes}: the dictionaries are checked while they take
   * in the other's categories, and the cells every 1024, so the union is never allocated whole.
   */
  public boolean merge(ContingencyState other, long maxCells, long maxBytes) {
    if (other == this) {
      other = fromBytes(toBytes());
    }
    long half = maxBytes / 2; // peakBytes() is twice the estimate
    int[] mx = x.remap(other.x, half);
    int[] my = mx == null ? null : y.remap(other.y, half - x.estimatedBytes());
    if (my == null) {
      return false;
    }
    boolean[] within = {joint.size() <= maxCells && peakBytes() <= maxBytes};
    int[] seen = {0};
    JointCounts.Batch batch = new JointCounts.Batch();
    other.joint.forEach((ix, iy, c) -> {
      if (within[0] && batch.add(mx[ix], my[iy], c)) {
        batch.flushInto(joint);
        within[0] = joint.size() <= maxCells && ((seen[0] += CategoryDictionary.BATCH) % 1024 != 0 || peakBytes() <= maxBytes);
      }
    });
    if (within[0]) {
      batch.flushInto(joint);
    }
    total.add(other.total.value());
    return within[0] && joint.size() <= maxCells && peakBytes() <= maxBytes;
  }

  /**
   * {@link #merge(ContingencyState, long, long)} of the state {@code fromBytes(bytes, off, len)}
   * without building it: its categories are interned here as they are read and its cells added as
   * they come, so its dictionaries and cells are never hashed into tables of their own. The same
   * counts, limits (false once past them, the state then of no further use) and errors on
   * malformed bytes.
   */
  public boolean mergeBytes(byte[] bytes, int off, int len, long maxCells, long maxBytes) {
    CompactCodec.In in = open(bytes, off, len);
    long half = maxBytes / 2; // peakBytes() is twice the estimate
    int[] mx = CategoryDictionary.readInto(in, x, half);
    int[] my = mx == null ? null : CategoryDictionary.readInto(in, y, half - x.estimatedBytes());
    if (my == null) {
      return false;
    }
    double totalWeight = in.readCount();
    int n = in.readVarInt();
    JointCounts.Batch batch = new JointCounts.Batch();
    boolean within = joint.size() <= maxCells && peakBytes() <= maxBytes;
    int flushed = 0;
    for (int k = 0; k < n && within; k++) {
      int ix = in.readVarInt();
      int iy = in.readVarInt();
      double w = in.readCount();
      if (ix < 0 || ix >= mx.length || iy < 0 || iy >= my.length || !isWeight(w)) {
        throw new IllegalArgumentException("corrupt ContingencyState: cell (" + ix + ", " + iy + ", " + w + ")");
      }
      if (w != 0 && batch.add(mx[ix], my[iy], w)) {
        batch.flushInto(joint);
        within = joint.size() <= maxCells && ((flushed += CategoryDictionary.BATCH) % 1024 != 0 || peakBytes() <= maxBytes);
      }
    }
    if (!within) {
      return false;
    }
    batch.flushInto(joint);
    if (!in.atEnd()) {
      throw new IllegalArgumentException("corrupt ContingencyState: trailing bytes");
    }
    total.add(totalWeight);
    return joint.size() <= maxCells && peakBytes() <= maxBytes;
  }

  /** {@link #merge(ContingencyState)} of a state given in its {@link #toBytes()} form, without building it. */
  public void mergeBytes(byte[] bytes) {
    mergeBytes(bytes, 0, bytes.length, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /**
   * Streams the cells of a state in its {@link #toBytes()} form: interns its categories in {@code
   * x} and {@code y}, passes each cell with those ids to {@code cells} (zero weights skipped) and
   * returns the state's total weight. Throws on malformed bytes.
   */
  static double readCells(byte[] bytes, CategoryDictionary x, CategoryDictionary y, JointCounts.CellConsumer cells) {
    CompactCodec.In in = open(bytes, 0, bytes.length);
    CategoryDictionary ox = CategoryDictionary.readFrom(in);
    CategoryDictionary oy = CategoryDictionary.readFrom(in);
    double totalWeight = in.readCount();
    int n = in.readVarInt();
    int[] mx = x.remap(ox);
    int[] my = y.remap(oy);
    for (int k = 0; k < n; k++) {
      int ix = in.readVarInt();
      int iy = in.readVarInt();
      double w = in.readCount();
      if (ix < 0 || ix >= mx.length || iy < 0 || iy >= my.length || !isWeight(w)) {
        throw new IllegalArgumentException("corrupt ContingencyState: cell (" + ix + ", " + iy + ", " + w + ")");
      }
      if (w != 0) {
        cells.accept(mx[ix], my[iy], w);
      }
    }
    if (!in.atEnd()) {
      throw new IllegalArgumentException("corrupt ContingencyState: trailing bytes");
    }
    return totalWeight;
  }

  /** The contingency table: rows are x ids, columns y ids. */
  public ContingencyTable toTable() {
    int n = joint.size();
    int[] rows = new int[n];
    int[] cols = new int[n];
    double[] counts = new double[n];
    joint.copyTo(rows, cols, counts);
    return new ContingencyTable(x.size(), y.size(), rows, cols, counts, n, true);
  }

  public long distinctX() {
    return x.size();
  }

  public long distinctY() {
    return y.size();
  }

  /** Non-empty (x, y) cells. */
  public long cells() {
    return joint.size();
  }

  /** Sum of all weights added (compensated). */
  public double totalWeight() {
    return total.value();
  }

  /** Approximate heap bytes of this state, growth slack included. */
  public long estimatedBytes() {
    return 48 + x.estimatedBytes() + y.estimatedBytes() + joint.estimatedBytes();
  }

  /**
   * The most this state may take while it grows: a table that grows is copied into one twice its
   * size while the old one is still held, so a limit on {@link #estimatedBytes()} alone lets a state
   * take up to three times its size at that moment. Twice the estimate bounds it (the tables do not
   * grow at once).
   */
  public long peakBytes() {
    return 2 * estimatedBytes();
  }

  public byte[] toBytes() {
    return toBytes(new byte[0]);
  }

  /**
   * {@code prefix} followed by {@link #toBytes()}, in one array: a caller that wraps the state in
   * a header of its own copies the (possibly hundreds of MB of) state bytes no further.
   */
  public byte[] toBytes(byte[] prefix) {
    return toBytes(prefix, x, y, total.value(), joint.size(), joint::forEach);
  }

  /** Cells to write, each once: (idX, idY, weight > 0). */
  interface Cells {
    void forEach(JointCounts.CellConsumer cell);
  }

  /** The wire format of a state made of these parts, without building it (see {@link PairwiseCounts}). */
  static byte[] toBytes(CategoryDictionary x, CategoryDictionary y, double totalWeight, int cellCount, Cells cells) {
    return toBytes(new byte[0], x, y, totalWeight, cellCount, cells);
  }

  private static byte[] toBytes(byte[] prefix, CategoryDictionary x, CategoryDictionary y, double totalWeight,
      int cellCount, Cells cells) {
    // Sized to the usual length up front: growing by doubling would copy a large state several times.
    long estimate = 64L + prefix.length + x.wireBytesEstimate() + y.wireBytesEstimate() + 6L * cellCount;
    CompactCodec.Out out = new CompactCodec.Out((int) Math.min(estimate, Integer.MAX_VALUE - 16));
    out.writeBytes(prefix, 0, prefix.length);
    out.writeByte(VERSION);
    x.writeTo(out);
    y.writeTo(out);
    out.writeCount(totalWeight);
    out.writeVarLong(cellCount);
    cells.forEach((ix, iy, c) -> {
      out.writeVarLong(ix);
      out.writeVarLong(iy);
      out.writeCount(c);
    });
    return out.toByteArray();
  }

  /** A reader positioned after the version byte, which it checks. */
  private static CompactCodec.In open(byte[] bytes, int off, int len) {
    CompactCodec.In in = new CompactCodec.In(bytes, off, len);
    int version = in.readByte();
    if (version != VERSION) {
      throw new IllegalArgumentException("unsupported ContingencyState version " + version);
    }
    return in;
  }

  public static ContingencyState fromBytes(byte[] bytes) {
    return fromBytes(bytes, 0, bytes.length);
  }

  public static ContingencyState fromBytes(byte[] bytes, int off, int len) {
    CompactCodec.In in = open(bytes, off, len);
    CategoryDictionary x = CategoryDictionary.readFrom(in);
    CategoryDictionary y = CategoryDictionary.readFrom(in);
    double totalWeight = in.readCount();
    int n = in.readVarInt();
    ContingencyState s = new ContingencyState(x, y, new JointCounts(n));
    // The total is restored as written, not re-summed: a different order could change its
    // last bits for non-integer weights.
    s.total.add(totalWeight);
    JointCounts.Batch batch = new JointCounts.Batch();
    for (int k = 0; k < n; k++) {
      int ix = in.readVarInt();
      int iy = in.readVarInt();
      double w = in.readCount();
      s.checkCell(ix, iy, w);
      if (w != 0 && batch.add(ix, iy, w)) {
        batch.flushInto(s.joint);
      }
    }
    batch.flushInto(s.joint);
    if (s.joint.size() != n || !in.atEnd()) {
      throw new IllegalArgumentException("corrupt ContingencyState: duplicate cells or trailing bytes");
    }
    return s;
  }

  @Override
  public void writeExternal(ObjectOutput out) throws IOException {
    byte[] b = toBytes();
    out.writeInt(b.length);
    out.write(b);
  }

  @Override
  public void readExternal(ObjectInput in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    ContingencyState s = fromBytes(b);
    this.x = s.x;
    this.y = s.y;
    this.joint = s.joint;
    this.total.add(s.total.value());
  }
}
