package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.feature.QuantileDiscretizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * QuantileBinning gives QuantileDiscretizer's splits, and one bucket (MI 0, entropy 0) for a
 * numeric column with no usable value, where QuantileDiscretizer fails with
 * {@code Index 0 out of bounds for length 0}.
 */
class QuantileBinningTest {
  private static SparkSession spark;
  private static Dataset<Row> df;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    StructType schema = new StructType().add("x", DataTypes.DoubleType).add("nan", DataTypes.DoubleType)
        .add("nul", DataTypes.IntegerType).add("y", DataTypes.StringType).add("inf", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      rows.add(RowFactory.create(i % 3 == 0 ? null : (double) (i * 7 % 101) - 50.0, Double.NaN, null,
          i % 2 == 0 ? "a" : "b", Double.POSITIVE_INFINITY));
    }
    df = spark.createDataFrame(rows, schema);
  }

  @Test
  void sameSplitsAsQuantileDiscretizerOnUsableColumns() {
    for (int bins : new int[] {2, 5, 10}) {
      double[] expected = new QuantileDiscretizer().setInputCol("x").setOutputCol("b").setNumBuckets(bins)
          .setRelativeError(0.001).fit(df).getSplits();
      assertArrayEquals(expected, QuantileBinning.fit(df, List.of("x"), bins, 0.001)[0], "bins " + bins);
    }
    assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, 1, 5, Double.POSITIVE_INFINITY},
        QuantileBinning.splits(new double[] {-3, 1, 1, 5, 9}));
    assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, 0, Double.POSITIVE_INFINITY},
        QuantileBinning.splits(new double[] {-0.0, -0.0, 0.0}), "-0.0 is 0.0");
  }

  /** Drift asks one approxQuantile job for the bucket quantiles and its sort ranges: the extra ones change no split. */
  @Test
  void moreProbabilitiesInTheSameJobLeaveTheBucketQuantilesAlone() {
    for (int bins : new int[] {2, 5, 10}) {
      double[] probs = new double[bins + 1 + 15];
      for (int i = 0; i <= bins; i++) probs[i] = (double) i / bins;
      for (int j = 1; j <= 15; j++) probs[bins + j] = j / 16.0;
      double[] q = QuantileBinning.quantiles(df, List.of("x"), probs, 0.001)[0];
      assertArrayEquals(QuantileBinning.fit(df, List.of("x"), bins, 0.001)[0],
          QuantileBinning.splits(java.util.Arrays.copyOf(q, bins + 1)), "bins " + bins);
    }
  }

  @Test
  void aColumnWithNoUsableValueGetsOneBucket() {
    RuntimeException e = assertThrows(RuntimeException.class, () -> new QuantileDiscretizer().setInputCol("nan")
        .setOutputCol("b").setNumBuckets(10).fit(df));
    assertTrue(String.valueOf(e.getMessage()).contains("out of bounds"), "QuantileDiscretizer's failure: " + e);
    double[] one = {Double.NEGATIVE_INFINITY, 0, Double.POSITIVE_INFINITY};
    double[][] s = QuantileBinning.fit(df, List.of("nan", "nul", "inf", "x"), 10, 0.001);
    assertArrayEquals(one, s[0], "all NaN");
    assertArrayEquals(one, s[1], "all NULL");
    assertArrayEquals(one, s[2], "all +Infinity: no finite split");
    assertTrue(s[3].length > 3, "the usable column beside them is binned as usual");
  }

  @Test
  void mutualInformationWithAllNanAndAllNullColumns() {
    List<Row> tidy = MutualInformation.of(df).columns("x", "nan", "nul", "y").compute().collectAsList();
    assertEquals(6, tidy.size());
    int found = 0;
    for (Row r : tidy) {
      String a = r.getString(r.fieldIndex("col_a"));
      String b = r.getString(r.fieldIndex("col_b"));
      assertEquals(200L, r.getLong(r.fieldIndex("n")), a + "," + b);
      for (String side : new String[] {"a", "b"}) {
        String c = side.equals("a") ? a : b;
        if (c.equals("nan") || c.equals("nul")) {
          assertEquals(0.0, r.getDouble(r.fieldIndex("h_" + side)), 0.0, "one bucket: entropy 0 for " + c);
          found++;
        }
      }
      if (List.of(a, b).contains("nan") || List.of(a, b).contains("nul")) {
        assertEquals(0.0, r.getDouble(r.fieldIndex("mi")), 1e-15, "MI with an empty column: " + a + "," + b);
      } else {
        assertTrue(r.getDouble(r.fieldIndex("mi")) >= 0, a + "," + b);
      }
    }
    assertEquals(6, found, "nan and nul appear in 3 pairs each");
    // a target with no usable value: every MI 0
    for (Row r : MutualInformation.of(df).target("nan").columns("x", "y").compute().collectAsList()) {
      assertEquals(0.0, r.getDouble(r.fieldIndex("mi")), 1e-15);
    }
  }
}
