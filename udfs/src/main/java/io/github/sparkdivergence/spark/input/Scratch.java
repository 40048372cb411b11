package io.github.sparkdivergence.spark.input;

/**
 * Per-thread reusable buffers. The math core works on {@code double[]}; copying Spark's arrays into
 * buffers that live as long as the executor thread keeps the per-row path free of allocation.
 */
public final class Scratch {
  private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

  public static Scratch get() { return LOCAL.get(); }

  /** Values of the function's first, second, ... vector argument, in call order. */
  public double[] first = new double[256];
  public double[] second = new double[256];
  public double[] third = new double[256];
  public double[] fourth = new double[256];
  /** Working storage of a computation on the buffers above (kl_mvn's Cholesky factors). */
  public double[] work = new double[256];
  /** Indices of the first and second sparse vector. */
  public int[] firstIndices = new int[256];
  public int[] secondIndices = new int[256];
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

  public double[] first(int n) { return first.length >= n ? first : (first = new double[grow(n)]); }
  public double[] second(int n) { return second.length >= n ? second : (second = new double[grow(n)]); }
  public double[] third(int n) { return third.length >= n ? third : (third = new double[grow(n)]); }
  public double[] fourth(int n) { return fourth.length >= n ? fourth : (fourth = new double[grow(n)]); }
  public double[] work(int n) { return work.length >= n ? work : (work = new double[grow(n)]); }
  public int[] firstIndices(int n) { return firstIndices.length >= n ? firstIndices : (firstIndices = new int[grow(n)]); }
  public int[] secondIndices(int n) { return secondIndices.length >= n ? secondIndices : (secondIndices = new int[grow(n)]); }
  int[] mapQPos(int n) { return mapQPos.length >= n ? mapQPos : (mapQPos = new int[grow(n)]); }

  private static int grow(int n) { return Math.max(n, Integer.highestOneBit(Math.max(n, 1)) << 1); }
}
