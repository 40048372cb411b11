package io.github.sparkdivergence.jobs;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;

/**
 * Entry point: {@code io.github.sparkdivergence.jobs.Main <job> [options]} (spark-submit
 * {@code --class}, or the {@code bin/spark-divergence} launcher). {@link #run} is callable
 * in-process (tests) and returns the exit status; only {@link #main} exits.
 *
 * <p>Exit status: 0 ok, 1 bad input (missing path, unknown column, wrong type, empty dataset,
 * existing output, failed Spark job), 2 bad command line, 3 drift over a {@code --threshold}.
 */
public final class Main {
  private Main() {}

  static final Map<String, Job> JOBS = new LinkedHashMap<>();

  static {
    for (Job j : List.of(new DriftJob(), new MutualInfoJob(), new ScoreJob())) JOBS.put(j.name(), j);
  }

  public static void main(String[] args) {
    int status;
    try {
      status = run(args, System.out, System.err, true);
    } finally {
      System.out.flush();
      System.err.flush();
    }
    System.exit(status);
  }

  /** Runs a job in this JVM, reusing the active Spark session if there is one (never stops it). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, false);
  }

  private static int run(String[] args, PrintStream out, PrintStream err, boolean stopSession) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      (args.length == 0 ? err : out).print(usage());
      return args.length == 0 ? JobException.USAGE : 0;
    }
    Job job = JOBS.get(args[0]);
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    boolean verbose = Arrays.asList(rest).contains("--verbose");
    if (job == null) {
      err.println("spark-divergence: error: unknown job '" + args[0] + "' (jobs: " + String.join(", ", JOBS.keySet()) + ")");
      return JobException.USAGE;
    }
    if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
      out.print(job.help());
      return 0;
    }
    SparkSession spark = null;
    boolean created = false;
    try {
      // before the session starts: on another Spark line the session or the functions fail obscurely
      io.github.sparkdivergence.spark.SparkVersionCheck.require();
      DataIO.READ.remove();
      JobArgs parsed = JobArgs.parse(job.name(), job.options(), rest);
      scala.Option<SparkSession> existing = SparkSession.getActiveSession();
      if (existing.isEmpty()) existing = SparkSession.getDefaultSession();
      if (existing.isDefined()) {
        spark = existing.get();
        if (parsed.has("master") || parsed.has("conf")) {
          JobContext.LOG.warn("{}: a Spark session already exists; --master/--conf ignored", job.name());
        }
      } else {
        spark = newSession(job.name(), parsed);
        created = true;
      }
      if (!verbose && spark.sparkContext().isLocal()) quietTaskFailureLogs();
      io.github.sparkdivergence.spark.Divergences.register(spark);
      JobContext ctx = new JobContext(spark, job.name(), out);
      int status = job.run(ctx, parsed);
      out.flush();
      return status;
    } catch (JobException e) {
      out.flush();
      err.println("spark-divergence " + job.name() + ": error: " + e.getMessage());
      if (verbose) e.printStackTrace(err);
      return e.exitCode();
    } catch (Throwable e) {
      out.flush();
      err.println("spark-divergence " + job.name() + ": error: "
          + (DataIO.malformed(e) ? DataIO.malformedMessage(null, null, e) : describe(e)));
      if (verbose) e.printStackTrace(err);
      else err.println("(run with --verbose for the stack trace)");
      return JobException.INPUT;
    } finally {
      if (stopSession && created && spark != null) spark.stop();
    }
  }

  private static SparkSession newSession(String job, JobArgs args) {
    SparkConf conf = new SparkConf(); // picks up spark.* system properties set by spark-submit
    SparkSession.Builder b = SparkSession.builder().appName("spark-divergence " + job);
    if (!conf.contains("spark.master")) b = b.master(args.get("master", "local[*]"));
    else if (args.has("master")) JobContext.LOG.warn("{}: spark.master already set ({}); --master ignored", job, conf.get("spark.master"));
    for (Map.Entry<String, String> kv : args.pairs("conf").entrySet()) b = b.config(kv.getKey(), kv.getValue());
    SparkSession spark = b.getOrCreate();
    return spark;
  }

  /**
   * In local mode a failing task is reported by this job in one line; Spark's own ERROR lines with
   * the same exception's stack trace (executor, task set, writer) are silenced unless --verbose.
   * Cluster runs keep them: there they are the executors' record of what failed.
   */
  static void quietTaskFailureLogs() {
    try {
      for (String logger : List.of("org.apache.spark.executor.Executor", "org.apache.spark.scheduler.TaskSetManager",
          "org.apache.spark.sql.execution.datasources.FileFormatWriter", "org.apache.spark.internal.io.SparkHadoopWriter",
          "org.apache.spark.util.Utils", "org.apache.spark.storage.BlockManager")) {
        org.apache.logging.log4j.core.config.Configurator.setLevel(logger, org.apache.logging.log4j.Level.OFF);
      }
    } catch (Throwable t) {
      // not log4j-core: leave logging alone
    }
  }

  /** One line for any failure: the innermost meaningful message, without Spark's error-class noise. */
  static String describe(Throwable e) {
    Throwable t = e;
    Throwable best = e;
    while (t != null) {
      if (t instanceof io.github.sparkdivergence.spark.InvalidDivergenceInputException
          || t instanceof io.github.sparkdivergence.spark.DivergenceQueryException
          || t instanceof AnalysisException || t instanceof JobException) {
        best = t;
        break;
      }
      if (t.getMessage() != null) best = t;
      t = t.getCause() == t ? null : t.getCause();
    }
    String msg = DataIO.firstLine(best.getMessage());
    if (msg.isEmpty()) msg = best.getClass().getSimpleName();
    return msg;
  }

  static String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: spark-divergence <job> [options]   (spark-submit --class ").append(Main.class.getName())
        .append(" spark-divergence-jobs.jar <job> [options])\n\nJobs:\n");
    for (Job j : JOBS.values()) sb.append(String.format("  %-12s %s%n", j.name(), j.summary()));
    sb.append("\nRun 'spark-divergence <job> --help' for the options of a job.\n")
        .append("Exit status: 0 ok, 1 bad input or failed job, 2 bad command line, 3 drift over a --threshold.\n");
    return sb.toString();
  }
}
