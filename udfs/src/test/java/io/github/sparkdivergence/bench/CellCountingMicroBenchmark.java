package io.github.sparkdivergence.bench;

import io.github.sparkdivergence.counts.JointCounts;
import java.util.Locale;
import java.util.Random;

/**
 * Cost of one cell update, hash table ({@link JointCounts}) vs a dense {@code int} matrix, for the
 * table shapes of the aggregate benchmark: why {@code PairwiseCounts} counts small pairs densely.
 * Batches of 4,096 uniformly random cells, as {@code PairwiseCounts.addRows} sees them. Not a test:
 *
 * <pre>
 * java -cp udfs/target/test-classes:udfs/target/classes io.github.sparkdivergence.bench.CellCountingMicroBenchmark
 * </pre>
 */
public final class CellCountingMicroBenchmark {
  private CellCountingMicroBenchmark() {}

  public static void main(String[] args) {
    int batch = 4096;
    int batches = 600;
    System.out.println("| levels | cells filled | hash ns/update | dense ns/update |");
    System.out.println("|---|---|---|---|");
    for (int[] dims : new int[][] {{50, 50}, {50, 200}, {200, 100}, {5000, 2}, {5000, 200}, {5000, 5000}}) {
      Random random = new Random(1);
      int[][] xs = new int[batches][batch];
      int[][] ys = new int[batches][batch];
      for (int b = 0; b < batches; b++) {
        for (int i = 0; i < batch; i++) {
          xs[b][i] = random.nextInt(dims[0]);
          ys[b][i] = random.nextInt(dims[1]);
        }
      }
      boolean denseFits = (long) dims[0] * dims[1] <= 1 << 22;
      double hashNs = 0;
      double denseNs = Double.NaN;
      int cells = 0;
      for (int rep = 0; rep < 3; rep++) { // the last of three repeats, after JIT warm-up
        JointCounts hash = new JointCounts();
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) {
          int[] x = xs[b];
          int[] y = ys[b];
          for (int i = 0; i < batch; i++) hash.add(x[i], y[i], 1.0);
        }
        long t1 = System.nanoTime();
        hashNs = (t1 - t0) / (double) (batch * batches);
        cells = hash.size();
        if (denseFits) {
          int[] dense = new int[dims[0] * dims[1]];
          int stride = dims[1];
          long t2 = System.nanoTime();
          for (int b = 0; b < batches; b++) {
            int[] x = xs[b];
            int[] y = ys[b];
            for (int i = 0; i < batch; i++) dense[x[i] * stride + y[i]]++;
          }
          denseNs = (System.nanoTime() - t2) / (double) (batch * batches);
          if (dense[xs[0][0] * stride + ys[0][0]] == 0) throw new AssertionError("dense counts lost");
        }
      }
      System.out.printf(Locale.ROOT, "| %d x %d | %,d | %.1f | %s |%n", dims[0], dims[1], cells, hashNs,
          denseFits ? String.format(Locale.ROOT, "%.1f", denseNs) : "(too large)");
    }
  }
}
