package io.github.sparkdivergence.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.github.sparkdivergence.report.HtmlReport;
import io.github.sparkdivergence.spark.Drift;
import io.github.sparkdivergence.spark.drift.ColumnDrift;
import io.github.sparkdivergence.spark.drift.DriftResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Drift of 10 columns (5 numeric, 5 categorical) between two halves of a generated data set,
 * against a scan of the same 10 columns of both halves (Spark's {@code noop} writer, no
 * {@code count(*)} shortcut). Not a unit test: {@code flock /tmp/mvn.lock bench/drift.sh [--rows N]
 * [--rounds R]} prints Markdown tables (docs/benchmarks.md, section "Drift").
 *
 * <p>Data (seeded, written once to Parquet under target/drift-bench, then read by every run): n
 * rows split into reference ({@code id % 2 = 0}) and current; the current half shifted a little in
 * some columns. Numeric: {@code normal} (continuous, all values distinct), {@code lognormal}
 * (continuous), {@code age} (integers 0..99), {@code price} (cents, a few 10^5 distinct), {@code
 * small} (10 values); categorical: 5, 20, 100, 1,000 and 10,000 levels.
 */
public final class DriftBenchmark {
  public static void main(String[] args) throws Exception {
    long rows = 20_000_000L;
    int rounds = 3;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--rows")) rows = Long.parseLong(args[++i]);
      else if (args[i].equals("--rounds")) rounds = Integer.parseInt(args[++i]);
    }
    SparkSession spark = SparkSession.builder().master("local[2]").appName("drift-bench")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "16").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Path dir = Paths.get("udfs/target/drift-bench/rows-" + rows);
    if (!Files.exists(dir.resolve("_SUCCESS"))) {
      long t = System.nanoTime();
      spark.range(0, rows, 1, 16).select(
          col("id"),
          expr("randn(1) + if(id % 2 = 1, 0.05, 0.0)").as("normal"),
          expr("exp(randn(2) * 0.5 + if(id % 2 = 1, 0.02, 0.0))").as("lognormal"),
          expr("cast(floor(rand(3) * 100) as int)").as("age"),
          expr("round(exp(randn(4) * 0.8 + 3), 2)").as("price"),
          expr("cast(floor(rand(5) * 10) as int) + if(id % 2 = 1 and rand(6) < 0.1, 1, 0)").as("small"),
          expr("concat('c5_', cast(floor(rand(7) * 5) as int))").as("cat5"),
          expr("concat('c20_', cast(floor(pow(rand(8), 2) * 20) as int))").as("cat20"),
          expr("concat('c100_', cast(floor(rand(9) * if(id % 2 = 1, 90, 100)) as int))").as("cat100"),
          expr("concat('c1k_', cast(floor(rand(10) * 1000) as int))").as("cat1k"),
          expr("concat('c10k_', cast(floor(rand(11) * 10000) as int))").as("cat10k"))
          .write().parquet(dir.toString());
      System.out.printf(Locale.ROOT, "generated %d rows in %.1f s%n", rows, (System.nanoTime() - t) / 1e9);
    }
    Dataset<Row> all = spark.read().parquet(dir.toString());
    Dataset<Row> ref = all.filter("id % 2 = 0").drop("id");
    Dataset<Row> cur = all.filter("id % 2 = 1").drop("id");
    List<Column> cols = new ArrayList<>();
    for (String c : ref.columns()) cols.add(col(c));

    List<double[]> times = new ArrayList<>();
    DriftResult last = null;
    for (int r = 0; r < rounds; r++) {
      System.gc();
      long t0 = System.nanoTime();
      ref.select(cols.toArray(new Column[0])).write().format("noop").mode("overwrite").save();
      cur.select(cols.toArray(new Column[0])).write().format("noop").mode("overwrite").save();
      long t1 = System.nanoTime();
      System.gc();
      long t2 = System.nanoTime();
      last = Drift.between(ref, cur).run();
      long t3 = System.nanoTime();
      times.add(new double[] {(t1 - t0) / 1e9, (t3 - t2) / 1e9});
      System.out.printf(Locale.ROOT, "round %d: scan %.1f s, drift %.1f s%n", r + 1, times.get(r)[0], times.get(r)[1]);
    }
    System.out.println();
    System.out.println("| rows | columns | scan of the 10 columns (s) | drift (s) | drift / scan |");
    System.out.println("|---:|---:|---:|---:|---:|");
    double scan = median(times, 0);
    double drift = median(times, 1);
    System.out.printf(Locale.ROOT, "| %,d | 10 (5 numeric, 5 categorical) | %.1f | %.1f | %.1fx |%n", rows, scan, drift,
        drift / scan);
    System.out.println();
    System.out.println("| column | kind | method | score | drifted |");
    System.out.println("|---|---|---|---:|---|");
    for (ColumnDrift c : last.columns()) {
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %.4g | %s |%n", c.column(), c.kind().label(), c.method().outputName(),
          c.score(), c.drifted());
    }
    System.out.println(last.verdictText());

    // the report: built from the counts only, so its size does not grow with the rows
    long r0 = System.nanoTime();
    String html = HtmlReport.render(last.report("drift benchmark"));
    double renderMs = (System.nanoTime() - r0) / 1e6;
    Path page = dir.getParent().resolve("drift-report.html");
    Files.writeString(page, html);
    String load = "not measured (no /usr/bin/chromium)";
    if (Files.isExecutable(Paths.get("/usr/bin/chromium"))) {
      Path profile = Files.createTempDirectory("drift-bench-chromium");
      long c0 = System.nanoTime();
      Process p = new ProcessBuilder("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=" + profile, "--dump-dom", page.toUri().toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      int exit = p.waitFor();
      load = String.format(Locale.ROOT, "%.2f s (headless Chromium start, load and DOM dump; exit %d)", (System.nanoTime() - c0) / 1e9, exit);
    }
    System.out.printf(Locale.ROOT, "%nreport: %,d bytes, rendered in %.1f ms; opened in %s%n", html.getBytes(
        java.nio.charset.StandardCharsets.UTF_8).length, renderMs, load);
    spark.stop();
  }

  private static double median(List<double[]> xs, int k) {
    double[] v = xs.stream().mapToDouble(x -> x[k]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
