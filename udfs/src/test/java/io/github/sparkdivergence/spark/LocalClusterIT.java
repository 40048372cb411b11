package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.spark.functions.InformationAggregate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Partial aggregation states and per-row functions across executor JVMs: a
 * {@code local-cluster[2,1,1024]} master starts two executor processes that only see the packaged
 * jar, so every state is serialized, shipped and merged for real.
 */
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES) // executors that never register hang
class LocalClusterIT {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalClusterSession.start("spark-divergence-local-cluster", 1024, 7);
  }

  @AfterAll
  static void stop() {
    if (spark != null) spark.stop();
  }

  @Test
  void aggregatesAgreeAcrossExecutorJvmsAndPartitionings() {
    Dataset<Row> titanic = spark.read().option("header", "true").csv("src/test/resources/data/titanic.csv").cache();
    double reference = Double.NaN;
    for (int parts : new int[] {1, 7, 200}) {
      titanic.repartition(parts).createOrReplaceTempView("titanic");
      Row r = spark.sql("SELECT mutual_info(Class, Survived), adjusted_mutual_info(Class, Survived), "
          + "g_test(Class, Survived).g, entropy(Age) FROM titanic").first();
      // scikit-learn 1.2.1: mutual_info_score(Class, Survived), see golden/expected.csv
      assertEquals(0.04109526610065953, r.getDouble(0), 0.04109526610065953 * 1e-12, parts + " partitions");
      if (Double.isNaN(reference)) reference = r.getDouble(1);
      assertEquals(reference, r.getDouble(1), Math.abs(reference) * 1e-12, "AMI, " + parts + " partitions");
      assertEquals(2 * 2201 * r.getDouble(0), r.getDouble(2), 1e-9, "G = 2 N MI");
    }
    long executors = spark.sparkContext().getExecutorMemoryStatus().size() - 1;
    assertEquals(2, executors, "two executor JVMs besides the driver");
  }

  /**
   * A global call over Parquet counted from the scan's column batches on both executors (each
   * partition's state serialized, shipped and merged on one of them): the golden MI, and the AMI
   * and entropy of the same files read row by row by Spark's aggregate.
   */
  @Test
  void columnBatchesAreCountedOnBothExecutors() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("local-cluster-parquet");
    String path = dir.resolve("titanic").toString();
    spark.read().option("header", "true").csv("src/test/resources/data/titanic.csv").repartition(7).write().parquet(path);
    spark.read().parquet(path).createOrReplaceTempView("titanic_parquet");
    String sql = "SELECT mutual_info(Class, Survived), adjusted_mutual_info(Class, Survived), entropy(Age) FROM titanic_parquet";
    Dataset<Row> batches = spark.sql(sql);
    Row r = batches.collectAsList().get(0);
    var node = ColumnarGlobalAggregatesTest.node(batches.queryExecution().executedPlan());
    assertEquals(io.github.sparkdivergence.spark.catalyst.GlobalInformationAggregateExec.COLUMN_BATCHES, node.path());
    // the states split by x (4 parts per core, at most 8), each part merged over both executors'
    // tasks on a task of its own
    assertEquals(Math.min(8, 4 * spark.sparkContext().defaultParallelism()), node.partsByX());
    assertTrue(node.partsByX() >= 2, "parts " + node.partsByX());
    assertEquals(0.04109526610065953, r.getDouble(0), 0.04109526610065953 * 1e-12, "sklearn's MI");
    spark.conf().set("spark.sql.parquet.enableVectorizedReader", "false");
    try {
      Row rows = spark.sql(sql).first();
      for (int i = 1; i < 3; i++) assertEquals(rows.getDouble(i), r.getDouble(i), Math.abs(rows.getDouble(i)) * 1e-12, "#" + i);
    } finally {
      spark.conf().unset("spark.sql.parquet.enableVectorizedReader");
      spark.catalog().dropTempView("titanic_parquet");
      try (var files = java.nio.file.Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * Saved states made, merged and read on two executor JVMs: the states of 5 random parts of the
   * rows merged over 1 and 7 partitions in both merge functions equal the aggregate of all rows,
   * and a profile's drift equals the rows' drift.
   */
  @Test
  void statesMergeAcrossExecutorJvms() {
    Dataset<Row> titanic = spark.read().option("header", "true").csv("src/test/resources/data/titanic.csv")
        .withColumn("part", org.apache.spark.sql.functions.expr("pmod(hash(Class, Sex, Age, Survived, rand(3)), 5)")).cache();
    titanic.repartition(7).createOrReplaceTempView("titanic_parts");
    Row all = spark.sql("SELECT mutual_info(Class, Age), entropy(Class), normalized_mutual_info(Class, Survived, 'max') FROM titanic_parts").first();
    spark.sql("SELECT part, contingency_agg(Class, Age) AS ca, distribution_agg(Class) AS dc, contingency_agg(Class, Survived) AS cs "
        + "FROM titanic_parts GROUP BY part").cache().createOrReplaceTempView("parts");
    for (int parts : new int[] {1, 7}) {
      spark.table("parts").repartition(parts).createOrReplaceTempView("parts_" + parts);
      Row m = spark.sql("SELECT contingency_mutual_info(contingency_merge_agg(ca)), distribution_entropy(distribution_merge_agg(dc)), "
          + "contingency_normalized_mutual_info(contingency_merge_agg(cs), 'max') FROM parts_" + parts).first();
      for (int i = 0; i < 3; i++) assertEquals(all.getDouble(i), m.getDouble(i), Math.abs(all.getDouble(i)) * 1e-15, "field " + i + ", " + parts + " partitions");
    }
    Row folded = spark.sql("SELECT contingency_mutual_info(contingency_merge(a.ca, b.ca)) FROM "
        + "(SELECT contingency_merge_agg(ca) AS ca FROM parts WHERE part < 2) a, (SELECT contingency_merge_agg(ca) AS ca FROM parts WHERE part >= 2) b").first();
    assertEquals(all.getDouble(0), folded.getDouble(0), all.getDouble(0) * 1e-15, "contingency_merge of two merged halves");

    Dataset<Row> ref = titanic.where("Sex = 'Male'");
    Dataset<Row> cur = titanic.where("Sex = 'Female'");
    var fromRows = Drift.between(ref, cur).columns("Class", "Age", "Survived").run().table().collectAsList();
    var profile = io.github.sparkdivergence.spark.drift.Profile.of(ref).columns("Class", "Age", "Survived").compute();
    var fromProfile = Drift.fromProfile(profile, cur).columns("Class", "Age", "Survived").run().table().collectAsList();
    assertEquals(fromRows, fromProfile, "drift from a profile made on the executors");
  }

  @Test
  void perRowFunctionsRunOnExecutors() {
    Row r = spark.range(0, 10_000, 1, 8).selectExpr("array(id % 7 + 1D, 3D) AS p", "array(2D, id % 5 + 1D) AS q")
        .selectExpr("sum(kl_div(p, q, 2, true))", "sum(js_distance(p, q, 2.718281828459045D, true))").first();
    double kl = 0;
    double js = 0;
    for (long id = 0; id < 10_000; id++) {
      double[] p = {id % 7 + 1, 3};
      double[] q = {2, id % 5 + 1};
      kl += io.github.sparkdivergence.math.Divergence.klDivergence(p, q, 2, 2, true, 0);
      js += io.github.sparkdivergence.math.Divergence.jsDistance(p, q, 2, 2.718281828459045, true, 0);
    }
    assertEquals(kl, r.getDouble(0), Math.abs(kl) * 1e-12);
    assertEquals(js, r.getDouble(1), Math.abs(js) * 1e-12);
  }

  @Test
  void mutualInformationApiOnTheCluster() {
    Dataset<Row> titanic = spark.read().option("header", "true").csv("src/test/resources/data/titanic.csv");
    Row top = MutualInformation.of(titanic).target("Survived").compute().first();
    assertEquals("Sex", top.getString(1), "Sex carries the most information about survival");

    // Pair states built on both executors (flushed every batch with a 1-byte budget), merged on a
    // third task: the same numbers as the SQL aggregate per pair.
    Dataset<Row> many = titanic.repartition(6);
    for (long budget : new long[] {64L << 20, 1}) {
      for (Row r : MutualInformation.of(many).partialStateBytes(budget).compute().collectAsList()) {
        Row sql = many.selectExpr("mutual_info(`" + r.getString(0) + "`, `" + r.getString(1) + "`)",
            "adjusted_mutual_info(`" + r.getString(0) + "`, `" + r.getString(1) + "`)").first();
        assertEquals(2201L, r.getLong(2));
        assertEquals(sql.getDouble(0), r.getDouble(6), Math.abs(sql.getDouble(0)) * 1e-12, r.toString());
        assertEquals(sql.getDouble(1), r.getDouble(8), Math.abs(sql.getDouble(1)) * 1e-12, r.toString());
      }
    }
  }

  /** The state limit holds where partial states from two executor JVMs meet, and the error arrives whole. */
  @Test
  void cellLimitHoldsWhenStatesFromTwoExecutorsMerge() {
    spark.conf().set(InformationAggregate.MAX_CELLS_CONF, "1000");
    spark.conf().set(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF, "false"); // else counted through shuffles
    try {
      Exception e = assertThrows(Exception.class,
          () -> spark.sql("SELECT entropy(id) FROM (SELECT /*+ REPARTITION(2) */ id FROM range(1500))").collect());
      DivergenceQueryException d = AggregateGuardsTest.find(e, DivergenceQueryException.class);
      assertEquals(DivergenceQueryException.STATE_TOO_LARGE, d.getCondition());
      assertEquals(Math.log(1000), spark.sql("SELECT entropy(id) FROM (SELECT /*+ REPARTITION(2) */ id FROM range(1000))")
          .first().getDouble(0), 1e-12);
      // with the fallback on, the same global call is counted through shuffles across both executors
      spark.conf().unset(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF);
      assertEquals(Math.log(1500), spark.sql("SELECT entropy(id) FROM (SELECT /*+ REPARTITION(2) */ id FROM range(1500))")
          .first().getDouble(0), 1e-13 * Math.log(1500));
    } finally {
      spark.conf().unset(InformationAggregate.MAX_CELLS_CONF);
      spark.conf().unset(InformationAggregate.SHUFFLE_WHEN_TOO_LARGE_CONF);
    }
  }
}
