package io.github.sparkdivergence.spark.catalyst;

import io.github.sparkdivergence.spark.DivergenceQueryException;
import io.github.sparkdivergence.spark.ScalaSeqs;
import io.github.sparkdivergence.spark.ShuffledInformationAggregates;
import io.github.sparkdivergence.spark.functions.InformationAggregate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.types.Metadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A global call of the information aggregates ({@link GlobalInformationStrategy}): counts a
 * columnar scan's batches ({@link ColumnarInformationCount}) or runs Spark's own aggregate plan of
 * it, and when that fails because a state outgrew its task ({@link
 * DivergenceQueryException#STATE_TOO_LARGE}), counts each pair of the calls through shuffles
 * ({@link ShuffledInformationAggregates}) and gives the same row. Small pairs pay nothing but a
 * second planning of the aggregate; every result, NULL and error of a state that fits is the aggregate's.
 */
public final class GlobalInformationAggregateExec extends LeafPlanBase {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(GlobalInformationAggregateExec.class);

  // the plan's inputs live on the driver, where it runs: a copy shipped to a task needs none of them
  private final transient Aggregate aggregate;
  private final transient List<AggregateExpression> calls;
  private final transient List<NamedExpression> results;
  private final transient List<Pair> pairs;
  private final transient List<Object> options;
  private final String description;
  /** Kept through serialization: a task that runs a plan above this one may ask for its output. */
  private final ArrayList<Attribute> output;
  private transient InternalRow[] rows;

  /** The columns of a pair (y null for {@code entropy}, w without weight) and the positions of its calls. */
  record Pair(Expression x, Expression y, Expression w, List<Integer> calls) {}

  GlobalInformationAggregateExec(Aggregate aggregate, List<AggregateExpression> calls, List<NamedExpression> results,
      List<Pair> pairs, List<Object> options) {
    this.aggregate = aggregate;
    this.calls = calls;
    this.results = results;
    this.pairs = pairs;
    this.options = options;
    this.description = calls.stream().map(c -> c.aggregateFunction().sql()).collect(Collectors.joining(", ", "[", "]"))
        + ", from column batches when the input is a columnar scan, through shuffles if a state outgrows its task";
    this.output = new ArrayList<>(ScalaSeqs.asJava(aggregate.output()));
  }

  /** A copy of {@code plan}, its rows not computed (it may be a copy shipped to a task, without inputs). */
  private GlobalInformationAggregateExec(GlobalInformationAggregateExec plan) {
    this.aggregate = plan.aggregate;
    this.calls = plan.calls;
    this.results = plan.results;
    this.pairs = plan.pairs;
    this.options = plan.options;
    this.description = plan.description;
    this.output = plan.output;
  }

  @Override protected List<Attribute> outputAttributes() { return output; }

  @Override
  public RDD<InternalRow> doExecute() {
    return JavaSparkContext.fromSparkContext(sparkContext()).parallelize(Arrays.asList(rows()), 1).rdd();
  }

  @Override public InternalRow[] executeCollect() { return rows().clone(); }

  private synchronized InternalRow[] rows() {
    if (rows == null) rows = compute();
    return rows;
  }

  /** How the rows were counted: {@link #COLUMN_BATCHES}, {@link #AGGREGATE} or {@link #SHUFFLES}; null before. */
  public String path() {
    return path;
  }

  /** Into how many parts by x the states of a count from column batches were split (0 for another path or before). */
  public int partsByX() {
    return partsByX;
  }

  private transient volatile int partsByX;

  /**
   * How many states the tasks of a count from column batches split into parts: one per task, more
   * where a state passed half its limit and the task counted on into a new one (0 for another path).
   */
  public long statesSplit() {
    return statesSplit;
  }

  private transient volatile long statesSplit;

  public static final String COLUMN_BATCHES = "column batches";
  public static final String AGGREGATE = "aggregate";
  public static final String SHUFFLES = "shuffles";
  private transient volatile String path;

  private InternalRow[] compute() {
    try {
      return GlobalInformationStrategy.withoutItself(() -> {
        List<InPlaceInformationAggregate> functions = new ArrayList<>();
        for (AggregateExpression call : calls) functions.add((InPlaceInformationAggregate) call.aggregateFunction());
        ColumnarInformationCount columnar = ColumnarInformationCount.of(
            SparkLine.dataFrame(session(), aggregate.child()).queryExecution().executedPlan(), functions, options);
        if (columnar != null) {
          LOG.info("{}: counting from the column batches of {}", description, columnar.scanName());
          InternalRow values = columnar.run();
          LOG.info("{}: counted from column batches, {} states split into {} parts by x, each merged and summed on a task",
              description, columnar.states(), columnar.parts());
          partsByX = columnar.parts();
          statesSplit = columnar.states();
          path = COLUMN_BATCHES;
          return new InternalRow[] {resultRow(values)};
        }
        InternalRow[] rows = SparkLine.dataFrame(session(), aggregate).queryExecution().executedPlan().executeCollect();
        path = AGGREGATE;
        return rows;
      });
    } catch (Exception e) { // Scala throws SparkException, checked in Java's eyes, undeclared
      Throwable tooLarge = stateTooLarge(e);
      if (tooLarge == null) throw GlobalInformationAggregateExec.<RuntimeException>unchecked(e);
      LOG.info("{}: {}; counting each pair through shuffles", description, tooLarge.getMessage());
    }
    InternalRow row = shuffled();
    path = SHUFFLES;
    return new InternalRow[] {row};
  }

  /** The row from the sums of each pair counted through shuffles, one pair after the other. */
  private InternalRow shuffled() {
    Object[] out = new Object[calls.size()];
    for (Pair pair : pairs) {
      List<NamedExpression> columns = new ArrayList<>(List.of(alias(pair.x(), "x")));
      if (pair.y() != null) columns.add(alias(pair.y(), "y"));
      if (pair.w() != null) columns.add(alias(pair.w(), "w"));
      Dataset<Row> data = SparkLine.dataFrame(session(), new Project(ScalaSeqs.asScala(columns), aggregate.child()));
      List<InformationAggregate.Bound> functions = new ArrayList<>();
      List<Object> pairOptions = new ArrayList<>();
      for (int i : pair.calls()) {
        functions.add(((InPlaceInformationAggregate) calls.get(i).aggregateFunction()).function());
        pairOptions.add(options.get(i));
      }
      Object[] values = ShuffledInformationAggregates.results(data, functions, pairOptions);
      for (int k = 0; k < values.length; k++) out[pair.calls().get(k)] = values[k];
    }
    return resultRow(new GenericInternalRow(out));
  }

  /** The plan's row from the calls' results, in their order. */
  private InternalRow resultRow(InternalRow callResults) {
    List<Attribute> values = new ArrayList<>();
    for (AggregateExpression call : calls) values.add(call.resultAttribute());
    List<Expression> resultExpressions = new ArrayList<>();
    for (NamedExpression e : results) resultExpressions.add((Expression) e);
    UnsafeProjection project = UnsafeProjection.create(ScalaSeqs.asScala(resultExpressions), ScalaSeqs.asScala(values));
    return project.apply(callResults).copy();
  }

  private static NamedExpression alias(Expression e, String name) {
    return new Alias(e, name, NamedExpression$.MODULE$.newExprId(), ScalaSeqs.asScala(List.<String>of()),
        scala.Option.<Metadata>empty(), ScalaSeqs.asScala(List.<String>of()));
  }

  /** The state-past-its-limit error in the causes of {@code e}, wherever Spark wrapped it; null if none. */
  private static Throwable stateTooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DivergenceQueryException d && DivergenceQueryException.STATE_TOO_LARGE.equals(d.getCondition())) {
        return t;
      }
      // a task's error that did not come back as its class (another class loader) keeps its message
      if (String.valueOf(t.getMessage()).contains("[" + DivergenceQueryException.STATE_TOO_LARGE + "]")) return t;
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E unchecked(Exception e) throws E {
    throw (E) e;
  }

  /** A copy of this plan (its rows not computed yet): Catalyst clones a plan before it runs it. */
  @Override
  public GlobalInformationAggregateExec clone() {
    GlobalInformationAggregateExec copy = new GlobalInformationAggregateExec(this);
    copy.copyTagsFrom(this);
    return copy;
  }

  /** This plan with the same inputs: it has no expressions or children that a rewrite could replace. */
  @Override
  public GlobalInformationAggregateExec makeCopy(Object[] newArgs) {
    return new GlobalInformationAggregateExec(this);
  }

  // scala.Product: what Catalyst prints (EXPLAIN) and compares; no expression or plan in it, so
  // Catalyst's tree rewrites never need to copy this node

  @Override public int productArity() { return 1; }

  @Override
  public Object productElement(int n) {
    if (n != 0) throw new IndexOutOfBoundsException(Integer.toString(n));
    return description;
  }

  @Override public boolean canEqual(Object other) { return other instanceof GlobalInformationAggregateExec; }
}
