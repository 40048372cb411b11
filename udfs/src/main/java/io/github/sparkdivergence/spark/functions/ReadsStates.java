package io.github.sparkdivergence.spark.functions;

/**
 * A per-row function over saved states (BINARY). It has no classic UDF ({@code ClassicUdfs}):
 * states come from the {@code *_agg} aggregates, which exist only as the extension's and the
 * catalog's functions, so a session that has states has these functions too.
 */
public interface ReadsStates {}
