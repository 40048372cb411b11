package io.github.sparkdivergence.spark.functions;

import io.github.sparkdivergence.counts.MergeableState;
import io.github.sparkdivergence.spark.DivergenceQueryException;

/**
 * Reading a saved state from a BINARY argument, with errors that name the function and the
 * argument. A state that cannot be read is an error whatever the ANSI setting: a wrong number
 * would be worse than a failed query, and no NULL would say why.
 */
final class StateArguments {
  private StateArguments() {}

  static MergeableState read(String function, String argument, byte[] bytes, MergeableState.Kind kind) {
    MergeableState s;
    try {
      s = MergeableState.fromBytes(bytes);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw DivergenceQueryException.invalidState(function, argument, e.getMessage());
    }
    if (s.kind() != kind) {
      throw DivergenceQueryException.invalidState(function, argument, "is a " + s.kind().sqlPrefix() + " state (from "
          + s.kind().sqlPrefix() + "_agg) but " + function + " reads " + kind.sqlPrefix() + " states (from "
          + kind.sqlPrefix() + "_agg)");
    }
    return s;
  }

  /** Merges {@code other} into {@code into}, or fails naming both states' difference. */
  static void merge(String function, String argument, MergeableState into, MergeableState other,
      InformationAggregate.Limits limits) {
    String problem = into.mergeProblem(other);
    if (problem != null) throw DivergenceQueryException.invalidState(function, argument, problem);
    if (!into.merge(other, limits.maxCells(), limits.stateBytes())) {
      boolean cells = into.counts().cells() > limits.maxCells();
      throw DivergenceQueryException.stateTooLarge(function + ": the merged state has more than " + (cells
          ? limits.maxCells() + " distinct cells (" + InformationAggregate.MAX_CELLS_CONF + ")"
          : (limits.stateBytes() >> 20) + " MiB while it grows (" + InformationAggregate.MAX_STATE_BYTES_CONF
              + "; default a quarter of the heap per core)") + "; raise the limit, or merge fewer states per group.");
    }
  }

  /**
   * Checks that {@code input} is exactly {@code params.length} BINARY (or NULL) arguments, the
   * states of a merge, or fails naming the function and the first argument that is not.
   */
  static void requireStates(String function, String usage, org.apache.spark.sql.types.StructType input,
      MergeableState.Kind kind, String... params) {
    var f = input.fields();
    if (f.length != params.length) {
      throw io.github.sparkdivergence.spark.input.Representation.unsupported(function, usage, input, "expects "
          + params.length + " BINARY argument" + (params.length > 1 ? "s" : "") + " (states from " + kind.sqlPrefix()
          + "_agg) but got " + f.length + " argument" + (f.length == 1 ? "" : "s"));
    }
    for (int i = 0; i < f.length; i++) {
      if (!isBinary(f[i].dataType())) {
        throw io.github.sparkdivergence.spark.input.Representation.unsupported(function, usage, input, "argument `"
            + params[i] + "` must be BINARY (what " + kind.sqlPrefix() + "_agg returns) but was " + f[i].dataType().simpleString());
      }
    }
  }

  static boolean isBinary(org.apache.spark.sql.types.DataType t) {
    return t instanceof org.apache.spark.sql.types.BinaryType || t instanceof org.apache.spark.sql.types.NullType;
  }
}
