package io.github.sparkdivergence.counts;

import io.github.sparkdivergence.math.CompensatedSum;
import io.github.sparkdivergence.math.ContingencyTable;
import io.github.sparkdivergence.math.InformationMeasures;
import io.github.sparkdivergence.math.InformationSums;
import io.github.sparkdivergence.math.PairSums;
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

  /** The most parts {@link #toBytesByX} splits a state into. */
  public static final int MAX_PARTS = 256;

  /**
   * This state as {@code parts} states, each in {@link #toBytes(byte[])}'s form after {@code
   * prefix}: part p holds the x categories whose {@link CategoryDictionary#partOf} is p, every y
   * category, and the cells of its x categories (its total theirs). A category goes to the same
   * part in every task, so part p merged over all tasks holds every cell of its x values: whole
   * row totals, on a task of its own ({@link #addTermsTo}).
   */
  public byte[][] toBytesByX(int parts, byte[] prefix) {
    if (parts < 1 || parts > MAX_PARTS) {
      throw new IllegalArgumentException("parts must be in [1, " + MAX_PARTS + "] but was " + parts);
    }
    int nx = x.size();
    int[] at = new int[nx]; // per x id: its id in its part, shifted, and the part
    int[] sizes = new int[parts];
    CompactCodec.Out[] values = new CompactCodec.Out[parts];
    CompactCodec.Out[] cells = new CompactCodec.Out[parts];
    CompensatedSum[] totals = new CompensatedSum[parts];
    int[] counts = new int[parts];
    for (int p = 0; p < parts; p++) {
      values[p] = new CompactCodec.Out((int) Math.min(16 + x.wireBytesEstimate() / parts, Integer.MAX_VALUE - 16));
      cells[p] = new CompactCodec.Out((int) Math.min(16 + 6L * joint.size() / parts, Integer.MAX_VALUE - 16));
      totals[p] = new CompensatedSum();
    }
    if (nx > (Integer.MAX_VALUE >>> 8)) {
      throw new IllegalStateException(nx + " x categories in one state: too many to split");
    }
    for (int id = 0; id < nx; id++) {
      int p = x.partOf(id, parts);
      at[id] = (sizes[p]++ << 8) | p;
      x.writeValue(values[p], id);
    }
    // the cells come in hash order: their x ids are read ahead a batch at a time, so that the
    // misses on at[] overlap instead of stalling each cell in turn
    int[] bx = new int[CategoryDictionary.BATCH];
    int[] by = new int[CategoryDictionary.BATCH];
    double[] bc = new double[CategoryDictionary.BATCH];
    int[] held = {0};
    JointCounts.CellConsumer write = (ix, iy, c) -> {
      bx[held[0]] = ix;
      by[held[0]] = iy;
      bc[held[0]++] = c;
      if (held[0] == bx.length) {
        writeParts(at, bx, by, bc, held[0], cells, counts, totals);
        held[0] = 0;
      }
    };
    joint.forEach(write);
    writeParts(at, bx, by, bc, held[0], cells, counts, totals);
    byte[][] out = new byte[parts][];
    for (int p = 0; p < parts; p++) {
      // what comes before the x values and between them and the cells, then one exact copy of each
      CompactCodec.Out head = new CompactCodec.Out(prefix.length + 16);
      head.writeBytes(prefix, 0, prefix.length);
      head.writeByte(VERSION);
      head.writeVarLong(sizes[p]);
      CompactCodec.Out middle = new CompactCodec.Out((int) Math.min(32 + y.wireBytesEstimate(), Integer.MAX_VALUE - 16));
      y.writeTo(middle);
      middle.writeCount(totals[p].value());
      middle.writeVarLong(counts[p]);
      out[p] = CompactCodec.Out.join(head, values[p], middle, cells[p]);
      values[p] = null;
      cells[p] = null;
    }
    return out;
  }

  /** Writes cells k < n of the batch into their parts (see {@link #toBytesByX}). */
  private static void writeParts(int[] at, int[] bx, int[] by, double[] bc, int n, CompactCodec.Out[] cells,
      int[] counts, CompensatedSum[] totals) {
    long sum = 0;
    for (int k = 0; k < n; k++) {
      sum += at[bx[k]];
    }
    touched = sum;
    for (int k = 0; k < n; k++) {
      int a = at[bx[k]];
      int p = a & 0xff;
      cells[p].writeVarLong(a >>> 8);
      cells[p].writeVarLong(by[k]);
      cells[p].writeCount(bc[k]);
      counts[p]++;
      totals[p].add(bc[k]);
    }
  }

  /** Where the read-ahead loads go, so that they are not optimised away; never read. */
  private static volatile long touched;
  private static volatile double touchedTotals;

  /**
   * The totals of this state's y categories as a state of its own: one x category (NULL), this
   * state's y categories, and a cell (NULL, y) with the total of each y (compensated); its total
   * is this state's. Merged over every task, it gives the parts of {@link #toBytesByX} each y's
   * total and n ({@link #partSums}). For serialising only: it shares this state's y dictionary.
   */
  public ContingencyState columnTotals() {
    CompensatedSum[] sums = new CompensatedSum[y.size()];
    joint.forEach((ix, iy, c) -> {
      if (sums[iy] == null) {
        sums[iy] = new CompensatedSum();
      }
      sums[iy].add(c);
    });
    CategoryDictionary one = new CategoryDictionary();
    int nullId = one.idOfNull();
    JointCounts cells = new JointCounts(sums.length);
    for (int iy = 0; iy < sums.length; iy++) {
      if (sums[iy] != null && sums[iy].value() > 0) {
        cells.add(nullId, iy, sums[iy].value());
      }
    }
    return over(one, y, cells, total.value());
  }

  /**
   * The sums of this state's cells and x levels, whose totals are whole here (it is a part of
   * {@link #toBytesByX} merged over every task), with each y's total and n from {@code
   * columnTotals} (the {@link #columnTotals} of every task, merged); {@code withColumns} adds the y
   * levels too (one part of all does), {@code cellEntropies} the sums of H(X,Y), H(X|Y) and VI
   * ({@link InformationSums}). The parts' sums merged give the whole table's measures.
   */
  public PairSums partSums(ContingencyState columnTotals, boolean withColumns, boolean cellEntropies) {
    ContingencyTable t = toTable();
    ContingencyTable totals = columnTotals.toTable();
    PairSums into = new PairSums(totals.total(), cellEntropies);
    int[] yAt = columnTotals.y.remap(y);
    double[] b = new double[y.size()];
    for (int iy = 0; iy < b.length; iy++) {
      b[iy] = yAt[iy] < totals.nCols() ? totals.colSum(yAt[iy]) : 0;
    }
    double[] rows = new double[t.nRows()];
    for (int ix = 0; ix < rows.length; ix++) {
      rows[ix] = t.rowSum(ix);
    }
    int nnz = t.nnz();
    for (int k0 = 0; k0 < nnz; k0 += CategoryDictionary.BATCH) {
      int end = Math.min(nnz, k0 + CategoryDictionary.BATCH);
      double ahead = 0; // the row totals of the batch read ahead: the cells come in hash order
      for (int k = k0; k < end; k++) {
        ahead += rows[t.rowId(k)];
      }
      touchedTotals = ahead;
      for (int k = k0; k < end; k++) {
        double c = t.count(k);
        double bk = b[t.colId(k)];
        if (!(bk >= c)) {
          throw new IllegalStateException("the column totals do not cover this part's cells: " + bk + " < " + c);
        }
        into.sums.addCell(c, rows[t.rowId(k)], bk);
        into.total += c;
      }
    }
    into.rows.addAll(rows, rows.length);
    if (withColumns) {
      for (int iy = 0; iy < totals.nCols(); iy++) {
        into.columns.add(totals.colSum(iy));
      }
    }
    return into;
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
