package io.github.sparkdivergence.jobs;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
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
    for (Job j : List.of(new DriftJob(), new MutualInfoJob(), new ProfileJob(), new ScoreJob())) JOBS.put(j.name(), j);
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
    SparkSession[] created = {null}; // a session this run made (main() stops it)
    try {
      // before the session starts: on another Spark line the session or the functions fail obscurely
      io.github.sparkdivergence.spark.SparkVersionCheck.require();
      MalformedRecords.READ.remove();
      JobArgs parsed = JobArgs.parse(job.name(), job.options(), rest);
      // the session starts at the job's first ctx.spark(), after the checks that need none (fail fast)
      scala.Option<SparkSession> active = SparkSession.getActiveSession();
      if (active.isEmpty()) active = SparkSession.getDefaultSession();
      JobContext ctx;
      if (active.isDefined()) {
        SparkSession existing = active.get();
        if (parsed.has("master") || parsed.has("conf")) {
          JobContext.LOG.warn("{}: a Spark session already exists; --master/--conf ignored", job.name());
        }
        ctx = new JobContext(() -> prepare(existing, verbose), existing.sparkContext().hadoopConfiguration(),
            job.name(), out);
      } else {
        SparkConf conf = sessionConf(job.name(), parsed);
        ctx = new JobContext(() -> prepare(created[0] = newSession(job.name(), conf), verbose), hadoopConf(conf),
            job.name(), out);
      }
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
          + (MalformedRecords.detected(e) ? MalformedRecords.message(null, null, e) : describe(e)));
      if (verbose) e.printStackTrace(err);
      else err.println("(run with --verbose for the stack trace)");
      return JobException.INPUT;
    } finally {
      if (stopSession && created[0] != null) created[0].stop();
    }
  }

  /**
   * The configuration of a session this run makes: spark.* system properties (spark-submit's),
   * --master unless spark.master is set, the --conf pairs.
   */
  static SparkConf sessionConf(String job, JobArgs args) {
    SparkConf conf = new SparkConf(); // picks up spark.* system properties set by spark-submit
    if (!conf.contains("spark.master")) conf.setMaster(args.get("master"));
    else if (args.has("master")) JobContext.LOG.warn("{}: spark.master already set ({}); --master ignored", job, conf.get("spark.master"));
    conf.setAppName("spark-divergence " + job);
    for (Map.Entry<String, String> kv : args.pairs("conf").entrySet()) conf.set(kv.getKey(), kv.getValue());
    int cores = localCores(conf.get("spark.master"));
    if (cores > 0 && !conf.contains("spark.sql.shuffle.partitions")) {
      // Spark's default of 200 is sized for clusters: in local mode it means 200 tiny tasks per shuffle
      conf.set("spark.sql.shuffle.partitions", Integer.toString(cores));
    }
    return conf;
  }

  /** The cores of a local master (local, local[N], local[*], local[N,F], local[*,F]); 0 for any other master. */
  static int localCores(String master) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?\\])?").matcher(master.trim());
    if (!m.matches()) return 0;
    if (m.group(1) == null) return 1;
    return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Math.max(1, Integer.parseInt(m.group(1)));
  }

  /**
   * The Hadoop configuration a SparkContext on {@code conf} will have, without starting one, so
   * that scheme-less paths resolve as the session will resolve them. SparkContext calls
   * {@code SparkHadoopUtil.get.newConfiguration(conf)}, which is the companion object's
   * {@code newConfiguration} (core-site.xml etc., spark.hadoop.*, spark.hive.*, S3 keys from the
   * environment, spark.buffer.size) plus the resource {@code SPARK_HADOOP_CONF_FILE}; this calls
   * those two directly, as {@code SparkHadoopUtil.get} would also set up Hadoop's
   * UserGroupInformation, which the session does when it starts.
   */
  static Configuration hadoopConf(SparkConf conf) {
    org.apache.spark.deploy.SparkHadoopUtil$ util = org.apache.spark.deploy.SparkHadoopUtil$.MODULE$;
    Configuration c = util.newConfiguration(conf);
    c.addResource(util.SPARK_HADOOP_CONF_FILE());
    return c;
  }

  private static SparkSession newSession(String job, SparkConf conf) {
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** What every job's session gets once: quiet task-failure logs (local mode), the SQL functions. */
  private static SparkSession prepare(SparkSession spark, boolean verbose) {
    if (!verbose && spark.sparkContext().isLocal()) quietTaskFailureLogs();
    io.github.sparkdivergence.spark.DivergenceFunctions.register(spark);
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
    String msg = JobException.firstLine(best.getMessage());
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
