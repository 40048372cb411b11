package io.github.sparkdivergence.spark.functions;

import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;

/** An unbound function of the registry: its SQL name and usage text ({@code _FUNC_} = the name). */
public abstract class SqlFunction implements UnboundFunction {
  final String name;
  final String usage;

  SqlFunction(String name, String usage) {
    this.name = name;
    this.usage = usage;
  }

  @Override public final String name() { return name; }
  @Override public final String description() { return usage.replace("_FUNC_", name); }
}
