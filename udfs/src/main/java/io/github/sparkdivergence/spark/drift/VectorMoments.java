package io.github.sparkdivergence.spark.drift;

import io.github.sparkdivergence.drift.ColumnKind;
import io.github.sparkdivergence.drift.DriftMeasure;
import io.github.sparkdivergence.math.GaussianMoments;
import io.github.sparkdivergence.math.MultivariateGaussian;
import io.github.sparkdivergence.spark.ColumnNames;
import io.github.sparkdivergence.spark.drift.DriftColumns.Spec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Vector columns (MLlib vectors, numeric arrays): a Gaussian fitted to each side in one pass over
 * the vector columns ({@link GaussianMoments} per partition, merged pairwise: mean and sample
 * covariance), compared with the closed-form KL both ways ({@link MultivariateGaussian}, Cholesky
 * factors; {@link DriftOptions#ridge} added to both diagonals). NULL vectors are left out; every
 * vector of a column must have the same length.
 */
final class VectorMoments {
  private VectorMoments() {}

  static List<ColumnDrift> compare(Dataset<Row> reference, Dataset<Row> current, List<Spec> vectors, DriftOptions options) {
    GaussianMoments[] ref = fit(reference, vectors, true);
    GaussianMoments[] cur = fit(current, vectors, false);
    List<ColumnDrift> out = new ArrayList<>();
    for (int i = 0; i < vectors.size(); i++) {
      String name = vectors.get(i).name();
      for (GaussianMoments m : new GaussianMoments[] {ref[i], cur[i]}) {
        if (m.count() < 2) {
          throw new IllegalArgumentException("vector column '" + name + "' needs at least 2 non-null vectors on each side "
              + "for a covariance, but the " + (m == ref[i] ? "reference" : "current") + " has " + m.count());
        }
      }
      if (ref[i].dimension() != cur[i].dimension()) {
        throw new IllegalArgumentException("vector column '" + name + "' has vectors of length " + ref[i].dimension()
            + " in the reference but " + cur[i].dimension() + " in the current dataset");
      }
      int d = ref[i].dimension();
      double[] muR = ref[i].mean();
      double[] covR = ref[i].covariance();
      double[] muC = cur[i].mean();
      double[] covC = cur[i].covariance();
      Map<DriftMeasure, Double> measures = new EnumMap<>(DriftMeasure.class);
      try {
        measures.put(DriftMeasure.KL_MVN_REF_CUR, MultivariateGaussian.kl(muR, covR, muC, covC, d, options.ridge(), options.base()));
        measures.put(DriftMeasure.KL_MVN_CUR_REF, MultivariateGaussian.kl(muC, covC, muR, covR, d, options.ridge(), options.base()));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("vector column '" + name + "': the Gaussians fitted to it cannot be compared: "
            + e.getMessage() + " (cov1/mu1 is the reference's in KL(ref || cur); a ridge makes a singular covariance "
            + "positive definite)", e);
      }
      out.add(DriftResult.verdict(name, ColumnKind.VECTOR, ref[i].count(), cur[i].count(), null, d, measures, List.of(),
          List.of(), List.of(), options));
    }
    return out;
  }

  private static GaussianMoments[] fit(Dataset<Row> df, List<Spec> vectors, boolean reference) {
    int k = vectors.size();
    Column[] cols = new Column[k];
    String[] names = new String[k];
    for (int i = 0; i < k; i++) {
      names[i] = vectors.get(i).name();
      cols[i] = ColumnNames.col(reference ? vectors.get(i).name() : vectors.get(i).curName());
    }
    GaussianMoments[] empty = new GaussianMoments[k];
    for (int i = 0; i < k; i++) empty[i] = new GaussianMoments();
    return df.select(cols).javaRDD().mapPartitions(rows -> {
      GaussianMoments[] m = new GaussianMoments[k];
      for (int i = 0; i < k; i++) m[i] = new GaussianMoments();
      while (rows.hasNext()) {
        Row r = rows.next();
        for (int i = 0; i < k; i++) {
          if (r.isNullAt(i)) continue;
          try {
            add(m[i], r, i);
          } catch (RuntimeException e) {
            throw new IllegalArgumentException("vector column '" + names[i] + "': " + e.getMessage(), e);
          }
        }
      }
      return List.<GaussianMoments[]>of(m).iterator();
    }).fold(empty, (a, b) -> {
      GaussianMoments[] c = new GaussianMoments[k];
      for (int i = 0; i < k; i++) c[i] = new GaussianMoments().merge(a[i]).merge(b[i]);
      return c;
    });
  }

  private static void add(GaussianMoments m, Row r, int i) {
    Object v = r.get(i);
    if (v instanceof DenseVector dv) {
      m.add(dv.values());
    } else if (v instanceof SparseVector sv) {
      m.add(sv.size(), sv.indices(), sv.values());
    } else {
      List<Object> xs = r.getList(i);
      double[] x = new double[xs.size()];
      for (int j = 0; j < x.length; j++) {
        Object e = xs.get(j);
        if (e == null) throw new IllegalArgumentException("a vector has a NULL element at index " + j);
        x[j] = ((Number) e).doubleValue();
      }
      m.add(x);
    }
  }
}
