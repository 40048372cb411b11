package io.github.sparkdivergence.math;

/**
 * The Wasserstein-1 distance {@code integral |F_ref(x) - F_cur(x)| dx} and the Kolmogorov-Smirnov
 * statistic {@code sup |F_ref(x) - F_cur(x)|} of two empirical distributions, from their distinct
 * values in increasing order with the count of each on either side. Exact but for rounding: the
 * gap between the two CDFs is formed from integer counts ({@code |R * nCur - C * nRef| / (nRef *
 * nCur)}, one rounding when the products fit in a long), each step is {@code gap * (x_next - x)},
 * and the steps are added with a compensated sum.
 *
 * <p>The values can arrive in several sorted runs (one per Spark partition of a range-partitioned
 * column): a run starts from the counts of all the values before it and from the last value
 * before it ({@link #CdfDistance(long, long, long, long, double)}), so the area between runs is
 * counted once, by the run after the gap. The runs' {@link #area} add up (compensated) and their
 * {@link #sup} combine with max.
 */
public final class CdfDistance {
  private final long nRef;
  private final long nCur;
  private long cumRef;
  private long cumCur;
  private double previous;
  private final CompensatedSum area = new CompensatedSum();
  private double sup;

  /** A whole distribution: {@code nRef} and {@code nCur} values in all. */
  public CdfDistance(long nRef, long nCur) { this(nRef, nCur, 0, 0, Double.NaN); }

  /**
   * A run that follows {@code refBefore} and {@code curBefore} values, the largest of them
   * {@code previous} (NaN for the first run).
   */
  public CdfDistance(long nRef, long nCur, long refBefore, long curBefore, double previous) {
    if (nRef <= 0 || nCur <= 0) throw new IllegalArgumentException("both sides need values: " + nRef + ", " + nCur);
    this.nRef = nRef;
    this.nCur = nCur;
    this.cumRef = refBefore;
    this.cumCur = curBefore;
    this.previous = previous;
    if (!Double.isNaN(previous)) sup = gap();
  }

  /** The next distinct value (larger than every value before it) and its counts on each side. */
  public void add(double x, long refCount, long curCount) {
    if (!Double.isNaN(previous)) {
      if (!(x > previous)) throw new IllegalArgumentException("values must increase: " + x + " after " + previous);
      area.add(gap() * (x - previous));
    }
    cumRef += refCount;
    cumCur += curCount;
    sup = Math.max(sup, gap());
    previous = x;
  }

  /** |F_ref - F_cur| after the values added so far. */
  private double gap() {
    long a = cumRef;
    long b = cumCur;
    try {
      long d = Math.subtractExact(Math.multiplyExact(a, nCur), Math.multiplyExact(b, nRef));
      return Math.abs((double) d) / ((double) nRef * (double) nCur);
    } catch (ArithmeticException overflow) {
      return Math.abs((double) a / nRef - (double) b / nCur);
    }
  }

  /** This run's share of the Wasserstein-1 distance. */
  public double area() { return area.value(); }

  /** The area as its compensated sum, to add to the other runs' without rounding each run first. */
  public CompensatedSum areaSum() { return area; }

  /** The largest CDF gap at the values of this run (and at its start). */
  public double sup() { return sup; }

  public long refSeen() { return cumRef; }

  public long curSeen() { return cumCur; }
}
