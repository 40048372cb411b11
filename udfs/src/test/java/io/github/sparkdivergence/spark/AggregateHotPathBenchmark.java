package io.github.sparkdivergence.spark;

import io.github.sparkdivergence.spark.functions.InformationAggregate;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Single-thread timing of the per-row path of {@code mutual_info} without Spark around it: {@code
 * Bound.update} over pre-built {@code UnsafeRow}s of two string columns (as the aggregate receives
 * them from a cached scan). Not a unit test; a quick, low-noise check of CategoryReader /
 * CategoryDictionary / JointCounts changes on a shared machine:
 *
 * <pre>
 * java -cp udfs/target/test-classes:udfs/target/classes:$(cat udfs/target/aggregate-bench.classpath) \
 *   io.github.sparkdivergence.spark.AggregateHotPathBenchmark [rows] [repeats]
 * </pre>
 *
 * (with the --add-opens flags of the parent pom; {@code -Dparts=1} also times the two dictionary
 * lookups and the joint-count update on their own).
 */
public final class AggregateHotPathBenchmark {
  private AggregateHotPathBenchmark() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    StructType schema = new StructType().add("x", DataTypes.StringType).add("y", DataTypes.StringType);
    InformationAggregate.Bound mi = (InformationAggregate.Bound)
        new InformationAggregate(InformationAggregate.Measure.MUTUAL_INFO, "_FUNC_(x, y)").bind(schema);
    SplittableRandom random = new SplittableRandom(42);
    Rows low = rows(n, random, 50, "cat_", 0.3);
    Rows high = rows(n, random, 5000, "item_", 0.05);
    for (String which : new String[] {"low 50x50", "high 5000x5000"}) {
      Rows rows = which.startsWith("low") ? low : high;
      double[] ns = new double[repeats];
      double result = 0;
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        java.io.Serializable state = mi.newAggregationState();
        UnsafeRow row = rows.row;
        for (int i = 0; i < rows.n; i++) {
          row.pointTo(rows.bytes, rows.offsets[i], rows.sizes[i]); // one reused row, as a scan hands them over
          state = mi.update(state, row);
        }
        ns[r] = (System.nanoTime() - t0) / (double) n;
        result = (Double) mi.produceResult(state);
      }
      if (System.getProperty("parts") != null) {
        double[] dictNs = new double[repeats];
        double[] jointNs = new double[repeats];
        long sink = 0;
        for (int r = 0; r < repeats; r++) {
          io.github.sparkdivergence.counts.CategoryDictionary dx = new io.github.sparkdivergence.counts.CategoryDictionary();
          io.github.sparkdivergence.counts.CategoryDictionary dy = new io.github.sparkdivergence.counts.CategoryDictionary();
          int[] ix = new int[rows.n];
          int[] iy = new int[rows.n];
          long t0 = System.nanoTime();
          for (int i = 0; i < rows.n; i++) {
            long x = org.apache.spark.unsafe.Platform.getLong(rows.bytes, rows.offsets[i] + 8);
            long y = org.apache.spark.unsafe.Platform.getLong(rows.bytes, rows.offsets[i] + 16);
            int base = (int) (rows.offsets[i] - org.apache.spark.unsafe.Platform.BYTE_ARRAY_OFFSET);
            ix[i] = dx.idOfBytes(rows.bytes, base + (int) (x >> 32), (int) x);
            iy[i] = dy.idOfBytes(rows.bytes, base + (int) (y >> 32), (int) y);
          }
          dictNs[r] = (System.nanoTime() - t0) / (double) n;
          io.github.sparkdivergence.counts.JointCounts j = new io.github.sparkdivergence.counts.JointCounts();
          t0 = System.nanoTime();
          for (int i = 0; i < rows.n; i++) j.add(ix[i], iy[i], 1.0);
          jointNs[r] = (System.nanoTime() - t0) / (double) n;
          sink += j.size();
        }
        Arrays.sort(dictNs);
        Arrays.sort(jointNs);
        System.out.printf(Locale.ROOT, "%-16s two dictionary lookups %.1f ns/row, joint add %.1f ns/row (%d)%n", which,
            dictNs[repeats / 2], jointNs[repeats / 2], sink);
      }
      Arrays.sort(ns);
      System.out.printf(Locale.ROOT, "%-16s median %.1f ns/row (min %.1f, max %.1f) over %d x %,d rows; MI %.12f%n",
          which, ns[repeats / 2], ns[0], ns[repeats - 1], repeats, n, result);
    }
  }

  /** Rows packed one after another in one array. */
  private record Rows(int n, byte[] bytes, long[] offsets, int[] sizes, UnsafeRow row) {}

  /** x uniform over {@code levels}; y a function of x except a {@code noise} share of uniform values. */
  private static Rows rows(int n, SplittableRandom random, int levels, String prefix, double noise) {
    UnsafeProjection project = UnsafeProjection.create(
        new StructType().add("x", DataTypes.StringType).add("y", DataTypes.StringType));
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    long[] offsets = new long[n];
    int[] sizes = new int[n];
    for (int i = 0; i < n; i++) {
      int x = random.nextInt(levels);
      int y = random.nextDouble() < noise ? random.nextInt(levels) : (x * 7 + random.nextInt(2)) % levels;
      UnsafeRow row = project.apply(new GenericInternalRow(new Object[] {
          UTF8String.fromString(prefix + x), UTF8String.fromString(prefix + y)}));
      offsets[i] = org.apache.spark.unsafe.Platform.BYTE_ARRAY_OFFSET + all.size();
      sizes[i] = row.getSizeInBytes();
      all.writeBytes(row.getBytes());
    }
    return new Rows(n, all.toByteArray(), offsets, sizes, new UnsafeRow(2));
  }
}
