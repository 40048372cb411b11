package io.github.sparkdivergence.spark;

import io.github.sparkdivergence.spark.functions.DivergenceRegistry;
import io.github.sparkdivergence.spark.functions.FunctionSpec;
import org.apache.spark.sql.catalyst.analysis.NoSuchFunctionException;
import org.apache.spark.sql.connector.catalog.FunctionCatalog;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The qualified alternative to the extension: {@code spark.sql.catalog.divergence=}this class makes
 * {@code SELECT divergence.kl_div(p, q)} work, settable at runtime. Functions live in the root
 * namespace of the catalog.
 */
public final class DivergenceCatalog implements FunctionCatalog {
  private String name = "divergence";

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    SparkVersionCheck.require();
    this.name = name;
  }

  @Override public String name() { return name; }

  @Override
  public Identifier[] listFunctions(String[] namespace) {
    if (namespace.length != 0) return new Identifier[0];
    return DivergenceRegistry.all().stream()
        .map(s -> Identifier.of(new String[0], s.name()))
        .toArray(Identifier[]::new);
  }

  @Override
  public UnboundFunction loadFunction(Identifier ident) throws NoSuchFunctionException {
    FunctionSpec spec = ident.namespace().length == 0 ? DivergenceRegistry.lookup(ident.name()) : null;
    if (spec == null) throw new NoSuchFunctionException(ident);
    return spec.function();
  }
}
