package io.github.sparkdivergence.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.counts.CategoryDictionary;
import io.github.sparkdivergence.counts.ContingencyState;
import io.github.sparkdivergence.counts.MergeableState;
import io.github.sparkdivergence.drift.DriftMeasure;
import io.github.sparkdivergence.spark.drift.DriftResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The saved states through SQL: the measures read from merged states equal the aggregates over all
 * the rows (identical counts, measures within 1e-15 relative) for any split of the rows into states
 * and any merge order; the readers against the exact golden values; clear errors for what is not a
 * state; NULL in, NULL out.
 */
class StatesTest {
  private static final String[] MEASURES = {"mutual_info", "joint_entropy", "conditional_entropy",
      "normalized_mutual_info", "adjusted_mutual_info", "variation_of_information"};
  private static final Map<String, Map<String, Double>> EXPECTED = GoldenCases.EXPECTED;
  private static SparkSession spark;

  @BeforeAll
  static void load() {
    spark = SparkTestSession.get();
  }

  @AfterEach
  void reset() { spark.conf().set("spark.sql.ansi.enabled", "true"); }

  private static Dataset<Row> rows(String name) { return GoldenCases.rows(spark, name); }

  private static void close(double expected, double actual, double rel, double abs, String what) {
    assertEquals(expected, actual, Math.max(abs, Math.abs(expected) * rel), what);
  }

  /** Every cell of a state keyed by its (x, y) values as text, for comparing counts across states. */
  static Map<String, Double> cells(MergeableState s) {
    ContingencyState c = s.counts();
    var t = c.toTable();
    Map<String, Double> out = new HashMap<>();
    for (int k = 0; k < t.nnz(); k++) {
      if (t.count(k) != 0) out.merge(value(c.x(), t.rowId(k)) + "\u0000" + value(c.y(), t.colId(k)), t.count(k), Double::sum);
    }
    return out;
  }

  private static String value(CategoryDictionary d, int id) {
    return switch (d.kind(id)) {
      case CategoryDictionary.KIND_NULL -> "NULL";
      case CategoryDictionary.KIND_LONG -> "L" + d.longValue(id);
      default -> "B" + new String(d.bytesValue(id), StandardCharsets.UTF_8);
    };
  }

  /**
   * For several golden cases: the rows split into 3 and 7 states at random, the states merged
   * with contingency_merge_agg (over 1 and 5 partitions, shuffled) and folded with
   * contingency_merge in a random order; every merge has the counts of the state of all rows, and
   * every reader the aggregate's value on all rows.
   */
  @Test
  void mergedStatesEqualTheAggregateOverAllRows() {
    int checked = 0;
    for (String name : List.of("titanic_Class_Survived", "syn_nulls", "diamonds_cut_color", "ucb_Admit_Dept")) {
      rows(name).repartition(3).createOrReplaceTempView("raw");
      StringBuilder aggs = new StringBuilder();
      for (String m : MEASURES) aggs.append(m).append("(x, y), ");
      Row direct = spark.sql("SELECT " + aggs + "g_test(x, y), mutual_info_summary(x, y, 1, 2), contingency_agg(x, y) FROM raw").first();
      Map<String, Double> all = cells(MergeableState.fromBytes((byte[]) direct.get(MEASURES.length + 2)));
      Map<String, Double> e = EXPECTED.get(name);
      close(e.get("mi_exact"), direct.getDouble(0), 1e-12, 1e-16, name + " aggregate vs exact");
      for (int states : new int[] {3, 7}) {
        for (int parts : new int[] {1, 5}) {
          Random random = new Random(states * 31L + parts);
          Dataset<Row> daily = spark.sql("SELECT pmod(hash(x, y, k, " + random.nextInt() + "), " + states + ") AS day, "
              + "contingency_agg(x, y) AS s FROM raw GROUP BY 1");
          List<Row> saved = new ArrayList<>(daily.collectAsList());
          assertTrue(saved.size() >= Math.min(states, 2) && saved.size() <= states, name + ": one state per day with rows");
          Collections.shuffle(saved, random);
          Dataset<Row> kept = spark.createDataFrame(saved, daily.schema()).repartition(parts);
          kept.createOrReplaceTempView("daily");
          StringBuilder readers = new StringBuilder();
          for (String m : MEASURES) readers.append("contingency_").append(m).append("(m), ");
          Row merged = spark.sql("SELECT " + readers + "contingency_g_test(m), contingency_mutual_info_summary(m, 2), m "
              + "FROM (SELECT contingency_merge_agg(s) AS m FROM daily)").first();
          String what = name + ", " + states + " states, " + parts + " partitions";
          assertEquals(all, cells(MergeableState.fromBytes((byte[]) merged.get(MEASURES.length + 2))), what + ": counts");
          if (parts == 1) { // the pairwise merges do not depend on the partitioning: once per split
            byte[] folded = null;
            for (Row r : saved) {
              folded = folded == null ? (byte[]) r.get(1) : (byte[]) spark.sql("SELECT contingency_merge(a, b) FROM VALUES (X'"
                  + hex(folded) + "', X'" + hex((byte[]) r.get(1)) + "') AS t(a, b)").first().get(0);
            }
            assertEquals(all, cells(MergeableState.fromBytes(folded)), what + ": counts of the pairwise merges");
          }
          for (int i = 0; i < MEASURES.length; i++) {
            close(direct.getDouble(i), merged.getDouble(i), 1e-15, 1e-300, what + ": " + MEASURES[i]);
          }
          Row g = direct.getStruct(MEASURES.length);
          Row mg = merged.getStruct(MEASURES.length);
          close(g.getDouble(0), mg.getDouble(0), 1e-15, 1e-300, what + ": G");
          assertEquals(g.getLong(1), mg.getLong(1), what + ": dof");
          close(g.getDouble(2), mg.getDouble(2), 1e-13, 1e-300, what + ": p-value");
          Row s = direct.getStruct(MEASURES.length + 1);
          Row ms = merged.getStruct(MEASURES.length + 1);
          for (int f = 0; f < s.length(); f++) {
            if (s.isNullAt(f)) {
              assertTrue(ms.isNullAt(f), what + ": summary field " + f);
            } else if (s.get(f) instanceof Double d) {
              close(d, ms.getDouble(f), 1e-13, 1e-300, what + ": summary field " + f);
            } else {
              assertEquals(s.get(f), ms.get(f), what + ": summary field " + f);
            }
          }
          checked++;
        }
      }
    }
    assertEquals(16, checked);
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) s.append(String.format("%02X", x));
    return s.toString();
  }

  @Test
  void readersMatchTheExactGoldenValues() {
    for (String name : List.of("titanic_Class_Survived", "ucb_Gender_Dept", "syn_random_200x150", "syn_near_independent")) {
      GoldenCases.table(spark, name).selectExpr("x", "y", "CAST(count AS DOUBLE) AS w").createOrReplaceTempView("weighted");
      Row r = spark.sql("SELECT contingency_mutual_info(s), contingency_mutual_info(s, 2), contingency_joint_entropy(s), "
          + "contingency_conditional_entropy(s), contingency_variation_of_information(s), "
          + "contingency_normalized_mutual_info(s, 'max'), contingency_adjusted_mutual_info(s), "
          + "distribution_entropy(dx), distribution_entropy(dy) "
          + "FROM (SELECT contingency_agg(x, y, w) AS s, distribution_agg(x, w) AS dx, distribution_agg(y, w) AS dy FROM weighted)").first();
      Map<String, Double> e = EXPECTED.get(name);
      close(e.get("mi_exact"), r.getDouble(0), 1e-12, 1e-16, name + " mi");
      close(e.get("mi_exact") / Math.log(2), r.getDouble(1), 1e-12, 1e-16, name + " mi in bits");
      close(e.get("hxy_exact"), r.getDouble(2), 1e-12, 0, name + " H(X,Y)");
      close(e.get("hx_given_y_exact"), r.getDouble(3), 1e-12, 1e-16, name + " H(X|Y)");
      close(e.get("vi_exact"), r.getDouble(4), 1e-12, 1e-16, name + " VI");
      close(e.get("nmi_max"), r.getDouble(5), 1e-12, 1e-14, name + " NMI max");
      close(e.get("ami_arithmetic"), r.getDouble(6), 1e-9, 1e-13, name + " AMI");
      close(e.get("hx_exact"), r.getDouble(7), 1e-12, 0, name + " H(X) of the distribution");
      close(e.get("hy_exact"), r.getDouble(8), 1e-12, 0, name + " H(Y) of the distribution");
    }
  }

  @Test
  void distributionsPerValueAndPerBucket() {
    spark.sql("SELECT * FROM VALUES (1, -1.0D), (1, 0.0D), (1, 0.5D), (2, 1.0D), (2, 2.0D), (2, double('NaN')), "
        + "(3, NULL), (3, 7.0D) AS t(day, v)").createOrReplaceTempView("nums");
    String splits = "array(double('-Infinity'), 0, 1, double('Infinity'))";
    Row r = spark.sql("SELECT distribution_entropy(distribution_merge_agg(s), 2) FROM (SELECT day, distribution_agg(v, "
        + splits + ") AS s FROM nums GROUP BY day)").first();
    Row all = spark.sql("SELECT distribution_entropy(distribution_agg(v, " + splits + ")) FROM nums").first();
    // buckets: (-inf,0): -1 | [0,1): 0, 0.5 | [1,inf]: 1, 2, 7 | NaN | NULL -> counts 1, 2, 3, 1, 1 of 8
    double[] c = {1, 2, 3, 1, 1};
    double h = 0;
    for (double x : c) h -= x / 8 * Math.log(x / 8);
    close(h / Math.log(2), r.getDouble(0), 1e-15, 0, "merged bucketed distribution, in bits");
    close(h, all.getDouble(0), 1e-15, 0, "bucketed distribution of all rows");
    Row v = spark.sql("SELECT distribution_entropy(distribution_agg(v)), entropy(v) FROM nums").first();
    close(v.getDouble(1), v.getDouble(0), 1e-15, 0, "per value: the entropy aggregate's value");

    Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT distribution_merge_agg(s) FROM ("
        + "SELECT distribution_agg(v, array(0, 1, 2)) AS s FROM nums WHERE day = 1 AND v >= 0 UNION ALL "
        + "SELECT distribution_agg(v, array(0, 1, 3)) AS s FROM nums WHERE day = 2)").collect());
    assertTrue(root(e).contains("distribution_merge_agg: argument `state`") && root(e).contains("splits differ"), root(e));
    e = assertThrows(Exception.class, () -> spark.sql("SELECT distribution_agg(v, array(0, 1)) FROM nums").collect());
    assertTrue(root(e).contains("distribution_agg: argument `x`") && root(e).contains("outside the splits"), root(e));
    e = assertThrows(Exception.class, () -> spark.sql("SELECT distribution_agg(v, array(1, 0)) FROM nums").collect());
    assertTrue(root(e).contains("distribution_agg: argument `splits`") && root(e).contains("increase"), root(e));
    e = assertThrows(Exception.class, () -> spark.sql("SELECT distribution_agg('a', array(1, 0))").collect());
    assertTrue(root(e).contains("distribution_agg") && root(e).contains("must be numeric when `splits`"), root(e));
  }

  /** distribution_drift gives, on the same rows, the binned measures that the Drift library gives. */
  @Test
  void distributionDriftEqualsTheDriftLibrary() {
    Dataset<Row> titanic = spark.read().option("header", "true").csv("src/test/resources/data/titanic.csv");
    Dataset<Row> ref = titanic.where("Sex = 'Male'");
    Dataset<Row> cur = titanic.where("Sex = 'Female'");
    DriftResult drift = Drift.between(ref, cur).columns("Class", "Age").run();
    ref.createOrReplaceTempView("ref");
    cur.createOrReplaceTempView("cur");
    for (String column : List.of("Class", "Age")) {
      Row s = spark.sql("SELECT distribution_drift(r, c) AS d FROM (SELECT distribution_agg(" + column + ") AS r FROM ref), "
          + "(SELECT distribution_agg(" + column + ") AS c FROM cur)").first().getStruct(0);
      Row expected = drift.table().where(col("column").equalTo(column)).first();
      int checked = 0;
      for (DriftMeasure m : DriftMeasure.binned()) {
        if (!m.appliesTo(io.github.sparkdivergence.drift.ColumnKind.CATEGORICAL)) continue;
        int i = expected.fieldIndex(m.outputName());
        if (expected.isNullAt(i)) continue;
        close(expected.getDouble(i), s.getDouble(s.fieldIndex(m.outputName())), 1e-15, 1e-300, column + " " + m.outputName());
        checked++;
      }
      assertTrue(checked >= 10, column + ": " + checked + " measures compared");
      assertEquals(ref.count(), (long) s.getDouble(s.fieldIndex("n_ref")));
    }
    Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT distribution_drift(distribution_agg(Class), "
        + "distribution_agg(Class, array(0, 1))) FROM ref").collect());
    assertTrue(root(e).contains("distribution_"), root(e));
  }

  @Test
  void whatIsNotAStateIsAnErrorNamingFunctionAndArgument() {
    byte[] good = (byte[]) spark.sql("SELECT contingency_agg(x, y) FROM VALUES ('a', 1), ('b', 2) AS t(x, y)").first().get(0);
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x01;
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
    for (String ansi : List.of("true", "false")) {
      spark.conf().set("spark.sql.ansi.enabled", ansi);
      Map<String, String> cases = new java.util.LinkedHashMap<>();
      cases.put("SELECT contingency_mutual_info(X'0102030405060708090A')", "not a spark-divergence state");
      cases.put("SELECT contingency_mutual_info(X'" + hex(flipped) + "')", "checksum");
      cases.put("SELECT contingency_mutual_info(X'" + hex(truncated) + "')", "state");
      cases.put("SELECT distribution_entropy(X'" + hex(good) + "')", "is a contingency state");
      cases.put("SELECT contingency_merge(X'" + hex(good) + "', X'00')", "contingency_merge: argument `b`");
      cases.put("SELECT contingency_merge_agg(s) FROM VALUES (X'" + hex(good) + "'), (X'" + hex(flipped) + "') AS t(s)",
          "contingency_merge_agg: argument `state`");
      cases.put("SELECT distribution_drift(X'" + hex(good) + "', X'" + hex(good) + "')", "distribution_drift: argument `ref_state`");
      for (Map.Entry<String, String> c : cases.entrySet()) {
        Exception e = assertThrows(Exception.class, () -> spark.sql(c.getKey()).collect(), c.getKey());
        assertTrue(root(e).contains(c.getValue()), "ansi " + ansi + ": " + c.getKey() + " -> " + root(e));
        assertTrue(root(e).contains("SPARK_DIVERGENCE_INVALID_STATE") || root(e).contains("argument"), root(e));
      }
    }
  }

  @Test
  void nullsAndEmptyGroups() {
    Row r = spark.sql("SELECT contingency_mutual_info(NULL), contingency_merge(NULL, contingency_agg(x, y)), "
        + "contingency_mutual_info(contingency_agg(x, y), NULL), contingency_mutual_info(contingency_agg(x, y) FILTER (WHERE x = 'z')), "
        + "contingency_merge_agg(CAST(NULL AS BINARY)), distribution_entropy(distribution_agg(x) FILTER (WHERE x = 'z')) "
        + "FROM VALUES ('a', 1), (NULL, 2) AS t(x, y)").first();
    for (int i = 0; i < r.length(); i++) assertTrue(r.isNullAt(i), "field " + i + " is NULL");
    Row empty = spark.sql("SELECT contingency_agg(x, y) FROM VALUES ('a', 1) AS t(x, y) WHERE x = 'z'").first();
    MergeableState s = MergeableState.fromBytes((byte[]) empty.get(0));
    assertEquals(0.0, s.counts().totalWeight(), "no rows: an empty state, which merges as nothing");
    Row nullCategory = spark.sql("SELECT contingency_mutual_info(contingency_merge_agg(s)), mutual_info(x2, y2) FROM "
        + "(SELECT contingency_agg(x, y) AS s FROM VALUES ('a', 1), (NULL, 2), (NULL, 2), ('a', NULL) AS t(x, y) GROUP BY y), "
        + "(SELECT x AS x2, y AS y2 FROM VALUES ('a', 1), (NULL, 2), (NULL, 2), ('a', NULL) AS t(x, y))").first();
    close(nullCategory.getDouble(1), nullCategory.getDouble(0), 1e-15, 0, "NULL is a category in states too");
  }

  @Test
  void dataFrameApiAndStateSize() {
    Dataset<Row> t = spark.sql("SELECT * FROM VALUES ('a', 1, 1), ('a', 1, 1), ('b', 2, 2), ('b', 1, 2) AS t(x, y, day)");
    Row r = t.groupBy("day").agg(DivergenceFunctions.contingencyAgg(col("x"), col("y")).as("s"),
            DivergenceFunctions.distributionAgg(col("y")).as("d"))
        .agg(DivergenceFunctions.contingencyMutualInfo(DivergenceFunctions.contingencyMergeAgg(col("s"))),
            DivergenceFunctions.distributionEntropy(DivergenceFunctions.distributionMergeAgg(col("d")), 2),
            org.apache.spark.sql.functions.max(org.apache.spark.sql.functions.octet_length(col("s"))))
        .first();
    Row direct = t.selectExpr("mutual_info(x, y)", "entropy(y, 1, 2)").first();
    close(direct.getDouble(0), r.getDouble(0), 1e-15, 0, "contingencyMutualInfo(contingencyMergeAgg)");
    close(direct.getDouble(1), r.getDouble(1), 1e-15, 0, "distributionEntropy(distributionMergeAgg)");
    assertTrue(r.getInt(2) > 10 && r.getInt(2) < 100, "a 2-cell state is a few dozen bytes: " + r.getInt(2));
  }

  /**
   * MutualInformation's saved pair states: the matrix from the states of disjoint days equals the
   * matrix of all the rows (same counts, so n and levels equal and the measures within 1e-15),
   * with numeric columns binned by fixed splits; quantile bins fitted per day do not merge.
   */
  @Test
  void mutualInformationFromSavedStatesEqualsTheMatrixOfAllRows() {
    Dataset<Row> titanic = spark.read().option("header", "true").csv("src/test/resources/data/titanic.csv")
        .withColumn("day", org.apache.spark.sql.functions.expr("pmod(hash(Class, Sex, Age, Survived, monotonically_increasing_id()), 5)"))
        .withColumn("code", org.apache.spark.sql.functions.expr("length(Class) * 1.5 + IF(Sex = 'Male', 0.25, 0)"))
        .cache();
    double[] fixed = {Double.NEGATIVE_INFINITY, 5, 6.5, Double.POSITIVE_INFINITY};
    Dataset<Row> all = MutualInformation.of(titanic).columns("Class", "Sex", "Age", "Survived", "code").splits("code", fixed)
        .compute();
    Dataset<Row> saved = null;
    for (int day = 0; day < 5; day++) {
      Dataset<Row> d = MutualInformation.of(titanic.where("day = " + day)).columns("Class", "Sex", "Age", "Survived", "code")
          .splits("code", fixed).states();
      saved = saved == null ? d : saved.union(d);
    }
    List<Row> fromStates = MutualInformation.fromStates(saved.repartition(3), Math.E).collectAsList();
    List<Row> expected = all.collectAsList();
    assertEquals(10, expected.size());
    assertEquals(expected.size(), fromStates.size());
    for (int i = 0; i < expected.size(); i++) {
      Row e = expected.get(i);
      Row a = fromStates.get(i);
      String what = e.getString(0) + " x " + e.getString(1);
      for (int f = 0; f < e.length(); f++) {
        if (e.get(f) instanceof Double d) close(d, a.getDouble(f), 1e-15, 1e-300, what + " " + all.columns()[f]);
        else assertEquals(e.get(f), a.get(f), what + " " + all.columns()[f]);
      }
    }
    MergeableState s = MergeableState.fromBytes((byte[]) saved.where("col_a = 'Class' AND col_b = 'code'").first().get(2));
    assertEquals("string", s.valueType(0));
    assertArrayEquals(fixed, s.splits(1));

    Dataset<Row> fitted = MutualInformation.of(titanic.where("day = 0")).columns("Sex", "code").bins(2).states()
        .union(MutualInformation.of(titanic.where("day = 1 AND Class = 'First'")).columns("Sex", "code").bins(2).states());
    Exception e = assertThrows(Exception.class, () -> MutualInformation.fromStates(fitted, Math.E).collect());
    assertTrue(root(e).contains("Sex, code") && root(e).contains("splits of column y differ"), root(e));

    // weighted states: n is the total weight when read as weighted, and a clear error, not a rounded n, otherwise
    Dataset<Row> weighted = titanic.selectExpr("Class", "Sex", "day", "IF(Sex = 'Male', 0.75D, 1.5D) AS w");
    List<Row> wholeWeighted = MutualInformation.of(weighted).columns("Class", "Sex").weight("w").compute().collectAsList();
    Dataset<Row> weightedStates = null;
    for (int day = 0; day < 5; day++) {
      Dataset<Row> d = MutualInformation.of(weighted.where("day = " + day)).columns("Class", "Sex").weight("w").states();
      weightedStates = weightedStates == null ? d : weightedStates.union(d);
    }
    Row merged = MutualInformation.fromStates(weightedStates, Math.E, true).first();
    Row whole = wholeWeighted.get(0);
    assertEquals(whole.getDouble(2), merged.getDouble(2), 1e-12 * whole.getDouble(2), "n: the total weight");
    close(whole.getDouble(6), merged.getDouble(6), 1e-13, 1e-300, "weighted mi from daily states");
    Dataset<Row> states = weightedStates;
    Exception rounded = assertThrows(Exception.class, () -> MutualInformation.fromStates(states, Math.E).collect());
    assertTrue(root(rounded).contains("pair (Class, Sex): the saved states hold weights that are not whole counts"), root(rounded));
  }

  static String root(Throwable t) {
    StringBuilder s = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) s.append(c.getMessage()).append(" | ");
    return s.toString();
  }
}
