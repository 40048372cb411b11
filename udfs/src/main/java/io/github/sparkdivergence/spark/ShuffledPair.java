package io.github.sparkdivergence.spark;

import static org.apache.spark.sql.functions.col;

import io.github.sparkdivergence.math.InformationSums;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * The measures of one pair counted through Spark's own shuffles, for pairs whose joint table
 * would not fit one task: the cells are a {@code GROUP BY x, y} count, the margins a {@code GROUP
 * BY} of the cells, each cell meets its two margins in a join, and every task adds its cells' terms
 * into an {@link InformationSums} whose partial sums merge exactly on the driver. No task holds
 * more than its share of the cells, whatever the cardinality; the work spreads over all
 * executors. AMI's expected MI needs only the histograms of the margins (how many levels have
 * each total), which are small: at most sqrt(2 n) distinct totals.
 */
final class ShuffledPair {
  private ShuffledPair() {}

  /**
   * The measures of columns {@code a} and {@code b} of {@code data} (binned already), NULL a
   * category unless {@code dropNulls}; {@code withAmi} false leaves AMI NULL (its expected-MI term
   * is the one cost that grows with the distinct margin totals).
   */
  static InformationSums.Measures measures(Dataset<Row> data, String a, String b, boolean dropNulls, boolean withAmi) {
    Dataset<Row> d = data.select(col(quoted(a)).as("x"), col(quoted(b)).as("y"));
    if (dropNulls) d = d.where("x IS NOT NULL AND y IS NOT NULL");
    Dataset<Row> cells = d.groupBy("x", "y").agg(functions.count(functions.lit(1)).as("c"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> ax = cells.groupBy("x").agg(functions.sum("c").as("a")).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> by = cells.groupBy("y").agg(functions.sum("c").as("b")).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row total = ax.agg(functions.sum("a")).first();
      double n = total.isNullAt(0) ? 0 : total.getLong(0);
      Dataset<Row> joined = cells.as("t")
          .join(ax.as("ax"), col("t.x").eqNullSafe(col("ax.x")))
          .join(by.as("by"), col("t.y").eqNullSafe(col("by.y")))
          .select(col("c").cast("double"), col("a").cast("double"), col("b").cast("double"));
      InformationSums sums = sum(joined.javaRDD(), n, 0)
          .merge(sum(ax.select(col("a").cast("double")).javaRDD(), n, 1))
          .merge(sum(by.select(col("b").cast("double")).javaRDD(), n, 2));
      double[][] xMargins = withAmi ? histogram(ax, "a") : null;
      double[][] yMargins = withAmi ? histogram(by, "b") : null;
      return sums.measures(xMargins, yMargins, "arithmetic");
    } finally {
      cells.unpersist(false);
      ax.unpersist(false);
      by.unpersist(false);
    }
  }

  /** Adds rows of (c, a, b) cells ({@code what} 0), X totals (1) or Y totals (2), per task, then merges. */
  private static InformationSums sum(JavaRDD<Row> rows, double n, int what) {
    return rows.mapPartitions(it -> {
      InformationSums s = new InformationSums(n);
      while (it.hasNext()) {
        Row r = it.next();
        switch (what) {
          case 0 -> s.addCell(r.getDouble(0), r.getDouble(1), r.getDouble(2));
          case 1 -> s.addX(r.getDouble(0));
          default -> s.addY(r.getDouble(0));
        }
      }
      return List.of(s).iterator();
    }).fold(new InformationSums(n), InformationSums::merge);
  }

  /** {distinct totals ascending, how many levels have each}, from a margin's totals. */
  private static double[][] histogram(Dataset<Row> margin, String total) {
    List<Row> rows = margin.groupBy(total).count().orderBy(total).collectAsList();
    List<double[]> kept = new ArrayList<>();
    for (Row r : rows) if (!r.isNullAt(0) && r.getLong(0) > 0) kept.add(new double[] {r.getLong(0), r.getLong(1)});
    double[][] h = new double[2][kept.size()];
    for (int i = 0; i < kept.size(); i++) {
      h[0][i] = kept.get(i)[0];
      h[1][i] = kept.get(i)[1];
    }
    return h;
  }

  private static String quoted(String name) { return "`" + name.replace("`", "``") + "`"; }
}
