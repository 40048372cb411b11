package io.github.sparkdivergence.math;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.Arrays;

/**
 * Mergeable 1-D state: a {@link CategoryDictionary} and a weight per category id in a dense
 * {@code double[]} (ids are dense, so no second hash table). Memory per distinct category: the
 * dictionary's 20-40 bytes + value length, plus 8-12 bytes of weight. Wire format: version
 * byte, dictionary, total weight, then one weight per id as in {@link ContingencyState}.
 *
 * <pre>{@code
 * counts.add(counts.dictionary().idOfBytes(b, off, len), 1.0);
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class CategoryCounts implements Externalizable {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  private CategoryDictionary dict;
  private double[] counts;
  private final InformationMeasures.Sum total = new InformationMeasures.Sum();

  public CategoryCounts() {
    this(new CategoryDictionary());
  }

  private CategoryCounts(CategoryDictionary dict) {
    this.dict = dict;
    this.counts = new double[Math.max(8, dict.size())];
  }

  public CategoryDictionary dictionary() {
    return dict;
  }

  /** Adds weight {@code w} (finite, {@code >= 0}) to category {@code id} of {@link #dictionary()}. */
  public void add(int id, double w) {
    addCount(id, w);
    total.add(w);
  }

  private void addCount(int id, double w) {
    if (!(w >= 0) || w == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("weight must be finite and >= 0: " + w);
    }
    if (id < 0 || id >= dict.size()) {
      throw new IndexOutOfBoundsException("id " + id + " not interned");
    }
    if (id >= counts.length) {
      counts = Arrays.copyOf(counts, Math.max(id + 1, counts.length + (counts.length >> 1)));
    }
    counts[id] += w;
  }

  /** Weight of category {@code id}. */
  public double count(int id) {
    return id < counts.length ? counts[id] : 0.0;
  }

  /** Weights indexed by id, length {@link #distinct()}. */
  public double[] counts() {
    return Arrays.copyOf(counts, dict.size());
  }

  public long distinct() {
    return dict.size();
  }

  /** Sum of all weights added (compensated). */
  public double totalWeight() {
    return total.value();
  }

  /** {@link InformationMeasures#entropyFromCounts} of the weights. */
  public double entropy(double base) {
    return InformationMeasures.entropyFromCounts(counts, Math.min(dict.size(), counts.length), base);
  }

  /** Adds every category of {@code other}; categories match exactly (kind and value). */
  public void merge(CategoryCounts other) {
    if (other == this) {
      other = fromBytes(toBytes());
    }
    int[] map = dict.remap(other.dict);
    if (counts.length < dict.size()) {
      counts = Arrays.copyOf(counts, dict.size());
    }
    for (int i = 0; i < map.length; i++) {
      counts[map[i]] += other.count(i);
    }
    total.add(other.total.value());
  }

  /** Approximate heap bytes of this state, growth slack included. */
  public long estimatedBytes() {
    return 48 + dict.estimatedBytes() + CategoryDictionary.arrayBytes(counts.length, 8);
  }

  public byte[] toBytes() {
    CompactCodec.Out out = new CompactCodec.Out(64 + 8 * dict.size());
    out.writeByte(VERSION);
    dict.writeTo(out);
    out.writeCount(total.value());
    for (int id = 0; id < dict.size(); id++) {
      out.writeCount(count(id));
    }
    return out.toByteArray();
  }

  public static CategoryCounts fromBytes(byte[] bytes) {
    return fromBytes(bytes, 0, bytes.length);
  }

  public static CategoryCounts fromBytes(byte[] bytes, int off, int len) {
    CompactCodec.In in = new CompactCodec.In(bytes, off, len);
    int version = in.readByte();
    if (version != VERSION) {
      throw new IllegalArgumentException("unsupported CategoryCounts version " + version);
    }
    CategoryCounts c = new CategoryCounts(CategoryDictionary.readFrom(in));
    c.total.add(in.readCount());
    for (int id = 0; id < c.dict.size(); id++) {
      c.addCount(id, in.readCount());
    }
    if (!in.atEnd()) {
      throw new IllegalArgumentException("corrupt CategoryCounts: trailing bytes");
    }
    return c;
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
    CategoryCounts c = fromBytes(b);
    this.dict = c.dict;
    this.counts = c.counts;
    this.total.add(c.total.value());
  }
}
