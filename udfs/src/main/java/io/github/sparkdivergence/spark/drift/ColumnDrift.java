package io.github.sparkdivergence.spark.drift;

import io.github.sparkdivergence.drift.ColumnKind;
import io.github.sparkdivergence.drift.DriftMeasure;
import java.util.List;
import java.util.Map;

/**
 * The drift of one column: the verdict ({@code method}, its {@code threshold}, the {@code score} and
 * whether it {@code drifted}), every measure that applies to the column's kind, the categories seen
 * on one side only, the explicit thresholds it exceeds, and the counts behind it all.
 *
 * @param rows rows per side: the dataset's row count for numeric and categorical columns, the
 *     non-null vectors for vector columns
 * @param categories categories of the union (buckets for numeric columns, NULL and NaN included);
 *     null for vector columns
 * @param dimension the vectors' length; null for other kinds
 */
public record ColumnDrift(String column, ColumnKind kind, DriftMeasure method, double threshold, double score,
    boolean drifted, long nRef, long nCur, Integer categories, Integer dimension, Map<DriftMeasure, Double> measures,
    List<String> onlyInRef, List<String> onlyInCur, List<String> thresholdsExceeded, List<Bucket> buckets) {

  /**
   * One category of the union, or one bucket of a numeric column ({@code bucket} its index,
   * {@code [lower, upper)} its range; the NaN bucket and NULL have no range).
   */
  public record Bucket(String label, Integer bucket, Double lower, Double upper, long nRef, long nCur) {}

  /** The value of {@code m}, or null when it does not apply to this column's kind. */
  public Double measure(DriftMeasure m) { return measures.get(m); }
}
