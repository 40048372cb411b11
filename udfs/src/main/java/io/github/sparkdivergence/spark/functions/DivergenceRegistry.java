package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.counts.MergeableState;
import io.github.sparkdivergence.math.DistributionMeasure;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every SQL function of the library, by name. The session extension, the V2 function catalog, the
 * DataFrame API and the classic registration all read this one map.
 */
public final class DivergenceRegistry {
  private DivergenceRegistry() {}

  private static final String BASE_OPTION = """
            * base - logarithm base (numeric, > 0, not 1). Default e (nats); 2 gives bits.
      """;
  private static final String OPTIONS_ARGS = """
            * normalize - boolean. When true, each distribution is divided by its own sum first
                (as scipy.stats.entropy does). Default false: then each must already sum to 1
                within 1e-5 (float32 model outputs do), else the row is invalid input.
            * eps - additive smoothing >= 0, applied after normalisation as
                (x_i + eps) / (1 + K * eps) over the K entries. Default 0.
      """;

  private static final String DIST_ARGS = """
            * p, q - probability vectors stored as array<double> (other numeric arrays are cast),
                MLlib vectors (dense or sparse) or map<string,double> (aligned on the union of keys,
                a missing key counts as 0). Both must use the same representation. Entries are
                finite and >= 0 (NaN, negative and +Infinity entries are invalid input).
      """;


  private static final String LOG_USAGE = "_FUNC_(log_p, log_q[, base]) - KL(p || q) from "
      + "log-probabilities: sum exp(log_p_i) * (log_p_i - log_q_i), PyTorch's "
      + "kl_div(log_q, log_p, reduction='sum', log_target=True), except that a term with "
      + "log_p_i = -Infinity is 0 (PyTorch gives NaN) and both must be normalized: sum exp(log_p_i) "
      + "within 1e-5 of 1 (truncated top-k log-probabilities go to kl_div_logits, which renormalizes).";
  private static final String LOGITS_USAGE = "_FUNC_(x, y[, base]) - KL(softmax(x) || softmax(y)) "
      + "from raw logits, through a numerically stable log-softmax.";
  private static final String GAUSSIAN_USAGE = "_FUNC_(mu1, sigma1, mu2, sigma2[, base]) - "
      + "KL(N(mu1, sigma1^2) || N(mu2, sigma2^2)) = ln(sigma2/sigma1) + (sigma1^2 + (mu1 - mu2)^2) "
      + "/ (2 sigma2^2) - 1/2, in closed form; summed over dimensions for arrays (diagonal covariance).";
  private static final String STD_NORMAL_USAGE = "_FUNC_(mu, logvar[, base]) - The VAE term "
      + "KL(N(mu, exp(logvar)) || N(0, 1)) = -1/2 * sum(1 + logvar - mu^2 - exp(logvar)).";
  private static final String MVN_USAGE = "_FUNC_(mu1, cov1, mu2, cov2[, ridge[, base]]) - "
      + "KL(N(mu1, cov1) || N(mu2, cov2)) = 1/2 [tr(cov2^-1 cov1) + (mu2 - mu1)^T cov2^-1 (mu2 - mu1) "
      + "- d + ln det cov2 - ln det cov1] for full covariance matrices, in closed form through their "
      + "Cholesky factorisations (about d^3 flops).";
  private static final String RLHF_USAGE = "_FUNC_(logp, ref_logp[, mask][, estimator[, reduction]]) "
      + "- Per-sequence KL estimate between a policy and a reference model from the sampled tokens' "
      + "log-probs: the masked sum (or mean) of k1 = logp - ref, k2 = (logp - ref)^2 / 2 or "
      + "k3 = r - 1 - ln r with r = exp(ref - logp) (default k3).";
  private static final String RLHF_TOKENS_USAGE = "_FUNC_(logp, ref_logp[, mask][, estimator]) - "
      + "Per-token KL estimates (k1, k2 or k3, default k3) as array<double>; masked tokens are 0.";
  private static final String RLHF_ARGS = """
      * logp, ref_logp - array<double> of the sampled tokens' log-probs under the policy and
          the reference model, same length.
      * mask - optional array of 0/1 (numeric or boolean), 1 = token counts.
      * estimator - 'k1', 'k2' or 'k3' (default 'k3', always >= 0).
      """;

  private static final Map<String, FunctionSpec> FUNCTIONS = new LinkedHashMap<>();

  static {
    for (DistributionMeasure m : DistributionMeasure.values()) distribution(m);

    add(new FunctionSpec("kl_div_log", LogSpaceFunction.klDivLog(LOG_USAGE), LOG_USAGE,
        """

            Arguments:
              * log_p, log_q - arrays of natural-log probabilities (e.g. LLM token logprobs over a
                  vocabulary), same length; -Infinity is a probability of 0, +Infinity is invalid.
              * base - logarithm base of the result (numeric, > 0, not 1). Default e.
          """,
        """
            > SELECT _FUNC_(array(ln(0.5), ln(0.5)), array(ln(0.9), ln(0.1)));
             0.5108256237659907
            """, false));
    add(new FunctionSpec("kl_div_logits", LogSpaceFunction.klDivLogits(LOGITS_USAGE), LOGITS_USAGE,
        """

            Arguments:
              * x, y - arrays of raw logits (unnormalised log-probabilities), same length; -Infinity
                  masks an entry, +Infinity (or every entry -Infinity) is invalid input.
              * base - logarithm base of the result (numeric, > 0, not 1). Default e.
          """,
        """
            > SELECT _FUNC_(array(0.0, 0.0), array(2.0, 0.0));
             0.4337808304830269
            """, false));
    add(new FunctionSpec("kl_gaussian", GaussianFunction.klGaussian(GAUSSIAN_USAGE), GAUSSIAN_USAGE,
        """

            Arguments:
              * mu1, sigma1, mu2, sigma2 - means and standard deviations (sigma > 0): all numeric for
                  univariate normals, or all array<double> of one length for diagonal multivariate
                  normals (the result sums over dimensions).
              * base - logarithm base of the result (numeric, > 0, not 1). Default e.
          """,
        """
            > SELECT _FUNC_(0, 1, 1, 2);
             0.4431471805599453
            > SELECT _FUNC_(array(0, 0), array(1, 1), array(1, 1), array(2, 2));
             0.8862943611198906
            """, false));
    add(new FunctionSpec("kl_std_normal", GaussianFunction.klStdNormal(STD_NORMAL_USAGE), STD_NORMAL_USAGE,
        """

            Arguments:
              * mu, logvar - mean and log-variance of the encoder's Gaussian: numeric, or
                  array<double> of one length (summed over latent dimensions, the VAE loss term).
              * base - logarithm base of the result (numeric, > 0, not 1). Default e.
          """,
        """
            > SELECT _FUNC_(array(0.0, 1.0), array(0.0, 0.0));
             0.5
            """, false));
    add(new FunctionSpec("kl_mvn", new MultivariateGaussianFunction(MVN_USAGE), MVN_USAGE,
        """

            Arguments:
              * mu1, mu2 - means of length d >= 1: array<double> (other numeric arrays are cast) or
                  MLlib vectors (dense or sparse), both stored alike.
              * cov1, cov2 - covariance matrices: array<double> of the d * d entries in row-major
                  order, or MLlib matrices (dense or sparse), both stored alike. Each must be
                  symmetric (within 1e-8 relative; the two triangles are averaged) and positive
                  definite once the ridge is added.
              * ridge - >= 0, added to the diagonal of both covariances before they are factorised
                  (default 0). A sample covariance of fewer vectors than dimensions is singular and
                  needs one, e.g. 1e-6 times the mean variance.
              * base - logarithm base of the result (numeric, > 0, not 1). Default e.
          """,
        """
            > SELECT _FUNC_(array(0, 0), array(1, 0, 0, 1), array(1, 0), array(2, 0, 0, 2));
             0.4431471805599453
            > SELECT _FUNC_(array(0, 0), array(1, 0.5, 0.5, 1), array(0, 0), array(1, 0, 0, 1));
             0.14384103622589045
            > SELECT _FUNC_(array(0, 0), array(1, 1, 1, 1), array(0, 0), array(1, 0, 0, 1), 0.01);
             1.9634680628117216
            """, false));
    add(new FunctionSpec("rlhf_kl", RlhfKlFunction.perSequence(RLHF_USAGE), RLHF_USAGE,
        RLHF_ARGS + """
      * reduction - 'sum' (default) or 'mean' over the unmasked tokens; the mean of a
          sequence with no unmasked token is NULL.
      """,
        """
            > SELECT _FUNC_(array(-1.0, -2.0), array(-1.5, -1.0), 'k1');
             -0.5
            > SELECT _FUNC_(array(-1.0, -2.0), array(-1.5, -1.0), array(1, 0), 'k2', 'mean');
             0.125
            """, false));
    add(new FunctionSpec("rlhf_kl_per_token", RlhfKlFunction.perToken(RLHF_TOKENS_USAGE),
        RLHF_TOKENS_USAGE, RLHF_ARGS,
        """
            > SELECT _FUNC_(array(-1.0, -2.0), array(-1.5, -1.0), array(1, 0), 'k1');
             [0.5,0.0]
            """, false));
  }

  private static final String CATEGORY_ARGS = """
      * x, y - categorical columns of any of these types: string, binary, boolean, integral,
          float, double (exact values; -0.0 = 0.0 and NaN is one category), decimal, date,
          timestamp. NULL is a category of its own; to drop rows with NULLs use
          FILTER (WHERE x IS NOT NULL AND y IS NOT NULL).
      * w - optional numeric weight per row (pre-aggregated counts); rows with a NULL weight
          count nothing, negative, NaN or infinite weights are invalid input, and so is a group
          whose weights sum past the largest double (1.8e308).
      """;
  private static final String BASE_ARG = """
      * base - logarithm base (numeric, > 0, not 1; default e = nats). Needs the weight
          argument before it: use 1 for unweighted rows. A constant (it applies to the whole
          group); NULL gives NULL.
      """;
  private static final String METHOD_ARG = """
      * method - how H(X) and H(Y) are averaged in the denominator, as scikit-learn's
          average_method: 'arithmetic' (default), 'geometric', 'min' or 'max'. A constant;
          NULL gives NULL.
      """;

  static {
    information(InformationAggregate.Measure.MUTUAL_INFO,
        "_FUNC_(x, y[, w[, base]]) - Mutual information I(X;Y) = KL(P_XY || P_X P_Y) of the "
            + "empirical joint distribution of x and y (scikit-learn's mutual_info_score in nats).",
        """
        > SELECT _FUNC_(x, y) FROM VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 1) AS t(x, y);
         0.21576155433883565
        > SELECT _FUNC_(x, y, n, 2) FROM VALUES ('a', 1, 2), ('b', 2, 1), ('b', 1, 1) AS t(x, y, n);
         0.31127812445913283
        """);
    information(InformationAggregate.Measure.ENTROPY,
        "_FUNC_(x[, w[, base]]) - Shannon entropy H(X) of the empirical distribution of x "
            + "(scipy.stats.entropy of its value counts).",
        """
        > SELECT _FUNC_(x, 1, 2) FROM VALUES ('a'), ('a'), ('b'), (NULL) AS t(x);
         1.5
        """);
    information(InformationAggregate.Measure.JOINT_ENTROPY,
        "_FUNC_(x, y[, w[, base]]) - Joint entropy H(X, Y) of the empirical joint distribution.",
        """
        > SELECT _FUNC_(x, y, 1, 2) FROM VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 1) AS t(x, y);
         1.5
        """);
    information(InformationAggregate.Measure.CONDITIONAL_ENTROPY,
        "_FUNC_(x, y[, w[, base]]) - Conditional entropy H(X | Y) = H(X, Y) - H(Y).",
        """
        > SELECT _FUNC_(x, y, 1, 2) FROM VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 1) AS t(x, y);
         0.6887218755408672
        """);
    information(InformationAggregate.Measure.NORMALIZED_MUTUAL_INFO,
        "_FUNC_(x, y[, w][, method]) - Normalised mutual information MI / mean(H(X), H(Y)), "
            + "scikit-learn's normalized_mutual_info_score including its special cases (1.0 when "
            + "both columns have a single value, 0.0 when MI is 0).",
        """
        > SELECT _FUNC_(x, y) FROM VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 1) AS t(x, y);
         0.34371101848545077
        > SELECT _FUNC_(x, y, 'max') FROM VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 1) AS t(x, y);
         0.31127812445913283
        """);
    information(InformationAggregate.Measure.ADJUSTED_MUTUAL_INFO,
        "_FUNC_(x, y[, w][, method]) - Adjusted mutual information (MI - E[MI]) / (mean(H(X), "
            + "H(Y)) - E[MI]) under the hypergeometric model, scikit-learn's "
            + "adjusted_mutual_info_score. Needs integral weights (NULL otherwise).",
        """
        > SELECT _FUNC_(x, y) FROM VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 2), ('c', 3), ('c', 3) AS t(x, y);
         1.0
        """);
    information(InformationAggregate.Measure.VARIATION_OF_INFORMATION,
        "_FUNC_(x, y[, w[, base]]) - Variation of information H(X) + H(Y) - 2 I(X;Y), a metric "
            + "between labelings.",
        """
        > SELECT _FUNC_(x, y, 1, 2) FROM VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 1) AS t(x, y);
         1.1887218755408673
        """);
    information(InformationAggregate.Measure.G_TEST,
        "_FUNC_(x, y[, w]) - G-test of independence: struct<g, dof, p_value> with G = 2 N I(X;Y) "
            + "(nats), dof = (levels(x) - 1)(levels(y) - 1) and the chi-squared p-value; "
            + "scipy.stats.chi2_contingency(table, lambda_='log-likelihood', correction=False).",
        """
        > SELECT _FUNC_(x, y).dof FROM VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 1) AS t(x, y);
         1
        """);
    information(InformationAggregate.Measure.SUMMARY,
        "_FUNC_(x, y[, w[, base]]) - Everything about a pair in one pass: struct<n, levels_a, "
            + "levels_b, cells, h_a, h_b, h_ab, mi, nmi, ami, g, dof, p_value> (entropies and MI in "
            + "the given base; nmi and ami with the arithmetic mean).",
        """
        > SELECT _FUNC_(x, y).cells FROM VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 1) AS t(x, y);
         3
        """);
    String klUsage = "_FUNC_(p, q[, eps[, base]]) - KL(P || Q) over long-format rows, one row per "
        + "category with its two masses: P and Q are p and q normalised by their sums and smoothed as "
        + "(x_i + eps) / (1 + K * eps) over the K rows. Rows with a NULL mass are skipped.";
    add(new FunctionSpec("kl_div_agg", new KlDivAggregate(klUsage), klUsage, """
        * p, q - numeric masses (counts or probabilities) of one category under each distribution.
        * eps - additive smoothing >= 0 (default 0). A constant; NULL gives NULL.
        * base - logarithm base (numeric, > 0, not 1). Default e. A constant; NULL gives NULL.
        """,
        """
        > SELECT _FUNC_(p, q) FROM VALUES (1, 9), (1, 1) AS t(p, q);
         0.5108256237659907
        > SELECT _FUNC_(p, q, 0.01, 2) FROM VALUES (5, 5), (0, 10) AS t(p, q);
         1.4818004477333233
        """, true));
  }

  private static final String READER_BASE_ARG = """
      * base - logarithm base (numeric, > 0, not 1; default e = nats); NULL gives NULL.
      """;
  private static final String READER_METHOD_ARG = """
      * method - how H(X) and H(Y) are averaged in the denominator, as scikit-learn's
          average_method: 'arithmetic' (default), 'geometric', 'min' or 'max'; NULL gives NULL.
      """;
  private static final String STATE_ARG = """
      * state - BINARY, a saved state as _KIND__agg returns it (or its merges). Bytes that are not
          such a state, are corrupt, or are a state of the other kind raise
          SPARK_DIVERGENCE_INVALID_STATE whatever the ANSI setting.
      """;

  /** The readers' examples: the aggregates' example values of the same rows, rounded to 6 places. */
  private static final Map<String, String> READER_EXAMPLE_VALUES = Map.of(
      "mutual_info", "0.215762", "joint_entropy", "1.039721", "conditional_entropy", "0.477386",
      "normalized_mutual_info", "0.343711", "adjusted_mutual_info", "0.0",
      "variation_of_information", "0.823959");

  private static final String CONTINGENCY_AGG_USAGE = "_FUNC_(x, y[, w]) - The exact joint counts of x and y as a "
      + "BINARY state (docs/states.md): merge states with contingency_merge_agg or contingency_merge, read any "
      + "measure of the two-column aggregates from one with contingency_mutual_info, contingency_g_test, ... An "
      + "empty group gives an empty state.";
  private static final String DISTRIBUTION_AGG_USAGE = "_FUNC_(x[, w][, splits]) - The exact counts of x, per "
      + "value or per bucket of the splits, as a BINARY state (docs/states.md): merge states with "
      + "distribution_merge_agg or distribution_merge, read distribution_entropy or compare two with "
      + "distribution_drift. An empty group gives an empty state.";
  private static final String DRIFT_USAGE = "_FUNC_(ref_state, cur_state[, eps[, base]]) - Drift between two "
      + "distribution states: struct<n_ref, n_cur, categories, kl_ref_cur, kl_cur_ref, js_divergence, js_distance, "
      + "psi, kl_ref_cur_raw, kl_cur_ref_raw, js_divergence_raw, js_distance_raw, psi_raw, hellinger_distance, "
      + "total_variation, linf_distance> over the categories (buckets) with a positive count on either side, the "
      + "binned measures of the drift job (docs/drift.md). NULL when either state is empty.";
  /** The saved states (docs/states.md): the *_agg aggregates, their merges and the readers. */
  static {
    add(new FunctionSpec("contingency_agg", new InformationAggregate(InformationAggregate.Measure.CONTINGENCY_AGG,
        CONTINGENCY_AGG_USAGE), CONTINGENCY_AGG_USAGE, CATEGORY_ARGS,
        """
        > SELECT contingency_mutual_info(_FUNC_(x, y)) FROM VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 1) AS t(x, y);
         0.21576155433883565
        """, true));
    add(new FunctionSpec("distribution_agg", new InformationAggregate(InformationAggregate.Measure.DISTRIBUTION_AGG,
        DISTRIBUTION_AGG_USAGE), DISTRIBUTION_AGG_USAGE, CATEGORY_ARGS.replace("* x, y -", "* x -") + """
      * splits - optional array of numbers s_0 < s_1 < ... < s_n (a constant): x (numeric) is then
          counted per bucket, s_i <= x < s_(i+1), the last bucket also holding s_n, NaN in a
          bucket of its own after the last (Spark's Bucketizer with handleInvalid = 'keep'). A
          value outside [s_0, s_n] is invalid input: use -Infinity and +Infinity as the outer splits.
      """,
        """
        > SELECT distribution_entropy(_FUNC_(x), 2) FROM VALUES ('a'), ('a'), ('b'), (NULL) AS t(x);
         1.5
        > SELECT distribution_entropy(_FUNC_(x, array(0, 1, 2)), 2) FROM VALUES (0.5), (1.5), (1.5), (2.0) AS t(x);
         0.8112781244591328
        """, true));
    for (MergeableState.Kind kind : MergeableState.Kind.values()) {
      String k = kind.sqlPrefix();
      String mergeAgg = "_FUNC_(state) - The merge of a group's " + k + " states: the state of all the rows they "
          + "counted (counts add exactly, in any order). NULL states are skipped; no state gives NULL.";
      String args = STATE_ARG.replace("_KIND_", k);
      add(new FunctionSpec(k + "_merge_agg", new StateMergeAggregate(kind, mergeAgg), mergeAgg, args,
          kind == MergeableState.Kind.CONTINGENCY ? """
        > SELECT contingency_mutual_info(_FUNC_(s)) FROM (SELECT day, contingency_agg(x, y) AS s FROM VALUES ('a', 1, 1), ('a', 1, 1), ('b', 2, 2), ('b', 1, 2) AS t(x, y, day) GROUP BY day);
         0.21576155433883565
        """ : """
        > SELECT distribution_entropy(_FUNC_(s), 2) FROM (SELECT day, distribution_agg(x) AS s FROM VALUES ('a', 1), ('a', 1), ('b', 2), (NULL, 2) AS t(x, day) GROUP BY day);
         1.5
        """, true));
      String merge = "_FUNC_(a, b) - The merge of two " + k + " states: the state of both one's rows and the other's.";
      add(new FunctionSpec(k + "_merge", new StateMergeFunction(kind, merge), merge,
          STATE_ARG.replace("* state -", "* a, b -").replace("_KIND_", k),
          kind == MergeableState.Kind.CONTINGENCY ? """
        > SELECT contingency_mutual_info(_FUNC_(contingency_agg(x, y) FILTER (WHERE day = 1), contingency_agg(x, y) FILTER (WHERE day = 2))) FROM VALUES ('a', 1, 1), ('a', 1, 1), ('b', 2, 2), ('b', 1, 2) AS t(x, y, day);
         0.21576155433883565
        """ : """
        > SELECT distribution_entropy(_FUNC_(distribution_agg(x) FILTER (WHERE day = 1), distribution_agg(x) FILTER (WHERE day = 2)), 2) FROM VALUES ('a', 1), ('a', 1), ('b', 2), (NULL, 2) AS t(x, day);
         1.5
        """, false));
    }
    reader(InformationAggregate.Measure.ENTROPY, "_FUNC_(state[, base]) - Shannon entropy H(X) of a distribution "
        + "state: entropy(x) of the rows it counted (per bucket when it was made with splits).",
        """
        > SELECT _FUNC_(distribution_agg(x), 2) FROM VALUES ('a'), ('a'), ('b'), (NULL) AS t(x);
         1.5
        """);
    for (InformationAggregate.Measure m : InformationAggregate.Measure.values()) {
      if (m.columns != 2 || m.savesState()) continue;
      String option = m.option == InformationAggregate.Option.METHOD ? "[, method]" : m.option == InformationAggregate.Option.BASE ? "[, base]" : "";
      reader(m, "_FUNC_(state" + option + ") - " + m.sqlName + "(x, y) of the rows a contingency state counted, "
          + "read from the state (the same numbers as the aggregate).",
          m == InformationAggregate.Measure.G_TEST || m == InformationAggregate.Measure.SUMMARY ? """
        > SELECT _FUNC_(contingency_agg(x, y)).dof FROM VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 1) AS t(x, y);
         1
        """.replace(".dof", m == InformationAggregate.Measure.SUMMARY ? ".cells" : ".dof").replace(" 1\n", m == InformationAggregate.Measure.SUMMARY ? " 3\n" : " 1\n")
          : """
        > SELECT round(_FUNC_(contingency_agg(x, y)), 6) FROM VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 1) AS t(x, y);
         _VALUE_
        """.replace("_VALUE_", READER_EXAMPLE_VALUES.get(m.sqlName)));
    }
    add(new FunctionSpec("distribution_drift", new DistributionDriftFunction(DRIFT_USAGE), DRIFT_USAGE, """
        * ref_state, cur_state - BINARY distribution states (distribution_agg) of the reference and
            the current data: the same value type, and the same splits when bucketed. Bytes that
            are not such states raise SPARK_DIVERGENCE_INVALID_STATE whatever the ANSI setting.
        * eps - additive smoothing >= 0 of the smoothed measures (default 1e-4, as drift's --eps).
        * base - logarithm base of the KL and JS measures (numeric, > 0, not 1; default e).
        """,
        """
        > SELECT _FUNC_(distribution_agg(x) FILTER (WHERE side = 'ref'), distribution_agg(x) FILTER (WHERE side = 'cur')).total_variation FROM VALUES ('ref', 'a'), ('ref', 'b'), ('cur', 'a'), ('cur', 'a') AS t(side, x);
         0.5
        """, false));
  }

  private static void reader(InformationAggregate.Measure m, String usage, String examples) {
    String args = STATE_ARG.replace("_KIND_", m.columns == 1 ? "distribution" : "contingency")
        + (m.option == InformationAggregate.Option.METHOD ? READER_METHOD_ARG
            : m.option == InformationAggregate.Option.BASE ? READER_BASE_ARG : "");
    String name = StateMeasureFunction.nameOf(m);
    add(new FunctionSpec(name, new StateMeasureFunction(m, usage), usage, args, examples, false));
  }

  private static void information(InformationAggregate.Measure m, String usage, String examples) {
    String args = CATEGORY_ARGS.replace("* x, y -", m.columns == 1 ? "* x -" : "* x, y -")
        + (m.option == InformationAggregate.Option.METHOD ? METHOD_ARG
            : m.option == InformationAggregate.Option.BASE ? BASE_ARG : "");
    add(new FunctionSpec(m.sqlName, new InformationAggregate(m, usage), usage, args, examples, true));
  }

  private static void distribution(DistributionMeasure m) {
    String args = (m.pair() ? DIST_ARGS : DIST_ARGS.replace("p, q -", "p -")
        .replace("Both must use the same representation.", ""))
        + (m.takesBase() ? BASE_OPTION : "") + OPTIONS_ARGS;
    add(new FunctionSpec(m.sqlName(), new DistributionFunction(m), m.usage(), args, m.examples(), false));
  }

  static void add(FunctionSpec spec) {
    if (FUNCTIONS.put(spec.name(), spec) != null) throw new IllegalStateException("duplicate " + spec.name());
  }

  /** All functions in registration order. */
  public static Collection<FunctionSpec> all() { return Collections.unmodifiableCollection(FUNCTIONS.values()); }

  /** The function of that name (case-insensitive), or null. */
  public static FunctionSpec lookup(String name) { return FUNCTIONS.get(name.toLowerCase(Locale.ROOT)); }
}
