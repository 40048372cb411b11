package io.github.sparkdivergence.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.math.MultivariateGaussian;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Matrices;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kl_mvn} end to end: arrays and MLlib vectors / matrices (dense, transposed, sparse, and
 * mixed with arrays), the extension and the catalog, the DataFrame API, NULLs, the ridge and the
 * ANSI behaviour, against {@link MultivariateGaussian} called on the same numbers.
 */
class MultivariateGaussianFunctionTest {
  private static SparkSession spark;

  /** (mu1, cov1, mu2, cov2) per row, covariances row-major; the last is singular (needs a ridge). */
  private static final double[][][] ROWS = {
      {{0, 1}, {2, 0.3, 0.3, 0.5}, {1, -1}, {1, -0.2, -0.2, 1.5}},
      {{0.5, -0.5, 2}, {4, 1, 0.5, 1, 3, -1, 0.5, -1, 2}, {0, 0, 0}, {1, 0, 0, 0, 1, 0, 0, 0, 1}},
      {{1}, {0.25}, {3}, {4}},
      {{0, 0}, {1, 1, 1, 1}, {0, 0}, {1, 0, 0, 1}},
  };

  @BeforeAll
  static void setUp() {
    spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS.length; i++) {
      double[][] r = ROWS[i];
      int d = r[0].length;
      rows.add(RowFactory.create(i, boxed(r[0]), boxed(r[1]), boxed(r[2]), boxed(r[3]),
          Vectors.dense(r[0]), columnMajor(r[1], d), Vectors.dense(r[2]).toSparse(), transposed(r[3], d),
          sparse(r[1], d), i == 0 ? null : 0.0));
    }
    // NULL means and covariances (every call below reads at least one of them)
    rows.add(RowFactory.create(ROWS.length, null, boxed(ROWS[0][1]), boxed(ROWS[0][2]), boxed(ROWS[0][3]),
        null, null, Vectors.dense(ROWS[0][2]), transposed(ROWS[0][3], 2), null, 0.0));
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType)
        .add("m1", DataTypes.createArrayType(DataTypes.DoubleType, false))
        .add("c1", DataTypes.createArrayType(DataTypes.DoubleType, false))
        .add("m2", DataTypes.createArrayType(DataTypes.DoubleType, false))
        .add("c2", DataTypes.createArrayType(DataTypes.DoubleType, false))
        .add("vm1", SQLDataTypes.VectorType()).add("mc1", SQLDataTypes.MatrixType())
        .add("vm2", SQLDataTypes.VectorType()).add("mc2", SQLDataTypes.MatrixType())
        .add("sc1", SQLDataTypes.MatrixType())
        .add("r", DataTypes.DoubleType);
    // Cached so that the function runs in tasks, not folded over a local relation by the optimizer.
    Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(2).cache();
    df.count();
    df.createOrReplaceTempView("mvn");
  }

  @AfterEach
  void resetConf() { spark.conf().set("spark.sql.ansi.enabled", "true"); }

  private static Double[] boxed(double[] a) { return Arrays.stream(a).boxed().toArray(Double[]::new); }

  private static Matrix columnMajor(double[] rowMajor, int d) {
    double[] cm = new double[d * d];
    for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) cm[j * d + i] = rowMajor[i * d + j];
    return Matrices.dense(d, d, cm);
  }

  /** Stored row-major (isTransposed = true). */
  private static Matrix transposed(double[] rowMajor, int d) { return new DenseMatrix(d, d, rowMajor.clone(), true); }

  private static Matrix sparse(double[] rowMajor, int d) { return columnMajor(rowMajor, d).toSparse(); }

  private static Double expected(int row, double ridge, double base) {
    double[][] r = ROWS[row];
    try {
      return MultivariateGaussian.kl(r[0], r[1], r[2], r[3], r[0].length, ridge, base);
    } catch (io.github.sparkdivergence.math.InvalidInputException e) {
      return null;
    }
  }

  @Test
  void everyLayoutGivesTheMathCoresValue() {
    spark.conf().set("spark.sql.ansi.enabled", "false"); // the singular row is NULL without a ridge
    String[] calls = {
        "kl_mvn(m1, c1, m2, c2)", "kl_mvn(vm1, mc1, vm2, mc2)", "kl_mvn(vm1, sc1, vm2, mc2)",
        "kl_mvn(m1, mc1, m2, mc2)", "kl_mvn(vm1, c1, vm2, c2)", "divergence.kl_mvn(m1, c1, m2, c2)",
        "divergence.kl_mvn(vm1, mc1, vm2, mc2)",
    };
    for (String call : calls) {
      List<Row> rows = spark.sql("SELECT id, " + call + ", " + call.replace(")", ", 0.01)") + ", "
          + call.replace(")", ", 0.01, 2)") + " FROM mvn ORDER BY id").collectAsList();
      assertEquals(ROWS.length + 1, rows.size());
      for (Row r : rows) {
        int id = r.getInt(0);
        String at = call + " on row " + id;
        if (id == ROWS.length) {
          assertTrue(r.isNullAt(1) && r.isNullAt(2) && r.isNullAt(3), at + ": NULL argument, NULL result");
          continue;
        }
        assertEquals(expected(id, 0, Math.E), (Double) r.get(1), at);
        assertEquals(expected(id, 0.01, Math.E), (Double) r.get(2), at + " ridge");
        assertEquals(expected(id, 0.01, 2), (Double) r.get(3), at + " ridge, bits");
      }
      assertTrue(rows.get(3).isNullAt(1), call + ": the singular row needs the ridge");
      assertFalse(rows.get(3).isNullAt(2), call + ": the ridge makes it usable");
    }
  }

  @Test
  void arraysAndMllibTakeTheCompiledPathMixedLayoutsTheRowPath() {
    spark.conf().set("spark.sql.ansi.enabled", "false");
    for (String call : new String[] {"kl_mvn(m1, c1, m2, c2, 0.01)", "kl_mvn(vm1, mc1, vm2, mc2)"}) {
      String plan = spark.sql("SELECT " + call + " FROM mvn").queryExecution().executedPlan().toString();
      assertFalse(plan.toLowerCase(java.util.Locale.ROOT).contains("applyfunctionexpression"), call + ":\n" + plan);
      assertTrue(plan.contains("invoke"), call + ":\n" + plan); // Spark 3.5 prints kl_mvn.invoke, 4.x invoke(...)
    }
    String plan = spark.sql("SELECT kl_mvn(vm1, c1, vm2, c2) FROM mvn").queryExecution().executedPlan().toString();
    assertTrue(plan.toLowerCase(java.util.Locale.ROOT).contains("applyfunctionexpression"), plan);
  }

  @Test
  void numericArraysAreCastAndNullsPropagate() {
    Row r = spark.sql("SELECT kl_mvn(array(0, 0), array(1, 0, 0, 1), array(1, 0), array(2, 0, 0, 2)), "
        + "kl_mvn(array(0.0F, 0.0F), array(1L, 0L, 0L, 1L), array(1BD, 0BD), array(2, 0, 0, 2)), "
        + "kl_mvn(NULL, array(1.0), array(0.0), array(1.0)), kl_mvn(array(0.0), array(1.0), array(0.0), array(1.0), NULL), "
        + "kl_mvn(array(0.0), array(1.0), array(0.0), array(1.0), 0, CAST(NULL AS DOUBLE))").first();
    double expected = 0.5 * (1 + 0.5 - 2 + 2 * Math.log(2));
    assertEquals(expected, r.getDouble(0), 1e-15);
    assertEquals(expected, r.getDouble(1), 1e-15);
    for (int i = 2; i < 5; i++) assertTrue(r.isNullAt(i), "column " + i);
    // a NULL ridge on one row only, through the catalog (produceResult) and the extension (guarded invoke)
    List<Row> rows = spark.sql("SELECT id, kl_mvn(m1, c1, m2, c2, r), divergence.kl_mvn(m1, c1, m2, c2, r) FROM mvn "
        + "WHERE id < 3 ORDER BY id").collectAsList();
    assertTrue(rows.get(0).isNullAt(1) && rows.get(0).isNullAt(2), "NULL ridge");
    assertEquals(expected(1, 0, Math.E), (Double) rows.get(1).get(1));
    assertEquals(expected(1, 0, Math.E), (Double) rows.get(1).get(2));
  }

  @Test
  void dataFrameApi() {
    spark.conf().set("spark.sql.ansi.enabled", "false");
    Dataset<Row> df = spark.table("mvn").orderBy("id");
    List<Row> api = df.select(DivergenceFunctions.klMvn(col("m1"), col("c1"), col("m2"), col("c2")),
        DivergenceFunctions.klMvn(col("vm1"), col("mc1"), col("vm2"), col("mc2"), 0.01),
        DivergenceFunctions.klMvn(col("m1"), col("c1"), col("m2"), col("c2"), 0.01, 10)).collectAsList();
    List<Row> sql = df.selectExpr("kl_mvn(m1, c1, m2, c2)", "kl_mvn(vm1, mc1, vm2, mc2, 0.01)",
        "kl_mvn(m1, c1, m2, c2, 0.01, 10)").collectAsList();
    assertEquals(sql, api);
    assertEquals(expected(2, 0.01, 10), (Double) api.get(2).get(2));
  }

  @Test
  void invalidRowsFailUnderAnsiAndAreNullWithout() {
    spark.conf().set("spark.sql.ansi.enabled", "true");
    assertInvalid("SELECT kl_mvn(m1, c1, m2, c2) FROM mvn WHERE id = 3", "`cov1` (c1)",
        "is not positive definite (d = 2): Cholesky pivot 1 (0-based) is 0.0, not a finite number > 0; pass a ridge > 0");
    assertInvalid("SELECT kl_mvn(m2, c2, m1, c1) FROM mvn WHERE id = 3", "`cov2` (c1)", "is not positive definite");
    assertInvalid("SELECT divergence.kl_mvn(vm1, mc1, vm2, mc2) FROM mvn WHERE id = 3", "`cov1`", "Cholesky pivot 1");
    // one asymmetric matrix in three layouts: the same entries are named
    String asym = "entries (1, 0) = 0.2 and (0, 1) = 0.3 differ by more than 1.0E-8 relative";
    assertInvalid("SELECT kl_mvn(array(0D, 0D), array(2D, 0.3D, 0.2D, 0.5D), array(0D, 0D), array(1D, 0D, 0D, 1D))",
        "`cov1`", asym);
    Matrix cm = Matrices.dense(2, 2, new double[] {2, 0.2, 0.3, 0.5});
    Matrix rm = new DenseMatrix(2, 2, new double[] {2, 0.3, 0.2, 0.5}, true);
    Matrix eye = Matrices.eye(2);
    StructType schema = new StructType().add("k", DataTypes.IntegerType).add("m", SQLDataTypes.VectorType())
        .add("a", SQLDataTypes.MatrixType()).add("b", SQLDataTypes.MatrixType());
    // column-major, row-major (transposed), CSC and CSR (toSparse keeps the layout)
    Matrix[] layouts = {cm, rm, cm.toSparse(), rm.toSparse()};
    List<Row> asymRows = new ArrayList<>();
    for (int k = 0; k < layouts.length; k++) asymRows.add(RowFactory.create(k, Vectors.dense(0, 0), layouts[k], eye));
    spark.createDataFrame(asymRows, schema).createOrReplaceTempView("asym");
    for (int k = 0; k < layouts.length; k++) {
      assertInvalid("SELECT kl_mvn(m, b, m, a) FROM asym WHERE k = " + k, "`cov2` (a)", asym);
    }
    assertInvalid("SELECT kl_mvn(array(0D), array(1D), array(0D, 1D), array(1D))", "`mu2`", "has length 2 but `mu1` has length 1");
    assertInvalid("SELECT kl_mvn(array(0D, 1D), array(1D, 0D, 1D), array(0D, 1D), array(1D))", "`cov1`",
        "has length 3 but a row-major d x d matrix needs d * d = 4 entries (d = 2, the length of `mu1`)");
    assertInvalid("SELECT kl_mvn(array(0D), array(CAST('NaN' AS DOUBLE)), array(0D), array(1D))", "`cov1`", "contains NaN at (0, 0) (d = 1)");
    assertInvalid("SELECT kl_mvn(array(0D), array(1D), array(0D), array(1D), -1)", "`ridge`", "must be finite and >= 0 but was -1.0");
    assertInvalid("SELECT kl_mvn(array(0D), array(1D), array(0D), array(1D), 0, 1)", "`base`", "log base");
    assertInvalid("SELECT kl_mvn(array(0D, CAST(NULL AS DOUBLE)), array(1D, 0D, 0D, 1D), array(0D, 0D), array(1D, 0D, 0D, 1D))",
        "`mu1`", "has a null element at index 1");

    spark.conf().set("spark.sql.ansi.enabled", "false");
    Row r = spark.sql("SELECT kl_mvn(array(0D, 0D), array(2D, 0.3D, 0.2D, 0.5D), array(0D, 0D), array(1D, 0D, 0D, 1D)), "
        + "kl_mvn(array(0D), array(1D), array(0D, 1D), array(1D)), kl_mvn(array(0D), array(1D), array(0D), array(1D), -1), "
        + "kl_mvn(array(0D, 0D), array(1D, 1D, 1D, 1D), array(0D, 0D), array(1D, 0D, 0D, 1D))").first();
    for (int i = 0; i < r.length(); i++) assertTrue(r.isNullAt(i), "ANSI off: NULL for invalid input, column " + i);
  }

  @Test
  void wrongArgumentTypesAreAnalysisErrors() {
    String[][] cases = {
        {"SELECT kl_mvn(m1, c1, m2) FROM mvn", "expects 4 to 6 arguments but got 3"},
        {"SELECT kl_mvn('a', c1, m2, c2) FROM mvn", "argument `mu1` must be array<double> or an MLlib vector but was string"},
        {"SELECT kl_mvn(m1, c1, vm2, c2) FROM mvn", "argument `mu2` must be array<double> like `mu1` but was vector"},
        {"SELECT kl_mvn(vm1, mc1, vm2, c2) FROM mvn", "argument `cov2` must be an MLlib matrix like `cov1` but was array<double>"},
        {"SELECT kl_mvn(m1, vm1, m2, c2) FROM mvn", "argument `cov1` must be array<double> (row-major, d * d entries) or an MLlib matrix"},
        {"SELECT kl_mvn(m1, c1, m2, c2, 'x') FROM mvn", "argument `ridge` must be numeric but was string"},
    };
    for (String[] c : cases) {
      AnalysisException e = assertThrows(AnalysisException.class, () -> spark.sql(c[0]).collect(), c[0]);
      assertTrue(e.getMessage().contains("kl_mvn") && e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
    }
  }

  @Test
  void describeFunction() {
    String text = spark.sql("DESCRIBE FUNCTION EXTENDED kl_mvn").collectAsList().stream().map(r -> r.getString(0))
        .reduce("", (a, b) -> a + "\n" + b);
    assertTrue(text.contains("Function: kl_mvn"), text);
    assertTrue(text.contains("kl_mvn(mu1, cov1, mu2, cov2[, ridge[, base]])"), text);
    assertTrue(text.contains("> SELECT kl_mvn(array(0, 0), array(1, 0.5, 0.5, 1), array(0, 0), array(1, 0, 0, 1));"), text);
    assertTrue(text.contains("symmetric positive definite"), text);
  }

  private static void assertInvalid(String sql, String argument, String problem) {
    Exception e = assertThrows(Exception.class, () -> spark.sql(sql).collect(), sql);
    Throwable t = e;
    while (t != null && !(t instanceof InvalidDivergenceInputException)) t = t.getCause();
    assertNotNull(t, sql + " should fail with InvalidDivergenceInputException but got " + e);
    String msg = t.getMessage();
    assertTrue(msg.contains("kl_mvn: argument " + argument), sql + " -> " + msg);
    assertTrue(msg.contains(problem), sql + " -> " + msg);
    assertEquals("22023", ((InvalidDivergenceInputException) t).getSqlState());
  }
}
