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
   * The result of each call over {@code data}'s columns {@code x}, {@code y} (absent for {@code
   * entropy}) and, when {@code weighted}, {@code w} (a double): NULL x or y is a category, a row whose weight is NULL counts
   * nothing, an invalid weight makes every result NULL (the error under ANSI mode), as in the
   * aggregates. {@code options}: each call's constant option value (null for NULL or none).
   */
  public static Object[] results(Dataset<Row> data, boolean weighted, List<InformationAggregate.Bound> calls,
      List<Object> options) {
    long start = System.nanoTime();
    int w = weighted ? data.schema().fieldIndex("w") : -1;
    Totals totals = data.javaRDD().mapPartitions(rows -> totals(rows, w)).fold(new Totals(), Totals::merge);
    Object[] out = new Object[calls.size()];
    String problem = totals.invalid ? InformationAggregate.Bound.weightProblem(totals.invalidWeight)
        : !(totals.weight < Double.POSITIVE_INFINITY) ? InformationAggregate.Bound.TOTAL_WEIGHT_PROBLEM : null;
    if (problem != null) {
      for (int i = 0; i < out.length; i++) out[i] = calls.get(i).invalidResult("`w`", problem);
      return out;
    }
    if (totals.rows == 0) return out; // no row counted: NULL, as the aggregates give
    boolean withAmi = false;
    for (InformationAggregate.Bound call : calls) {
      withAmi |= call.name().equals("adjusted_mutual_info") || call.name().equals("mutual_info_summary");
    }
    boolean pair = Arrays.asList(data.columns()).contains("y");
    InformationSums.Measures m = pair
        ? ShuffledPair.measures(data, "x", "y", weighted ? "w" : null, false, withAmi, totals.weight, totals.rows)
        : ShuffledPair.levels(data, "x", weighted ? "w" : null, totals.weight, totals.rows);
    for (int i = 0; i < out.length; i++) out[i] = calls.get(i).resultOf(m, options.get(i));
    LOG.info("{}: the state outgrew one task's limit ({}): counted through shuffles, {} x {} levels, {} cells, in {} ms",
        calls.get(0).name(), InformationAggregate.MAX_STATE_BYTES_CONF, m.levelsX(), m.levelsY(), m.cells(),
        (System.nanoTime() - start) / 1_000_000);
    return out;
  }

  /** The rows counted, their total weight, and the first invalid weight seen. */
  static final class Totals implements Serializable {
    private static final long serialVersionUID = 1L;
    long rows;
    double weight;
    boolean invalid;
    double invalidWeight;

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

  /** The totals of a task's rows, whose weight is column {@code weight} (-1: none). */
  private static Iterator<Totals> totals(Iterator<Row> rows, int weight) {
    Totals t = new Totals();
    boolean weighted = weight >= 0;
    while (rows.hasNext()) {
      Row r = rows.next();
      if (weighted) {
        if (r.isNullAt(weight)) continue; // like sum(): a row without weight counts nothing
        double w = r.getDouble(weight);
        if (!ContingencyState.isWeight(w)) {
          if (!t.invalid) {
            t.invalid = true;
            t.invalidWeight = w;
          }
          continue;
        }
        t.weight += w;
      }
      t.rows++;
    }
    if (!weighted) t.weight = t.rows;
    return List.of(t).iterator();
  }
}
