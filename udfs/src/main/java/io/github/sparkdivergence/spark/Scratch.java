package io.github.sparkdivergence.spark;

/**
 * Per-thread reusable buffers. The math core works on {@code double[]}; copying Spark's arrays into
 * buffers that live as long as the executor thread keeps the per-row path free of allocation.
 */
final class Scratch {
  private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

  static Scratch get() { return LOCAL.get(); }

  /** Values of the function's first, second, ... vector argument, in call order. */
  double[] first = new double[256];
  double[] second = new double[256];
  double[] third = new double[256];
  double[] fourth = new double[256];
  /** Indices of the first and second sparse vector. */
  int[] firstIndices = new int[256];
  int[] secondIndices = new int[256];
  final StringUnion union = new StringUnion();

  /**
   * {@link Inputs#alignMaps}' last alignment: the bytes of both key arrays, the union position of
   * each of q's keys and the union's size. Valid while {@code mapKeysPSize >= 0}.
   */
  byte[] mapKeysP = new byte[0];
  byte[] mapKeysQ = new byte[0];
  int mapKeysPSize = -1;
  int mapKeysQSize = -1;
  int[] mapQPos = new int[256];
  int mapUnionSize;

  double[] first(int n) { return first.length >= n ? first : (first = new double[grow(n)]); }
  double[] second(int n) { return second.length >= n ? second : (second = new double[grow(n)]); }
  double[] third(int n) { return third.length >= n ? third : (third = new double[grow(n)]); }
  double[] fourth(int n) { return fourth.length >= n ? fourth : (fourth = new double[grow(n)]); }
  int[] firstIndices(int n) { return firstIndices.length >= n ? firstIndices : (firstIndices = new int[grow(n)]); }
  int[] secondIndices(int n) { return secondIndices.length >= n ? secondIndices : (secondIndices = new int[grow(n)]); }
  int[] mapQPos(int n) { return mapQPos.length >= n ? mapQPos : (mapQPos = new int[grow(n)]); }

  private static int grow(int n) { return Math.max(n, Integer.highestOneBit(Math.max(n, 1)) << 1); }
}
