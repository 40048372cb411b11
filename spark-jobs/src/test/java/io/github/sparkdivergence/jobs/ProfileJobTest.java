package io.github.sparkdivergence.jobs;

import static io.github.sparkdivergence.jobs.JobsTestSupport.run;
import static io.github.sparkdivergence.jobs.JobsTestSupport.sample;
import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.spark.MutualInformation;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profile job and the jobs that read profiles, on flights partitioned by month: monthly
 * profiles merge, drift against a profile writes what drift against its rows writes, and
 * mutual-info from profiles ranks as MutualInformation does over the rows with the same bins.
 */
class ProfileJobTest {
  static SparkSession spark;
  static final String FLIGHTS = sample("flights_2001_jan_jun.csv");
  @TempDir static Path tmp;
  static String months;

  @BeforeAll
  static void data() {
    spark = JobsTestSupport.spark();
    months = tmp.resolve("flights").toString();
    spark.read().option("header", "true").option("inferSchema", "true").csv(FLIGHTS)
        // January in three parts by day of month (1, 2, 3), June as part 6
        .selectExpr("IF(month(date) = 1, 1 + dayofmonth(date) % 3, 6) AS part", "delay", "distance", "origin", "destination")
        .write().partitionBy("part").parquet(months);
  }

  private static String month(int m) { return months + "/part=" + m; }

  @Test
  void driftAgainstAProfileWritesWhatDriftAgainstItsRowsWrites() {
    String profile = tmp.resolve("jan-profile").toString();
    JobsTestSupport.Run p = run("profile", "--input", month(1), "--output", profile);
    assertEquals(0, p.exit(), p.toString());
    assertTrue(p.out().contains("| column") && p.out().contains("delay") && p.out().contains("numeric"), p.out());

    String fromRows = tmp.resolve("drift-rows").toString();
    String fromProfile = tmp.resolve("drift-profile").toString();
    JobsTestSupport.Run a = run("drift", "--reference", month(1), "--current", month(6), "--output", fromRows);
    JobsTestSupport.Run b = run("drift", "--reference-profile", profile, "--current", month(6), "--output", fromProfile);
    assertEquals(a.exit(), b.exit(), b.toString());
    List<Row> x = spark.read().parquet(fromRows).orderBy("column").collectAsList();
    List<Row> y = spark.read().parquet(fromProfile).orderBy("column").collectAsList();
    assertEquals(4, x.size());
    assertEquals(x, y, "every column, verdict and measure is the same");

    String juneProfile = tmp.resolve("jun-profile").toString();
    assertEquals(0, run("profile", "--input", month(6), "--output", juneProfile).exit());
    String fromProfiles = tmp.resolve("drift-profiles").toString();
    JobsTestSupport.Run c = run("drift", "--reference-profile", profile, "--current-profile", juneProfile, "--output", fromProfiles);
    assertEquals(a.exit(), c.exit(), c.toString());
    assertEquals(x, spark.read().parquet(fromProfiles).orderBy("column").collectAsList(), "no rows read, the same table");
    JobsTestSupport.Run currentOnly = run("drift", "--reference", month(1), "--current-profile", juneProfile);
    assertEquals(JobException.USAGE, currentOnly.exit());

    JobsTestSupport.Run both = run("drift", "--reference", month(1), "--reference-profile", profile, "--current", month(6));
    assertEquals(JobException.USAGE, both.exit());
    assertTrue(both.err().contains("not both"), both.err());
    JobsTestSupport.Run notAProfile = run("drift", "--reference-profile", month(2), "--current", month(6));
    assertEquals(JobException.INPUT, notAProfile.exit());
    assertTrue(notAProfile.err().contains("is not a profile"), notAProfile.err());
  }

  @Test
  void monthlyProfilesMergeForDriftAndMutualInformation() {
    String first = tmp.resolve("profiles/m1").toString();
    assertEquals(0, run("profile", "--input", month(1), "--pairs", "--output", first).exit());
    for (int m = 2; m <= 3; m++) {
      JobsTestSupport.Run r = run("profile", "--input", month(m), "--pairs", "--splits-from", first,
          "--output", tmp.resolve("profiles/m" + m).toString());
      assertEquals(0, r.exit(), r.toString());
    }
    JobsTestSupport.Run noSplits = run("profile", "--input", month(2), "--output", tmp.resolve("own/m2").toString());
    assertEquals(0, noSplits.exit());
    JobsTestSupport.Run mismatch = run("drift", "--reference-profile", first, "--reference-profile",
        tmp.resolve("own/m2").toString(), "--current", month(6));
    assertEquals(JobException.INPUT, mismatch.exit(), mismatch.toString());
    assertTrue(mismatch.err().contains("splits") && mismatch.err().contains("--splits-from"), mismatch.err());

    String quarter = tmp.resolve("profiles/m[1-3]").toString();
    JobsTestSupport.Run drift = run("drift", "--reference-profile", quarter, "--current", month(6),
        "--output", tmp.resolve("q-drift").toString());
    assertTrue(drift.exit() == 0 || drift.exit() == JobException.DRIFT, drift.toString());
    long quarterRows = spark.read().parquet(months).where("part <= 3").count();
    assertTrue(drift.out().contains("reference " + quarterRows + " rows"), drift.out());

    String mi = tmp.resolve("q-mi").toString();
    JobsTestSupport.Run r = run("mutual-info", "--from-profiles", quarter, "--target", "delay", "--output", mi);
    assertEquals(0, r.exit(), r.toString());
    List<Row> got = spark.read().parquet(mi).orderBy("col_b").collectAsList();
    Row splitsRow = spark.read().parquet(first).where("kind = 'column' AND col_a = 'distance'").first();
    Row delaySplits = spark.read().parquet(first).where("kind = 'column' AND col_a = 'delay'").first();
    Dataset<Row> rows = spark.read().parquet(months).where("part <= 3");
    List<Row> expected = MutualInformation.of(rows).columns("delay", "distance", "origin", "destination").target("delay")
        .bins(0).splits("delay", doubles(delaySplits.getList(4))).splits("distance", doubles(splitsRow.getList(4)))
        .compute().orderBy("col_b").collectAsList();
    assertEquals(3, got.size());
    for (int i = 0; i < got.size(); i++) {
      assertEquals(expected.get(i).getString(1), got.get(i).getString(1));
      assertEquals(quarterRows, got.get(i).getLong(2), "n");
      assertEquals(expected.get(i).getDouble(6), got.get(i).getDouble(6), 1e-15 * expected.get(i).getDouble(6), "mi");
      assertEquals(expected.get(i).getDouble(8), got.get(i).getDouble(8), 1e-13, "ami");
    }
    JobsTestSupport.Run binsToo = run("mutual-info", "--from-profiles", quarter, "--bins", "5");
    assertEquals(JobException.USAGE, binsToo.exit());
  }

  private static double[] doubles(List<Object> l) {
    return l.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
  }
}
