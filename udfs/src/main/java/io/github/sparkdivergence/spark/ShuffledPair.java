package io.github.sparkdivergence.spark;

import static org.apache.spark.sql.functions.col;

import io.github.sparkdivergence.math.InformationSums;
import io.github.sparkdivergence.math.PairSums;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;

/**
 * The measures of one pair counted through Spark's own shuffles, for pairs whose joint table
 * would not fit one task. One job of two shuffles, no join, nothing cached:
 * <ol>
 *   <li>the rows are partitioned by x and counted per (x, y) in each task, so each task holds all
 *       the cells of its x values; a window over x (a sort, which Spark spills) gives each cell its
 *       row total a and marks one cell per x;</li>
 *   <li>the cells (y, c, a, first) are partitioned by y and sorted; each run of y gives its column
 *       total b, then every cell's terms with (c, a, b) go into an {@link InformationSums} per task;
 *       the runs give the histogram of the column totals, the marked cells that of the row
 *       totals.</li>
 * </ol>
 * Each term needs the total n before the cells are read: the caller knows it from the one pass
 * ({@link MutualInformation}), and the cells' own total must equal it (else the input changed
 * between the two reads, and the job fails rather than mix them). No task holds more than its
 * share of the cells and one run, whatever the cardinality. The entropies of X and Y, the levels
 * and AMI's expected MI come from the two histograms (at most sqrt(2 n) distinct totals each), the
 * rest from the partial sums, merged exactly on the driver.
 */
final class ShuffledPair {
  private ShuffledPair() {}

  /**
   * The measures of columns {@code a} and {@code b} of {@code data} (binned already), NULL a
   * category unless {@code dropNulls}; {@code withAmi} false leaves AMI NULL. {@code weight}: a
   * double column of {@code data} whose values (finite, >= 0, checked before) are summed per cell
   * instead of counting rows; a row without weight counts nothing; null: rows are counted. {@code n}:
   * the pair's total count or weight, from the one pass; {@code rows}: the rows it counted there.
   */
  static InformationSums.Measures measures(Dataset<Row> data, String a, String b, String weight, boolean dropNulls,
      boolean withAmi, double n, long rows) {
    Column w = weight == null ? functions.lit(1.0) : col(quoted(weight));
    Dataset<Row> d = data.select(normalized(data, a).as("x"), normalized(data, b).as("y"), w.as("w"));
    if (dropNulls) d = d.where("x IS NOT NULL AND y IS NOT NULL");
    if (weight != null) d = d.where("w IS NOT NULL");
    // partitioned by x, so the sum per (x, y) and the window over x need no further shuffle; counts
    // are whole doubles (exact below 2^53), weights summed as the in-memory path sums them
    WindowSpec byX = Window.partitionBy("x").orderBy("y");
    int parts = tasks(rows, data.sparkSession().sparkContext().defaultParallelism());
    Dataset<Row> cells = d.repartition(parts, col("x")).groupBy("x", "y").agg(functions.sum("w").as("c"))
        .select(col("y"), col("c"),
            functions.sum("c").over(byX.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing())).as("a"),
            functions.row_number().over(byX).equalTo(1).as("first"));
    Dataset<Row> byY = cells.repartition(parts, col("y")).sortWithinPartitions("y");
    PairSums sums = byY.javaRDD().mapPartitions(part -> columnSums(part, n)).fold(new PairSums(n), PairSums::merge);
    requireTotal("pair (" + a + ", " + b + ")", n, sums.total, weight != null);
    return sums.measures(withAmi);
  }

  /**
   * The entropy and levels of column {@code a} alone (the measures of a pair with no Y), counted
   * through one shuffle: the rows partitioned by {@code a} and summed per value, each task then
   * adding its values' totals to the histogram that gives H(X), as for a pair's X. Arguments as
   * {@link #measures}; NULL is a category.
   */
  static InformationSums.Measures levels(Dataset<Row> data, String a, String weight, double n, long rows) {
    Column w = weight == null ? functions.lit(1.0) : col(quoted(weight));
    Dataset<Row> d = data.select(normalized(data, a).as("x"), w.as("w"));
    if (weight != null) d = d.where("w IS NOT NULL");
    int parts = tasks(rows, data.sparkSession().sparkContext().defaultParallelism());
    Dataset<Row> totals = d.repartition(parts, col("x")).groupBy("x").agg(functions.sum("w").as("a")).select("a");
    PairSums sums = totals.javaRDD().mapPartitions(part -> levelTotals(part, n)).fold(new PairSums(n), PairSums::merge);
    requireTotal("column " + a, n, sums.total, weight != null);
    return sums.measures(false); // no Y: its histogram is empty
  }

  private static Iterator<PairSums> levelTotals(Iterator<Row> totals, double n) {
    PairSums out = new PairSums(n);
    while (totals.hasNext()) {
      double t = totals.next().getDouble(0);
      out.rows.add(t);
      out.total += t;
    }
    return List.of(out).iterator();
  }

  /**
   * The total counted through shuffles is the one of the first pass: the same whole numbers for
   * counts, the same weights summed in another order; else the input changed between the reads.
   */
  private static void requireTotal(String what, double n, double total, boolean weighted) {
    if (!(Math.abs(total - n) <= (weighted ? 1e-9 * n : 0))) {
      throw new IllegalStateException(what + ": the input changed between the two reads of it (total " + n
          + " in the first pass, " + total + " counted through shuffles); cache or checkpoint a nondeterministic input");
    }
  }

  /** Rows per task of the two shuffles: far fewer and the tasks' fixed costs add up, far more and the cores idle. */
  static final long ROWS_PER_TASK = 1_000_000;

  /**
   * How many tasks each shuffle gets: a multiple of the cores ({@code parallelism}) with at most
   * about {@link #ROWS_PER_TASK} rows each. A fixed number, so adaptive execution leaves it be: by
   * its 64 MiB target it made 3 tasks of the 10M rows of a 5M x 5M pair on 2 cores, the third
   * running alone, and that stage took 14 s (40 s task CPU in all); 10 or 20 tasks took 8.5-10 s
   * (33 s), 200 took 16-17 s (generated 5M x 5M, 2 GiB heap, local[2]; docs/benchmarks.md).
   */
  static int tasks(long rows, int parallelism) {
    int cores = Math.max(1, parallelism);
    long rounds = Math.max(1, -Math.floorDiv(-rows, (long) cores * ROWS_PER_TASK)); // ceil, rows >= 0
    return (int) Math.min(Integer.MAX_VALUE / 2, rounds * cores);
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

  /**
   * One task's cells (y, c, a, first) sorted by y: per run of y, its total b, then each cell's
   * terms; the one marked cell of each x gives that row's total a.
   */
  private static Iterator<PairSums> columnSums(Iterator<Row> rows, double n) {
    PairSums out = new PairSums(n);
    List<double[]> run = new ArrayList<>();
    Object y = null;
    while (rows.hasNext()) {
      Row r = rows.next();
      if (!run.isEmpty() && !same(y, r.get(0))) flush(out, run);
      y = r.get(0);
      run.add(new double[] {r.getDouble(1), r.getDouble(2)});
      if (r.getBoolean(3)) out.rows.add(r.getDouble(2));
    }
    if (!run.isEmpty()) flush(out, run);
    return List.of(out).iterator();
  }

  private static void flush(PairSums out, List<double[]> run) {
    double b = 0;
    for (double[] ca : run) b += ca[0]; // whole counts below 2^53: exact
    for (double[] ca : run) out.sums.addCell(ca[0], ca[1], b);
    out.columns.add(b);
    out.total += b;
    run.clear();
  }

  /** Key equality as the sort groups keys: byte arrays by content, everything else by equals (NaN equals NaN). */
  private static boolean same(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) return Arrays.equals(x, y);
    return java.util.Objects.equals(a, b);
  }

  private static String quoted(String name) { return "`" + name.replace("`", "``") + "`"; }
}
