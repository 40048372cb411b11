package io.github.sparkdivergence.math;

import java.io.Serializable;

/**
 * The part of a pair's table that one task saw, for a table split over tasks: the {@link
 * InformationSums} of its cells, the totals of the levels of X and of Y it saw whole, and the total
 * of its cells. Parts of disjoint cells and levels {@link #merge}; the merged whole gives every
 * measure ({@link #measures}).
 */
public final class PairSums implements Serializable {
  private static final long serialVersionUID = 1L;
  public final InformationSums sums;
  public final LevelTotals rows = new LevelTotals();
  public final LevelTotals columns = new LevelTotals();
  /** The total of the cells added (whole counts below 2^53 exactly). */
  public double total;

  /** An empty part of a table whose total is {@code n}. */
  public PairSums(double n) {
    this(n, true);
  }

  /** An empty part of a table whose total is {@code n}, its cells' entropies summed or not ({@link InformationSums}). */
  public PairSums(double n, boolean cellEntropies) {
    sums = new InformationSums(n, cellEntropies);
  }

  public PairSums merge(PairSums o) {
    sums.merge(o.sums);
    rows.merge(o.rows);
    columns.merge(o.columns);
    total += o.total;
    return this;
  }

  /**
   * The measures of the whole table, once every part is merged in (the entropies and levels come
   * from the level totals, not from the sums); {@code withAmi} false leaves AMI and EMI NaN.
   */
  public InformationSums.Measures measures(boolean withAmi) {
    double[][] xs = rows.histogram();
    double[][] ys = columns.histogram();
    return sums.withMargins(xs, ys).measures(withAmi ? xs : null, withAmi ? ys : null, "arithmetic");
  }
}
