package io.github.sparkdivergence.spark;

import static org.junit.jupiter.api.Assertions.*;

import io.github.sparkdivergence.spark.catalyst.SparkLine;
import io.github.sparkdivergence.spark.functions.DivergenceRegistry;
import io.github.sparkdivergence.spark.functions.FunctionSpec;
import java.io.StringWriter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.junit.jupiter.api.Test;

class DivergenceExtensionsTest {
  /**
   * The README's {@code spark.sql.extensions} line plus the jar's service file apply two instances
   * to one extensions object: that logged 22 "replaced a previously registered function" warnings
   * per session.
   */
  @Test
  void registersOnceWhenTwoRoutesApplyTheExtension() {
    SparkSessionExtensions extensions = new SparkSessionExtensions();
    new DivergenceExtensions().apply(extensions);
    new DivergenceExtensions().apply(extensions);
    FunctionRegistry registry = FunctionRegistry$.MODULE$.builtin().clone();
    StringWriter log = new StringWriter();
    WriterAppender appender = WriterAppender.newBuilder().setName("capture-" + System.nanoTime()).setTarget(log)
        .setLayout(PatternLayout.newBuilder().withPattern("%p %m%n").build()).build();
    appender.start();
    Logger logger = (Logger) LogManager.getLogger("org.apache.spark.sql.catalyst.analysis.SimpleFunctionRegistry");
    logger.addAppender(appender);
    try {
      extensions.registerFunctions(registry);
    } finally {
      logger.removeAppender(appender);
      appender.stop();
    }
    assertEquals("", log.toString(), "no function registered twice");
    for (FunctionSpec spec : DivergenceRegistry.all()) {
      assertTrue(registry.functionExists(SparkLine.functionIdentifier(spec.name())), spec.name());
    }
    // a second session's extensions object gets the functions too
    SparkSessionExtensions other = new SparkSessionExtensions();
    new DivergenceExtensions().apply(other);
    FunctionRegistry second = FunctionRegistry$.MODULE$.builtin().clone();
    other.registerFunctions(second);
    assertTrue(second.functionExists(SparkLine.functionIdentifier("kl_div")));
  }
}
