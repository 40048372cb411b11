package io.github.sparkdivergence.jobs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Errors for records Spark's FAILFAST parser rejects. Spark may reject one while the input is read
 * ({@link InputReader#read}) or only in a later stage (caught in {@link Main}), whose failure no
 * longer says which input it was: so the inputs a job reads are recorded per thread.
 */
final class MalformedRecords {
  private MalformedRecords() {}

  /** The inputs read by the job running in this thread (what, location, format): named in malformed-record errors. */
  static final ThreadLocal<List<String[]>> READ = ThreadLocal.withInitial(ArrayList::new);

  /** True when Spark's FAILFAST parser rejected a record somewhere in {@code e}'s causes. */
  static boolean detected(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("MALFORMED_RECORD_IN_PARSING") || m.contains("Malformed records are detected"))) return true;
    }
    return false;
  }

  /** The one-line error for a malformed record: which input, and how to read such rows as nulls. */
  static JobException error(String what, String location, String format, Throwable e) {
    return new JobException(JobException.INPUT, message(what + " " + location, format, e), e);
  }

  /**
   * "{@code input} (file) has a malformed csv record; to read malformed rows as nulls, give
   * --option mode=PERMISSIVE"; the file comes from Spark's FAILED_READ_FILE message when there is
   * one ({@code input} may then be null).
   */
  static String message(String input, String format, Throwable e) {
    String file = null;
    Pattern fileIn = Pattern.compile("(?i)error while reading file (\\S+?)\\.?(\\s|$)"); // 4.x and 3.5 wordings
    for (Throwable t = e; t != null && file == null; t = t.getCause() == t ? null : t.getCause()) {
      Matcher m = fileIn.matcher(String.valueOf(t.getMessage()));
      if (m.find()) file = m.group(1);
    }
    if (input == null) {
      // a failure in a later stage: the input the file belongs to (the only csv/json one, else by path)
      List<String[]> text = new ArrayList<>();
      for (String[] r : READ.get()) if ("csv".equals(r[2]) || "json".equals(r[2])) text.add(r);
      for (String[] r : text) {
        String loc = r[1].replaceFirst("^file:/*", "/");
        if (text.size() == 1 || (file != null && file.replaceFirst("^file:/*", "/").startsWith(loc))) {
          input = r[0] + " " + r[1];
          format = r[2];
          break;
        }
      }
    }
    if (input == null && format == null) {
      // Spark 3.5 does not name the file; the format is still known when the text inputs share it
      Set<String> formats = new HashSet<>();
      for (String[] r : READ.get()) if ("csv".equals(r[2]) || "json".equals(r[2])) formats.add(r[2]);
      if (formats.size() == 1) format = formats.iterator().next();
    }
    String where = input == null ? (file == null ? "an input" : file) : input + (file == null ? "" : " (" + file + ")");
    return where + " has a malformed " + (format == null ? "" : format + " ") + "record; to read malformed rows as "
        + "nulls, give --option mode=PERMISSIVE (their raw text then goes to the corrupt-record column, which the jobs "
        + "never use as data)";
  }
}
