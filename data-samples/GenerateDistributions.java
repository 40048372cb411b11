import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Generates data-samples/distributions.jsonl, the sample input of the `score` job:
 *
 *   java data-samples/GenerateDistributions.java > data-samples/distributions.jsonl
 *
 * 400 rows (seed 42, deterministic): id, segment (a, b, c, d), p and q as array<double> of 6
 * probabilities, logp / logq (their natural logs) and p_map / q_map (the same distributions as
 * map<string,double> keyed by token; p_map leaves out zero-probability tokens). p is drawn from a
 * flat Dirichlet; q = p tilted by exp(sigma * N(0,1)) per entry and renormalised, with sigma growing
 * by segment (a 0.1, b 0.3, c 0.6, d 1.0), so the per-segment summary shows divergence growing.
 * ln 0 is written as -Infinity (Spark's JSON reader accepts it: allowNonNumericNumbers).
 * Every 100th row has a 5-entry q (length mismatch): score gives NULL there (or fails with --strict).
 * Read the maps with a schema, e.g. --input-schema "id INT, segment STRING, p ARRAY<DOUBLE>,
 * q ARRAY<DOUBLE>, logp ARRAY<DOUBLE>, logq ARRAY<DOUBLE>, p_map MAP<STRING,DOUBLE>, q_map MAP<STRING,DOUBLE>".
 */
public class GenerateDistributions {
  static final String[] TOKENS = {"the", "a", "cat", "dog", "sat", "on"};
  static final String[] SEGMENTS = {"a", "b", "c", "d"};
  static final double[] SIGMA = {0.1, 0.3, 0.6, 1.0};

  public static void main(String[] args) {
    SplittableRandom rnd = new SplittableRandom(42);
    int rows = 400;
    int k = TOKENS.length;
    StringBuilder out = new StringBuilder();
    for (int id = 0; id < rows; id++) {
      int s = id % SEGMENTS.length;
      double[] p = new double[k];
      double sum = 0;
      for (int i = 0; i < k; i++) {
        // every 7th row has one zero-probability token in p
        p[i] = (id % 7 == 0 && i == id % k) ? 0.0 : -Math.log(1 - rnd.nextDouble());
        sum += p[i];
      }
      for (int i = 0; i < k; i++) p[i] /= sum;
      double[] q = new double[k];
      double qs = 0;
      for (int i = 0; i < k; i++) {
        q[i] = (p[i] > 0 ? p[i] : 0.01) * Math.exp(SIGMA[s] * gaussian(rnd));
        qs += q[i];
      }
      for (int i = 0; i < k; i++) q[i] /= qs;
      int qLen = id % 100 == 99 ? k - 1 : k;
      out.append("{\"id\":").append(id).append(",\"segment\":\"").append(SEGMENTS[s]).append('"');
      out.append(",\"p\":").append(array(p, k, false)).append(",\"q\":").append(array(q, qLen, false));
      out.append(",\"logp\":").append(array(p, k, true)).append(",\"logq\":").append(array(q, qLen, true));
      out.append(",\"p_map\":").append(map(p, true)).append(",\"q_map\":").append(map(q, false)).append("}\n");
    }
    System.out.print(out);
  }

  static double gaussian(SplittableRandom rnd) {
    double u = 1 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  static String array(double[] x, int n, boolean log) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      if (i > 0) sb.append(',');
      double v = log ? Math.log(x[i]) : x[i];
      sb.append(Double.toString(v));
    }
    return sb.append(']').toString();
  }

  static String map(double[] x, boolean skipZeros) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (int i = 0; i < x.length; i++) {
      if (skipZeros && x[i] == 0) continue;
      if (!first) sb.append(',');
      first = false;
      sb.append('"').append(TOKENS[i]).append("\":").append(Double.toString(x[i]));
    }
    return sb.append('}').toString();
  }
}
