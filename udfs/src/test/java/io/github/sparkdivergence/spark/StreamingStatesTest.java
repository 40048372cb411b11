package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.counts.MergeableState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state aggregates in a Structured Streaming aggregation: event-time windows with a watermark,
 * a file source whose files arrive one by one, update and complete output modes. The states each
 * window ends with have the counts of the batch aggregation of the same rows, and the same measures.
 */
class StreamingStatesTest {
  private static final StructType SCHEMA = new StructType()
      .add("ts", DataTypes.TimestampType)
      .add("x", DataTypes.StringType)
      .add("y", DataTypes.IntegerType)
      .add("v", DataTypes.DoubleType);
  /** window start -> the row a sink saw last for it (the window's latest result). */
  private static final Map<String, Row> LATEST = new ConcurrentHashMap<>();
  private static SparkSession spark;

  @BeforeAll
  static void start() { spark = SparkTestSession.get(); }

  /** Three files of rows over three days; the third adds to the second day (late, but within the watermark). */
  private static List<List<String>> files() {
    Random random = new Random(7);
    List<List<String>> files = new ArrayList<>();
    String[] xs = {"a", "b", "c", "d"};
    int[][] days = {{1, 2}, {2, 3}, {2, 3}};
    for (int[] d : days) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        int day = d[random.nextInt(d.length)];
        String x = random.nextInt(10) == 0 ? null : xs[random.nextInt(xs.length)];
        int y = (x == null ? 0 : x.charAt(0) - 'a') + random.nextInt(2);
        double v = random.nextGaussian() * 2 + day;
        lines.add(String.format("{\"ts\": \"2026-01-0%dT%02d:%02d:00Z\", \"x\": %s, \"y\": %d, \"v\": %s}", day,
            random.nextInt(24), random.nextInt(60), x == null ? "null" : "\"" + x + "\"", y, v));
      }
      files.add(lines);
    }
    return files;
  }

  @Test
  void windowedStatesEqualTheBatchAggregation(@TempDir Path dir) throws Exception {
    List<List<String>> files = files();
    for (String mode : List.of("update", "complete")) {
      Path in = Files.createDirectories(dir.resolve(mode + "-in"));
      LATEST.clear();
      Dataset<Row> stream = spark.readStream().schema(SCHEMA).option("maxFilesPerTrigger", 1).json(in.toString());
      Dataset<Row> windowed = stream.withWatermark("ts", "2 days")
          .groupBy(org.apache.spark.sql.functions.window(stream.col("ts"), "1 day"))
          .agg(org.apache.spark.sql.functions.expr("contingency_agg(x, y)").as("joint"),
              org.apache.spark.sql.functions.expr("distribution_agg(v, array(double('-Infinity'), 0, 2, 4, double('Infinity')))").as("v_dist"),
              org.apache.spark.sql.functions.count("*").as("n"))
          .selectExpr("CAST(window.start AS STRING) AS start", "joint", "v_dist", "n");
      StreamingQuery q = windowed.writeStream().outputMode(mode)
          .option("checkpointLocation", dir.resolve(mode + "-checkpoint").toString())
          .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
            for (Row r : batch.collectAsList()) LATEST.put(r.getString(0), r);
          })
          .start();
      try {
        for (int f = 0; f < files.size(); f++) {
          Path tmp = dir.resolve(mode + "-part-" + f + ".tmp");
          Files.write(tmp, files.get(f));
          Files.move(tmp, in.resolve("part-" + f + ".json")); // a file appears whole, as a source expects
          q.processAllAvailable();
        }
      } finally {
        q.stop();
      }
      assertNull(q.exception().isDefined() ? q.exception().get() : null, mode + ": the query failed");

      Dataset<Row> batch = spark.read().schema(SCHEMA).json(in.toString());
      batch.createOrReplaceTempView("streamed_rows");
      List<Row> expected = spark.sql("SELECT CAST(window(ts, '1 day').start AS STRING) AS start, contingency_agg(x, y), "
          + "distribution_agg(v, array(double('-Infinity'), 0, 2, 4, double('Infinity'))), count(*), mutual_info(x, y), "
          + "entropy(CASE WHEN v < 0 THEN 0 WHEN v < 2 THEN 1 WHEN v < 4 THEN 2 WHEN v IS NOT NULL THEN 3 END) "
          + "FROM streamed_rows GROUP BY 1 ORDER BY 1").collectAsList();
      assertEquals(3, expected.size(), "three days");
      assertEquals(expected.size(), LATEST.size(), mode + ": a result for every window");
      for (Row e : expected) {
        Row s = LATEST.get(e.getString(0));
        String what = mode + ", window " + e.getString(0);
        assertNotNull(s, what);
        assertEquals(e.getLong(3), s.getLong(3), what + ": rows");
        MergeableState joint = MergeableState.fromBytes((byte[]) s.get(1));
        assertEquals(StatesTest.cells(MergeableState.fromBytes((byte[]) e.get(1))), StatesTest.cells(joint), what + ": joint counts");
        assertEquals(StatesTest.cells(MergeableState.fromBytes((byte[]) e.get(2))),
            StatesTest.cells(MergeableState.fromBytes((byte[]) s.get(2))), what + ": bucket counts");
        Row m = spark.sql("SELECT contingency_mutual_info(a), distribution_entropy(b) FROM VALUES (X'" + hex((byte[]) s.get(1))
            + "', X'" + hex((byte[]) s.get(2)) + "') AS t(a, b)").first();
        assertEquals(e.getDouble(4), m.getDouble(0), 1e-15 * Math.abs(e.getDouble(4)), what + ": mutual information");
        assertEquals(e.getDouble(5), m.getDouble(1), 1e-15 * e.getDouble(5), what + ": entropy of the buckets");
      }
    }
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) s.append(String.format("%02X", x));
    return s.toString();
  }
}
