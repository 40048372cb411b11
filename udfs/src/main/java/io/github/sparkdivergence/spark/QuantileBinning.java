package io.github.sparkdivergence.spark;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quantile splits for numeric columns, fitted in one job for all of them, as MLlib's
 * {@code QuantileDiscretizer} fits them ({@code approxQuantile} at 0, 1/bins, ..., 1; NULL and NaN
 * ignored; -Infinity and +Infinity as the outer splits; repeated quantiles merged), with one rule
 * QuantileDiscretizer lacks: a column with no finite value (all NULL, all NaN, or infinite) gets the
 * single inner split 0, so every value it has lands in one bucket (NaN in the invalid bucket of a
 * {@code Bucketizer} with {@code handleInvalid=keep}, NULL stays NULL): its entropy and any MI with
 * it are 0. QuantileDiscretizer fails on such a column ({@code Index 0 out of bounds for length 0}).
 * Used by {@link MutualInformation} and the {@code drift} job.
 */
public final class QuantileBinning {
  /** Buckets per numeric column when the caller names none (MutualInformation, the jobs). */
  public static final int DEFAULT_BINS = 10;
  /** Relative error of the quantiles when the caller names none (Spark's approxQuantile's). */
  public static final double DEFAULT_RELATIVE_ERROR = 0.001;

  private static final Logger LOG = LoggerFactory.getLogger(QuantileBinning.class);

  private QuantileBinning() {}

  /**
   * Bucketizer splits for each of {@code columns} of {@code df} (cast to double): strictly
   * increasing, -Infinity first, +Infinity last, at least one finite inner split.
   */
  public static double[][] fit(Dataset<Row> df, List<String> columns, int bins, double relativeError) {
    if (bins < 2) throw new IllegalArgumentException("bins must be >= 2 but was " + bins);
    checkRelativeError(relativeError);
    if (columns.isEmpty()) return new double[0][];
    double[] probs = new double[bins + 1];
    for (int i = 0; i <= bins; i++) probs[i] = (double) i / bins;
    double[][] quantiles = quantiles(df, columns, probs, relativeError);
    double[][] splits = new double[columns.size()][];
    for (int i = 0; i < splits.length; i++) {
      splits[i] = splits(quantiles[i]);
      if (quantiles[i].length == 0) {
        LOG.warn("column {} has no usable value (all NULL or NaN): one bucket", columns.get(i));
      }
    }
    return splits;
  }

  /** approxQuantile's own rule for its relative error, checked before any job. */
  public static double checkRelativeError(double e) {
    if (!(e >= 0 && e <= 1)) throw new IllegalArgumentException("relativeError must be in [0, 1] but was " + e);
    return e;
  }

  /**
   * {@code approxQuantile} of each of {@code columns} (cast to double; NULL and NaN ignored) at
   * {@code probs}, in one job; an empty array for a column with no such value. Each probability is
   * answered from the same summary, so asking for more of them changes none of the others.
   */
  public static double[][] quantiles(Dataset<Row> df, List<String> columns, double[] probs, double relativeError) {
    Column[] cast = new Column[columns.size()];
    String[] names = new String[columns.size()];
    for (int i = 0; i < cast.length; i++) {
      names[i] = "__q" + i;
      cast[i] = col("`" + columns.get(i).replace("`", "``") + "`").cast("double").as(names[i]);
    }
    return df.select(cast).stat().approxQuantile(names, probs, relativeError);
  }

  /**
   * Splits from the quantiles at 0, 1/bins, ..., 1, as QuantileDiscretizer makes them: the first
   * and last replaced by -Infinity and +Infinity, -0.0 read as 0.0, repeats merged; then any
   * infinite inner split dropped, and the inner split 0 added when none is left (no quantiles, or
   * no finite one).
   */
  public static double[] splits(double[] quantiles) {
    List<Double> inner = new ArrayList<>();
    for (int i = 1; i < quantiles.length - 1; i++) {
      double v = quantiles[i] == 0.0 ? 0.0 : quantiles[i]; // -0.0 -> 0.0
      if (Double.isFinite(v) && (inner.isEmpty() || v > inner.get(inner.size() - 1))) inner.add(v);
    }
    if (inner.isEmpty()) inner.add(0.0);
    double[] out = new double[inner.size() + 2];
    out[0] = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < inner.size(); i++) out[i + 1] = inner.get(i);
    out[out.length - 1] = Double.POSITIVE_INFINITY;
    return out;
  }
}
