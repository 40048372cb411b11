package io.github.sparkdivergence.spark.drift;

import io.github.sparkdivergence.spark.drift.DriftColumns.Spec;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Vector columns: a Gaussian fitted to each side, compared in closed form. */
final class VectorMoments {
  private VectorMoments() {}

  static List<ColumnDrift> compare(Dataset<Row> reference, Dataset<Row> current, List<Spec> vectors, DriftOptions options) {
    throw new UnsupportedOperationException("vector columns: not yet");
  }
}
