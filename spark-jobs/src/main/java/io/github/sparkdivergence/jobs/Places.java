package io.github.sparkdivergence.jobs;

import io.github.sparkdivergence.jobs.InputReader.Input;
import io.github.sparkdivergence.spark.ScalaSeqs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Inputs and outputs resolved the same way, so that an output can be compared with every input
 * and other output before anything is written: paths fully qualified and normalised (globs by
 * their non-glob parent and every match) without a session, tables by qualified name and location.
 */
final class Places {
  private Places() {}

  /** Where something read or written lives: a catalog table (qualified name, location if known) or paths. */
  record Place(String what, String location, List<String> table, List<Path> paths) {}

  static Place tablePlace(SparkSession spark, String what, String location) {
    return new Place(what, location, tableId(spark, location), tableLocation(spark, location));
  }

  static Place inputPlace(Input i) {
    List<Path> paths = new ArrayList<>(); // the matches first: the most specific conflict is reported
    for (FileStatus s : i.found()) paths.add(s.getPath());
    Path parent = nonGlobParent(i.qualified());
    if (!paths.contains(parent)) paths.add(parent);
    return new Place("--" + i.what(), i.location(), null, paths);
  }

  /** "is", "is inside" or "contains" when one qualified path is or lies inside the other, else null. */
  static String relation(Path a, Path b) {
    java.net.URI ua = a.toUri();
    java.net.URI ub = b.toUri();
    if (!eqIgnoreCase(ua.getScheme(), ub.getScheme()) || !eqIgnoreCase(ua.getAuthority(), ub.getAuthority())) return null;
    String pa = trimSlash(ua.getPath());
    String pb = trimSlash(ub.getPath());
    if (pa.equals(pb)) return "is";
    if (pa.startsWith(pb.equals("/") ? "/" : pb + "/")) return "is inside";
    if (pb.startsWith(pa.equals("/") ? "/" : pa + "/")) return "contains";
    return null;
  }

  private static boolean eqIgnoreCase(String a, String b) {
    return a == null || a.isEmpty() ? b == null || b.isEmpty() : a.equalsIgnoreCase(b);
  }

  private static String trimSlash(String p) {
    String s = p == null || p.isEmpty() ? "/" : p;
    while (s.length() > 1 && s.endsWith("/")) s = s.substring(0, s.length() - 1);
    return s;
  }

  /**
   * The file system the checks before the session use for {@code p}: for a local path a fresh
   * {@link LocalFileSystem}, what {@code p.getFileSystem(conf)} returns there too, but without
   * Hadoop's file-system cache, whose key logs the user in (JAAS, ~0.16 s of a mistake that should
   * be reported in under a second); any other scheme through the cache as usual.
   */
  static FileSystem checkingFileSystem(Path p, Configuration conf) throws IOException {
    String scheme = p.toUri().getScheme();
    if (scheme == null) scheme = FileSystem.getDefaultUri(conf).getScheme();
    if (!"file".equalsIgnoreCase(scheme)) return p.getFileSystem(conf);
    LocalFileSystem fs = new LocalFileSystem();
    fs.initialize(java.net.URI.create("file:///"), conf);
    return fs;
  }

  /** The fully qualified, normalised path ({@code .}, {@code ..}, trailing slashes, scheme, working directory). */
  static Path qualify(Configuration conf, String location, String what) {
    try {
      Path p = new Path(location);
      return checkingFileSystem(p, conf).makeQualified(p);
    } catch (IOException | IllegalArgumentException e) {
      throw JobException.usage(what + " " + location + " is not a usable path: " + JobException.firstLine(e.getMessage()));
    }
  }

  static boolean hasGlob(String s) {
    for (char c : s.toCharArray()) if ("*?[]{}".indexOf(c) >= 0) return true;
    return false;
  }

  /** The deepest ancestor of a glob path without glob characters (the path itself when it has none). */
  static Path nonGlobParent(Path p) {
    Path q = p;
    while (q.getParent() != null && hasGlob(q.toUri().getPath())) q = q.getParent();
    return q;
  }

  /** catalog, database, table; lower-case (Spark's default case-insensitive resolution). */
  private static List<String> tableId(SparkSession spark, String name) {
    List<String> parts;
    try {
      parts = new ArrayList<>(ScalaSeqs.asJava(
          spark.sessionState().sqlParser().parseMultipartIdentifier(name)));
    } catch (Exception e) {
      parts = new ArrayList<>(List.of(name.split("\\.")));
    }
    if (parts.size() == 1) parts.add(0, spark.catalog().currentDatabase());
    if (parts.size() == 2) parts.add(0, spark.catalog().currentCatalog());
    List<String> id = new ArrayList<>();
    for (String s : parts) id.add(s.toLowerCase(Locale.ROOT));
    return id;
  }

  /** The location of an existing table ({@code DESCRIBE TABLE EXTENDED}), as a one-element list; empty if none. */
  private static List<Path> tableLocation(SparkSession spark, String name) {
    if (!tableExists(spark, name)) return List.of();
    try {
      for (Row r : spark.sql("DESCRIBE TABLE EXTENDED " + name).collectAsList()) {
        if ("Location".equals(r.getString(0)) && r.getString(1) != null && !r.getString(1).isBlank()) {
          Path p = new Path(r.getString(1));
          return List.of(p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p));
        }
      }
    } catch (Exception e) {
      // a view, or a catalog without locations: compared by name only
    }
    return List.of();
  }

  static boolean tableExists(SparkSession spark, String name) {
    try {
      return spark.catalog().tableExists(name);
    } catch (Exception e) { // ParseException is checked, and thrown undeclared
      return false;
    }
  }
}
