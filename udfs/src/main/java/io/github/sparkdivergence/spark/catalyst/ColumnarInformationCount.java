package io.github.sparkdivergence.spark.catalyst;

import io.github.sparkdivergence.spark.ScalaSeqs;
import io.github.sparkdivergence.spark.functions.InformationAggregate;
import io.github.sparkdivergence.spark.functions.InformationState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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

/**
 * A global call of the information aggregates whose input is a columnar scan (Parquet, ORC, a
 * cached table) of the calls' columns, counted from the scan's column batches instead of rows:
 * no row is built for the aggregate, and strings the file keeps dictionary-encoded are read by
 * their ids ({@link io.github.sparkdivergence.spark.input.ColumnCategories}). The plan is Spark's
 * own for an aggregate: a state per task, the states merged on one task, which gives the results.
 * Counting, merging, limits, NULLs and errors are {@link InformationAggregate.Bound}'s, so a state
 * that outgrows its task fails as in the aggregate, and {@link GlobalInformationAggregateExec}
 * goes on through shuffles.
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

  /** The scan this count reads, for the log. */
  String scanName() {
    return scan.nodeName();
  }

  /**
   * The calls' results, in their order, as one row of their result types: each task counts its
   * batches into a state per call, and one task merges the states and evaluates them.
   */
  InternalRow run() {
    JavaRDD<ColumnarBatch> batches = scan.executeColumnar().toJavaRDD();
    List<InternalRow> rows = batches.mapPartitions(this::count).coalesce(1, true).mapPartitions(this::results).collect();
    return rows.get(0);
  }

  private Iterator<byte[][]> count(Iterator<ColumnarBatch> batches) {
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
    byte[][] out = new byte[calls][];
    for (int i = 0; i < calls; i++) out[i] = InformationState.of(states[i]).toBytes();
    return List.<byte[][]>of(out).iterator();
  }

  private Iterator<InternalRow> results(Iterator<byte[][]> partials) {
    int calls = functions.size();
    Serializable[] merged = new Serializable[calls];
    for (int i = 0; i < calls; i++) merged[i] = functions.get(i).newAggregationState();
    while (partials.hasNext()) {
      byte[][] states = partials.next();
      for (int i = 0; i < calls; i++) merged[i] = functions.get(i).merge(merged[i], states[i]);
    }
    Object[] values = new Object[calls];
    for (int i = 0; i < calls; i++) values[i] = functions.get(i).produceResult(merged[i]);
    InternalRow row = UnsafeProjection.create(resultTypes).apply(new GenericInternalRow(values)).copy();
    return List.of(row).iterator();
  }
}
