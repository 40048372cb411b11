package io.github.sparkdivergence.drift;

import java.util.Locale;

/** How drift compares a column: the kind decides which measures apply and the default method. */
public enum ColumnKind {
  /** Numbers: quantile buckets of the reference for the binned measures, the raw values for Wasserstein and KS. */
  NUMERIC,
  /** Strings, booleans, or any column named categorical: counts per category. */
  CATEGORICAL,
  /** Fixed-length numeric arrays or MLlib vectors (embeddings): a Gaussian fitted to each side. */
  VECTOR;

  /** The name in outputs and messages: numeric, categorical, vector. */
  public String label() { return name().toLowerCase(Locale.ROOT); }
}
