package io.github.sparkdivergence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The flag tables of spark-jobs/README.md are generated from the jobs' option declarations (the
 * text --help prints), so a default or a meaning cannot differ between the two. Only the regions
 * between {@code <!-- flags: NAME -->} and {@code <!-- end flags -->} are generated; the prose
 * around them is hand-written. Regenerate with
 * {@code mvn -pl spark-jobs -am test -Dtest=JobFlagsReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dregenerate=true}.
 */
class JobFlagsReferenceTest {
  private static final Path README = Paths.get("README.md");
  private static final Pattern REGION = Pattern.compile("(<!-- flags: ([a-z-]+) -->\n)(.*?)(<!-- end flags -->)", Pattern.DOTALL);
  static final String COMMON = "common";

  /** The flags every job takes; a job that declares one differently (score's required --output) lists it in its own table. */
  static List<JobArgs.Option> common() {
    List<JobArgs.Option> o = new ArrayList<>(JobOptions.inputOptions("input"));
    o.addAll(JobOptions.outputOptions(false));
    o.addAll(JobOptions.commonOptions());
    return o;
  }

  /** Table name (a job, or {@link #COMMON}) -> its rows, in declaration order (the --help order). */
  static Map<String, List<JobArgs.Option>> tables() {
    List<JobArgs.Option> common = common();
    Map<String, List<JobArgs.Option>> tables = new LinkedHashMap<>();
    for (Job job : Main.JOBS.values()) {
      List<JobArgs.Option> own = new ArrayList<>();
      for (JobArgs.Option o : job.options()) if (!common.contains(o)) own.add(o);
      tables.put(job.name(), own);
    }
    tables.put(COMMON, common);
    return tables;
  }

  static String table(List<JobArgs.Option> options) {
    StringBuilder md = new StringBuilder("| flag | meaning |\n|---|---|\n");
    for (JobArgs.Option o : options) {
      md.append("| `").append(o.head()).append("` | ").append(markdown(o.describe().replace("\n", " "))).append(" |\n");
    }
    return md.toString();
  }

  /** Help text as literal Markdown table text: no emphasis, strike-through, HTML or cell breaks. */
  static String markdown(String text) {
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("~", "\\~")
        .replace("<", "&lt;").replaceAll("(^|[^A-Za-z0-9])_", "$1\\\\_");
  }

  /** {@code readme} with every marked region replaced by its generated table. */
  static String render(String readme) {
    Map<String, List<JobArgs.Option>> tables = tables();
    Set<String> seen = new LinkedHashSet<>();
    Matcher m = REGION.matcher(readme);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(2);
      if (!tables.containsKey(name)) fail("README.md has a flags region for unknown table '" + name + "' (tables: " + tables.keySet() + ")");
      if (!seen.add(name)) fail("README.md has two flags regions for '" + name + "'");
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + "\n" + table(tables.get(name)) + "\n" + m.group(4)));
    }
    m.appendTail(out);
    for (String name : tables.keySet()) {
      if (!seen.contains(name)) {
        fail("README.md has no region <!-- flags: " + name + " --> ... <!-- end flags --> for the flags of " + name);
      }
    }
    return out.toString();
  }

  @Test
  void flagTablesAreUpToDate() throws IOException {
    String expected = render(Files.readString(README, StandardCharsets.UTF_8));
    if (Boolean.getBoolean("regenerate")) Files.writeString(README, expected, StandardCharsets.UTF_8);
    String committed = Files.readString(README, StandardCharsets.UTF_8);
    if (!expected.equals(committed)) {
      fail("the flag tables of spark-jobs/README.md differ from the jobs' option declarations; regenerate them with\n"
          + "  mvn -pl spark-jobs -am test -Dtest=JobFlagsReferenceTest -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dregenerate=true\n" + firstDifference(committed, expected));
    }
  }

  /** The first line that differs, rather than the whole file twice. */
  static String firstDifference(String committed, String expected) {
    String[] c = committed.split("\n", -1);
    String[] e = expected.split("\n", -1);
    int i = 0;
    while (i < c.length && i < e.length && c[i].equals(e[i])) i++;
    return "first difference at line " + (i + 1) + ":\n  README.md: " + (i < c.length ? c[i] : "(end of file)")
        + "\n  generated: " + (i < e.length ? e[i] : "(end of file)");
  }

  @Test
  void markdownIsLiteral() {
    assertEquals("ARRAY&lt;DOUBLE>, (1 + K\\*eps), a\\|b, kl_div, \\_raw, (\\_x", markdown("ARRAY<DOUBLE>, (1 + K*eps), a|b, kl_div, _raw, (_x"));
  }
}
