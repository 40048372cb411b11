package io.github.sparkdivergence.spark;

import io.github.sparkdivergence.counts.ContingencyState;
import io.github.sparkdivergence.math.InformationSums;
import io.github.sparkdivergence.spark.functions.InformationAggregate;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results of global information aggregates ({@code SELECT mutual_info(x, y), ... FROM t}, no
 * GROUP BY) over one pair whose state outgrew its task: the pair is counted through Spark's
 * shuffles ({@link ShuffledPair}, memory per task bounded whatever the cardinality), and each call's
 * result comes from those sums as the in-memory state would give it ({@link
 * InformationAggregate.Bound#resultOf}). Internal; public for the Catalyst plan that calls it.
 */
public final class ShuffledInformationAggregates {
  private static final Logger LOG = LoggerFactory.getLogger(ShuffledInformationAggregates.class);

  private ShuffledInformationAggregates() {}

  /**
   * The result of each call over {@code data}'s columns: {@code x}, {@code y} (absent for {@code
   * entropy}) and {@code w} (a double; absent without weights). NULL x or y is a category, a row
   * whose weight is NULL counts nothing, an invalid weight makes every result NULL (the error under
   * ANSI mode), as in the aggregates. {@code options}: each call's constant option value (null for
   * NULL or none).
   */
  public static Object[] results(Dataset<Row> data, List<InformationAggregate.Bound> calls, List<Object> options) {
    long start = System.nanoTime();
    List<String> columns = Arrays.asList(data.columns());
    boolean weighted = columns.contains("w");
    // the rows and their total, which every term needs before the first cell; only the weights are read
    Totals totals = weighted
        ? data.select("w").javaRDD().mapPartitions(ShuffledInformationAggregates::totals).fold(new Totals(), Totals::merge)
        : Totals.ofRows(data.count());
    Object[] out = new Object[calls.size()];
    String problem = totals.invalid ? InformationAggregate.Bound.weightProblem(totals.invalidWeight)
        : !(totals.weight < Double.POSITIVE_INFINITY) ? InformationAggregate.Bound.TOTAL_WEIGHT_PROBLEM : null;
    if (problem != null) {
      for (int i = 0; i < out.length; i++) out[i] = calls.get(i).invalidResult("`w`", problem);
      return out;
    }
    if (totals.rows == 0) return out; // no row counted: NULL, as the aggregates give
    boolean withAmi = calls.stream().anyMatch(InformationAggregate.Bound::needsExpectedMutualInfo);
    String w = weighted ? "w" : null;
    InformationSums.Measures m = columns.contains("y")
        ? ShuffledPair.measures(data, "x", "y", w, false, withAmi, totals.weight, totals.rows)
        : ShuffledPair.levels(data, "x", w, totals.weight, totals.rows);
    for (int i = 0; i < out.length; i++) out[i] = calls.get(i).resultOf(m, options.get(i));
    LOG.info("{}: counted through shuffles, {} x {} levels, {} cells, in {} ms", calls.get(0).name(), m.levelsX(),
        m.levelsY(), m.cells(), (System.nanoTime() - start) / 1_000_000);
    return out;
  }

  /** The rows counted, their total weight, and the first invalid weight seen. */
  static final class Totals implements Serializable {
    private static final long serialVersionUID = 1L;
    long rows;
    double weight;
    boolean invalid;
    double invalidWeight;

    /** Rows without weights: each counts 1. */
    static Totals ofRows(long rows) {
      Totals t = new Totals();
      t.rows = rows;
      t.weight = rows;
      return t;
    }

    Totals merge(Totals o) {
      rows += o.rows;
      weight += o.weight;
      if (!invalid && o.invalid) {
        invalid = true;
        invalidWeight = o.invalidWeight;
      }
      return this;
    }
  }

  /** The totals of a task's weights (its rows' only column). */
  private static Iterator<Totals> totals(Iterator<Row> weights) {
    Totals t = new Totals();
    while (weights.hasNext()) {
      Row r = weights.next();
      if (r.isNullAt(0)) continue; // like sum(): a row without weight counts nothing
      double w = r.getDouble(0);
      if (!ContingencyState.isWeight(w)) {
        if (!t.invalid) {
          t.invalid = true;
          t.invalidWeight = w;
        }
        continue;
      }
      t.weight += w;
      t.rows++;
    }
    return List.of(t).iterator();
  }
}
