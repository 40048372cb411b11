package io.github.sparkdivergence.counts;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * A saved, mergeable information state, as the {@code *_agg} SQL functions return it: the exact
 * weighted counts of one column (a {@link Kind#DISTRIBUTION}, per category or per bucket of given
 * splits) or of two columns' pairs (a {@link Kind#CONTINGENCY}), with what a merge must check: the
 * type of each column's values and the bucket splits.
 *
 * <p>Format version 1 (big-endian where fixed-width; docs/states.md is the reference):
 * <pre>
 *   0  4 bytes  magic "SDIV" (0x53 0x44 0x49 0x56)
 *   4  1 byte   format version (1)
 *   5  1 byte   kind: 1 = contingency (x, y), 2 = distribution (x)
 *   6  per column (2, or 1 for a distribution):
 *               varint length + UTF-8 value type, Spark's simpleString of the column's type
 *               ("string", "int", "decimal(10,2)", ...) or "bucket" for a numeric column counted
 *               per bucket;
 *               varint S, the number of bucket splits (0 unless "bucket"), then S doubles (IEEE
 *               754 bits, big-endian, 8 bytes each); bucket i of S splits is written as the long
 *               i, NaN's bucket as S - 1 (see {@link Buckets})
 *      varint length + the counts: {@link ContingencyState#toBytes()} (its own version byte,
 *               dictionaries, total, cells); a distribution's y side is the single NULL category
 *   end 4 bytes CRC-32 of every byte before it
 * </pre>
 * Readers of later versions read every earlier version. The CRC makes a flipped or truncated byte
 * an error, not a different count.
 *
 * <p>Java serialization writes the bytes of {@link #toBytes()}, so a state shuffles as it is saved.
 *
 * <p>Not thread-safe.
 */
public final class MergeableState implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public enum Kind {
    CONTINGENCY(1, 2), DISTRIBUTION(2, 1);

    final int code;
    final int columns;

    Kind(int code, int columns) {
      this.code = code;
      this.columns = columns;
    }

    /** The SQL prefix of this kind's functions: {@code contingency_agg}, {@code distribution_agg}. */
    public String sqlPrefix() { return name().toLowerCase(java.util.Locale.ROOT); }
  }

  public static final String BUCKET_TYPE = "bucket";
  public static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = {0x53, 0x44, 0x49, 0x56};
  private static final double[] NO_SPLITS = new double[0];

  private final Kind kind;
  private final String[] valueTypes;
  /** Per column: its bucket splits, or an empty array when it counts values. */
  private final double[][] splits;
  private final ContingencyState counts;

  private MergeableState(Kind kind, String[] valueTypes, double[][] splits, ContingencyState counts) {
    this.kind = kind;
    this.valueTypes = valueTypes;
    this.splits = splits;
    this.counts = counts;
  }

  /** An empty state of two columns counted per value, with these value types. */
  public static MergeableState contingency(String xType, String yType) {
    return of(Kind.CONTINGENCY, new String[] {xType, yType}, null, new ContingencyState());
  }

  /** An empty state of one column counted per value ({@code splits} null) or per bucket of the splits. */
  public static MergeableState distribution(String valueType, double[] splits) {
    return of(Kind.DISTRIBUTION, new String[] {splits == null ? valueType : BUCKET_TYPE},
        new double[][] {splits}, new ContingencyState());
  }

  /**
   * A state over existing counts (taken, not copied): {@code valueTypes} has one type per column of
   * the kind ({@link #BUCKET_TYPE} for a bucketed one); {@code splits} is null when no column is
   * bucketed, else one entry per column, null for a column counted per value. A bucketed column's
   * ids are its bucket numbers ({@link Buckets#of}) as longs.
   */
  public static MergeableState of(Kind kind, String[] valueTypes, double[][] splits, ContingencyState counts) {
    if (valueTypes.length != kind.columns) throw new IllegalArgumentException(kind + " needs " + kind.columns + " value types");
    if (splits != null && splits.length != kind.columns) throw new IllegalArgumentException(kind + " needs " + kind.columns + " splits");
    double[][] own = new double[kind.columns][];
    for (int c = 0; c < kind.columns; c++) {
      double[] s = splits == null ? null : splits[c];
      if (s != null) {
        String problem = Buckets.problem(s);
        if (problem != null) throw new IllegalArgumentException("bad splits for column " + c + ": " + problem);
      }
      if ((s != null) != BUCKET_TYPE.equals(valueTypes[c])) {
        throw new IllegalArgumentException("column " + c + " has splits exactly when its value type is " + BUCKET_TYPE);
      }
      own[c] = s == null ? NO_SPLITS : s.clone();
    }
    return new MergeableState(kind, valueTypes.clone(), own, counts);
  }

  public Kind kind() { return kind; }

  /** The bucket splits of a bucketed column, else an empty array. */
  public double[] splits(int column) { return splits[column].clone(); }

  /** The bucket splits of a distribution, else an empty array. */
  public double[] splits() { return splits(0); }

  public boolean bucketed(int column) { return splits[column].length > 0; }

  public boolean bucketed() { return bucketed(0); }

  public String valueType(int column) { return valueTypes[column]; }

  /** The counts: for a distribution, x is the column and y the single NULL category. */
  public ContingencyState counts() { return counts; }

  /** Adds a bucketed distribution's value: its bucket (see {@link Buckets#of}), NULL its own category. */
  public void addBucketed(double value, boolean isNull, double weight) {
    int b = isNull ? -1 : Buckets.of(splits[0], value);
    if (!isNull && b < 0) throw new IllegalArgumentException(value + " is outside the splits " + describeSplits(splits[0]));
    int id = isNull ? counts.x().idOfNull() : counts.x().idOfLong(b);
    counts.add(id, counts.y().idOfNull(), weight);
  }

  /**
   * Why {@code other} cannot be merged into this state (a different kind, value type or splits),
   * or null when it can.
   */
  public String mergeProblem(MergeableState other) {
    if (kind != other.kind) {
      return "a " + other.kind.sqlPrefix() + " state cannot be merged with a " + kind.sqlPrefix() + " state";
    }
    for (int c = 0; c < kind.columns; c++) {
      if (!Arrays.equals(splits[c], other.splits[c])) {
        return "the states' bucket splits" + (kind.columns > 1 ? " of column " + (c == 0 ? "x" : "y") : "")
            + " differ: " + describeSplits(splits[c]) + " and " + describeSplits(other.splits[c]);
      }
    }
    for (int c = 0; c < kind.columns; c++) {
      if (!valueTypes[c].equals(other.valueTypes[c])) {
        return "the states count values of different types: " + describeTypes() + " and " + other.describeTypes();
      }
    }
    return null;
  }

  /** Adds every count of {@code other}; see {@link #mergeProblem}, which must be null. */
  public void merge(MergeableState other) {
    merge(other, Long.MAX_VALUE);
  }

  /** {@link #merge} that stops past {@code maxCells} cells and returns false (see {@link ContingencyState#merge(ContingencyState, long)}). */
  public boolean merge(MergeableState other, long maxCells) {
    return merge(other, maxCells, Long.MAX_VALUE);
  }

  /** {@link #merge} that stops past {@code maxCells} cells or {@code maxBytes} and returns false (see {@link ContingencyState#merge(ContingencyState, long, long)}). */
  public boolean merge(MergeableState other, long maxCells, long maxBytes) {
    String problem = mergeProblem(other);
    if (problem != null) throw new IllegalArgumentException(problem);
    return counts.merge(other.counts, maxCells, maxBytes);
  }

  /**
   * The weights of two distributions over the union of their categories, those with a positive
   * weight on at least one side, in one order: {@code [0]} this state's, {@code [1]} {@code other}'s.
   * The two must be mergeable ({@link #mergeProblem} null).
   */
  public double[][] alignedWeights(MergeableState other) {
    if (kind != Kind.DISTRIBUTION) throw new IllegalStateException("only distributions align");
    String problem = mergeProblem(other);
    if (problem != null) throw new IllegalArgumentException(problem);
    CategoryDictionary union = new CategoryDictionary();
    int[] mine = union.remap(counts.x());
    int[] theirs = union.remap(other.counts.x());
    double[][] w = new double[2][union.size()];
    io.github.sparkdivergence.math.ContingencyTable a = counts.toTable();
    io.github.sparkdivergence.math.ContingencyTable b = other.counts.toTable();
    for (int i = 0; i < mine.length; i++) w[0][mine[i]] = a.rowSum(i);
    for (int i = 0; i < theirs.length; i++) w[1][theirs[i]] = b.rowSum(i);
    int k = 0;
    for (int i = 0; i < union.size(); i++) {
      if (w[0][i] > 0 || w[1][i] > 0) {
        w[0][k] = w[0][i];
        w[1][k] = w[1][i];
        k++;
      }
    }
    return new double[][] {Arrays.copyOf(w[0], k), Arrays.copyOf(w[1], k)};
  }

  private String describeTypes() {
    return kind == Kind.CONTINGENCY ? "(" + valueTypes[0] + ", " + valueTypes[1] + ")" : valueTypes[0];
  }

  private static String describeSplits(double[] s) {
    if (s.length == 0) return "none (counts per value)";
    if (s.length <= 6) return Arrays.toString(s);
    return "[" + s[0] + ", " + s[1] + ", ... " + s[s.length - 1] + "] (" + s.length + " splits)";
  }

  public byte[] toBytes() {
    byte[] table = counts.toBytes();
    CompactCodec.Out out = new CompactCodec.Out(32 + table.length + 8 * (splits[0].length + splits[kind.columns - 1].length));
    for (byte b : MAGIC) out.writeByte(b);
    out.writeByte(FORMAT_VERSION);
    out.writeByte(kind.code);
    for (int c = 0; c < kind.columns; c++) {
      byte[] t = valueTypes[c].getBytes(StandardCharsets.UTF_8);
      out.writeVarLong(t.length);
      out.writeBytes(t, 0, t.length);
      out.writeVarLong(splits[c].length);
      for (double s : splits[c]) writeFixedBigEndian(out, Double.doubleToRawLongBits(s));
    }
    out.writeVarLong(table.length);
    out.writeBytes(table, 0, table.length);
    byte[] body = out.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(body);
    byte[] all = Arrays.copyOf(body, body.length + 4);
    long c = crc.getValue();
    for (int i = 0; i < 4; i++) all[body.length + i] = (byte) (c >>> (24 - 8 * i));
    return all;
  }

  /**
   * Reads a state; throws {@link IllegalArgumentException} saying what is wrong with bytes that are
   * not a state of this library, are corrupt, or come from a later format version.
   */
  public static MergeableState fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < MAGIC.length + 6 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IllegalArgumentException("not a spark-divergence state (" + bytes.length
          + " bytes that do not start with the magic SDIV): pass what a *_agg function of this library returned");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    long stored = 0;
    for (int i = 0; i < 4; i++) stored = (stored << 8) | (bytes[bytes.length - 4 + i] & 0xFFL);
    int version = bytes[4] & 0xFF;
    if (version > FORMAT_VERSION) {
      throw new IllegalArgumentException("state format version " + version + " is newer than this library reads ("
          + FORMAT_VERSION + "): read it with the version of spark-divergence that wrote it, or a later one");
    }
    if (stored != crc.getValue()) {
      throw new IllegalArgumentException("corrupt spark-divergence state: its checksum does not match its "
          + bytes.length + " bytes (truncated or altered)");
    }
    CompactCodec.In in = new CompactCodec.In(bytes, 5, bytes.length - 9);
    int code = in.readByte();
    Kind kind = code == Kind.CONTINGENCY.code ? Kind.CONTINGENCY : code == Kind.DISTRIBUTION.code ? Kind.DISTRIBUTION : null;
    if (kind == null) throw new IllegalArgumentException("corrupt spark-divergence state: unknown kind " + code);
    String[] types = new String[kind.columns];
    double[][] splits = new double[kind.columns][];
    for (int c = 0; c < types.length; c++) {
      int len = in.readVarInt();
      types[c] = new String(bytes, in.skip(len), len, StandardCharsets.UTF_8);
      int n = in.readVarInt();
      if (n < 0 || n > bytes.length / 8) throw new IllegalArgumentException("corrupt spark-divergence state: " + n + " splits");
      splits[c] = new double[n];
      for (int i = 0; i < n; i++) splits[c][i] = Double.longBitsToDouble(readFixedBigEndian(in));
      if ((n > 0) != types[c].equals(BUCKET_TYPE) || (n > 0 && Buckets.problem(splits[c]) != null)) {
        throw new IllegalArgumentException("corrupt spark-divergence state: bad splits");
      }
    }
    int len = in.readVarInt();
    ContingencyState counts = ContingencyState.fromBytes(bytes, in.skip(len), len);
    if (!in.atEnd()) throw new IllegalArgumentException("corrupt spark-divergence state: trailing bytes");
    if (kind == Kind.DISTRIBUTION && counts.distinctY() > 1) {
      throw new IllegalArgumentException("corrupt spark-divergence state: a distribution with a second column");
    }
    return new MergeableState(kind, types, splits, counts);
  }

  private Object writeReplace() { return new Saved(toBytes()); }

  private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("a MergeableState is read from its saved bytes");
  }

  /** The serialized form: the saved bytes. */
  private record Saved(byte[] bytes) implements java.io.Serializable {
    private Object readResolve() { return fromBytes(bytes); }
  }

  private static void writeFixedBigEndian(CompactCodec.Out out, long v) {
    for (int i = 0; i < 8; i++) out.writeByte((int) (v >>> (56 - 8 * i)));
  }

  private static long readFixedBigEndian(CompactCodec.In in) {
    long v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | in.readByte();
    return v;
  }
}
