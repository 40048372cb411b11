package io.github.sparkdivergence.spark;

/**
 * How much heap one task's counts may take, the one rule for the SQL aggregates' states and
 * MutualInformation's merged pairs: a quarter of this JVM's heap, shared by its cores (the tasks
 * that may run at once), at least 16 MiB. Evaluated where the counting runs, so on an executor it
 * is the executor's heap.
 */
public final class TaskMemory {
  private TaskMemory() {}

  public static long stateBytes() {
    Runtime rt = Runtime.getRuntime();
    return Math.max(16L << 20, rt.maxMemory() / 4 / Math.max(1, rt.availableProcessors()));
  }
}
