package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.drift.DriftMeasure;
import io.github.sparkdivergence.math.MultivariateGaussian;
import io.github.sparkdivergence.spark.drift.ColumnDrift;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Vector (embedding) columns in drift: the Gaussians fitted on Spark equal the ones fitted by hand. */
class DriftVectorTest {
  private static SparkSession spark;
  private static final int D = 6;

  @BeforeAll
  static void session() { spark = SparkTestSession.get(); }

  /** Correlated vectors: x = A z + shift, z standard normal. */
  static List<double[]> sample(long seed, int n, double shift) {
    Random rnd = new Random(seed);
    List<double[]> out = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      double[] z = new double[D];
      for (int j = 0; j < D; j++) z[j] = rnd.nextGaussian();
      double[] x = new double[D];
      for (int i = 0; i < D; i++) {
        for (int j = 0; j <= i; j++) x[i] += z[j] * (1.0 + 0.3 * (i - j));
        x[i] += shift * i;
      }
      out.add(x);
    }
    return out;
  }

  /** Mean and sample covariance in two passes, plainly. */
  static double[][] moments(List<double[]> xs) {
    double[] mean = new double[D];
    for (double[] x : xs) for (int i = 0; i < D; i++) mean[i] += x[i] / xs.size();
    double[] cov = new double[D * D];
    for (double[] x : xs) {
      for (int i = 0; i < D; i++) for (int j = 0; j < D; j++) cov[i * D + j] += (x[i] - mean[i]) * (x[j] - mean[j]) / (xs.size() - 1);
    }
    return new double[][] {mean, cov};
  }

  static Dataset<Row> frame(List<double[]> xs, int nulls) {
    List<Row> rows = new ArrayList<>();
    for (double[] x : xs) {
      List<Double> boxed = new ArrayList<>();
      for (double v : x) boxed.add(v);
      rows.add(RowFactory.create(boxed, Vectors.dense(x), x[0]));
    }
    for (int i = 0; i < nulls; i++) rows.add(RowFactory.create(null, null, 0.0));
    StructType schema = new StructType().add("emb", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("vec", SQLDataTypes.VectorType()).add("x", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema).repartition(3);
  }

  @Test
  void klBetweenFittedGaussiansBothWaysForArraysAndVectors() {
    List<double[]> a = sample(1, 400, 0.0);
    List<double[]> b = sample(2, 300, 0.2);
    double[][] ma = moments(a);
    double[][] mb = moments(b);
    double refCur = MultivariateGaussian.kl(ma[0], ma[1], mb[0], mb[1]);
    double curRef = MultivariateGaussian.kl(mb[0], mb[1], ma[0], ma[1]);
    List<ColumnDrift> cols = Drift.between(frame(a, 5), frame(b, 2)).run().columns();
    assertEquals(List.of("emb", "vec", "x"), cols.stream().map(ColumnDrift::column).toList(), "vectors compared by default");
    for (ColumnDrift c : cols.subList(0, 2)) {
      assertEquals("vector", c.kind().label());
      assertEquals(D, c.dimension());
      assertEquals(400, c.nRef(), "NULL vectors left out");
      assertEquals(300, c.nCur());
      assertEquals(refCur, c.measure(DriftMeasure.KL_MVN_REF_CUR), 1e-12 * refCur, c.column());
      assertEquals(curRef, c.measure(DriftMeasure.KL_MVN_CUR_REF), 1e-12 * curRef, c.column());
      assertEquals(DriftMeasure.KL_MVN_REF_CUR, c.method());
      assertEquals(refCur > 0.1, c.drifted());
      assertNull(c.measure(DriftMeasure.PSI), "no binned measure for vectors");
      assertNull(c.categories());
    }
    assertTrue(refCur > 0.1, "the shift is visible: " + refCur);
  }

  @Test
  void clearErrors() {
    List<double[]> a = sample(3, 50, 0.0);
    List<double[]> shorter = new ArrayList<>();
    for (double[] x : sample(4, 50, 0.0)) shorter.add(Arrays.copyOf(x, D - 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Drift.between(frame(a, 0), frame(shorter, 0)).columns("emb").run());
    assertTrue(e.getMessage().contains("vector column 'emb'") && e.getMessage().contains("length"), e.getMessage());

    // 3 vectors in 6 dimensions: a singular covariance, unless a ridge is added
    List<double[]> few = sample(5, 3, 0.0);
    e = assertThrows(IllegalArgumentException.class, () -> Drift.between(frame(a, 0), frame(few, 0)).columns("vec").run());
    assertTrue(e.getMessage().contains("vector column 'vec'") && e.getMessage().contains("ridge"), e.getMessage());
    ColumnDrift c = Drift.between(frame(a, 0), frame(few, 0)).columns("vec").ridge(1e-3).run().columns().get(0);
    assertTrue(Double.isFinite(c.score()), "finite with a ridge: " + c.score());

    IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
        () -> Drift.between(frame(a, 0), frame(a, 0)).method("vec", "psi").run());
    assertTrue(m.getMessage().contains("psi does not apply to vector column 'vec'"), m.getMessage());
  }
}
