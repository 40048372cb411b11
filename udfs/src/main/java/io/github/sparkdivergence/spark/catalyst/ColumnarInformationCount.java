package io.github.sparkdivergence.spark.catalyst;

import io.github.sparkdivergence.math.PairSums;
import io.github.sparkdivergence.spark.ScalaSeqs;
import io.github.sparkdivergence.spark.functions.InformationAggregate;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Tuple2;

/**
 * A global call of the information aggregates whose input is a columnar scan (Parquet, ORC, a
 * cached table) of the calls' columns, counted from the scan's column batches instead of rows:
 * no row is built for the aggregate, and strings the file keeps dictionary-encoded are read by
 * their ids ({@link io.github.sparkdivergence.spark.input.ColumnCategories}). A state per task,
 * split by x into parts that are merged and summed on as many tasks ({@link #run}). Counting,
 * merging, limits, NULLs and errors are {@link InformationAggregate.Bound}'s, so a state that
 * outgrows its task fails as in the aggregate, and {@link GlobalInformationAggregateExec} goes on
 * through shuffles; the results are the aggregate's to 1e-13 relative (the same terms summed in
 * another order, {@link io.github.sparkdivergence.math.InformationSums}).
 */
final class ColumnarInformationCount implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<InformationAggregate.Bound> functions;
  /** Per call, the batch column of each argument (the option's unused). */
  private final int[][] columns;
  private final Object[] options;
  private final int width;
  private final DataType[] resultTypes;
  private final transient SparkPlan scan;

  private ColumnarInformationCount(List<InformationAggregate.Bound> functions, int[][] columns, Object[] options,
      int width, DataType[] resultTypes, SparkPlan scan) {
    this.functions = functions;
    this.columns = columns;
    this.options = options;
    this.width = width;
    this.resultTypes = resultTypes;
    this.scan = scan;
  }

  /**
   * The count of {@code calls} (constant {@code options}) over {@code input}, the aggregate's child
   * planned; null when that plan is not a columnar scan of the calls' arguments as they are
   * (columns of the scan, of the types the calls read).
   */
  static ColumnarInformationCount of(SparkPlan input, List<InPlaceInformationAggregate> calls, List<Object> options) {
    SparkPlan scan = input;
    while (true) {
      if (scan instanceof WholeStageCodegenExec w) scan = w.child();
      else if (scan instanceof ColumnarToRowExec c) scan = c.child();
      else if (scan instanceof InputAdapter a) scan = a.child();
      else break;
    }
    if (!scan.supportsColumnar()) return null;
    List<Attribute> output = ScalaSeqs.asJava(scan.output());
    List<InformationAggregate.Bound> functions = new ArrayList<>();
    int[][] columns = new int[calls.size()][];
    DataType[] resultTypes = new DataType[calls.size()];
    for (int i = 0; i < calls.size(); i++) {
      InformationAggregate.Bound f = calls.get(i).function();
      if (!f.countsThroughShuffles()) return null; // a state to save: no measure to sum in parts
      List<Expression> args = ScalaSeqs.asJava(calls.get(i).children());
      DataType[] types = f.types();
      columns[i] = new int[args.size()];
      for (int a = 0; a < args.size(); a++) {
        if (a == f.optionArgument()) continue;
        if (!(args.get(a) instanceof AttributeReference ref) || !ref.dataType().sameType(types[a])) return null;
        int at = -1;
        for (int k = 0; k < output.size() && at < 0; k++) {
          if (output.get(k).exprId().equals(ref.exprId())) at = k;
        }
        if (at < 0) return null;
        columns[i][a] = at;
      }
      functions.add(f);
      resultTypes[i] = f.resultType();
    }
    return new ColumnarInformationCount(functions, columns, options.toArray(), output.size(), resultTypes, scan);
  }

  /** Into how many parts by x the last {@link #run} split the states. */
  private transient volatile int lastParts;

  int parts() {
    return lastParts;
  }

  /** The scan this count reads, for the log. */
  String scanName() {
    return scan.nodeName();
  }

  /**
   * The most parts the states are split into by x: each task's y totals go to every part, so a
   * pair with many y categories sends that many more bytes through the shuffle.
   */
  static final int MAX_PARTS = 8;

  /**
   * The calls' results, in their order, as one row of their result types: each task counts its
   * batches into a state per call and splits it by x into as many parts as there are cores (at
   * most {@link #MAX_PARTS}); each part is merged over the tasks and summed on a task of its own
   * (every cell of its x values is there, with the y totals of every task), and the driver merges
   * the parts' sums. A pair of millions of categories is then not merged on one task while the
   * other cores wait.
   */
  InternalRow run() {
    JavaRDD<ColumnarBatch> batches = scan.executeColumnar().toJavaRDD();
    int parts = Math.max(1, Math.min(MAX_PARTS, batches.context().defaultParallelism()));
    lastParts = parts;
    List<PairSums[]> sums = batches.mapPartitionsWithIndex((task, in) -> countByX(task, in, parts), false)
        .mapToPair(p -> new Tuple2<>(p.part(), p)).partitionBy(new HashPartitioner(parts))
        .mapPartitions(this::partSums).collect();
    int calls = functions.size();
    Object[] values = new Object[calls];
    for (int i = 0; i < calls; i++) {
      PairSums whole = null;
      boolean isNull = false;
      for (PairSums[] part : sums) {
        if (part[i] == null) isNull = true;
        else whole = whole == null ? part[i] : whole.merge(part[i]);
      }
      values[i] = isNull || whole == null ? null : functions.get(i).resultOf(whole, options[i]);
    }
    return UnsafeProjection.create(resultTypes).apply(new GenericInternalRow(values)).copy();
  }

  /** One task's share of one part by x: per call, the part's state and the task's y totals. */
  record Part(int part, int task, byte[][] states, byte[][] columnTotals) implements Serializable {}

  private Iterator<Part> countByX(int task, Iterator<ColumnarBatch> batches, int parts) {
    Serializable[] states = counted(batches);
    int calls = functions.size();
    byte[][][] byPart = new byte[calls][][];
    byte[][] totals = new byte[calls][];
    for (int i = 0; i < calls; i++) {
      byPart[i] = functions.get(i).partsByX(states[i], parts);
      totals[i] = functions.get(i).columnTotals(states[i]);
      states[i] = null;
    }
    List<Part> out = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      byte[][] mine = new byte[calls][];
      for (int i = 0; i < calls; i++) mine[i] = byPart[i][p];
      out.add(new Part(p, task, mine, totals));
    }
    return out.iterator();
  }

  /**
   * One part by x: its states merged over every task, the y totals merged in the order of the
   * tasks (the same n and totals in every part, whatever order the shuffle brings them in), and
   * per call the part's sums, null for a NULL result.
   */
  private Iterator<PairSums[]> partSums(Iterator<Tuple2<Integer, Part>> in) {
    List<Part> parts = new ArrayList<>();
    int part = -1;
    while (in.hasNext()) {
      Part p = in.next()._2();
      parts.add(p);
      part = p.part();
    }
    parts.sort(java.util.Comparator.comparingInt(Part::task));
    int calls = functions.size();
    PairSums[] out = new PairSums[calls];
    for (int i = 0; i < calls; i++) {
      InformationAggregate.Bound f = functions.get(i);
      Serializable merged = f.newAggregationState();
      Serializable totals = f.newAggregationState();
      for (Part p : parts) {
        merged = f.merge(merged, p.states()[i]);
        totals = f.merge(totals, p.columnTotals()[i]);
        p.states()[i] = null;
      }
      out[i] = f.partSums(merged, totals, part <= 0);
    }
    return List.<PairSums[]>of(out).iterator();
  }

  /** A task's batches counted into a state per call. */
  private Serializable[] counted(Iterator<ColumnarBatch> batches) {
    int calls = functions.size();
    Serializable[] states = new Serializable[calls];
    InformationAggregate.Bound.BatchColumns[] in = new InformationAggregate.Bound.BatchColumns[calls];
    for (int i = 0; i < calls; i++) {
      states[i] = functions.get(i).newAggregationState();
      in[i] = functions.get(i).batchColumns(columns[i], width, options[i]);
    }
    while (batches.hasNext()) {
      ColumnarBatch batch = batches.next();
      for (int i = 0; i < calls; i++) states[i] = functions.get(i).update(states[i], batch, in[i]);
    }
    return states;
  }
}
