package io.github.sparkdivergence.counts;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Interns category values to dense int ids {@code 0, 1, 2, ...} in first-seen order.
 *
 * <p>A value is one of three kinds, and equality includes the kind: {@link #KIND_NULL} (a single
 * category), {@link #KIND_LONG} (integral, boolean, date, timestamp, unscaled decimal, and
 * doubles passed as {@link #normalizedDoubleBits}) and {@link #KIND_BYTES} (e.g. UTF-8 string
 * bytes). Equality is exact: hashes only pick the probe sequence, values are always compared.
 *
 * <p>Layout: one linear-probing {@code long[]} slot table (hash in the high 32 bits, id + 1 in the
 * low 32, 0 = empty; load factor at most 0.6, doubling) over one per-id {@code long[]} of pairs
 * {@code (word, tag)}: a bytes value's word is its head (first 8 bytes, little-endian,
 * zero-padded) and its tag its (offset, length) in one shared {@code byte[]} arena (offset in the
 * high 32 bits, so the tag is >= 0); a long's word is the value and its tag {@link #TAG_LONG};
 * null's tag is {@link #TAG_NULL}. A probe compares the hash in the slot before touching the
 * pairs, and a hit reads one pair -- one cache line, where three separate per-id arrays cost three
 * misses once the dictionary outgrows the caches (millions of categories) -- and values of up to
 * 8 bytes, most category labels, compare without reading the arena. Looking up a seen value
 * allocates nothing. Memory per distinct category: 16 bytes of pairs (up to 1.5x slack while
 * growing) plus 13.3-26.7 bytes of slot table, plus the value's length for bytes (arena doubles,
 * up to 2x slack) -- about 30-45 bytes + length.
 *
 * <p>Spark adapters: a {@code UTF8String} whose {@code getBaseObject()} is a {@code byte[]} can
 * be passed without copying as {@code idOfBytes((byte[]) base, (int) (offset -
 * Platform.BYTE_ARRAY_OFFSET), numBytes)}; an off-heap one is copied once into {@link
 * #scratch(int)} with {@code writeToMemory(scratch, Platform.BYTE_ARRAY_OFFSET)}. This keeps the
 * class free of Spark and {@code sun.misc.Unsafe}.
 *
 * <p>Not thread-safe.
 */
public final class CategoryDictionary implements CategorySink {
  public static final byte KIND_NULL = 0;
  public static final byte KIND_LONG = 1;
  public static final byte KIND_BYTES = 2;

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long SEED_LONG = 0x2545F4914F6CDD1DL;
  private static final long SEED_BYTES = 0x9E3779B97F4A7C15L;
  private static final int MAX_CAPACITY = 1 << 30;
  /** Values looked up together by the bulk operations (see {@link #touch}); callers stage as many. */
  public static final int BATCH = 64;

  /** The tag of a long value; a bytes value's tag, its (offset, length), is >= 0. */
  private static final long TAG_LONG = CategoryBatch.TAG_LONG;
  private static final long TAG_NULL = CategoryBatch.TAG_NULL;

  private long[] slots;
  private int mask;
  private int threshold;
  private int size;
  /** Per id, at 2 id and 2 id + 1: its word and its tag (see the class comment). */
  private long[] pairs;
  private byte[] arena;
  private int arenaUsed;
  private int nullId = -1;
  private byte[] scratch;
  /** Sum of the words read ahead by {@link #intern(CategoryBatch, int[])}; never used. */
  @SuppressWarnings("unused")
  private long touched;

  public CategoryDictionary() {
    this(8);
  }

  /** Pre-sizes for {@code expected} categories. */
  public CategoryDictionary(int expected) {
    int cap = tableCapacityFor(Math.max(expected, 4));
    slots = new long[cap];
    mask = cap - 1;
    threshold = thresholdOf(cap);
    pairs = new long[2 * Math.max(expected, 4)];
    arena = new byte[0];
  }

  /**
   * Spark's grouping semantics for floating point keys: -0.0 equals 0.0 and every NaN equals
   * every other NaN. Pass the result to {@link #idOfLong}.
   */
  public static long normalizedDoubleBits(double d) {
    if (d == 0.0) {
      return 0L;
    }
    if (d != d) {
      return 0x7ff8000000000000L;
    }
    return Double.doubleToRawLongBits(d);
  }

  public int size() {
    return size;
  }

  /** The id of the null category, interning it on first use. */
  @Override
  public int idOfNull() {
    if (nullId < 0) {
      nullId = append(0L, TAG_NULL);
    }
    return nullId;
  }

  @Override
  public int idOfLong(long v) {
    return idOfLong(v, hashLong(v));
  }

  private int idOfLong(long v, int h) {
    int s = h & mask;
    while (true) {
      long e = slots[s];
      if (e == 0) {
        return insert(s, h, v, TAG_LONG);
      }
      int at = 2 * ((int) e - 1);
      if ((int) (e >>> 32) == h && pairs[at] == v && pairs[at + 1] == TAG_LONG) {
        return at >>> 1;
      }
      s = (s + 1) & mask;
    }
  }

  /** Id of the byte string {@code bytes[off, off + len)}; the bytes are copied only when new. */
  @Override
  public int idOfBytes(byte[] bytes, int off, int len) {
    long head = head(bytes, off, len);
    return idOfBytes(bytes, off, len, head, len <= 8 ? hashShort(head, len) : hashBytes(bytes, off, len));
  }

  private int idOfBytes(byte[] bytes, int off, int len, long head, int h) {
    int s = h & mask;
    while (true) {
      long e = slots[s];
      if (e == 0) {
        int at = arenaAppend(bytes, off, len);
        return insert(s, h, head, ((long) at << 32) | len);
      }
      if ((int) (e >>> 32) == h) {
        int at = 2 * ((int) e - 1);
        long tag = pairs[at + 1];
        if (pairs[at] == head && tag >= 0 && (int) tag == len
            && (len <= 8 || sameBytes(arena, (int) (tag >>> 32) + 8, bytes, off + 8, len - 8))) {
          return at >>> 1;
        }
      }
      s = (s + 1) & mask;
    }
  }

  /**
   * Interns every value of {@code batch}, in order, into {@code ids[0, batch.size())}: the ids
   * {@link #idOfNull}, {@link #idOfLong} and {@link #idOfBytes} would give value by value. First
   * the slot of every value is read, then the id pair of every occupied one, so that the misses
   * of the whole batch overlap; then each value is looked up in lines already in the cache.
   */
  public void intern(CategoryBatch batch, int[] ids) {
    int n = batch.size;
    int[] hashes = batch.hashes;
    long[] tags = batch.tags;
    long[] words = batch.words;
    touch(hashes, n);
    for (int k = 0; k < n; k++) {
      long tag = tags[k];
      if (tag == TAG_NULL) {
        ids[k] = idOfNull();
      } else if (tag == TAG_LONG) {
        ids[k] = idOfLong(words[k], hashes[k]);
      } else {
        int len = (int) tag;
        ids[k] = idOfBytes(batch.arena, (int) (tag >>> 32), len, words[k], hashes[k]);
      }
    }
  }

  /**
   * Reads the slot of each hash, then the id pair of each occupied slot: independent loads that
   * the CPU overlaps, so that the lookups after them find their lines in the cache.
   */
  private void touch(int[] hashes, int n) {
    long sum = 0;
    for (int k = 0; k < n; k++) {
      sum += slots[hashes[k] & mask];
    }
    for (int k = 0; k < n; k++) {
      long e = slots[hashes[k] & mask];
      if (e != 0) {
        sum += pairs[2 * ((int) e - 1)];
      }
    }
    touched = sum; // kept, so the loads above are not optimised away
  }

  /** The hash of id {@code id}'s value, as its lookup takes it (null is not hashed: 0). */
  private int hashOf(int id) {
    long tag = pairs[2 * id + 1];
    if (tag == TAG_NULL) return 0;
    if (tag == TAG_LONG) return hashLong(pairs[2 * id]);
    int len = (int) tag;
    return len <= 8 ? hashShort(pairs[2 * id], len) : hashBytes(arena, (int) (tag >>> 32), len);
  }

  /** The first min(len, 8) bytes of the range as a little-endian long, zero-padded. */
  static long head(byte[] b, int off, int len) {
    if (len >= 8) {
      return (long) LONG_LE.get(b, off);
    }
    if (len > 0 && off + 8 <= b.length) {
      return (long) LONG_LE.get(b, off) & (-1L >>> (64 - 8 * len)); // bytes past the range are masked off
    }
    long v = 0;
    for (int i = 0; i < len; i++) {
      v |= (b[off + i] & 0xFFL) << (8 * i);
    }
    return v;
  }

  /**
   * A reusable buffer of at least {@code minLength} bytes for callers that must copy a value
   * before {@link #idOfBytes}; its content is not preserved between calls.
   */
  @Override
  public byte[] scratch(int minLength) {
    if (scratch == null || scratch.length < minLength) {
      scratch = new byte[Math.max(minLength, 64)];
    }
    return scratch;
  }

  /** Interns the value with id {@code otherId} of another dictionary (used to merge states). */
  public int idOfValueIn(CategoryDictionary other, int otherId) {
    other.checkId(otherId);
    return idOfValueIn(other, otherId, other.hashOf(otherId));
  }

  private int idOfValueIn(CategoryDictionary other, int otherId, int hash) {
    long tag = other.pairs[2 * otherId + 1];
    if (tag == TAG_NULL) return idOfNull();
    if (tag == TAG_LONG) return idOfLong(other.pairs[2 * otherId], hash);
    return idOfBytes(other.arena, (int) (tag >>> 32), (int) tag, other.pairs[2 * otherId], hash);
  }

  /** Maps every id of {@code other} to this dictionary's id of the same value, interning. */
  public int[] remap(CategoryDictionary other) {
    return remap(other, Long.MAX_VALUE);
  }

  /**
   * {@link #remap(CategoryDictionary)} that stops, returning null, as soon as this dictionary would
   * take more than {@code maxBytes} (checked every 1024 values): a merge of two large dictionaries
   * fails before it has allocated their whole union.
   */
  public int[] remap(CategoryDictionary other, long maxBytes) {
    int n = other.size;
    int[] map = new int[n];
    int[] hashes = new int[BATCH];
    for (int i0 = 0; i0 < n; i0 += BATCH) {
      int m = Math.min(BATCH, n - i0);
      for (int k = 0; k < m; k++) {
        hashes[k] = other.hashOf(i0 + k);
      }
      touch(hashes, m);
      for (int k = 0; k < m; k++) {
        map[i0 + k] = idOfValueIn(other, i0 + k, hashes[k]);
      }
      if (((i0 + m) & 1023) == 0 && estimatedBytes() > maxBytes) {
        return null;
      }
    }
    return map;
  }

  public byte kind(int id) {
    checkId(id);
    long tag = pairs[2 * id + 1];
    return tag == TAG_NULL ? KIND_NULL : tag == TAG_LONG ? KIND_LONG : KIND_BYTES;
  }

  /** The value of a {@link #KIND_LONG} id. */
  public long longValue(int id) {
    if (kind(id) != KIND_LONG) {
      throw new IllegalArgumentException("id " + id + " is not a long");
    }
    return pairs[2 * id];
  }

  /** Length of a {@link #KIND_BYTES} id. */
  public int bytesLength(int id) {
    if (kind(id) != KIND_BYTES) {
      throw new IllegalArgumentException("id " + id + " is not bytes");
    }
    return (int) pairs[2 * id + 1];
  }

  /** Copies a {@link #KIND_BYTES} value into {@code dst} at {@code dstOff}; returns its length. */
  public int copyBytes(int id, byte[] dst, int dstOff) {
    int len = bytesLength(id);
    System.arraycopy(arena, (int) (pairs[2 * id + 1] >>> 32), dst, dstOff, len);
    return len;
  }

  /** A fresh copy of a {@link #KIND_BYTES} value. */
  public byte[] bytesValue(int id) {
    byte[] out = new byte[bytesLength(id)];
    copyBytes(id, out, 0);
    return out;
  }

  /** Heap bytes held by this dictionary's arrays (approximate, includes growth slack). */
  public long estimatedBytes() {
    return 64 + arrayBytes(slots.length, 8) + arrayBytes(pairs.length, 8)
        + arrayBytes(arena.length, 1) + (scratch == null ? 0 : arrayBytes(scratch.length, 1));
  }

  /** About the length of {@link #writeTo}'s output: kind and length bytes, and the values. */
  long wireBytesEstimate() {
    return 4L * size + arenaUsed;
  }

  static long arrayBytes(long length, int elementBytes) {
    return 16 + ((length * elementBytes + 7) & ~7L);
  }

  // ---------------------------------------------------------------- wire format

  /** {@code varint size}, then per id: kind byte, then zig-zag varint (long) or varint len + bytes. */
  void writeTo(CompactCodec.Out out) {
    out.writeVarLong(size);
    for (int id = 0; id < size; id++) {
      writeValue(out, id);
    }
  }

  /** The value of {@code id} as {@link #writeTo} writes each: a dictionary of some ids writes its size, then these. */
  void writeValue(CompactCodec.Out out, int id) {
    long tag = pairs[2 * id + 1];
    if (tag == TAG_NULL) {
      out.writeByte(KIND_NULL);
    } else if (tag == TAG_LONG) {
      out.writeByte(KIND_LONG);
      out.writeZigZag(pairs[2 * id]);
    } else {
      out.writeByte(KIND_BYTES);
      out.writeVarLong((int) tag);
      out.writeBytes(arena, (int) (tag >>> 32), (int) tag);
    }
  }

  /**
   * Which of {@code parts} parts the value of {@code id} belongs to: a function of the value
   * alone, so every task puts a category in the same part. The lookup's hash, multiplied and its
   * high bits taken: a part's values then spread over all slots of a table of their own, which
   * takes the hash's low bits.
   */
  public int partOf(int id, int parts) {
    checkId(id);
    return (int) ((Integer.toUnsignedLong(hashOf(id) * 0x9E3779B9) * parts) >>> 32);
  }

  /**
   * Reads a dictionary in {@link #writeTo}'s form and interns its values straight into {@code
   * into}, without building it: the id in {@code into} of each id read, or null as soon as {@code
   * into} takes more than {@code maxBytes} (checked every 1024 values), as {@link #remap(CategoryDictionary,
   * long)} of the dictionary read would give.
   */
  static int[] readInto(CompactCodec.In in, CategoryDictionary into, long maxBytes) {
    return readInto(in, in.readVarInt(), into, maxBytes);
  }

  /** {@link #readInto(CompactCodec.In, CategoryDictionary, long)} of {@code n} values, their count read already. */
  private static int[] readInto(CompactCodec.In in, int n, CategoryDictionary into, long maxBytes) {
    int[] map = new int[n];
    CategoryBatch batch = new CategoryBatch(Math.min(Math.max(n, 1), BATCH));
    int[] ids = new int[batch.capacity()];
    for (int i0 = 0; i0 < n; i0 += BATCH) {
      int m = Math.min(BATCH, n - i0);
      batch.clear();
      readValues(in, batch, m);
      into.intern(batch, ids);
      System.arraycopy(ids, 0, map, i0, m);
      if (((i0 + m) & 1023) == 0 && into.estimatedBytes() > maxBytes) {
        return null;
      }
    }
    return map;
  }

  private static void readValues(CompactCodec.In in, CategoryBatch batch, int m) {
    for (int k = 0; k < m; k++) {
      int kind = in.readByte();
      if (kind == KIND_NULL) {
        batch.idOfNull();
      } else if (kind == KIND_LONG) {
        batch.idOfLong(in.readZigZag());
      } else if (kind == KIND_BYTES) {
        int len = in.readVarInt();
        batch.idOfBytes(in.array(), in.skip(len), len);
      } else {
        throw new IllegalArgumentException("unknown category kind " + kind);
      }
    }
  }

  static CategoryDictionary readFrom(CompactCodec.In in) {
    int n = in.readVarInt();
    CategoryDictionary d = new CategoryDictionary(n);
    int[] ids = readInto(in, n, d, Long.MAX_VALUE);
    for (int k = 0; k < n; k++) {
      if (ids[k] != k) {
        throw new IllegalArgumentException("duplicate category in serialized dictionary at " + k);
      }
    }
    return d;
  }

  // ---------------------------------------------------------------- internals

  private void checkId(int id) {
    if (id < 0 || id >= size) {
      throw new IndexOutOfBoundsException("id " + id + " not in [0, " + size + ")");
    }
  }

  /**
   * Byte-wise equality of two ranges (both in bounds), 8 bytes at a time. Category values are
   * mostly short, where this beats {@code Arrays.equals(byte[], int, int, ...)}'s range checks and
   * call into the vectorized mismatch.
   */
  static boolean sameBytes(byte[] a, int aOff, byte[] b, int bOff, int len) {
    int i = 0;
    for (; i + 8 <= len; i += 8) {
      if ((long) LONG_LE.get(a, aOff + i) != (long) LONG_LE.get(b, bOff + i)) {
        return false;
      }
    }
    for (; i < len; i++) {
      if (a[aOff + i] != b[bOff + i]) {
        return false;
      }
    }
    return true;
  }

  private int insert(int slot, int hash, long word, long tag) {
    int id = append(word, tag);
    slots[slot] = ((long) hash << 32) | (id + 1L);
    if (size > threshold) {
      rehash(slots.length * 2);
    }
    return id;
  }

  private int append(long word, long tag) {
    if (2 * size == pairs.length) {
      int n = (int) Math.min((Integer.MAX_VALUE - 8) / 2, size + (size >> 1) + 1L);
      if (n == size) {
        throw new IllegalStateException("too many categories");
      }
      pairs = Arrays.copyOf(pairs, 2 * n);
    }
    int id = size++;
    pairs[2 * id] = word;
    pairs[2 * id + 1] = tag;
    return id;
  }

  private int arenaAppend(byte[] b, int off, int len) {
    if (arena.length - arenaUsed < len) {
      long cap = Math.max(Math.max(64L, arena.length * 2L), (long) arenaUsed + len);
      if (cap > Integer.MAX_VALUE - 8) {
        cap = Integer.MAX_VALUE - 8;
        if (cap - arenaUsed < len) {
          throw new IllegalStateException("category bytes exceed 2 GiB");
        }
      }
      arena = Arrays.copyOf(arena, (int) cap);
    }
    System.arraycopy(b, off, arena, arenaUsed, len);
    int at = arenaUsed;
    arenaUsed += len;
    return at;
  }

  private void rehash(int cap) {
    if (cap > MAX_CAPACITY) {
      throw new IllegalStateException("too many categories: " + size);
    }
    long[] t = new long[cap];
    int m = cap - 1;
    for (long e : slots) {
      if (e == 0) {
        continue;
      }
      int s = (int) (e >>> 32) & m;
      while (t[s] != 0) {
        s = (s + 1) & m;
      }
      t[s] = e;
    }
    slots = t;
    mask = m;
    threshold = thresholdOf(cap);
  }

  private static int tableCapacityFor(int n) {
    int cap = 16;
    while (thresholdOf(cap) < n && cap < MAX_CAPACITY) {
      cap <<= 1;
    }
    return cap;
  }

  private static int thresholdOf(int cap) {
    return (int) (cap * 0.6);
  }

  static long fmix64(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  static int hashLong(long v) {
    return (int) fmix64(v ^ SEED_LONG);
  }

  /** Hash of a byte string of at most 8 bytes from its head word (hashBytes' mixing, one word). */
  static int hashShort(long head, int len) {
    return (int) fmix64((SEED_BYTES ^ (len * 0xC2B2AE3D27D4EB4FL)) ^ (head * 0x87C37B91114253D5L));
  }

  static int hashBytes(byte[] b, int off, int len) {
    long h = SEED_BYTES ^ (len * 0xC2B2AE3D27D4EB4FL);
    int i = 0;
    for (; i + 8 <= len; i += 8) {
      long k = (long) LONG_LE.get(b, off + i);
      h = Long.rotateLeft(h ^ (k * 0x87C37B91114253D5L), 31) * 0x4CF5AD432745937FL;
    }
    long tail = 0;
    for (int shift = 0; i < len; i++, shift += 8) {
      tail |= (b[off + i] & 0xFFL) << shift;
    }
    h ^= tail * 0x87C37B91114253D5L;
    return (int) fmix64(h);
  }
}
