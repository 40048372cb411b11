package io.github.sparkdivergence.spark;

import io.github.sparkdivergence.math.DistributionMeasure;
import io.github.sparkdivergence.spark.catalyst.SparkLine;
import io.github.sparkdivergence.spark.functions.DivergenceRegistry;
import io.github.sparkdivergence.spark.functions.FunctionSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.functions;

/**
 * DataFrame API: {@code df.select(DivergenceFunctions.klDiv(col("p"), col("q")))}. Each method is the SQL
 * function of the same name (see {@link DivergenceRegistry} for semantics and options); the
 * functions are registered in the active session on first use when the extension is not configured.
 */
public final class DivergenceFunctions {
  private DivergenceFunctions() {}

  public static Column klDiv(Column p, Column q) { return call("kl_div", p, q); }
  public static Column klDiv(Column p, Column q, double base) { return call("kl_div", p, q, functions.lit(base)); }
  public static Column klDiv(Column p, Column q, double base, boolean normalize, double eps) { return options("kl_div", p, q, base, normalize, eps); }

  public static Column crossEntropy(Column p, Column q) { return call("cross_entropy", p, q); }
  public static Column crossEntropy(Column p, Column q, double base) { return call("cross_entropy", p, q, functions.lit(base)); }
  public static Column crossEntropy(Column p, Column q, double base, boolean normalize, double eps) { return options("cross_entropy", p, q, base, normalize, eps); }

  public static Column jsDiv(Column p, Column q) { return call("js_div", p, q); }
  public static Column jsDiv(Column p, Column q, double base) { return call("js_div", p, q, functions.lit(base)); }
  public static Column jsDiv(Column p, Column q, double base, boolean normalize, double eps) { return options("js_div", p, q, base, normalize, eps); }

  public static Column jsDistance(Column p, Column q) { return call("js_distance", p, q); }
  public static Column jsDistance(Column p, Column q, double base) { return call("js_distance", p, q, functions.lit(base)); }
  public static Column jsDistance(Column p, Column q, double base, boolean normalize, double eps) { return options("js_distance", p, q, base, normalize, eps); }

  public static Column jeffreysDiv(Column p, Column q) { return call("jeffreys_div", p, q); }
  public static Column jeffreysDiv(Column p, Column q, double base) { return call("jeffreys_div", p, q, functions.lit(base)); }
  public static Column jeffreysDiv(Column p, Column q, double base, boolean normalize, double eps) { return options("jeffreys_div", p, q, base, normalize, eps); }

  public static Column distEntropy(Column p) { return call("dist_entropy", p); }
  public static Column distEntropy(Column p, double base) { return call("dist_entropy", p, functions.lit(base)); }
  public static Column distEntropy(Column p, double base, boolean normalize, double eps) {
    return call("dist_entropy", p, functions.lit(base), functions.lit(normalize), functions.lit(eps));
  }

  /**
   * Any {@link DistributionMeasure} of two distributions (e.g. {@code HELLINGER_DISTANCE}) or of one
   * ({@code DIST_ENTROPY}: q is then null), with its defaults.
   */
  public static Column measure(DistributionMeasure m, Column p, Column q) {
    return m.pair() ? call(m.sqlName(), p, q) : call(m.sqlName(), p);
  }

  /** {@code m} with its options; {@code base} is ignored by a measure without one (see {@link DistributionMeasure#takesBase()}). */
  public static Column measure(DistributionMeasure m, Column p, Column q, double base, boolean normalize, double eps) {
    java.util.List<Column> args = new java.util.ArrayList<>(java.util.List.of(p));
    if (m.pair()) args.add(q);
    if (m.takesBase()) args.add(functions.lit(base));
    args.add(functions.lit(normalize));
    args.add(functions.lit(eps));
    return call(m.sqlName(), args.toArray(new Column[0]));
  }

  public static Column klDivLog(Column logP, Column logQ) { return call("kl_div_log", logP, logQ); }
  public static Column klDivLog(Column logP, Column logQ, double base) { return call("kl_div_log", logP, logQ, functions.lit(base)); }

  public static Column klDivLogits(Column x, Column y) { return call("kl_div_logits", x, y); }
  public static Column klDivLogits(Column x, Column y, double base) { return call("kl_div_logits", x, y, functions.lit(base)); }

  public static Column klGaussian(Column mu1, Column sigma1, Column mu2, Column sigma2) { return call("kl_gaussian", mu1, sigma1, mu2, sigma2); }
  public static Column klGaussian(Column mu1, Column sigma1, Column mu2, Column sigma2, double base) {
    return call("kl_gaussian", mu1, sigma1, mu2, sigma2, functions.lit(base));
  }

  public static Column klStdNormal(Column mu, Column logVar) { return call("kl_std_normal", mu, logVar); }
  public static Column klStdNormal(Column mu, Column logVar, double base) { return call("kl_std_normal", mu, logVar, functions.lit(base)); }

  /** Means as arrays or MLlib vectors, covariances as row-major arrays of d * d entries or MLlib matrices. */
  public static Column klMvn(Column mu1, Column cov1, Column mu2, Column cov2) { return call("kl_mvn", mu1, cov1, mu2, cov2); }
  public static Column klMvn(Column mu1, Column cov1, Column mu2, Column cov2, double ridge) {
    return call("kl_mvn", mu1, cov1, mu2, cov2, functions.lit(ridge));
  }
  public static Column klMvn(Column mu1, Column cov1, Column mu2, Column cov2, double ridge, double base) {
    return call("kl_mvn", mu1, cov1, mu2, cov2, functions.lit(ridge), functions.lit(base));
  }

  /** Masked sum of the k3 estimator; see {@link #rlhfKl(Column, Column, Column, String, String)}. */
  public static Column rlhfKl(Column logp, Column refLogp) { return call("rlhf_kl", logp, refLogp); }
  public static Column rlhfKl(Column logp, Column refLogp, String estimator) { return call("rlhf_kl", logp, refLogp, functions.lit(estimator)); }
  /** {@code mask} may be null for no mask; {@code reduction} is "sum" or "mean". */
  public static Column rlhfKl(Column logp, Column refLogp, Column mask, String estimator, String reduction) {
    return mask == null ? call("rlhf_kl", logp, refLogp, functions.lit(estimator), functions.lit(reduction))
        : call("rlhf_kl", logp, refLogp, mask, functions.lit(estimator), functions.lit(reduction));
  }

  public static Column rlhfKlPerToken(Column logp, Column refLogp) { return call("rlhf_kl_per_token", logp, refLogp); }
  public static Column rlhfKlPerToken(Column logp, Column refLogp, Column mask, String estimator) {
    return mask == null ? call("rlhf_kl_per_token", logp, refLogp, functions.lit(estimator))
        : call("rlhf_kl_per_token", logp, refLogp, mask, functions.lit(estimator));
  }

  // Aggregates (see InformationAggregate): use in agg(...) or select(...) over a grouped frame.

  public static Column mutualInfo(Column x, Column y) { return call("mutual_info", x, y); }
  public static Column mutualInfo(Column x, Column y, Column weight) { return call("mutual_info", x, y, weight); }
  public static Column mutualInfo(Column x, Column y, Column weight, double base) { return call("mutual_info", x, y, weight, functions.lit(base)); }

  public static Column entropy(Column x) { return call("entropy", x); }
  public static Column entropy(Column x, Column weight, double base) { return call("entropy", x, weight, functions.lit(base)); }

  public static Column jointEntropy(Column x, Column y) { return call("joint_entropy", x, y); }
  public static Column conditionalEntropy(Column x, Column y) { return call("conditional_entropy", x, y); }
  public static Column variationOfInformation(Column x, Column y) { return call("variation_of_information", x, y); }

  public static Column normalizedMutualInfo(Column x, Column y) { return call("normalized_mutual_info", x, y); }
  public static Column normalizedMutualInfo(Column x, Column y, String averageMethod) {
    return call("normalized_mutual_info", x, y, functions.lit(averageMethod));
  }

  public static Column adjustedMutualInfo(Column x, Column y) { return call("adjusted_mutual_info", x, y); }
  public static Column adjustedMutualInfo(Column x, Column y, String averageMethod) {
    return call("adjusted_mutual_info", x, y, functions.lit(averageMethod));
  }

  /** struct&lt;g, dof, p_value&gt;. */
  public static Column gTest(Column x, Column y) { return call("g_test", x, y); }
  public static Column gTest(Column x, Column y, Column weight) { return call("g_test", x, y, weight); }

  /** struct&lt;n, levels_a, levels_b, cells, h_a, h_b, h_ab, mi, nmi, ami, g, dof, p_value&gt;. */
  public static Column mutualInfoSummary(Column x, Column y) { return call("mutual_info_summary", x, y); }
  public static Column mutualInfoSummary(Column x, Column y, Column weight) { return call("mutual_info_summary", x, y, weight); }

  public static Column klDivAgg(Column p, Column q) { return call("kl_div_agg", p, q); }
  public static Column klDivAgg(Column p, Column q, double eps) { return call("kl_div_agg", p, q, functions.lit(eps)); }

  // Saved states (docs/states.md): *_agg aggregates return BINARY states; merge and read them.

  public static Column contingencyAgg(Column x, Column y) { return call("contingency_agg", x, y); }
  public static Column contingencyAgg(Column x, Column y, Column weight) { return call("contingency_agg", x, y, weight); }
  public static Column contingencyMergeAgg(Column state) { return call("contingency_merge_agg", state); }
  public static Column contingencyMerge(Column a, Column b) { return call("contingency_merge", a, b); }
  public static Column contingencyMutualInfo(Column state) { return call("contingency_mutual_info", state); }
  public static Column contingencyMutualInfo(Column state, double base) { return call("contingency_mutual_info", state, functions.lit(base)); }
  /** struct&lt;n, levels_a, levels_b, cells, h_a, h_b, h_ab, mi, nmi, ami, g, dof, p_value&gt;, as {@link #mutualInfoSummary}. */
  public static Column contingencyMutualInfoSummary(Column state) { return call("contingency_mutual_info_summary", state); }

  public static Column distributionAgg(Column x) { return call("distribution_agg", x); }
  /** Counts per bucket of {@code splits} (increasing; see distribution_agg). */
  public static Column distributionAgg(Column x, double[] splits) { return call("distribution_agg", x, functions.lit(splits)); }
  public static Column distributionMergeAgg(Column state) { return call("distribution_merge_agg", state); }
  public static Column distributionMerge(Column a, Column b) { return call("distribution_merge", a, b); }
  public static Column distributionEntropy(Column state) { return call("distribution_entropy", state); }
  public static Column distributionEntropy(Column state, double base) { return call("distribution_entropy", state, functions.lit(base)); }
  /** struct of the binned drift measures; see distribution_drift. */
  public static Column distributionDrift(Column refState, Column curState) { return call("distribution_drift", refState, curState); }
  public static Column distributionDrift(Column refState, Column curState, double eps) {
    return call("distribution_drift", refState, curState, functions.lit(eps));
  }

  private static Column options(String name, Column p, Column q, double base, boolean normalize, double eps) {
    return call(name, p, q, functions.lit(base), functions.lit(normalize), functions.lit(eps));
  }

  /** Any function of the registry by its SQL name. */
  public static Column call(String name, Column... args) {
    if (DivergenceRegistry.lookup(name) == null) {
      throw new IllegalArgumentException("spark-divergence has no function named '" + name + "'");
    }
    scala.Option<SparkSession> session = SparkSession.getActiveSession();
    if (session.isEmpty()) session = SparkSession.getDefaultSession();
    if (session.isDefined()) register(session.get());
    return functions.call_function(name, args);
  }

  /**
   * Registers every function of the registry in {@code session} under its bare name, as the
   * extension does (idempotent). Needed only when {@code spark.sql.extensions} was not set; works for
   * classic sessions (Spark Connect clients need the extension on the server).
   */
  @SuppressWarnings({"unchecked", "rawtypes"}) // the builder's Seq type differs between Scala 2.12 and 2.13
  public static void register(SparkSession session) {
    SparkVersionCheck.require();
    FunctionRegistry registry = SparkLine.functionRegistry(session);
    if (registry == null) return;
    for (FunctionSpec spec : DivergenceRegistry.all()) {
      FunctionIdentifier id = SparkLine.functionIdentifier(spec.name());
      if (!registry.functionExists(id)) {
        registry.registerFunction(id, spec.expressionInfo(), (scala.Function1) new DivergenceExtensions.Builder(spec));
      }
    }
  }
}
