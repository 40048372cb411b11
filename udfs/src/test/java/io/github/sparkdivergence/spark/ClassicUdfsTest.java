package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.spark.functions.DivergenceRegistry;
import io.github.sparkdivergence.spark.functions.FunctionSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Matrices;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classic UDFs give what the V2 functions give on the same rows: the classic ones are
 * registered under the bare names in a fresh session, the V2 ones are called through the
 * {@code divergence} catalog.
 */
class ClassicUdfsTest {
  private static SparkSession spark;
  private static Dataset<Row> table;

  /** Every classic UDF with the argument columns it is checked on. */
  private static final String[][] CALLS = {
      {"kl_div", "ap, aq"}, {"kl_div", "vp, vq"}, {"kl_div", "mp, mq"},
      {"cross_entropy", "ap, aq"}, {"cross_entropy", "vp, vq"}, {"cross_entropy", "mp, mq"},
      {"js_div", "ap, aq"}, {"js_div", "vp, vq"}, {"js_div", "mp, mq"},
      {"js_distance", "ap, aq"}, {"js_distance", "vp, vq"}, {"js_distance", "mp, mq"},
      {"jeffreys_div", "ap, aq"}, {"jeffreys_div", "vp, vq"}, {"jeffreys_div", "mp, mq"},
      {"dist_entropy", "ap"}, {"dist_entropy", "vp"}, {"dist_entropy", "mp"},
      {"kl_div_log", "lap, laq"}, {"kl_div_logits", "ap, aq"},
      {"kl_gaussian", "x1, x2, x3, x4"}, {"kl_gaussian", "aq, ap, aq, aq"},
      {"kl_std_normal", "x1, x2"}, {"kl_std_normal", "ap, aq"},
      {"rlhf_kl", "ap, aq"}, {"rlhf_kl_per_token", "ap, aq"},
  };

  /** Calls whose errors are compared row by row under ANSI (the other measures share their code). */
  private static final java.util.Set<String> ERROR_PATHS = java.util.Set.of(
      "kl_div(ap, aq)", "kl_div(vp, vq)", "kl_div(mp, mq)", "dist_entropy(vp)", "dist_entropy(mp)",
      "kl_div_logits(ap, aq)", "kl_gaussian(x1, x2, x3, x4)", "kl_gaussian(aq, ap, aq, aq)",
      "kl_std_normal(ap, aq)", "rlhf_kl(ap, aq)", "rlhf_kl_per_token(ap, aq)");

  @BeforeAll
  static void setUp() {
    spark = SparkTestSession.get().newSession();
    spark.conf().set("spark.sql.catalog.divergence", DivergenceCatalog.class.getName());
    ClassicUdfs.registerAll(spark);
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType)
        .add("ap", DataTypes.createArrayType(DataTypes.DoubleType, true))
        .add("aq", DataTypes.createArrayType(DataTypes.DoubleType, true))
        .add("vp", SQLDataTypes.VectorType())
        .add("vq", SQLDataTypes.VectorType())
        .add("mp", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true))
        .add("mq", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true))
        .add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType)
        .add("x3", DataTypes.DoubleType).add("x4", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    Object[][] cases = {
        // ap, aq, vp, vq, mp, mq, x1..x4
        {l(0.1, 0.2, 0.7), l(0.3, 0.3, 0.4), Vectors.dense(0.1, 0.2, 0.7), Vectors.dense(0.3, 0.3, 0.4),
            m("a", 0.1, "b", 0.2, "c", 0.7), m("c", 0.4, "a", 0.3, "b", 0.3), 0.5, 1.0, -0.5, 2.0},
        {l(0.0, 0.5, 0.5), l(0.2, 0.3, 0.5), Vectors.sparse(5, new int[] {1, 3}, new double[] {0.4, 0.6}),
            Vectors.sparse(5, new int[] {0, 1, 3}, new double[] {0.2, 0.3, 0.5}),
            m("a", 0.5, "b", 0.5), m("b", 0.5, "c", 0.5), 0.0, 0.5, 0.0, 0.5},
        {l(0.5, 0.5), l(1.0, 0.0), Vectors.sparse(4, new int[] {0, 2}, new double[] {0.5, 0.5}),
            Vectors.dense(0.25, 0.25, 0.25, 0.25), m("a", 1.0), m("b", 1.0), 1.0, 2.0, 3.0, 0.25},
        {l(0.25, 0.25, 0.5), l(0.5, 0.25, 0.25), Vectors.dense(0.5, 0.0, 0.5, 0.0),
            Vectors.sparse(4, new int[] {0, 1}, new double[] {0.5, 0.5}),
            m("k0", 0.1, "k1", 0.1, "k2", 0.2, "k3", 0.2, "k4", 0.15, "k5", 0.25),
            m("k5", 0.2, "k4", 0.2, "k3", 0.2, "k2", 0.1, "k1", 0.1, "k0", 0.2), -1.0, 0.1, 1.0, 10.0},
        // sparse with both sides sparse and disjoint support: +Infinity for KL
        {l(0.2, 0.8), l(0.6, 0.4), Vectors.sparse(6, new int[] {0, 5}, new double[] {0.5, 0.5}),
            Vectors.sparse(6, new int[] {1, 4}, new double[] {0.5, 0.5}),
            m("x", 0.2, "y", 0.3, "z", 0.5, "w", 0.0, "v", 0.0), m("v", 1.0), 2.0, 1.0, 2.0, 1.0},
        // nulls
        {null, l(0.5, 0.5), null, Vectors.dense(0.5, 0.5), null, m("a", 1.0), null, 1.0, 0.0, 1.0},
        {l(0.5, 0.5), null, Vectors.dense(0.5, 0.5), null, m("a", 1.0), null, 0.0, null, 0.0, 1.0},
        // invalid rows
        {l(0.5, null), l(0.5, 0.5), Vectors.dense(0.5, 0.5), Vectors.dense(0.5, 0.5, 0.0),
            m("a", null), m("a", 1.0), 0.0, -1.0, 0.0, 1.0},
        {l(0.5, 0.5), l(-0.5, 1.5), Vectors.sparse(3, new int[] {1}, new double[] {-1.0}),
            Vectors.sparse(3, new int[] {1}, new double[] {1.0}), m("a", 1.0), m("a", 0.5, "b", null),
            0.0, 1.0, 0.0, 0.0},
        {l(0.5, 0.5), l(0.2, 0.3, 0.5), Vectors.dense(1.0, Double.NaN), Vectors.dense(0.5, 0.5),
            m("a", -1.0, "b", 2.0), m("a", 0.5, "b", 0.5), 0.0, Double.NaN, 0.0, 1.0},
        {l(), l(), Vectors.sparse(3, new int[] {0}, new double[] {1.0}), Vectors.sparse(2, new int[] {0}, new double[] {1.0}),
            m(), m(), 1.0, 1.0, 1.0, -2.0},
        {l(Double.NaN, 1.0), l(0.5, 0.5), Vectors.dense(new double[0]), Vectors.dense(new double[0]),
            m("a", Double.NaN), m("a", 1.0), 0.0, 1.0, 0.0, 1.0},
    };
    for (int i = 0; i < cases.length; i++) {
      Object[] values = new Object[cases[i].length + 1];
      values[0] = i;
      System.arraycopy(cases[i], 0, values, 1, cases[i].length);
      rows.add(RowFactory.create(values));
    }
    // Cached so that the functions run in tasks, not folded over a local relation by the optimizer.
    // lap, laq: the arrays as log-probabilities (kl_div_log takes normalized ones; ln(0) is NULL)
    table = spark.createDataFrame(rows, schema)
        .selectExpr("*", "transform(ap, v -> ln(v)) AS lap", "transform(aq, v -> ln(v)) AS laq")
        .repartition(1).cache();
    table.count();
    table.createOrReplaceTempView("t");
    // The ANSI test fails a few hundred tiny jobs on purpose; their stack traces are noise here.
    for (String logger : QUIET) {
      levels.put(logger, LogManager.getLogger(logger).getLevel());
      Configurator.setLevel(logger, Level.OFF);
    }
  }

  private static final String[] QUIET = {"org.apache.spark.executor.Executor", "org.apache.spark.scheduler.TaskSetManager"};
  private static final Map<String, Level> levels = new LinkedHashMap<>();

  @AfterAll
  static void tearDown() {
    levels.forEach(Configurator::setLevel);
    if (table != null) table.unpersist();
  }

  @Test
  void registersEveryPerRowFunctionOfTheRegistry() {
    for (FunctionSpec spec : DivergenceRegistry.all()) {
      if (spec.aggregate()) continue;
      if (spec.function() instanceof io.github.sparkdivergence.spark.functions.ReadsStates) {
        assertFalse(ClassicUdfs.names().contains(spec.name()), spec.name() + " reads states: no classic UDF");
        continue;
      }
      assertTrue(ClassicUdfs.names().contains(spec.name()), spec.name());
      assertTrue(spark.catalog().functionExists(spec.name()), spec.name());
    }
    // The registration stays in this session.
    assertEquals(0.5108256237659907, SparkTestSession.get()
        .sql("SELECT kl_div(array(0.5D, 0.5D), array(0.9D, 0.1D))").first().getDouble(0), 1e-15);
  }

  @Test
  void sameResultsAsTheV2FunctionsWithAnsiOff() {
    spark.conf().set("spark.sql.ansi.enabled", "false");
    for (String[] call : CALLS) {
      List<Row> rows = compare(call[0], call[1], null);
      long nonNull = rows.stream().filter(r -> !r.isNullAt(1)).count();
      assertTrue(nonNull >= 3, call[0] + "(" + call[1] + ") has only " + nonNull + " non-null rows");
    }
  }

  @Test
  void sameResultsAndErrorsAsTheV2FunctionsWithAnsiOn() {
    int checked = 0;
    for (String[] call : CALLS) {
      spark.conf().set("spark.sql.ansi.enabled", "false");
      // Rows whose inputs are all non-null but whose result is NULL are the invalid ones.
      List<Integer> invalid = new ArrayList<>();
      for (Row r : compare(call[0], call[1], null)) {
        if (r.isNullAt(1) && !r.getBoolean(3)) invalid.add(r.getInt(0));
      }
      spark.conf().set("spark.sql.ansi.enabled", "true");
      compare(call[0], call[1], invalid.isEmpty() ? null
          : "id NOT IN (" + String.join(", ", invalid.stream().map(String::valueOf).toList()) + ")");
      // The error of each invalid row needs a job of its own: check one measure per code path.
      if (!ERROR_PATHS.contains(call[0] + "(" + call[1] + ")")) continue;
      for (int id : invalid) {
        InvalidDivergenceInputException v2 = failure("SELECT divergence." + call[0] + "(" + call[1] + ") FROM t WHERE id = " + id);
        InvalidDivergenceInputException classic = failure("SELECT " + call[0] + "(" + call[1] + ") FROM t WHERE id = " + id);
        String where = call[0] + "(" + call[1] + ") on row " + id;
        assertEquals(v2.function(), classic.function(), where);
        // the parameter; Spark 4.2's catalog also passes the column, which a classic UDF never sees
        assertEquals(v2.argument().split(" ")[0], classic.argument().split(" ")[0], where);
        if (call[1].startsWith("m")) {
          // Maps reach a classic UDF as scala Maps, whose order can differ from the stored one.
          assertEquals(v2.problem().replaceAll("index \\d+", "index ?"), classic.problem().replaceAll("index \\d+", "index ?"), where);
        } else {
          assertEquals(v2.problem(), classic.problem(), where);
        }
        checked++;
      }
    }
    assertTrue(checked >= 40, "only " + checked + " invalid rows checked");
    spark.conf().set("spark.sql.ansi.enabled", "false");
  }

  /** kl_mvn needs covariances, which the shared table has not: its own rows, every layout, values and errors. */
  @Test
  void klMvnGivesWhatTheV2FunctionGives() {
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("m1", DataTypes.createArrayType(DataTypes.DoubleType, true)).add("c1", DataTypes.createArrayType(DataTypes.DoubleType, true))
        .add("m2", DataTypes.createArrayType(DataTypes.DoubleType, true)).add("c2", DataTypes.createArrayType(DataTypes.DoubleType, true))
        .add("vm1", SQLDataTypes.VectorType()).add("mc1", SQLDataTypes.MatrixType())
        .add("vm2", SQLDataTypes.VectorType()).add("mc2", SQLDataTypes.MatrixType());
    double[][][] cases = {
        {{0, 1}, {2, 0.3, 0.3, 0.5}, {1, -1}, {1, -0.2, -0.2, 1.5}},
        {{0.5, 0, 2}, {4, 1, 0, 1, 3, -1, 0, -1, 2}, {0, 0, 0}, {1, 0, 0, 0, 1, 0, 0, 0, 1}},
        {{0, 0}, {1, 1, 1, 1}, {0, 0}, {1, 0, 0, 1}},           // singular cov1
        {{0, 0}, {1, 0, 0, 1}, {0, 0}, {2, 0.3, 0.2, 0.5}},     // asymmetric cov2
        {{0, 0}, {1, 0, 0, 1}, {0, 0, 0}, {1, 0, 0, 0, 1, 0, 0, 0, 1}}, // mu2 too long
        {{0, 0}, {1, 0, 0, 1, 0}, {0, 0}, {1, 0, 0, 1}},        // cov1 of 5 entries (no matrix of that shape)
    };
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < cases.length; i++) {
      double[][] c = cases[i];
      int d1 = (int) Math.round(Math.sqrt(c[1].length));
      int d2 = (int) Math.round(Math.sqrt(c[3].length));
      rows.add(RowFactory.create(i, boxed(c[0]), boxed(c[1]), boxed(c[2]), boxed(c[3]), Vectors.dense(c[0]).toSparse(),
          d1 * d1 == c[1].length ? rowMajor(c[1], d1, i % 2 == 0) : Matrices.eye(3), Vectors.dense(c[2]),
          rowMajor(c[3], d2, i % 2 == 1)));
    }
    rows.add(RowFactory.create(cases.length, Arrays.asList(0.0, null), boxed(cases[0][1]), boxed(cases[0][2]), boxed(cases[0][3]),
        null, null, Vectors.dense(cases[0][2]), null));
    spark.createDataFrame(rows, schema).repartition(1).createOrReplaceTempView("mvn_t");
    int errors = 0;
    for (String args : new String[] {"m1, c1, m2, c2", "vm1, mc1, vm2, mc2", "vm1, c1, vm2, c2", "m1, mc1, m2, mc2"}) {
      spark.conf().set("spark.sql.ansi.enabled", "false");
      String anyNull = Arrays.stream(args.split(", ")).map(a -> a + " IS NULL").reduce((a, b) -> a + " OR " + b).get();
      List<Row> out = spark.sql("SELECT id, divergence.kl_mvn(" + args + "), kl_mvn(" + args + "), " + anyNull
          + " FROM mvn_t ORDER BY id").collectAsList();
      for (Row r : out) assertClose((Double) r.get(1), (Double) r.get(2), "kl_mvn(" + args + ") on row " + r.getInt(0));
      assertFalse(out.get(0).isNullAt(1) || out.get(1).isNullAt(1), args);
      spark.conf().set("spark.sql.ansi.enabled", "true");
      for (Row r : out) {
        if (!r.isNullAt(1) || r.getBoolean(3)) continue; // a value, or NULL for a NULL argument
        String where = " FROM mvn_t WHERE id = " + r.getInt(0);
        InvalidDivergenceInputException v2 = failure("SELECT divergence.kl_mvn(" + args + ")" + where);
        InvalidDivergenceInputException classic = failure("SELECT kl_mvn(" + args + ")" + where);
        String at = "kl_mvn(" + args + ") on row " + r.getInt(0);
        assertEquals(v2.argument().split(" ")[0], classic.argument().split(" ")[0], at);
        assertEquals(v2.problem(), classic.problem(), at);
        errors++;
      }
    }
    assertTrue(errors >= 15, errors + " errors compared");
    spark.conf().set("spark.sql.ansi.enabled", "false");
  }

  private static Double[] boxed(double[] a) { return Arrays.stream(a).boxed().toArray(Double[]::new); }

  /** A row-major d x d matrix as an MLlib matrix, stored transposed (row-major) or column-major. */
  private static Matrix rowMajor(double[] v, int d, boolean transposed) {
    if (transposed) return new DenseMatrix(d, d, v.clone(), true);
    double[] cm = new double[d * d];
    for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) cm[j * d + i] = v[i * d + j];
    return Matrices.dense(d, d, cm);
  }

  @Test
  void unsupportedArgumentsFail() {
    spark.conf().set("spark.sql.ansi.enabled", "false");
    Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT kl_div(ap, vq) FROM t").collect());
    assertTrue(rootMessages(e).contains("must be stored like `p`"), rootMessages(e));
  }

  /** Rows (id, v2, classic, anyInputNull) ordered by id; asserts v2 and classic agree on each. */
  private static List<Row> compare(String fn, String args, String where) {
    String nullCheck = Arrays.stream(args.split(",")).map(a -> a.trim() + " IS NULL").reduce((a, b) -> a + " OR " + b).get();
    String sql = "SELECT id, divergence." + fn + "(" + args + "), " + fn + "(" + args + "), " + nullCheck
        + " FROM t" + (where == null ? "" : " WHERE " + where);
    List<Row> rows = new ArrayList<>(spark.sql(sql).collectAsList());
    rows.sort(java.util.Comparator.comparingInt(r -> r.getInt(0)));
    assertFalse(rows.isEmpty(), sql);
    for (Row r : rows) {
      String at = fn + "(" + args + ") on row " + r.getInt(0);
      if (r.getBoolean(3)) assertTrue(r.isNullAt(1), at + ": null input must give null");
      Object v2 = r.get(1);
      Object classic = r.get(2);
      if (v2 instanceof scala.collection.Seq<?> a && classic instanceof scala.collection.Seq<?> b) {
        assertEquals(a.size(), b.size(), at);
        for (int i = 0; i < a.size(); i++) assertClose((Double) a.apply(i), (Double) b.apply(i), at);
      } else {
        assertClose((Double) v2, (Double) classic, at);
      }
    }
    return rows;
  }

  private static void assertClose(Double expected, Double actual, String at) {
    if (Objects.equals(expected, actual)) return;
    assertNotNull(expected, at + ": V2 null, classic " + actual);
    assertNotNull(actual, at + ": classic null, V2 " + expected);
    assertEquals(expected, actual, 1e-12 * Math.max(1.0, Math.abs(expected)), at);
  }

  private static InvalidDivergenceInputException failure(String sql) {
    Exception e = assertThrows(Exception.class, () -> spark.sql(sql).collect(), sql);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidDivergenceInputException i) return i;
    }
    throw new AssertionError(sql + " failed without InvalidDivergenceInputException", e);
  }

  private static String rootMessages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) b.append(t.getMessage()).append('\n');
    return b.toString();
  }

  private static List<Double> l(Double... v) { return Arrays.asList(v); }

  private static Map<String, Double> m(Object... kv) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) out.put((String) kv[i], (Double) kv[i + 1]);
    return out;
  }
}
