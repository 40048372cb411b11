package io.github.sparkdivergence.spark;

import io.github.sparkdivergence.spark.drift.DriftComputation;
import io.github.sparkdivergence.spark.drift.DriftOptions;
import io.github.sparkdivergence.spark.drift.DriftResult;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-column drift between a reference and a current dataset, with a verdict per column and for
 * the dataset:
 *
 * <pre>{@code
 * Dataset<Row> table = Drift.between(lastMonth, today).columns("price", "country").compute();
 * DriftResult result = Drift.between(lastMonth, today).threshold("psi", 0.2).run();
 * }</pre>
 *
 * The table has one row per column: {@code column, kind, method, threshold, score, drifted, n_ref,
 * n_cur, categories, dimension}, every measure of {@link io.github.sparkdivergence.drift.DriftMeasure}
 * (NULL where it does not apply), {@code only_in_ref, only_in_cur, thresholds_exceeded}. The
 * options, their defaults and the decision rules are those of {@link DriftOptions}; how the data is
 * read (once, for all numeric and categorical columns) is in {@link DriftComputation}; the
 * conventions are written out in docs/drift.md.
 */
public final class Drift {
  private final Dataset<Row> reference;
  private final Dataset<Row> current;
  private DriftOptions options = new DriftOptions();

  /** Whether {@link #reference}, and {@link #current}, are saved profiles rather than rows. */
  private final boolean referenceProfile;
  private final boolean currentProfile;

  private Drift(Dataset<Row> reference, Dataset<Row> current, boolean referenceProfile, boolean currentProfile) {
    this.reference = reference;
    this.current = current;
    this.referenceProfile = referenceProfile;
    this.currentProfile = currentProfile;
  }

  public static Drift between(Dataset<Row> reference, Dataset<Row> current) { return new Drift(reference, current, false, false); }

  /**
   * Drift of {@code current} against a saved {@link io.github.sparkdivergence.spark.drift.Profile}
   * (one, or the rows of several to merge): the reference's rows are not read again. Its columns,
   * kinds and bucket splits come from the profile, so the options' categorical and bins do not
   * apply to them.
   */
  public static Drift fromProfile(Dataset<Row> profile, Dataset<Row> current) { return new Drift(profile, current, true, false); }

  /**
   * Drift between two saved profiles (each one, or the rows of several to merge), e.g. last week's
   * daily profiles against this week's: no rows are read. The bucket splits are the reference's;
   * the current profile's columns must have the same kinds.
   */
  public static Drift betweenProfiles(Dataset<Row> referenceProfile, Dataset<Row> currentProfile) {
    return new Drift(referenceProfile, currentProfile, true, true);
  }

  /** All the options at once (replacing any set before), e.g. checked by a job before its session started. */
  public Drift options(DriftOptions o) {
    this.options = o;
    return this;
  }

  public Drift columns(String... names) { options.columns(Arrays.asList(names)); return this; }
  public Drift categorical(String... names) { options.categorical(Arrays.asList(names)); return this; }
  public Drift bins(int n) { options.bins(n); return this; }
  public Drift relativeError(double e) { options.relativeError(e); return this; }
  public Drift eps(double e) { options.eps(e); return this; }
  public Drift base(double b) { options.base(b); return this; }
  public Drift maxCategories(int n) { options.maxCategories(n); return this; }
  public Drift ridge(double r) { options.ridge(r); return this; }
  public Drift datasetShare(double s) { options.datasetShare(s); return this; }
  public Drift method(String column, String measure) { options.method(column, measure); return this; }
  public Drift threshold(String measure, double value) { options.threshold(measure, value); return this; }
  public Drift threshold(String column, String measure, double value) { options.threshold(column, measure, value); return this; }

  /** The tidy table, one row per column. */
  public Dataset<Row> compute() { return run().table(); }

  /** The comparison with its verdicts, category counts, summary and report data. */
  public DriftResult run() {
    if (!referenceProfile) return DriftComputation.run(reference, current, options);
    Dataset<Row> cur = currentProfile ? io.github.sparkdivergence.spark.drift.Profile.merge(current) : current;
    return DriftComputation.runFromProfile(io.github.sparkdivergence.spark.drift.Profile.merge(reference), cur, currentProfile,
        options);
  }
}
