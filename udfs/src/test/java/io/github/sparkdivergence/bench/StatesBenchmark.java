package io.github.sparkdivergence.bench;

import io.github.sparkdivergence.spark.DivergenceCatalog;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Saved states against recomputing from rows: per pair, the time of {@code mutual_info(a, b)} over
 * all the cached rows, against {@code contingency_mutual_info(contingency_merge_agg(s))} over 30
 * daily states of the same rows (made once, like a daily profile, and kept as a small cached
 * table), and the sizes of the states. Not a unit test: {@code flock /tmp/mvn.lock bench/states.sh
 * [--rows N] [--rounds R] [--flights PATH|none]} prints Markdown tables (docs/benchmarks.md,
 * section "States").
 *
 * <p>Data: the generated columns of the aggregates benchmark ({@link BenchData#generated}; a50 x b50
 * and a5k x b5k) and flights_3m.csv.gz (origin x destination); day = id mod 30 (flights: its row
 * number mod 30), so every day is a thirtieth of the rows.
 */
public final class StatesBenchmark {
  private static final int DAYS = 30;

  public static void main(String[] args) throws Exception {
    long rows = 10_000_000L;
    int rounds = 3;
    String flightsPath = "/work/shared/data/flights_3m.csv.gz";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--flights" -> flightsPath = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SparkSession spark = SparkSession.builder().master("local[2]").appName("states-bench")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.catalog.divergence", DivergenceCatalog.class.getName())
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");

    List<String[]> pairs = new ArrayList<>(); // view, a, b, label
    long t = System.nanoTime();
    Dataset<Row> gen = BenchData.generated(spark, rows, 8, 42).selectExpr("pmod(id, " + DAYS + ") AS day", "a50", "b50", "a5k", "b5k")
        .persist(StorageLevel.MEMORY_ONLY());
    long n = gen.count();
    gen.createOrReplaceTempView("gen");
    System.out.printf(Locale.ROOT, "generated: %,d rows cached in %.1f s%n", n, (System.nanoTime() - t) / 1e9);
    pairs.add(new String[] {"gen", "a50", "b50", "generated 50x50"});
    pairs.add(new String[] {"gen", "a5k", "b5k", "generated 5000x5000"});
    if (!flightsPath.equals("none") && Files.isRegularFile(Paths.get(flightsPath))) {
      t = System.nanoTime();
      Dataset<Row> flights = BenchData.flights(spark, flightsPath).repartition(8)
          .selectExpr("pmod(monotonically_increasing_id(), " + DAYS + ") AS day", "origin", "destination")
          .persist(StorageLevel.MEMORY_ONLY());
      long fn = flights.count();
      flights.createOrReplaceTempView("flights");
      System.out.printf(Locale.ROOT, "flights: %,d rows cached in %.1f s%n", fn, (System.nanoTime() - t) / 1e9);
      pairs.add(new String[] {"flights", "origin", "destination", "flights origin x destination"});
    }

    List<String> table = new ArrayList<>();
    List<String> sizes = new ArrayList<>();
    for (String[] p : pairs) {
      String view = p[0];
      String pair = p[1] + ", " + p[2];
      // the daily states, made once (a profiling job's work) and kept as a 30-row table
      long d0 = System.nanoTime();
      Dataset<Row> daily = spark.sql("SELECT day, contingency_agg(" + pair + ") AS s FROM " + view + " GROUP BY day")
          .persist(StorageLevel.MEMORY_ONLY());
      daily.count();
      double dailySeconds = (System.nanoTime() - d0) / 1e9;
      daily.createOrReplaceTempView("daily");
      double[] recompute = new double[rounds];
      double[] merge = new double[rounds];
      double miRows = 0;
      double miStates = 0;
      for (int r = 0; r < rounds; r++) {
        System.gc();
        long a = System.nanoTime();
        miRows = spark.sql("SELECT mutual_info(" + pair + ") FROM " + view).first().getDouble(0);
        long b = System.nanoTime();
        System.gc();
        long c = System.nanoTime();
        miStates = spark.sql("SELECT contingency_mutual_info(contingency_merge_agg(s)) FROM daily").first().getDouble(0);
        long d = System.nanoTime();
        recompute[r] = (b - a) / 1e9;
        merge[r] = (d - c) / 1e9;
        System.out.printf(Locale.ROOT, "%s round %d: from rows %.2f s, from %d states %.2f s%n", p[3], r + 1, recompute[r], DAYS,
            merge[r]);
      }
      if (Math.abs(miRows - miStates) > 1e-15 * Math.abs(miRows)) {
        throw new IllegalStateException(p[3] + ": MI from states " + miStates + " differs from MI from rows " + miRows);
      }
      Row sz = spark.sql("SELECT min(octet_length(s)), percentile(octet_length(s), 0.5), max(octet_length(s)), "
          + "octet_length(contingency_merge_agg(s)), contingency_mutual_info_summary(contingency_merge_agg(s)).cells FROM daily").first();
      table.add(String.format(Locale.ROOT, "| %s | %,d | %.2f | %.2f | %.1fx | %.1f |", p[3],
          spark.table(view).count(), median(recompute), median(merge), median(recompute) / median(merge), dailySeconds));
      sizes.add(String.format(Locale.ROOT, "| %s | %,d | %,d / %,.0f / %,d | %,d | %.1f |", p[3], sz.getLong(4), sz.getInt(0),
          sz.getDouble(1), sz.getInt(2), sz.getInt(3), (double) sz.getInt(3) / sz.getLong(4)));
      daily.unpersist();
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "| pair | rows | MI from the rows (s) | MI from %d daily states (s) | speed-up | making the %d states (s, once) |%n",
        DAYS, DAYS);
    System.out.println("|---|---:|---:|---:|---:|---:|");
    table.forEach(System.out::println);
    System.out.println();
    System.out.println("| pair | cells of the merged state | daily state bytes (min / median / max) | merged state bytes | bytes per cell |");
    System.out.println("|---|---:|---:|---:|---:|");
    sizes.forEach(System.out::println);
    spark.stop();
  }

  private static double median(double[] xs) {
    double[] v = xs.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
