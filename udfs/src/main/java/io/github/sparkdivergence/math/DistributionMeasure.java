package io.github.sparkdivergence.math;

/**
 * Every measure on probability vectors, described once: its SQL name, its arguments, its
 * documentation, and (through {@link Divergence}) its per-term kernel and finishing step. The SQL
 * functions, the registry, the DataFrame API, the classic UDFs, the {@code score} job's
 * {@code --metrics} and the drift job's metrics all list measures by iterating this enum.
 *
 * <p>Adding a measure: a constant here and its kernel in {@link Divergence#term} and
 * {@link Divergence#finish} (plus golden values in the tests).
 */
public enum DistributionMeasure {
  KL_DIV("kl_div", true, true, false,
      "Kullback-Leibler divergence KL(p || q) = sum p_i * log(p_i / q_i), with "
          + "scipy.special.rel_entr conventions: a term is 0 where p_i = 0 and the result is +Infinity "
          + "where p_i > 0 = q_i.",
      """
          > SELECT _FUNC_(array(0.5, 0.5), array(0.9, 0.1));
           0.5108256237659907
          > SELECT _FUNC_(array(0.5, 0.5), array(0.9, 0.1), 2);
           0.7369655941662062
          > SELECT _FUNC_(array(1, 1), array(9, 1), 2, true);
           0.7369655941662062
          > SELECT _FUNC_(map('a', 1.0), map('a', 0.5, 'b', 0.5));
           0.6931471805599453
          """),
  CROSS_ENTROPY("cross_entropy", true, true, false,
      "Cross-entropy H(p, q) = -sum p_i * log(q_i) = H(p) + KL(p || q); +Infinity where p_i > 0 = q_i.",
      """
          > SELECT _FUNC_(array(0.5, 0.5), array(0.9, 0.1));
           1.203972804325936
          """),
  JS_DIV("js_div", true, true, true,
      "Jensen-Shannon divergence 0.5 * KL(p || m) + 0.5 * KL(q || m) with m = (p + q) / 2; always "
          + "finite, at most log(2).",
      """
          > SELECT _FUNC_(array(0.5, 0.5), array(0.9, 0.1));
           0.10174922507919676
          """),
  JS_DISTANCE("js_distance", true, true, true,
      "Jensen-Shannon distance, the square root of js_div (a metric); equals "
          + "scipy.spatial.distance.jensenshannon with normalize = true.",
      """
          > SELECT _FUNC_(array(0.5, 0.5), array(0.9, 0.1));
           0.31898154347735663
          > SELECT _FUNC_(array(1, 0), array(0, 1), 2);
           1.0
          """),
  JEFFREYS_DIV("jeffreys_div", true, true, true,
      "Jeffreys (symmetric) divergence KL(p || q) + KL(q || p).",
      """
          > SELECT _FUNC_(array(0.5, 0.5), array(0.9, 0.1));
           0.8788898309344878
          """),
  HELLINGER_DISTANCE("hellinger_distance", true, false, true,
      "Hellinger distance sqrt(0.5 * sum (sqrt(p_i) - sqrt(q_i))^2), a metric in [0, 1] (0 for equal "
          + "distributions, 1 for disjoint supports).",
      """
          > SELECT _FUNC_(array(0.5, 0.5), array(0.9, 0.1));
           0.32491969623290634
          > SELECT _FUNC_(array(1, 0), array(0, 1));
           1.0
          """),
  TOTAL_VARIATION("total_variation", true, false, true,
      "Total variation distance 0.5 * sum |p_i - q_i|, in [0, 1]: the largest difference in "
          + "probability the two give to any event.",
      """
          > SELECT _FUNC_(array(0.5, 0.5), array(0.9, 0.1));
           0.4
          > SELECT _FUNC_(array(2, 1, 1), array(1, 1, 2), true);
           0.25
          """),
  LINF_DISTANCE("linf_distance", true, false, true,
      "L-infinity distance max |p_i - q_i|, in [0, 1]: the largest change of one category's "
          + "probability (TFDV's drift measure for categorical features).",
      """
          > SELECT _FUNC_(array(0.5, 0.3, 0.2), array(0.2, 0.3, 0.5));
           0.3
          """),
  DIST_ENTROPY("dist_entropy", false, true, false,
      "Shannon entropy H(p) = -sum p_i * log(p_i) of a probability vector "
          + "(scipy.special.entr conventions).",
      """
          > SELECT _FUNC_(array(0.5, 0.25, 0.25), 2);
           1.5
          > SELECT _FUNC_(array(2, 1, 1), 2, true);
           1.5
          """);

  private final String sqlName;
  private final boolean pair;
  private final boolean takesBase;
  private final boolean symmetric;
  private final String description;
  private final String examples;

  DistributionMeasure(String sqlName, boolean pair, boolean takesBase, boolean symmetric,
      String description, String examples) {
    this.sqlName = sqlName;
    this.pair = pair;
    this.takesBase = takesBase;
    this.symmetric = symmetric;
    this.description = description;
    this.examples = examples;
  }

  /** The name in SQL, the DataFrame API, the jobs' metric lists and output columns. */
  public String sqlName() { return sqlName; }

  /** Two distributions (p, q); false for a measure of one (p). */
  public boolean pair() { return pair; }

  /** Whether the result depends on a logarithm base (the {@code base} argument exists). */
  public boolean takesBase() { return takesBase; }

  /** Whether swapping p and q leaves the result unchanged. */
  public boolean symmetric() { return symmetric; }

  /** The argument names in call order: the distributions, then base (if any), normalize, eps. */
  public String[] parameters() {
    java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of("p"));
    if (pair) names.add("q");
    if (takesBase) names.add("base");
    names.add("normalize");
    names.add("eps");
    return names.toArray(new String[0]);
  }

  /** {@code _FUNC_(p, q[, base[, normalize[, eps]]]) - what it computes.} */
  public String usage() {
    String[] params = parameters();
    int dists = pair ? 2 : 1;
    StringBuilder s = new StringBuilder("_FUNC_(").append(String.join(", ", java.util.Arrays.copyOf(params, dists)));
    for (int i = dists; i < params.length; i++) s.append('[').append(", ").append(params[i]);
    s.append("]".repeat(params.length - dists)).append(") - ").append(description);
    return s.toString();
  }

  /** SQL examples with their results ({@code _FUNC_} stands for the name); executed by the tests. */
  public String examples() { return examples; }

  /** The measure of that SQL name, or null. */
  public static DistributionMeasure bySqlName(String name) {
    for (DistributionMeasure m : values()) {
      if (m.sqlName.equalsIgnoreCase(name)) return m;
    }
    return null;
  }

  /** On dense vectors of length n; see {@link Divergence} for the conventions and errors. */
  public double dense(double[] p, double[] q, int n, double base, boolean normalize, double eps) {
    return pair ? Divergence.pairwise(this, p, q, n, base, normalize, eps)
        : Divergence.entropy(p, n, base, normalize, eps);
  }

  /** On MLlib-layout sparse vectors of one size (q ignored for a measure of one distribution). */
  public double sparse(int size, int[] pIdx, double[] pVal, int pNnz, int[] qIdx, double[] qVal, int qNnz,
      double base, boolean normalize, double eps) {
    return pair ? Divergence.pairwiseSparse(this, size, pIdx, pVal, pNnz, qIdx, qVal, qNnz, base, normalize, eps)
        : Divergence.entropySparse(size, pIdx, pVal, pNnz, base, normalize, eps);
  }
}
