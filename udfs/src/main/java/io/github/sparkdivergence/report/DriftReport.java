package io.github.sparkdivergence.report;

import java.util.List;

/**
 * What a drift page shows, as aggregated numbers only: per dataset the row counts and the verdict,
 * per compared column its method, threshold, score, verdict and bucket (or category) counts. Lists
 * given as null are taken as empty, and every list is copied (so a report does not change under
 * its renderer).
 *
 * @param datasetShare the share of drifted columns at which the dataset counts as drifted, as the
 *     caller applied it ({@code datasetDrifted} is the caller's verdict, not recomputed here)
 */
public record DriftReport(String title, long nRef, long nCur, double datasetShare, boolean datasetDrifted,
    List<String> notes, List<Column> columns) {

  public DriftReport {
    notes = Lists.copy(notes);
    columns = Lists.copyNonNull(columns, "columns");
  }

  /** The number of columns whose verdict is drifted. */
  public long driftedColumns() {
    return columns.stream().filter(Column::drifted).count();
  }

  /** one compared column; score may be +/-Infinity; kind is "numeric", "categorical" or "vector" */
  public record Column(String name, String kind, String method, double threshold, double score, boolean drifted,
      long nRef, long nCur, List<Bucket> buckets, List<String> onlyInRef, List<String> onlyInCur) {

    public Column {
      buckets = Lists.copyNonNull(buckets, "buckets");
      onlyInRef = Lists.copy(onlyInRef);
      onlyInCur = Lists.copy(onlyInCur);
    }
  }

  /** a bucket (numeric columns, in bucket order) or a category; label null = SQL NULL; may be empty for vector columns */
  public record Bucket(String label, long nRef, long nCur) {}
}
