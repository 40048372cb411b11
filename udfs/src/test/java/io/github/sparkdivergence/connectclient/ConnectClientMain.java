package io.github.sparkdivergence.connectclient;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Callable;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a Spark Connect user runs, started by {@code ConnectServerIT} in a JVM whose classpath holds
 * the Connect JVM client and its own dependencies only: no classic Spark, no spark-divergence
 * class. So it may use nothing but the API both share (SparkSession, Dataset, Row, functions) and
 * must not name any io.github.sparkdivergence class outside this package.
 *
 * <p>Prints one line per check, {@code CHECK<TAB>name<TAB>OK<TAB>value...} or
 * {@code CHECK<TAB>name<TAB>ERROR<TAB>message}; the test judges them, so that a failing check is
 * reported with its message instead of ending this program.
 *
 * <p>Arguments: {@code sc://host:port}, the titanic CSV's path (read by the server), P and Q as SQL
 * double literals separated by commas.
 */
public final class ConnectClientMain {
  private ConnectClientMain() {}

  public static void main(String[] args) throws Throwable {
    String url = args[0];
    String titanicPath = args[1];
    String p = "array(" + args[2] + ")";
    String q = "array(" + args[3] + ")";
    SparkSession spark = connect(url);
    try {
      System.out.println("CLIENT\t" + spark.getClass().getName() + "\t" + spark.version());
      Dataset<Row> pq = spark.sql("SELECT " + p + " AS p, " + q + " AS q");

      check("sql_bare", () -> spark.sql("SELECT kl_div(" + p + ", " + q + "), js_distance(" + p + ", " + q + ", 2)").first());
      check("sql_catalog", () -> spark.sql("SELECT divergence.kl_div(" + p + ", " + q + "), divergence.js_distance("
          + p + ", " + q + ", 2)").first());
      check("call_function", () -> pq.select(call_function("kl_div", col("p"), col("q")),
          call_function("js_distance", col("p"), col("q"), lit(2))).first());
      check("call_function_catalog", () -> pq.select(call_function("divergence.kl_div", col("p"), col("q")),
          call_function("divergence.js_distance", col("p"), col("q"), lit(2))).first());
      check("expr", () -> pq.select(expr("kl_div(p, q)"), expr("js_distance(p, q, 2)")).first());

      Dataset<Row> titanic = spark.read().option("header", "true").csv(titanicPath);
      titanic.createOrReplaceTempView("titanic");
      check("aggregate", () -> spark.sql("SELECT mutual_info(Sex, Survived), entropy(Sex), entropy(Survived) FROM titanic").first());
      check("aggregate_catalog", () -> spark.sql("SELECT divergence.mutual_info(Sex, Survived), divergence.entropy(Sex) "
          + "FROM titanic").first());
      check("aggregate_dataframe", () -> titanic.agg(call_function("mutual_info", col("Sex"), col("Survived")),
          expr("entropy(Survived)")).first());
      // One row of MutualInformation.of(titanic) (col_a Class, col_b Survived), written as SQL.
      check("mi_pair_sql", () -> spark.sql("SELECT n, h_a, h_b, h_ab, mi, nmi, ami, g.g, g.dof, g.p_value FROM ("
          + "SELECT count(*) AS n, entropy(Class) AS h_a, entropy(Survived) AS h_b, joint_entropy(Class, Survived) AS h_ab, "
          + "mutual_info(Class, Survived) AS mi, normalized_mutual_info(Class, Survived) AS nmi, "
          + "adjusted_mutual_info(Class, Survived) AS ami, g_test(Class, Survived) AS g FROM titanic)").first());

      // A state limit of one byte: every task's state passes it, and the server counts the pair through shuffles.
      spark.conf().set("spark.divergence.aggregate.maxStateBytes", "1");
      check("aggregate_through_shuffles", () -> spark.sql("SELECT mutual_info(Class, Survived), "
          + "adjusted_mutual_info(Class, Survived) FROM titanic").first());
      spark.conf().unset("spark.divergence.aggregate.maxStateBytes");

      check("invalid_input", () -> spark.sql("SELECT kl_div(array(0.5D, 0.5D), array(1.5D, -0.5D))").first());
      check("unknown_function", () -> spark.sql("SELECT kl_div_no_such_function(" + p + ", " + q + ")").first());
    } finally {
      spark.stop();
    }
  }

  /**
   * {@code org.apache.spark.sql.connect.SparkSession.builder().remote(url).getOrCreate()}, what a
   * Scala or Java Connect user writes. Through method handles: that class exists only in the
   * Connect client (4.0+), and these sources also compile against classic Spark 3.5. Not the generic
   * {@code org.apache.spark.sql.SparkSession.builder()}: it links SparkContext, which the Connect
   * client takes from spark-connect-shims, an artifact not served for 4.0.1 where this is built.
   * Not {@code Class.getMethod} either: it resolves every signature of the class, some of which name
   * classic classes.
   */
  private static SparkSession connect(String url) throws Throwable {
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    Class<?> session = Class.forName("org.apache.spark.sql.connect.SparkSession");
    Class<?> builderClass = Class.forName("org.apache.spark.sql.connect.SparkSession$Builder");
    Object builder = lookup.findStatic(session, "builder", MethodType.methodType(builderClass)).invoke();
    builder = lookup.findVirtual(builderClass, "remote", MethodType.methodType(builderClass, String.class)).invoke(builder, url);
    return (SparkSession) lookup.findVirtual(builderClass, "getOrCreate", MethodType.methodType(SparkSession.class)).invoke(builder);
  }

  @SuppressWarnings("deprecation") // getErrorClass: getCondition is not in Spark 3.5, where this also compiles
  private static void check(String name, Callable<Row> query) {
    StringBuilder line = new StringBuilder("CHECK\t").append(name);
    try {
      Row r = query.call();
      line.append("\tOK");
      for (int i = 0; i < r.length(); i++) line.append('\t').append(r.get(i));
    } catch (Exception e) {
      String m = String.valueOf(e.getMessage());
      int nl = m.indexOf('\n');
      line.append("\tERROR\t").append(e.getClass().getName()).append(": ")
          .append((nl < 0 ? m : m.substring(0, nl)).replace('\t', ' '));
      if (e instanceof SparkThrowable t) {
        line.append("\t").append(t.getErrorClass()).append("\t").append(t.getSqlState())
            .append("\t").append(t.getMessageParameters());
      }
    }
    System.out.println(line);
  }
}
