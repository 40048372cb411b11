package io.github.sparkdivergence.jobs;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;

/**
 * What a running job gets besides its arguments: the session, the Hadoop configuration paths are
 * resolved with, where to print its result, and the stage timer that logs each stage (read, count,
 * compute, write) and ends up in the summary.
 *
 * <p>Fail fast: the session starts at the first {@link #spark()} call, not before the job runs. A
 * job checks its flags and its local inputs and outputs first ({@link OutputChecks#check} with
 * {@link #hadoopConf()}, which needs no session), so a command-line mistake is reported in well
 * under a second instead of after Spark's start. Only what needs the catalog (tables) starts it
 * earlier.
 */
public final class JobContext {
  static final Logger LOG = LogManager.getLogger("io.github.sparkdivergence.jobs");

  private final Supplier<SparkSession> session;
  private final Configuration hadoopConf;
  private SparkSession spark;
  private final PrintStream out;
  private final String job;
  private final List<String[]> stages = new ArrayList<>();
  private final long start = System.nanoTime();

  /** A context on a running session. */
  public JobContext(SparkSession spark, String job, PrintStream out) {
    this(() -> spark, spark.sparkContext().hadoopConfiguration(), job, out);
  }

  /**
   * A context whose session {@code session} makes on the first {@link #spark()} call;
   * {@code hadoopConf} must resolve paths as that session's {@code hadoopConfiguration()} will.
   */
  public JobContext(Supplier<SparkSession> session, Configuration hadoopConf, String job, PrintStream out) {
    this.session = session;
    this.hadoopConf = hadoopConf;
    this.job = job;
    this.out = out;
  }

  /** The session, started on the first call (the stage "session" in the timings). */
  public synchronized SparkSession spark() {
    if (spark == null) spark = stage("session", session, s -> s.sparkContext().master());
    return spark;
  }

  /** The session if {@link #spark()} made or got one, else null. */
  synchronized SparkSession sparkIfStarted() { return spark; }

  /** The Hadoop configuration of the session (before it starts: one built the way it will build it). */
  public Configuration hadoopConf() { return hadoopConf; }
  public PrintStream out() { return out; }

  /** Runs one stage, logging its start and end with the wall time; {@code detail} describes the result. */
  public <T> T stage(String name, Supplier<T> body, java.util.function.Function<T, String> detail) {
    LOG.info("{}: stage {} started", job, name);
    long t0 = System.nanoTime();
    T result = body.get();
    double secs = (System.nanoTime() - t0) / 1e9;
    String d = detail == null ? "" : detail.apply(result);
    LOG.info("{}: stage {} done in {} s{}", job, name, String.format(Locale.ROOT, "%.2f", secs),
        d.isEmpty() ? "" : " (" + d + ")");
    stages.add(new String[] {name, String.format(Locale.ROOT, "%.2f", secs), d});
    return result;
  }

  public void stage(String name, Runnable body) {
    stage(name, () -> { body.run(); return null; }, null);
  }

  public void info(String message) { LOG.info("{}: {}", job, message); }

  public void warn(String message) { LOG.warn("{}: {}", job, message); }

  /** The stage timings as a table, printed at the end of every job. */
  public String timings() {
    TextTable t = new TextTable(List.of("stage", "seconds", "detail"));
    for (String[] s : stages) t.row(s[0], s[1], s[2]);
    t.row("total", String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9), "");
    return t.render();
  }
}
