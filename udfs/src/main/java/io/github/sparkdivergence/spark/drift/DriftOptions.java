package io.github.sparkdivergence.spark.drift;

import io.github.sparkdivergence.drift.ColumnKind;
import io.github.sparkdivergence.drift.DriftMeasure;
import io.github.sparkdivergence.drift.Numbers;
import io.github.sparkdivergence.math.LogBase;
import io.github.sparkdivergence.spark.QuantileBinning;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a drift comparison computes and how it decides, checked as each value is set (so a job can
 * refuse a bad flag before a Spark session exists). The defaults and the decision rules are defined
 * here once:
 *
 * <ul>
 *   <li>the method of a column (the measure its verdict uses) is the one given with
 *       {@link #method}, else {@link #defaultMethod} of its kind: Evidently's defaults for data of
 *       more than 1000 reference rows, normed Wasserstein for numeric columns and Jensen-Shannon
 *       distance (unsmoothed, as Evidently computes it) for categorical ones; vector columns use
 *       KL(N_ref || N_cur) of the fitted Gaussians;
 *   <li>its threshold is the column's own ({@link #threshold(String, String, double)}), else the
 *       one given for the measure ({@link #threshold(String, double)}), else
 *       {@link #DEFAULT_THRESHOLD};
 *   <li>a score <em>exceeds</em> a threshold when it is strictly greater (Evidently's own tests use
 *       {@code >=}; the two differ only when a score equals its threshold exactly);
 *   <li>the dataset drifted when the drifted columns make up at least {@link #datasetShare} of the
 *       columns compared;
 *   <li>an explicit threshold (either form) also fires on its own whenever its measure exceeds it.
 * </ul>
 */
public final class DriftOptions implements Serializable {
  public static final double DEFAULT_THRESHOLD = 0.1;
  public static final double DEFAULT_DATASET_SHARE = 0.5;
  public static final double DEFAULT_EPS = 1e-4;
  public static final int DEFAULT_MAX_CATEGORIES = 10_000;
  /** The smallest standard deviation Wasserstein is normed by (Evidently's), so a constant reference gives no NaN. */
  public static final double STD_FLOOR = 0.001;

  private List<String> columns;
  private final Set<String> categorical = new LinkedHashSet<>();
  private int bins = QuantileBinning.DEFAULT_BINS;
  private double relativeError = QuantileBinning.DEFAULT_RELATIVE_ERROR;
  private double eps = DEFAULT_EPS;
  private double base = Math.E;
  private int maxCategories = DEFAULT_MAX_CATEGORIES;
  private double ridge;
  private double datasetShare = DEFAULT_DATASET_SHARE;
  private String corruptRecordColumn;
  private final Map<String, DriftMeasure> methods = new LinkedHashMap<>();
  private final Map<DriftMeasure, Double> thresholds = new EnumMap<>(DriftMeasure.class);
  private final Map<String, Map<DriftMeasure, Double>> columnThresholds = new LinkedHashMap<>();

  /** The columns to compare (default: every numeric, string, boolean, vector and numeric-array column). */
  public DriftOptions columns(List<String> names) {
    if (names.isEmpty()) throw new IllegalArgumentException("columns: give at least one column");
    this.columns = List.copyOf(names);
    return this;
  }

  /** Compare these columns as categories even if numeric (or date, timestamp). */
  public DriftOptions categorical(List<String> names) {
    categorical.addAll(names);
    return this;
  }

  public DriftOptions bins(int n) {
    if (n < 2 || n > 10_000) throw new IllegalArgumentException("bins must be in [2, 10000] but was " + n);
    this.bins = n;
    return this;
  }

  public DriftOptions relativeError(double e) {
    this.relativeError = QuantileBinning.checkRelativeError(e);
    return this;
  }

  /** Additive smoothing of the proportions of the smoothed binned measures. */
  public DriftOptions eps(double e) {
    if (!(e >= 0 && e <= 1)) throw new IllegalArgumentException("eps must be in [0, 1] but was " + e);
    this.eps = e;
    return this;
  }

  /** Logarithm base of KL and JS (PSI is always in nats). */
  public DriftOptions base(double b) {
    if (!LogBase.isValid(b)) throw new IllegalArgumentException(LogBase.problem(b));
    this.base = b;
    return this;
  }

  public DriftOptions maxCategories(int n) {
    if (n < 1) throw new IllegalArgumentException("max categories must be >= 1 but was " + n);
    this.maxCategories = n;
    return this;
  }

  /** Added to the diagonal of both fitted covariances of a vector column before the Gaussian KL. */
  public DriftOptions ridge(double r) {
    if (!(r >= 0) || Double.isInfinite(r)) throw new IllegalArgumentException("ridge must be a finite number >= 0 but was " + r);
    this.ridge = r;
    return this;
  }

  public DriftOptions datasetShare(double s) {
    if (!(s > 0 && s <= 1)) throw new IllegalArgumentException("dataset share must be in (0, 1] but was " + s);
    this.datasetShare = s;
    return this;
  }

  /** A column never compared by default: the reader's raw text of malformed rows. */
  public DriftOptions corruptRecordColumn(String name) {
    this.corruptRecordColumn = name;
    return this;
  }

  /** The measure the verdict of {@code column} uses. */
  public DriftOptions method(String column, String measure) {
    DriftMeasure m = DriftMeasure.named(measure, "method of column '" + column + "'");
    if (methods.containsKey(column)) {
      throw new IllegalArgumentException("method of column '" + column + "' given twice (" + methods.get(column).outputName()
          + " and " + m.outputName() + ")");
    }
    methods.put(column, m);
    return this;
  }

  /** The threshold of {@code measure} for every column: the verdict's when it is the column's method, and an alert of its own. */
  public DriftOptions threshold(String measure, double value) {
    DriftMeasure m = DriftMeasure.named(measure, "threshold measure");
    checkThreshold(value, m.outputName());
    if (thresholds.containsKey(m)) {
      throw new IllegalArgumentException("threshold given twice for " + m.outputName() + " (" + Numbers.num(thresholds.get(m))
          + " and " + Numbers.num(value) + "): give one value per measure");
    }
    thresholds.put(m, value);
    return this;
  }

  /** The threshold of {@code measure} for {@code column} only. */
  public DriftOptions threshold(String column, String measure, double value) {
    DriftMeasure m = DriftMeasure.named(measure, "threshold measure of column '" + column + "'");
    checkThreshold(value, column + ":" + m.outputName());
    Map<DriftMeasure, Double> t = columnThresholds.computeIfAbsent(column, c -> new EnumMap<>(DriftMeasure.class));
    if (t.containsKey(m)) {
      throw new IllegalArgumentException("threshold given twice for column '" + column + "' and " + m.outputName() + " ("
          + Numbers.num(t.get(m)) + " and " + Numbers.num(value) + ")");
    }
    t.put(m, value);
    return this;
  }

  private static void checkThreshold(double value, String what) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("threshold " + what + " must be a finite number >= 0 but was " + value);
    }
  }

  public static DriftMeasure defaultMethod(ColumnKind kind) {
    switch (kind) {
      case NUMERIC: return DriftMeasure.WASSERSTEIN_NORMED;
      case CATEGORICAL: return DriftMeasure.JS_DISTANCE_RAW;
      default: return DriftMeasure.KL_MVN_REF_CUR;
    }
  }

  /** The method of {@code column} (its actual name), or an error when the method does not apply to its kind. */
  public DriftMeasure methodOf(String column, ColumnKind kind) {
    DriftMeasure m = lookup(methods, column);
    if (m == null) return defaultMethod(kind);
    if (!m.appliesTo(kind)) {
      throw new IllegalArgumentException("method " + m.outputName() + " does not apply to " + kind.label() + " column '"
          + column + "' (" + applicable(kind) + ")");
    }
    return m;
  }

  /** The verdict threshold of {@code measure} on {@code column}. */
  public double thresholdOf(String column, DriftMeasure measure) {
    Map<DriftMeasure, Double> own = lookup(columnThresholds, column);
    if (own != null && own.containsKey(measure)) return own.get(measure);
    return thresholds.getOrDefault(measure, DEFAULT_THRESHOLD);
  }

  /**
   * The explicit thresholds that {@code column}'s measure values exceed, as
   * {@code "measure=score > threshold"} in the order given.
   */
  public List<String> exceededBy(String column, Map<DriftMeasure, Double> values) {
    Map<DriftMeasure, Double> limits = new EnumMap<>(thresholds);
    Map<DriftMeasure, Double> own = lookup(columnThresholds, column);
    if (own != null) limits.putAll(own);
    List<String> out = new ArrayList<>();
    for (Map.Entry<DriftMeasure, Double> t : limits.entrySet()) {
      Double v = values.get(t.getKey());
      if (v != null && exceeds(v, t.getValue())) {
        out.add(t.getKey().outputName() + "=" + Numbers.num(v) + " > " + Numbers.num(t.getValue()));
      }
    }
    return out;
  }

  public static boolean exceeds(double score, double threshold) { return score > threshold; }

  public boolean datasetDrifted(int drifted, int compared) {
    return compared > 0 && (double) drifted / compared >= datasetShare;
  }

  /** Every column the options name, for checking them against the data's schema. */
  public Set<String> namedColumns() {
    Set<String> out = new LinkedHashSet<>(methods.keySet());
    out.addAll(columnThresholds.keySet());
    return out;
  }

  static String applicable(ColumnKind kind) {
    List<String> names = new ArrayList<>();
    for (DriftMeasure m : DriftMeasure.values()) if (m.appliesTo(kind)) names.add(m.outputName());
    return kind.label() + " columns take " + String.join(", ", names);
  }

  /** Exact name first, then case-insensitive: how every column name a user gives is matched. */
  private static <V> V lookup(Map<String, V> byColumn, String column) {
    if (byColumn.containsKey(column)) return byColumn.get(column);
    for (Map.Entry<String, V> e : byColumn.entrySet()) if (e.getKey().equalsIgnoreCase(column)) return e.getValue();
    return null;
  }

  public List<String> columns() { return columns; }
  public Set<String> categoricalColumns() { return Collections.unmodifiableSet(categorical); }
  public int bins() { return bins; }
  public double relativeError() { return relativeError; }
  public double eps() { return eps; }
  public double base() { return base; }
  public int maxCategories() { return maxCategories; }
  public double ridge() { return ridge; }
  public double datasetShare() { return datasetShare; }
  public String corruptRecordColumn() { return corruptRecordColumn; }
  public Map<DriftMeasure, Double> thresholds() { return Collections.unmodifiableMap(thresholds); }
  public boolean hasExplicitThresholds() { return !thresholds.isEmpty() || !columnThresholds.isEmpty(); }
}
