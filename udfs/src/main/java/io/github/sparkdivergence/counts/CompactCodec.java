package io.github.sparkdivergence.counts;

import java.util.Arrays;

/** Growable byte buffer writer / bounded reader for the states' varint wire format. */
final class CompactCodec {
  private CompactCodec() {}

  /** Exactly-representable counts are written as varints, anything else as raw IEEE bits. */
  private static final double MAX_VARINT_COUNT = 0x1.0p53;

  static final class Out {
    private byte[] buf;
    private int pos;

    Out(int initial) {
      buf = new byte[Math.max(16, initial)];
    }

    private void ensure(int extra) {
      if (buf.length - pos < extra) {
        long cap = Math.max((long) buf.length * 2, (long) pos + extra);
        if (cap > Integer.MAX_VALUE - 8) {
          throw new IllegalStateException("serialized state exceeds 2 GiB");
        }
        buf = Arrays.copyOf(buf, (int) cap);
      }
    }

    void writeByte(int b) {
      ensure(1);
      buf[pos++] = (byte) b;
    }

    /** Unsigned LEB128. */
    void writeVarLong(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    void writeZigZag(long v) {
      writeVarLong((v << 1) ^ (v >> 63));
    }

    void writeLongFixed(long v) {
      ensure(8);
      for (int i = 0; i < 8; i++) {
        buf[pos++] = (byte) (v >>> (8 * i));
      }
    }

    void writeBytes(byte[] src, int off, int len) {
      ensure(len);
      System.arraycopy(src, off, buf, pos, len);
      pos += len;
    }

    /** Non-negative integer count {@code c < 2^53}: varint {@code 2c}; otherwise 1 + 8 bytes. */
    void writeCount(double c) {
      if (c >= 0 && c < MAX_VARINT_COUNT && c == Math.rint(c)
          && Double.doubleToRawLongBits(c) != Double.doubleToRawLongBits(-0.0)) {
        writeVarLong(((long) c) << 1);
      } else {
        writeVarLong(1);
        writeLongFixed(Double.doubleToRawLongBits(c));
      }
    }

    int size() {
      return pos;
    }

    /** What {@code pieces} hold, one after the other, in one array of that exact length. */
    static byte[] join(Out... pieces) {
      long n = 0;
      for (Out o : pieces) {
        n += o.pos;
      }
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("serialized state exceeds 2 GiB");
      }
      byte[] all = new byte[(int) n];
      int at = 0;
      for (Out o : pieces) {
        System.arraycopy(o.buf, 0, all, at, o.pos);
        at += o.pos;
      }
      return all;
    }

    /** The bytes written: the buffer itself when it is full (no copy), else a copy. */
    byte[] toByteArray() {
      return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }
  }

  static final class In {
    private final byte[] buf;
    private int pos;
    private final int end;

    In(byte[] buf, int off, int len) {
      this.buf = buf;
      this.pos = off;
      this.end = off + len;
    }

    private void need(int n) {
      if (end - pos < n) {
        throw new IllegalArgumentException("truncated state: need " + n + " bytes at " + pos);
      }
    }

    int readByte() {
      need(1);
      return buf[pos++] & 0xFF;
    }

    long readVarLong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = readByte();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("malformed varint at " + pos);
    }

    /** A varint that must fit a non-negative int (sizes, ids, lengths). */
    int readVarInt() {
      long v = readVarLong();
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("varint out of int range: " + v);
      }
      return (int) v;
    }

    long readZigZag() {
      long v = readVarLong();
      return (v >>> 1) ^ -(v & 1);
    }

    long readLongFixed() {
      need(8);
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v |= (buf[pos++] & 0xFFL) << (8 * i);
      }
      return v;
    }

    double readCount() {
      long v = readVarLong();
      if (v == 1) {
        return Double.longBitsToDouble(readLongFixed());
      }
      if ((v & 1) != 0) {
        throw new IllegalArgumentException("malformed count tag " + v);
      }
      return (double) (v >>> 1);
    }

    /** Returns the offset of {@code len} bytes in {@link #array()} and skips them. */
    int skip(int len) {
      need(len);
      int at = pos;
      pos += len;
      return at;
    }

    byte[] array() {
      return buf;
    }

    boolean atEnd() {
      return pos == end;
    }
  }
}
