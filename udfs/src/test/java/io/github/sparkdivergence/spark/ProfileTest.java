package io.github.sparkdivergence.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.counts.MergeableState;
import io.github.sparkdivergence.drift.DriftMeasure;
import io.github.sparkdivergence.spark.drift.ColumnDrift;
import io.github.sparkdivergence.spark.drift.DriftResult;
import io.github.sparkdivergence.spark.drift.Profile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Saved profiles: drift against a profile gives what drift against the rows gives; daily profiles
 * made with one set of splits merge into the profile of all their rows; MI from the pair states
 * equals MI over the rows.
 */
class ProfileTest {
  private static SparkSession spark;
  private static Dataset<Row> reference;
  private static Dataset<Row> current;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    reference = rows(11, 10, 3, 5, 4000).repartition(3).cache();
    current = rows(12, 10.5, 5, 6, 3000).repartition(2).cache();
  }

  /** Numbers with ties, a NaN and NULLs; a categorical column with NULLs; a small integer column. */
  private static Dataset<Row> rows(int seed, double mean, int mult, int levels, int n) {
    return spark.sql(String.format(java.util.Locale.ROOT, "SELECT id, pmod(id, 7) AS day, "
        + "CASE WHEN id %% 97 = 0 THEN NULL WHEN id %% 89 = 0 THEN double('NaN') ELSE round(randn(%d) * 3 + %s, 1) END AS amount, "
        + "CASE WHEN id %% 53 = 0 THEN NULL ELSE element_at(array('red', 'green', 'blue', 'teal'), CAST(pmod(id * %d, 4) AS INT) + 1) END AS colour, "
        + "CAST(pmod(id * 7, %d) AS INT) AS level FROM range(%d)", seed, mean, mult, levels, n));
  }

  private static Map<String, ColumnDrift> byColumn(DriftResult r) {
    Map<String, ColumnDrift> m = new HashMap<>();
    for (ColumnDrift c : r.columns()) m.put(c.column(), c);
    return m;
  }

  @Test
  void driftAgainstAProfileIsDriftAgainstItsRows() {
    Dataset<Row> profile = Profile.of(reference).columns("amount", "colour", "level").compute();
    DriftResult fromRows = Drift.between(reference, current).columns("amount", "colour", "level").run();
    DriftResult fromProfile = Drift.fromProfile(profile, current).columns("amount", "colour", "level").run();
    assertEquals(fromRows.nRef(), fromProfile.nRef());
    assertEquals(fromRows.nCur(), fromProfile.nCur());
    Map<String, ColumnDrift> a = byColumn(fromRows);
    Map<String, ColumnDrift> b = byColumn(fromProfile);
    double worst = 0;
    for (String c : List.of("amount", "colour", "level")) {
      ColumnDrift x = a.get(c);
      ColumnDrift y = b.get(c);
      assertEquals(x.kind(), y.kind(), c);
      assertEquals(x.buckets(), y.buckets(), c + ": the same counts per category or bucket");
      assertEquals(x.drifted(), y.drifted(), c + ": the same verdict");
      for (DriftMeasure m : DriftMeasure.values()) {
        Double u = x.measures().get(m);
        Double v = y.measures().get(m);
        if (u == null) {
          assertNull(v, c + " " + m);
          continue;
        }
        // the Wasserstein sums run over ranges cut elsewhere, carrying their compensation
        worst = Math.max(worst, Math.abs(u - v) / Math.abs(u));
        assertEquals(u, v, c + " " + m + ": identical");
      }
    }
    System.out.println("drift from a profile: largest relative difference of a Wasserstein measure " + worst);
    assertEquals(fromRows.verdictText(), fromProfile.verdictText());

    assertEquals(fromRows.table().collectAsList(), fromProfile.table().collectAsList(), "the same table, in the same order");
    // both sides from profiles: the table of the rows, again
    DriftResult fromProfiles = Drift.betweenProfiles(profile, Profile.of(current).columns("amount", "colour", "level").compute())
        .columns("amount", "colour", "level").run();
    assertEquals(fromRows.table().collectAsList(), fromProfiles.table().collectAsList());
    Dataset<Row> asCategories = Profile.of(current).columns("amount", "colour", "level").categorical("level").compute();
    Exception e = assertThrows(Exception.class, () -> Drift.betweenProfiles(profile, asCategories).run());
    assertTrue(StatesTest.root(e).contains("column 'level' is double in the reference but string in the current"),
        StatesTest.root(e));
    Exception reverse = assertThrows(Exception.class, () -> Drift.betweenProfiles(asCategories, profile).run());
    assertTrue(StatesTest.root(reverse).contains("column 'level' is categorical in the reference profile but numeric in the current"),
        StatesTest.root(reverse));
  }

  @Test
  void dailyProfilesMergeIntoTheProfileOfAllTheirRows() {
    Dataset<Row> base = Profile.of(reference.where("day = 0")).columns("amount", "colour", "level").pairs(true).compute();
    Dataset<Row> days = null;
    for (int d = 0; d < 7; d++) {
      Dataset<Row> p = Profile.of(reference.where("day = " + d)).columns("amount", "colour", "level").pairs(true)
          .splitsFrom(base).compute();
      days = days == null ? p : days.union(p);
    }
    Dataset<Row> all = Profile.of(reference).columns("amount", "colour", "level").pairs(true).splitsFrom(base).compute();
    Map<String, Row> merged = new HashMap<>();
    for (Row r : Profile.merge(days).collectAsList()) merged.put(r.getString(0) + r.getString(1) + r.getString(2), r);
    List<Row> whole = all.collectAsList();
    assertEquals(6, whole.size(), "3 columns and 3 pairs");
    assertEquals(whole.size(), merged.size());
    for (Row w : whole) {
      Row m = merged.get(w.getString(0) + w.getString(1) + w.getString(2));
      String what = w.getString(0) + " " + w.getString(1);
      assertEquals(w.getLong(6), m.getLong(6), what + ": rows");
      assertEquals(w.get(4), m.get(4), what + ": splits");
      assertEquals(StatesTest.cells(MergeableState.fromBytes((byte[]) w.get(5))),
          StatesTest.cells(MergeableState.fromBytes((byte[]) m.get(5))), what + ": counts");
    }
    // the MI matrix from the merged pair states is MutualInformation's over the rows, with those splits
    double[] splits = merged.get("columnamountnull").getList(4).stream().mapToDouble(x -> (Double) x).toArray();
    List<Row> expected = MutualInformation.of(reference).columns("amount", "colour", "level").bins(0)
        .splits("amount", splits).categorical("level").compute().collectAsList();
    List<Row> fromProfiles = MutualInformation.fromStates(days.where("kind = 'pair'"), Math.E).collectAsList();
    assertEquals(expected.size(), fromProfiles.size());
    for (int i = 0; i < expected.size(); i++) {
      for (int f = 0; f < expected.get(i).length(); f++) {
        Object e = expected.get(i).get(f);
        Object a = fromProfiles.get(i).get(f);
        if (e instanceof Double d) assertEquals(d, (Double) a, 1e-15 * Math.abs(d), "pair " + i + " field " + f);
        else assertEquals(e, a, "pair " + i + " field " + f);
      }
    }

    Dataset<Row> other = Profile.of(reference.where("day = 1")).columns("amount").compute();
    Exception e = assertThrows(Exception.class,
        () -> Profile.merge(Profile.of(reference.where("day = 0")).columns("amount").compute().union(other)).collect());
    assertTrue(StatesTest.root(e).contains("column amount") && StatesTest.root(e).contains("splits"), StatesTest.root(e));
  }

  @Test
  void profileRowsDescribeTheirColumns() {
    Row amount = Profile.of(reference).columns("amount", "colour").compute().where(col("col_a").equalTo("amount")).first();
    assertEquals("column", amount.getString(0));
    assertEquals("numeric", amount.getString(3));
    assertEquals(reference.count(), amount.getLong(6));
    MergeableState s = MergeableState.fromBytes((byte[]) amount.get(5));
    assertEquals("double", s.valueType(0));
    assertEquals((double) reference.count(), s.counts().totalWeight());
    Exception e = assertThrows(Exception.class, () -> Drift.fromProfile(reference, current).run());
    assertTrue(StatesTest.root(e).contains("not a profile"), StatesTest.root(e));

    List<Row> ordered = Profile.of(reference).columns("level", "colour", "amount").pairs(true).compute().collectAsList();
    List<String> names = ordered.stream().map(r -> r.getString(1) + (r.isNullAt(2) ? "" : "," + r.getString(2))).toList();
    assertEquals(List.of("level", "colour", "amount", "level,colour", "level,amount", "colour,amount"), names,
        "columns in the order profiled, then the pairs");
    assertEquals(List.of("level", "colour", "amount"), Drift.fromProfile(Profile.merge(spark.createDataFrame(ordered,
        Profile.SCHEMA).union(spark.createDataFrame(ordered, Profile.SCHEMA))), current).run().columns().stream()
        .map(ColumnDrift::column).toList(), "drift from merged profiles keeps their column order");
  }
}
