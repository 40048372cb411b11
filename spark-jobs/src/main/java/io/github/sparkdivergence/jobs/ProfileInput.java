package io.github.sparkdivergence.jobs;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Saved profiles as the {@code profile} job writes them (parquet, orc or json directories, or
 * catalog tables), read for {@code --splits-from}, {@code --reference-profile} and
 * {@code --from-profiles}: the rows of all the locations given, to merge.
 */
final class ProfileInput {
  private ProfileInput() {}

  /** Adds each location of the repeated option {@code flag} to a job's inputs, so no output can land on a profile it reads. */
  static void addInputs(java.util.Map<String, String> inputs, JobArgs args, String flag) {
    List<String> all = args.all(flag);
    for (int i = 0; i < all.size(); i++) inputs.put(i == 0 ? flag : flag + " (" + (i + 1) + ")", all.get(i));
  }

  static Dataset<Row> read(SparkSession spark, List<String> locations, String flag) {
    Dataset<Row> all = null;
    for (String location : locations) {
      Dataset<Row> one = readOne(spark, location, flag);
      all = all == null ? one : all.unionByName(one);
    }
    if (all == null) throw JobException.usage("--" + flag + " names no profile");
    return all;
  }

  private static Dataset<Row> readOne(SparkSession spark, String location, String flag) {
    Path path = new Path(location);
    FileStatus[] found;
    try {
      FileSystem fs = Places.checkingFileSystem(path, spark.sparkContext().hadoopConfiguration());
      found = fs.globStatus(path);
    } catch (IOException | IllegalArgumentException e) {
      throw JobException.input("cannot read --" + flag + " " + location + ": " + e.getMessage());
    }
    if (found == null || found.length == 0) {
      if (Places.tableExists(spark, location)) return spark.table(location);
      throw JobException.input("--" + flag + " path does not exist: " + location);
    }
    String name = location.toLowerCase(java.util.Locale.ROOT);
    String format = name.endsWith(".json") ? "json" : name.endsWith(".orc") ? "orc" : "parquet";
    try {
      Dataset<Row> d = spark.read().format(format).load(location);
      if (!java.util.Arrays.asList(d.columns()).contains("state")) {
        throw JobException.input("--" + flag + " " + location + " is not a profile (no state column; columns: "
            + String.join(", ", d.columns()) + ")");
      }
      return d;
    } catch (JobException e) {
      throw e;
    } catch (Exception e) {
      throw JobException.input("--" + flag + " " + location + " is not a readable profile (" + format + "): "
          + JobException.firstLine(e.getMessage()));
    }
  }
}
