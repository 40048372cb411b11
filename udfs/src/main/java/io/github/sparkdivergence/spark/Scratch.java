package io.github.sparkdivergence.spark;

/**
 * Per-thread reusable buffers. The math core works on {@code double[]}; copying Spark's arrays into
 * buffers that live as long as the executor thread keeps the per-row path free of allocation.
 */
final class Scratch {
  private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

  static Scratch get() { return LOCAL.get(); }

  double[] a = new double[256];
  double[] b = new double[256];
  double[] c = new double[256];
  double[] d = new double[256];
  int[] ia = new int[256];
  int[] ib = new int[256];
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

  double[] a(int n) { return a.length >= n ? a : (a = new double[grow(n)]); }
  double[] b(int n) { return b.length >= n ? b : (b = new double[grow(n)]); }
  double[] c(int n) { return c.length >= n ? c : (c = new double[grow(n)]); }
  double[] d(int n) { return d.length >= n ? d : (d = new double[grow(n)]); }
  int[] ia(int n) { return ia.length >= n ? ia : (ia = new int[grow(n)]); }
  int[] ib(int n) { return ib.length >= n ? ib : (ib = new int[grow(n)]); }
  int[] mapQPos(int n) { return mapQPos.length >= n ? mapQPos : (mapQPos = new int[grow(n)]); }

  private static int grow(int n) { return Math.max(n, Integer.highestOneBit(Math.max(n, 1)) << 1); }
}
