package io.github.sparkdivergence.bench;

import io.github.sparkdivergence.spark.MutualInformation;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * One high-cardinality pair, the case of issue 12: {@code rows} rows whose x and y take about
 * rows / 2 distinct values each (y a function of x 70% of the time). Runs {@code mutual_info(x, y)}
 * and {@code MutualInformation} on it and prints what happened (time, or the error). For the heap
 * limits of the aggregates, run it with a small heap:
 * {@code java -Xmx2g ... BigPairProbe --rows 10000000}. Not a unit test.
 */
public final class BigPairProbe {
  private static long xLevelsArg;

  public static void main(String[] args) {
    long rows = 10_000_000L;
    String only = "";
    long yLevels = 0; // 0: about rows / 2, like x
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--rows")) rows = Long.parseLong(args[++i]);
      else if (args[i].equals("--only")) only = args[++i];
      else if (args[i].equals("--x-levels")) xLevelsArg = Long.parseLong(args[++i]);
      else if (args[i].equals("--y-levels")) yLevels = Long.parseLong(args[++i]);
    }
    SparkSession spark = SparkSession.builder().master("local[2]").appName("big-pair-probe")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "8").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    long xl = xLevelsArg > 0 ? xLevelsArg : rows / 2;
    long yl = yLevels > 0 ? yLevels : xl;
    // y is a function of x 70% of the time, else uniform
    Dataset<Row> data = spark.range(0, rows, 1, 8).selectExpr(
        "concat('x', pmod(xxhash64(id, 1), " + xl + ")) AS x",
        "concat('y', IF(pmod(xxhash64(id, 2), 10) < 7, pmod(pmod(xxhash64(id, 1), " + xl + "), " + yl + "), pmod(xxhash64(id, 3), "
            + yl + "))) AS y")
        .persist(StorageLevel.MEMORY_AND_DISK());
    long t = System.nanoTime();
    data.count();
    System.out.printf(Locale.ROOT, "data: %,d rows cached in %.1f s, heap %d MiB%n", rows, (System.nanoTime() - t) / 1e9,
        Runtime.getRuntime().maxMemory() >> 20);
    data.createOrReplaceTempView("big");
    t = System.nanoTime();
    data.write().format("noop").mode("overwrite").save();
    System.out.printf(Locale.ROOT, "scan of x and y (noop writer): %.1f s%n", (System.nanoTime() - t) / 1e9);
    if (only.isEmpty() || only.equals("sql")) {
      t = System.nanoTime();
      try {
        double mi = spark.sql("SELECT mutual_info(x, y) FROM big").first().getDouble(0);
        System.out.printf(Locale.ROOT, "mutual_info: %.12g in %.1f s%n", mi, (System.nanoTime() - t) / 1e9);
      } catch (Throwable e) {
        System.out.printf(Locale.ROOT, "mutual_info: failed after %.1f s: %s%n", (System.nanoTime() - t) / 1e9, root(e));
      }
    }
    if (only.isEmpty() || only.equals("api")) {
      t = System.nanoTime();
      try {
        Row r = MutualInformation.of(data).columns("x", "y").compute().first();
        System.out.printf(Locale.ROOT, "MutualInformation: mi %.12g, ami %s, levels %d x %d in %.1f s%n", r.getDouble(6), r.get(8),
            r.getLong(12), r.getLong(13), (System.nanoTime() - t) / 1e9);
      } catch (Throwable e) {
        System.out.printf(Locale.ROOT, "MutualInformation: failed after %.1f s: %s%n", (System.nanoTime() - t) / 1e9, root(e));
      }
    }
    if (only.isEmpty() || only.equals("plain")) {
      // the plan a Spark user writes: cells, both margins, joins, one sum (MI only)
      t = System.nanoTime();
      try {
        double mi = spark.sql("WITH cells AS (SELECT x, y, COUNT(*) AS c FROM big GROUP BY x, y), "
            + "ax AS (SELECT x, SUM(c) AS a FROM cells GROUP BY x), by AS (SELECT y, SUM(c) AS b FROM cells GROUP BY y) "
            + "SELECT SUM(c * LN(c * " + rows + "D / (CAST(a AS DOUBLE) * b))) / " + rows + "D FROM cells JOIN ax USING (x) "
            + "JOIN by USING (y)").first().getDouble(0);
        System.out.printf(Locale.ROOT, "plain distributed plan: mi %.12g in %.1f s%n", mi, (System.nanoTime() - t) / 1e9);
      } catch (Throwable e) {
        System.out.printf(Locale.ROOT, "plain distributed plan: failed after %.1f s: %s%n", (System.nanoTime() - t) / 1e9, root(e));
      }
    }
    spark.stop();
  }

  private static String root(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null) c = c.getCause();
    String m = c.getClass().getSimpleName() + ": " + c.getMessage();
    return m.length() > 400 ? m.substring(0, 400) + "..." : m;
  }
}
