package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.math.Divergence;
import io.github.sparkdivergence.math.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@code Inputs.alignMaps} remembers the last alignment of two key arrays and reuses it for rows
 * with byte-identical keys. Rows in one partition, in a fixed order, so that the remembered
 * alignment is hit, missed, invalidated by an error and learned again; every row is checked
 * against the math core on the union of keys computed here.
 */
class MapAlignmentTest {

  /** p and q of each row, in the order one task sees them; null values make invalid rows. */
  private static final Object[][][] ROWS = {
      {{"a", 0.2, "b", 0.3, "c", 0.5}, {"c", 0.1, "b", 0.6, "a", 0.3}},
      {{"a", 0.4, "b", 0.4, "c", 0.2}, {"c", 0.3, "b", 0.3, "a", 0.4}},           // same keys: reused
      {{"a", 0.1, "b", 0.1, "c", 0.8}, {"c", 0.2, "b", 0.2, "a", 0.6}},           // reused again
      {{"a", 0.1, "b", 0.1, "c", 0.8}, {"c", 0.2, "b", null, "a", 0.6}},          // same keys, null value
      {{"a", 0.5, "b", 0.2, "c", 0.3}, {"c", 0.3, "b", 0.3, "a", 0.4}},           // after the error
      {{"a", 0.5, "b", 0.2, "c", 0.3}, {"c", 0.3, "d", 0.3, "a", 0.4}},           // q has other keys
      {{"a", 0.5, "b", 0.5}, {"c", 0.3, "d", 0.3, "a", 0.4}},                     // p has other keys
      {{"a", 0.5, "b", 0.5}, {"c", 0.3, "d", 0.3, "a", 0.4}},                     // reused
      {{"b", 0.5, "a", 0.5}, {"c", 0.3, "d", 0.3, "a", 0.4}},                     // p reordered
      {{"a", 0.2, "b", 0.3, "c", 0.5}, {"c", 0.1, "b", 0.6, "a", 0.3}},           // back to the first keys
      {{"ab", 0.5, "c", 0.5}, {"a", 0.5, "bc", 0.5}},                             // same bytes, other split
      {{"x", 1.0}, {"y", 1.0}},                                                   // disjoint: +Infinity
      {{"x", 1.0}, {"y", 1.0}},
      {{"x", null}, {"y", 1.0}},                                                  // null in p
      {{}, {"y", 1.0}},                                                           // empty p
      {{"x", 1.0}, {"x", 0.25, "y", 0.75}},
  };

  @Test
  void everyRowMatchesTheUnionComputedHere() {
    SparkSession spark = SparkTestSession.get().newSession();
    spark.conf().set("spark.sql.ansi.enabled", "false");
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType)
        .add("pm", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true))
        .add("qm", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true));
    List<Row> rows = new ArrayList<>();
    for (int rep = 0; rep < 3; rep++) {
      for (int i = 0; i < ROWS.length; i++) {
        rows.add(RowFactory.create(rep * ROWS.length + i, map(ROWS[i][0]), map(ROWS[i][1])));
      }
    }
    // One partition, cached: the maps reach the function as UnsafeMapData, in this order.
    Dataset<Row> df = spark.createDataFrame(rows, schema).coalesce(1).cache();
    try {
      df.count();
      df.createOrReplaceTempView("maps");
      List<Row> out = spark.sql("SELECT id, kl_div(pm, qm), js_div(pm, qm), cross_entropy(pm, qm) FROM maps").collectAsList();
      assertEquals(rows.size(), out.size());
      for (Row r : out) {
        int id = r.getInt(0);
        Object[][] row = ROWS[id % ROWS.length];
        Double[] expected = expected(row[0], row[1]);
        for (int f = 0; f < 3; f++) {
          Double actual = r.isNullAt(f + 1) ? null : r.getDouble(f + 1);
          if (expected[f] == null) {
            assertNull(actual, "row " + id + " function " + f);
          } else {
            assertNotNull(actual, "row " + id + " function " + f);
            assertEquals(expected[f], actual, 1e-12, "row " + id + " function " + f);
          }
        }
      }
    } finally {
      df.unpersist();
    }
  }

  /** kl_div, js_div, cross_entropy on the union of keys (p's first), or null when invalid. */
  private static Double[] expected(Object[] p, Object[] q) {
    Map<String, double[]> union = new LinkedHashMap<>();
    for (int i = 0; i < p.length; i += 2) {
      if (p[i + 1] == null) return new Double[3];
      union.computeIfAbsent((String) p[i], k -> new double[2])[0] = (Double) p[i + 1];
    }
    for (int i = 0; i < q.length; i += 2) {
      if (q[i + 1] == null) return new Double[3];
      union.computeIfAbsent((String) q[i], k -> new double[2])[1] = (Double) q[i + 1];
    }
    int n = union.size();
    double[] a = new double[n];
    double[] b = new double[n];
    int k = 0;
    for (double[] v : union.values()) {
      a[k] = v[0];
      b[k++] = v[1];
    }
    try {
      return new Double[] {
          Divergence.klDivergence(a, b, n, Math.E, false, 0.0),
          Divergence.jsDivergence(a, b, n, Math.E, false, 0.0),
          Divergence.crossEntropy(a, b, n, Math.E, false, 0.0)};
    } catch (InvalidInputException e) {
      return new Double[3]; // ANSI off: NULL
    }
  }

  private static Map<String, Double> map(Object[] kv) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (Double) kv[i + 1]);
    return m;
  }
}
