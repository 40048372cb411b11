package io.github.sparkdivergence.spark;

import static org.apache.spark.sql.functions.col;

import io.github.sparkdivergence.math.InformationSums;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.storage.StorageLevel;

/**
 * The measures of one pair counted through Spark's own shuffles, for pairs whose joint table
 * would not fit one task. Two shuffles, no join:
 * <ol>
 *   <li>the rows are partitioned by x and counted per (x, y) in each task, so each task holds all
 *       the cells of its x values; a window over x gives each cell its row total a (a sort, which
 *       Spark spills); these cells are kept, and one pass over them, run by run of x, gives the
 *       total n and the histogram of the row totals;</li>
 *   <li>the cells (y, c, a) are partitioned by y and sorted; each run of y gives its column total
 *       b, then every cell's terms with (c, a, b) go into an {@link InformationSums} per task, and
 *       the runs give the histogram of the column totals.</li>
 * </ol>
 * No task holds more than its share of the cells and one run, whatever the cardinality. The
 * entropies of X and Y, the levels and AMI's expected MI come from the two histograms (at most
 * sqrt(2 n) distinct totals each), the rest from the partial sums, merged exactly on the driver.
 */
final class ShuffledPair {
  private ShuffledPair() {}

  /**
   * The measures of columns {@code a} and {@code b} of {@code data} (binned already), NULL a
   * category unless {@code dropNulls}; {@code withAmi} false leaves AMI NULL. {@code weight}: a
   * double column of {@code data} whose values (finite, >= 0, checked before) are summed per cell
   * instead of counting rows; a row without weight counts nothing; null: rows are counted.
   */
  static InformationSums.Measures measures(Dataset<Row> data, String a, String b, String weight, boolean dropNulls,
      boolean withAmi) {
    Column w = weight == null ? functions.lit(1.0) : col(quoted(weight));
    Dataset<Row> d = data.select(normalized(data, a).as("x"), normalized(data, b).as("y"), w.as("w"));
    if (dropNulls) d = d.where("x IS NOT NULL AND y IS NOT NULL");
    if (weight != null) d = d.where("w IS NOT NULL");
    // partitioned by x, so the sum per (x, y) and the window over x need no further shuffle; counts
    // are whole doubles (exact below 2^53), weights summed as the in-memory path sums them
    Dataset<Row> cells = d.repartition(col("x")).groupBy("x", "y").agg(functions.sum("w").as("c"))
        .withColumn("a", functions.sum("c").over(Window.partitionBy("x")))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Margins xs = cells.select("x", "a").javaRDD().mapPartitions(ShuffledPair::rowTotals)
          .fold(new Margins(), Margins::merge);
      double n = xs.total;
      Dataset<Row> byY = cells.select(col("y"), col("c"), col("a"))
          .repartition(col("y")).sortWithinPartitions("y");
      Cells sums = byY.javaRDD().mapPartitions(rows -> columnSums(rows, n)).fold(new Cells(n), Cells::merge);
      return sums.sums.withMargins(xs.histogram(), sums.columns.histogram()).measures(
          withAmi ? xs.histogram() : null, withAmi ? sums.columns.histogram() : null, "arithmetic");
    } finally {
      cells.unpersist(false);
    }
  }

  /**
   * The column as a key that groups, partitions and compares as Spark's GROUP BY does: -0.0 is
   * 0.0 (NaN is one value already).
   */
  private static Column normalized(Dataset<Row> data, String name) {
    Column c = col(quoted(name));
    DataType t = data.schema().apply(name).dataType();
    if (t instanceof DoubleType || t instanceof FloatType) {
      return functions.when(c.equalTo(0), functions.lit(0).cast(t)).otherwise(c);
    }
    return c;
  }

  /** Level totals: their sum and how many levels have each total. */
  static final class Margins implements Serializable {
    private static final long serialVersionUID = 1L;
    final Map<Double, Long> levelsByTotal = new HashMap<>();
    double total;

    /** A level with this total; one of total 0 (only zero weights) is no level, as in the in-memory table. */
    void add(double levelTotal) {
      if (!(levelTotal > 0)) return;
      levelsByTotal.merge(levelTotal, 1L, Long::sum);
      total += levelTotal;
    }

    Margins merge(Margins o) {
      o.levelsByTotal.forEach((k, v) -> levelsByTotal.merge(k, v, Long::sum));
      total += o.total;
      return this;
    }

    /** {distinct totals ascending, how many levels have each}. */
    double[][] histogram() {
      double[] keys = levelsByTotal.keySet().stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double[][] h = new double[2][keys.length];
      for (int i = 0; i < keys.length; i++) {
        h[0][i] = keys[i];
        h[1][i] = levelsByTotal.get(keys[i]);
      }
      return h;
    }
  }

  /** One task's cells (x, a) sorted by x (the window's order): each run of x is one level with total a. */
  private static Iterator<Margins> rowTotals(Iterator<Row> rows) {
    Margins m = new Margins();
    Object previous = null;
    boolean first = true;
    while (rows.hasNext()) {
      Row r = rows.next();
      Object x = r.get(0);
      if (first || !same(previous, x)) m.add(r.getDouble(1));
      previous = x;
      first = false;
    }
    return List.of(m).iterator();
  }

  /** A task's partial sums of the cells and its column margins. */
  static final class Cells implements Serializable {
    private static final long serialVersionUID = 1L;
    final InformationSums sums;
    final Margins columns = new Margins();

    Cells(double n) { sums = new InformationSums(n); }

    Cells merge(Cells o) {
      sums.merge(o.sums);
      columns.merge(o.columns);
      return this;
    }
  }

  /** One task's cells (y, c, a) sorted by y: per run of y, its total b, then each cell's terms. */
  private static Iterator<Cells> columnSums(Iterator<Row> rows, double n) {
    Cells out = new Cells(n);
    List<double[]> run = new ArrayList<>();
    Object y = null;
    while (rows.hasNext()) {
      Row r = rows.next();
      if (!run.isEmpty() && !same(y, r.get(0))) flush(out, run);
      y = r.get(0);
      run.add(new double[] {r.getDouble(1), r.getDouble(2)});
    }
    if (!run.isEmpty()) flush(out, run);
    return List.of(out).iterator();
  }

  private static void flush(Cells out, List<double[]> run) {
    double b = 0;
    for (double[] ca : run) b += ca[0]; // whole counts below 2^53: exact
    for (double[] ca : run) out.sums.addCell(ca[0], ca[1], b);
    out.columns.add(b);
    run.clear();
  }

  /** Key equality as the sort groups keys: byte arrays by content, everything else by equals (NaN equals NaN). */
  private static boolean same(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) return Arrays.equals(x, y);
    return java.util.Objects.equals(a, b);
  }

  private static String quoted(String name) { return "`" + name.replace("`", "``") + "`"; }
}
