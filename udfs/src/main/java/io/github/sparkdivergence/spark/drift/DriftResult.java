package io.github.sparkdivergence.spark.drift;

import io.github.sparkdivergence.drift.ColumnKind;
import io.github.sparkdivergence.drift.DriftMeasure;
import io.github.sparkdivergence.drift.Numbers;
import io.github.sparkdivergence.report.DriftReport;
import io.github.sparkdivergence.spark.ScalaSeqs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The outcome of a drift comparison: one {@link ColumnDrift} per column, the dataset verdict, the
 * explicit thresholds that fired, and the same as tables ({@link #table}, {@link #categories}) and
 * as JSON ({@link #summaryJson}).
 */
public final class DriftResult {
  private final SparkSession spark;
  private final long nRef;
  private final long nCur;
  private final DriftOptions options;
  private final List<ColumnDrift> columns;
  private final List<String> notes;

  DriftResult(SparkSession spark, long nRef, long nCur, DriftOptions options, List<ColumnDrift> columns, List<String> notes) {
    this.spark = spark;
    this.nRef = nRef;
    this.nCur = nCur;
    this.options = options;
    this.columns = List.copyOf(columns);
    this.notes = List.copyOf(notes);
  }

  /** A column's verdict from its measures, by the rules of {@link DriftOptions}. */
  static ColumnDrift verdict(String column, ColumnKind kind, long nRef, long nCur, Integer categories, Integer dimension,
      Map<DriftMeasure, Double> measures, List<String> onlyRef, List<String> onlyCur, List<ColumnDrift.Bucket> buckets,
      DriftOptions options) {
    DriftMeasure method = options.methodOf(column, kind);
    double threshold = options.thresholdOf(column, method);
    double score = measures.get(method);
    return new ColumnDrift(column, kind, method, threshold, score, DriftOptions.exceeds(score, threshold), nRef, nCur,
        categories, dimension, Collections.unmodifiableMap(measures), nullable(onlyRef), nullable(onlyCur),
        options.exceededBy(column, measures), List.copyOf(buckets));
  }

  /** List.copyOf refuses nulls, and NULL is a category. */
  private static List<String> nullable(List<String> xs) {
    return Collections.unmodifiableList(new ArrayList<>(xs));
  }

  public List<ColumnDrift> columns() { return columns; }
  public long nRef() { return nRef; }
  public long nCur() { return nCur; }
  public DriftOptions options() { return options; }
  /** What the computation noticed on the way (columns skipped, columns without values). */
  public List<String> notes() { return notes; }

  public int driftedColumns() {
    int n = 0;
    for (ColumnDrift c : columns) if (c.drifted()) n++;
    return n;
  }

  public boolean datasetDrifted() { return options.datasetDrifted(driftedColumns(), columns.size()); }

  /** "drift in 3 of 7 columns (share 0.43, dataset drifts at 0.5)". */
  public String verdictText() {
    return (datasetDrifted() ? "dataset drift: " : "no dataset drift: ") + "drift in " + driftedColumns() + " of "
        + columns.size() + " column(s) (share " + Numbers.num((double) driftedColumns() / columns.size())
        + ", the dataset drifts at " + Numbers.num(options.datasetShare()) + ")";
  }

  /** Every explicit threshold exceeded, as "column (measure=score > threshold, ...)". */
  public List<String> thresholdsExceeded() {
    List<String> out = new ArrayList<>();
    for (ColumnDrift c : columns) {
      if (!c.thresholdsExceeded().isEmpty()) out.add(c.column() + " (" + String.join(", ", c.thresholdsExceeded()) + ")");
    }
    return out;
  }

  /** The output schemas, built on first use (Spark 4's StringType starts its collations, ~0.2 s). */
  static final class Schemas {
    static final StructType TABLE = table();
    static final StructType CATEGORIES = new StructType()
        .add("column", DataTypes.StringType, false)
        .add("category", DataTypes.StringType, true)
        .add("bucket", DataTypes.IntegerType, true)
        .add("lower", DataTypes.DoubleType, true)
        .add("upper", DataTypes.DoubleType, true)
        .add("n_ref", DataTypes.LongType, false)
        .add("n_cur", DataTypes.LongType, false)
        .add("p_ref", DataTypes.DoubleType, false)
        .add("p_cur", DataTypes.DoubleType, false);

    private static StructType table() {
      StructType t = new StructType()
          .add("column", DataTypes.StringType, false)
          .add("kind", DataTypes.StringType, false)
          .add("method", DataTypes.StringType, false)
          .add("threshold", DataTypes.DoubleType, false)
          .add("score", DataTypes.DoubleType, false)
          .add("drifted", DataTypes.BooleanType, false)
          .add("n_ref", DataTypes.LongType, false)
          .add("n_cur", DataTypes.LongType, false)
          .add("categories", DataTypes.IntegerType, true)
          .add("dimension", DataTypes.IntegerType, true);
      // NULL where a measure does not apply to the column's kind
      for (DriftMeasure m : DriftMeasure.values()) t = t.add(m.outputName(), DataTypes.DoubleType, true);
      return t.add("only_in_ref", DataTypes.createArrayType(DataTypes.StringType, true), false)
          .add("only_in_cur", DataTypes.createArrayType(DataTypes.StringType, true), false)
          .add("thresholds_exceeded", DataTypes.createArrayType(DataTypes.StringType, false), false);
    }

    private Schemas() {}
  }

  public static StructType tableSchema() { return Schemas.TABLE; }

  public static StructType categoriesSchema() { return Schemas.CATEGORIES; }

  /** One row per column, in the order compared (see {@link #tableSchema}). */
  public Dataset<Row> table() { return spark.createDataFrame(tableRows(), Schemas.TABLE); }

  public List<Row> tableRows() {
    List<Row> rows = new ArrayList<>();
    for (ColumnDrift c : columns) {
      List<Object> v = new ArrayList<>(List.of(c.column(), c.kind().label(), c.method().outputName(), c.threshold(),
          c.score(), c.drifted(), c.nRef(), c.nCur()));
      v.add(c.categories());
      v.add(c.dimension());
      for (DriftMeasure m : DriftMeasure.values()) v.add(c.measure(m));
      v.add(ScalaSeqs.asScala(c.onlyInRef()));
      v.add(ScalaSeqs.asScala(c.onlyInCur()));
      v.add(ScalaSeqs.asScala(c.thresholdsExceeded()));
      rows.add(RowFactory.create(v.toArray()));
    }
    return rows;
  }

  /** The counts behind the binned measures: one row per (column, category or bucket); none for vector columns. */
  public Dataset<Row> categories() {
    List<Row> rows = new ArrayList<>();
    for (ColumnDrift c : columns) {
      for (ColumnDrift.Bucket b : c.buckets()) {
        rows.add(RowFactory.create(c.column(), b.label(), b.bucket(), b.lower(), b.upper(), b.nRef(), b.nCur(),
            (double) b.nRef() / c.nRef(), (double) b.nCur() / c.nCur()));
      }
    }
    return spark.createDataFrame(rows, Schemas.CATEGORIES);
  }

  /**
   * The verdicts as one JSON object: the dataset verdict, the thresholds that fired and per column
   * its method, threshold, score and verdict. Valid JSON: an infinite score is written as the
   * string "Infinity" (as Spark's JSON writer writes infinite doubles), never as a bare token.
   */
  public String summaryJson() {
    StringBuilder b = new StringBuilder(256 + 200 * columns.size());
    b.append("{\n  \"dataset_drifted\": ").append(datasetDrifted())
        .append(",\n  \"drifted_columns\": ").append(driftedColumns())
        .append(",\n  \"columns_compared\": ").append(columns.size())
        .append(",\n  \"dataset_share\": ").append(json(options.datasetShare()))
        .append(",\n  \"n_ref\": ").append(nRef)
        .append(",\n  \"n_cur\": ").append(nCur)
        .append(",\n  \"verdict\": ").append(json(verdictText()))
        .append(",\n  \"thresholds_exceeded\": [");
    List<String> fired = thresholdsExceeded();
    for (int i = 0; i < fired.size(); i++) b.append(i == 0 ? "" : ", ").append(json(fired.get(i)));
    b.append("],\n  \"columns\": [");
    for (int i = 0; i < columns.size(); i++) {
      ColumnDrift c = columns.get(i);
      b.append(i == 0 ? "\n" : ",\n").append("    {\"column\": ").append(json(c.column()))
          .append(", \"kind\": ").append(json(c.kind().label()))
          .append(", \"method\": ").append(json(c.method().outputName()))
          .append(", \"threshold\": ").append(json(c.threshold()))
          .append(", \"score\": ").append(json(c.score()))
          .append(", \"drifted\": ").append(c.drifted())
          .append(", \"thresholds_exceeded\": [");
      for (int j = 0; j < c.thresholdsExceeded().size(); j++) b.append(j == 0 ? "" : ", ").append(json(c.thresholdsExceeded().get(j)));
      b.append("]}");
    }
    return b.append(columns.isEmpty() ? "]\n}\n" : "\n  ]\n}\n").toString();
  }

  /**
   * The page of {@link io.github.sparkdivergence.report.HtmlReport}: built from the counts only, so
   * its size depends on the columns and their buckets, never on the rows.
   */
  public DriftReport report(String title) {
    List<DriftReport.Column> cols = new ArrayList<>();
    for (ColumnDrift c : columns) {
      List<DriftReport.Bucket> buckets = new ArrayList<>();
      for (ColumnDrift.Bucket b : c.buckets()) buckets.add(new DriftReport.Bucket(b.label(), b.nRef(), b.nCur()));
      cols.add(new DriftReport.Column(c.column(), c.kind().label(), c.method().outputName(), c.threshold(), c.score(),
          c.drifted(), c.nRef(), c.nCur(), buckets, c.onlyInRef(), c.onlyInCur()));
    }
    List<String> pageNotes = new ArrayList<>(notes);
    pageNotes.addAll(thresholdsExceeded().stream().map(t -> "threshold exceeded: " + t).toList());
    return new DriftReport(title, nRef, nCur, options.datasetShare(), datasetDrifted(), pageNotes, cols);
  }

  static String json(double v) {
    if (Double.isNaN(v)) return "\"NaN\"";
    if (Double.isInfinite(v)) return v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return Double.toString(v);
  }

  static String json(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
          else b.append(ch);
        }
      }
    }
    return b.append('"').toString();
  }
}
