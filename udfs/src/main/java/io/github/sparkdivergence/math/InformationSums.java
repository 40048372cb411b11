package io.github.sparkdivergence.math;

import java.io.Serializable;

/**
 * The sums that every measure of a contingency table is made of, gathered cell by cell and level
 * by level, for a table that is never in one place: its cells spread over tasks, each cell seen
 * once with its two margins (a join), each level of X and of Y seen once. Partial sums of disjoint
 * cells and levels {@link #merge}; {@link #measures} then gives what {@link InformationMeasures}
 * gives on the whole table: the same terms ({@link InformationMeasures#miTerm}, {@code -p log p},
 * {@code p log(b / c)}), the same rules (sklearn's eps zeroing, one level, the AMI denominator),
 * only added in another order, with compensated sums that keep their compensation across merges.
 *
 * <p>Counts or weights; AMI's expected MI (a model of whole counts) only for whole counts, as
 * {@link ContingencyTable#isIntegral()}. The total {@code n} must be known before the first cell
 * (each term needs it).
 */
public final class InformationSums implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double n;
  /** MI terms with sklearn's eps zeroing (the MI reported) and all of them (the G statistic's). */
  private final CompensatedSum mi = new CompensatedSum();
  private final CompensatedSum miAll = new CompensatedSum();
  private final CompensatedSum hxy = new CompensatedSum();
  /** sum p log(b / c): H(X|Y). */
  private final CompensatedSum hxGivenY = new CompensatedSum();
  /** sum p log(a / c) + p log(b / c), interleaved as {@link InformationMeasures#variationOfInformation} adds them. */
  private final CompensatedSum vi = new CompensatedSum();
  private final CompensatedSum hx = new CompensatedSum();
  private final CompensatedSum hy = new CompensatedSum();
  private long cells;
  private long levelsX;
  private long levelsY;
  /** Every cell a whole count so far (and n one, <= 2^53): AMI is defined. */
  private boolean integral;
  /** Whether the cells' entropies (H(X,Y), H(X|Y), VI: three of a cell's four logs) are summed. */
  private final boolean cellEntropies;

  public InformationSums(double n) {
    this(n, true);
  }

  /**
   * Sums of a table whose total is {@code n}; without {@code cellEntropies} only MI and the G
   * statistic are summed per cell (one log instead of four), and H(X,Y), H(X|Y) and VI are NaN.
   */
  public InformationSums(double n, boolean cellEntropies) {
    if (!(n >= 0) || n == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("the total must be finite and >= 0 but was " + n);
    }
    this.n = n;
    this.integral = n <= 0x1.0p53 && n == Math.rint(n);
    this.cellEntropies = cellEntropies;
  }

  /** A non-empty cell: count {@code c} > 0, its row's total {@code a} and its column's {@code b}. */
  public void addCell(double c, double a, double b) {
    if (!(c > 0)) return;
    cells++;
    if (c != Math.rint(c)) integral = false;
    double t = InformationMeasures.miTerm(c, n, a, b);
    miAll.add(t);
    if (!(Math.abs(t) < InformationMeasures.EPS)) mi.add(t);
    if (!cellEntropies) return;
    double p = c / n;
    hxy.add(-p * Math.log(p));
    double givenY = p * Math.log(b / c); // one log for both sums: the same value either way
    hxGivenY.add(givenY);
    vi.add(p * Math.log(a / c));
    vi.add(givenY);
  }

  /** A level of X with total {@code a} > 0. */
  public void addX(double a) {
    if (!(a > 0)) return;
    levelsX++;
    hx.add(entropyTerm(a));
  }

  /** A level of Y with total {@code b} > 0. */
  public void addY(double b) {
    if (!(b > 0)) return;
    levelsY++;
    hy.add(entropyTerm(b));
  }

  /**
   * Adds the levels of X and of Y from the histograms of their totals, {distinct totals, how many
   * levels have each}, instead of one {@link #addX} / {@link #addY} per level: each distinct
   * total's entropy term once, times its levels.
   */
  public InformationSums withMargins(double[][] xs, double[][] ys) {
    for (int i = 0; i < xs[0].length; i++) {
      if (xs[0][i] > 0) {
        levelsX += (long) xs[1][i];
        hx.add(xs[1][i] * entropyTerm(xs[0][i]));
      }
    }
    for (int i = 0; i < ys[0].length; i++) {
      if (ys[0][i] > 0) {
        levelsY += (long) ys[1][i];
        hy.add(ys[1][i] * entropyTerm(ys[0][i]));
      }
    }
    return this;
  }

  private double entropyTerm(double count) {
    double p = count / n;
    return -p * Math.log(p);
  }

  /** Adds the sums of disjoint cells and levels of the same table. */
  public InformationSums merge(InformationSums o) {
    if (o.n != n) throw new IllegalArgumentException("sums of tables with totals " + n + " and " + o.n);
    if (o.cellEntropies != cellEntropies) throw new IllegalArgumentException("sums with and without the cells' entropies");
    mi.add(o.mi);
    miAll.add(o.miAll);
    hxy.add(o.hxy);
    hxGivenY.add(o.hxGivenY);
    vi.add(o.vi);
    hx.add(o.hx);
    hy.add(o.hy);
    cells += o.cells;
    levelsX += o.levelsX;
    levelsY += o.levelsY;
    integral &= o.integral;
    return this;
  }

  public long cells() { return cells; }
  public long levelsX() { return levelsX; }
  public long levelsY() { return levelsY; }

  /** Every measure, in nats (entropies, MI, VI) or unitless, as the in-memory table gives them. */
  public record Measures(double n, long levelsX, long levelsY, long cells, double hx, double hy, double hxy,
      double hxGivenY, double vi, double mi, double nmi, double ami, double emi, InformationMeasures.GTest gTest) {
    /**
     * NMI and AMI with {@code method}'s mean of H(X) and H(Y), the rest unchanged: 1.0 for one
     * level each, NMI 0.0 when MI is, AMI NaN without EMI (skipped, or weights not whole counts).
     */
    public Measures withMethod(String method) {
      AverageMethod m = AverageMethod.parse(method, 1);
      boolean oneEach = InformationMeasures.oneLevelEach(levelsX, levelsY);
      double withNmi = oneEach ? 1.0 : mi == 0 ? 0.0 : InformationMeasures.nmi(mi, hx, hy, m);
      double withAmi = oneEach ? 1.0 : Double.isNaN(emi) ? Double.NaN : InformationMeasures.ami(mi, emi, hx, hy, m);
      return new Measures(n, levelsX, levelsY, cells, hx, hy, hxy, hxGivenY, vi, mi, withNmi, withAmi, emi, gTest);
    }
  }

  /**
   * The measures, NMI and AMI with {@code method}. {@code xMargins} and {@code yMargins} are the
   * histograms of the levels' totals, {distinct totals, how many levels have each} (see {@link
   * ExpectedMutualInformation#of(double[][], double[][], double)}); null skips AMI (and EMI), NaN
   * then; so do weights that are not whole counts, as in {@link InformationMeasures#adjustedMutualInfo}.
   */
  public Measures measures(double[][] xMargins, double[][] yMargins, String method) {
    boolean empty = !(n > 0);
    double hX = empty ? 0.0 : hx.value();
    double hY = empty ? 0.0 : hy.value();
    boolean single = levelsX <= 1 || levelsY <= 1;
    double miNats = single ? 0.0 : Math.max(mi.value(), 0.0);
    double miAllNats = single ? 0.0 : Math.max(miAll.value(), 0.0);
    double emi = Double.NaN;
    if (!InformationMeasures.oneLevelEach(levelsX, levelsY) && xMargins != null && yMargins != null && integral) {
      emi = single ? 0.0 : ExpectedMutualInformation.of(xMargins, yMargins, n);
    }
    long dof = (long) Math.max(0, levelsX - 1) * Math.max(0, levelsY - 1);
    InformationMeasures.GTest g = dof == 0 ? new InformationMeasures.GTest(0.0, 0, 1.0)
        : InformationMeasures.gTest(n, miAllNats, dof);
    double none = cellEntropies ? 0.0 : Double.NaN;
    return new Measures(n, levelsX, levelsY, cells, hX, hY, empty || !cellEntropies ? none : hxy.value(),
        empty || !cellEntropies ? none : hxGivenY.value(), empty || !cellEntropies ? none : vi.value(), miNats,
        Double.NaN, Double.NaN, emi, g).withMethod(method);
  }
}
