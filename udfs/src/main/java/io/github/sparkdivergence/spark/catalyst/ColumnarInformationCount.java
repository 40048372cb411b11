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
import org.apache.spark.util.LongAccumulator;
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

  /** How many states the tasks of the last {@link #run} split: one per task, more where one passed half its limit. */
  private transient volatile long lastStates;

  long states() {
    return lastStates;
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

  /** Parts per core: smaller parts, whose merged states fit a task's limit where one per core would not. */
  static final int PARTS_PER_CORE = 4;

  /**
   * The calls' results, in their order, as one row of their result types. Each task counts its
   * batches into a state per call and splits it by x into {@link #PARTS_PER_CORE} parts per core
   * (at most {@link #MAX_PARTS}); a state past half its limit whose y categories are few is split
   * and sent on right away, and the task counts on into a new one. Each part is merged over the tasks and summed on a task of
   * its own (every cell of its x values is there, with the y totals of every task), and the driver
   * merges the parts' sums. No task merges all the states, and a pair of many x and few y
   * categories whose whole state would not fit one task is counted here as long as each part
   * fits (past the limit anywhere, {@link GlobalInformationAggregateExec} goes on through shuffles).
   */
  InternalRow run() {
    JavaRDD<ColumnarBatch> batches = scan.executeColumnar().toJavaRDD();
    int parts = Math.max(1, Math.min(MAX_PARTS, PARTS_PER_CORE * batches.context().defaultParallelism()));
    lastParts = parts;
    LongAccumulator split = batches.context().longAccumulator("spark-divergence: states split by x");
    List<PairSums[]> sums = batches.mapPartitionsWithIndex((task, in) -> new TaskParts(task, in, parts, split), false)
        .mapToPair(p -> new Tuple2<>(p.part(), p)).partitionBy(new HashPartitioner(parts))
        .mapPartitionsWithIndex((part, in) -> partSums(part, in), false).collect();
    lastStates = split.value();
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

  /**
   * One part by x of one state of a task ({@code flush}: the task's states in the order it sent
   * them): per call, the part's state and the y totals of the whole state.
   */
  record Part(int part, int task, int flush, byte[][] states, byte[][] columnTotals) implements Serializable {}

  /**
   * A task's parts, counted as the shuffle asks for them: the batches are counted until a state
   * should be sent on ({@link InformationAggregate.Bound#sendOnSplitByX}) or the batches end, then
   * the states are split into parts, and so on.
   */
  private final class TaskParts implements Iterator<Part> {
    private final int task;
    private final Iterator<ColumnarBatch> batches;
    private final int parts;
    private final LongAccumulator split;
    private final java.util.ArrayDeque<Part> ready = new java.util.ArrayDeque<>();
    private final InformationAggregate.Bound.BatchColumns[] in;
    private int flushes;
    private boolean done;

    TaskParts(int task, Iterator<ColumnarBatch> batches, int parts, LongAccumulator split) {
      this.task = task;
      this.batches = batches;
      this.parts = parts;
      this.split = split;
      in = new InformationAggregate.Bound.BatchColumns[functions.size()];
      for (int i = 0; i < in.length; i++) in[i] = functions.get(i).batchColumns(columns[i], width, options[i]);
    }

    @Override public boolean hasNext() {
      if (ready.isEmpty() && !done) countAndSplit();
      return !ready.isEmpty();
    }

    @Override public Part next() {
      if (!hasNext()) throw new java.util.NoSuchElementException();
      return ready.poll();
    }

    /** Counts batches into new states until one should be sent on or none is left, then splits them. */
    private void countAndSplit() {
      int calls = functions.size();
      Serializable[] states = new Serializable[calls];
      for (int i = 0; i < calls; i++) states[i] = functions.get(i).newAggregationState();
      boolean full = false;
      while (!full && batches.hasNext()) {
        ColumnarBatch batch = batches.next();
        for (int i = 0; i < calls; i++) {
          states[i] = functions.get(i).update(states[i], batch, in[i]);
          full |= functions.get(i).sendOnSplitByX(states[i], parts);
        }
      }
      done = !batches.hasNext();
      byte[][][] byPart = new byte[calls][][];
      byte[][] totals = new byte[calls][];
      for (int i = 0; i < calls; i++) {
        byPart[i] = functions.get(i).partsByX(states[i], parts);
        totals[i] = functions.get(i).columnTotals(states[i]);
        states[i] = null;
      }
      for (int p = 0; p < parts; p++) {
        byte[][] mine = new byte[calls][];
        for (int i = 0; i < calls; i++) mine[i] = byPart[i][p];
        ready.add(new Part(p, task, flushes, mine, totals));
      }
      flushes++;
      split.add(1);
    }
  }

  /**
   * One part by x: its states merged over every task, the y totals merged in the order of the
   * tasks and their states (the same n and totals in every part, whatever order the shuffle
   * brings them in), and per call the part's sums, null for a NULL result; part 0 adds the y levels.
   */
  private Iterator<PairSums[]> partSums(int part, Iterator<Tuple2<Integer, Part>> in) {
    List<Part> parts = new ArrayList<>();
    while (in.hasNext()) parts.add(in.next()._2());
    parts.sort(java.util.Comparator.comparingInt(Part::task).thenComparingInt(Part::flush));
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
      out[i] = f.partSums(merged, totals, part == 0);
    }
    return List.<PairSums[]>of(out).iterator();
  }
}
