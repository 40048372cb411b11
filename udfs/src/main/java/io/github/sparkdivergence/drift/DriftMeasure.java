package io.github.sparkdivergence.drift;

import io.github.sparkdivergence.math.DistributionMeasure;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every per-column drift measure, described once: its output column name, the column kinds it
 * applies to, and (for the measures on the two sides' proportions) how it is computed from the
 * math core's {@link DistributionMeasure}. The drift library, the {@code drift} job's output, its
 * {@code --method} and {@code --threshold} flags and the report all list measures from here.
 *
 * <p>The binned measures compare the proportions per category (per reference-quantile bucket for
 * numeric columns, NULL and NaN as categories of their own). The smoothed ones first apply
 * {@code p~ = (p + eps) / (1 + K * eps)} over the K categories of the union, on both sides; the
 * {@code _raw} ones do not (+Infinity where a category is missing on one side). The bounded
 * distances are computed on the raw proportions. Wasserstein and KS use the finite values
 * themselves (NULL, NaN and infinities left out).
 */
public enum DriftMeasure {
  KL_REF_CUR("kl_ref_cur", Source.BINNED, "KL(ref~ || cur~) on the smoothed proportions, in --base"),
  KL_CUR_REF("kl_cur_ref", Source.BINNED, "KL(cur~ || ref~) on the smoothed proportions, in --base"),
  JS_DIVERGENCE("js_divergence", Source.BINNED, "Jensen-Shannon divergence of the smoothed proportions, in --base"),
  JS_DISTANCE("js_distance", Source.BINNED, "Jensen-Shannon distance (square root of js_divergence), smoothed"),
  PSI("psi", Source.BINNED, "population stability index sum (cur~ - ref~) ln(cur~ / ref~), smoothed, always in nats"),
  KL_REF_CUR_RAW("kl_ref_cur_raw", Source.BINNED, "kl_ref_cur without smoothing"),
  KL_CUR_REF_RAW("kl_cur_ref_raw", Source.BINNED, "kl_cur_ref without smoothing"),
  JS_DIVERGENCE_RAW("js_divergence_raw", Source.BINNED, "js_divergence without smoothing"),
  JS_DISTANCE_RAW("js_distance_raw", Source.BINNED,
      "js_distance without smoothing: Evidently's jensenshannon (scipy's jensenshannon of the proportions)"),
  PSI_RAW("psi_raw", Source.BINNED, "psi without smoothing"),
  HELLINGER_DISTANCE(DistributionMeasure.HELLINGER_DISTANCE.sqlName(), Source.BINNED,
      "Hellinger distance of the raw proportions, in [0, 1]"),
  TOTAL_VARIATION(DistributionMeasure.TOTAL_VARIATION.sqlName(), Source.BINNED,
      "total variation distance of the raw proportions, in [0, 1]"),
  LINF_DISTANCE(DistributionMeasure.LINF_DISTANCE.sqlName(), Source.BINNED,
      "largest change of one category's proportion (TFDV's categorical drift measure), in [0, 1]"),
  WASSERSTEIN_DISTANCE("wasserstein_distance", Source.VALUES,
      "Wasserstein-1 (earth mover's) distance of the finite values, exact, in the column's units "
          + "(scipy.stats.wasserstein_distance)"),
  WASSERSTEIN_NORMED("wasserstein_normed", Source.VALUES,
      "wasserstein_distance / max(std_ref, 0.001), std_ref the population standard deviation of the "
          + "reference's finite values (Evidently's normed Wasserstein)"),
  KS_STATISTIC("ks_statistic", Source.VALUES,
      "Kolmogorov-Smirnov statistic sup |F_ref - F_cur| of the finite values (scipy.stats.ks_2samp's statistic)"),
  KL_MVN_REF_CUR("kl_mvn_ref_cur", Source.GAUSSIAN,
      "KL(N_ref || N_cur) between Gaussians fitted to each side (mean, sample covariance), in --base"),
  KL_MVN_CUR_REF("kl_mvn_cur_ref", Source.GAUSSIAN, "KL(N_cur || N_ref) between the fitted Gaussians, in --base");

  /** What a measure is computed from, which decides the column kinds it applies to. */
  public enum Source {
    BINNED(EnumSet.of(ColumnKind.NUMERIC, ColumnKind.CATEGORICAL)),
    VALUES(EnumSet.of(ColumnKind.NUMERIC)),
    GAUSSIAN(EnumSet.of(ColumnKind.VECTOR));

    private final Set<ColumnKind> kinds;

    Source(Set<ColumnKind> kinds) { this.kinds = kinds; }
  }

  private final String outputName;
  private final Source source;
  private final String description;

  DriftMeasure(String outputName, Source source, String description) {
    this.outputName = outputName;
    this.source = source;
    this.description = description;
  }

  /** The output column, flag value and report label: one name per measure everywhere. */
  public String outputName() { return outputName; }

  public Source source() { return source; }

  public String description() { return description; }

  public boolean appliesTo(ColumnKind kind) { return source.kinds.contains(kind); }

  /** The measure named {@code name} (case-insensitive), or an error that lists the names. */
  public static DriftMeasure named(String name, String what) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (DriftMeasure m : values()) if (m.outputName.equals(n)) return m;
    throw new IllegalArgumentException(what + " must be a drift measure (" + String.join(", ", names())
        + ") but was '" + name + "'");
  }

  public static List<String> names() {
    List<String> out = new ArrayList<>();
    for (DriftMeasure m : values()) out.add(m.outputName);
    return out;
  }

  /** Every {@link Source#BINNED} measure, in declaration order. */
  public static List<DriftMeasure> binned() {
    List<DriftMeasure> out = new ArrayList<>();
    for (DriftMeasure m : values()) if (m.source == Source.BINNED) out.add(m);
    return out;
  }

  /**
   * A {@link Source#BINNED} measure from the reference's and the current proportions over the
   * same K categories, with the math core's kernels and its eps smoothing.
   */
  public double ofProportions(double[] ref, double[] cur, int k, double base, double eps) {
    switch (this) {
      case KL_REF_CUR: return DistributionMeasure.KL_DIV.dense(ref, cur, k, base, false, eps);
      case KL_CUR_REF: return DistributionMeasure.KL_DIV.dense(cur, ref, k, base, false, eps);
      case JS_DIVERGENCE: return DistributionMeasure.JS_DIV.dense(ref, cur, k, base, false, eps);
      case JS_DISTANCE: return DistributionMeasure.JS_DISTANCE.dense(ref, cur, k, base, false, eps);
      // PSI = sum (cur_i - ref_i) ln(cur_i / ref_i) = KL(ref||cur) + KL(cur||ref) in nats: Jeffreys
      case PSI: return DistributionMeasure.JEFFREYS_DIV.dense(ref, cur, k, Math.E, false, eps);
      case KL_REF_CUR_RAW: return KL_REF_CUR.ofProportions(ref, cur, k, base, 0.0);
      case KL_CUR_REF_RAW: return KL_CUR_REF.ofProportions(ref, cur, k, base, 0.0);
      case JS_DIVERGENCE_RAW: return JS_DIVERGENCE.ofProportions(ref, cur, k, base, 0.0);
      case JS_DISTANCE_RAW: return JS_DISTANCE.ofProportions(ref, cur, k, base, 0.0);
      case PSI_RAW: return PSI.ofProportions(ref, cur, k, base, 0.0);
      case HELLINGER_DISTANCE: return DistributionMeasure.HELLINGER_DISTANCE.dense(ref, cur, k, Math.E, false, 0.0);
      case TOTAL_VARIATION: return DistributionMeasure.TOTAL_VARIATION.dense(ref, cur, k, Math.E, false, 0.0);
      case LINF_DISTANCE: return DistributionMeasure.LINF_DISTANCE.dense(ref, cur, k, Math.E, false, 0.0);
      default: throw new IllegalStateException(outputName + " is not computed from proportions");
    }
  }
}
