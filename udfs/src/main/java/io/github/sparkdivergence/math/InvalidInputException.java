package io.github.sparkdivergence.math;

/**
 * Thrown when an argument of a math function is outside its domain (NaN, negative probability,
 * empty vector, length mismatch, bad log base, ...).
 *
 * <p>{@link #argumentIndex()} is the 0-based position of the offending argument in the method's
 * parameter list, counting each vector as one argument: the explicit length {@code n} is not
 * counted, and a sparse vector's (size, indices, values, nnz) group counts as one. So for
 * {@code klDivergence(p, q, n, base, normalize, eps)} and its sparse twin, 0 = p, 1 = q, 2 = base,
 * 3 = normalize, 4 = eps. Callers (e.g. SQL adapters) map it to their own argument names.
 */
public final class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int argumentIndex;
  private final String problem;

  public InvalidInputException(int argumentIndex, String problem) {
    super(problem);
    this.argumentIndex = argumentIndex;
    this.problem = problem;
  }

  /**
   * For callers without Spark, whose only clue would otherwise be the index: the message is
   * {@code argumentName + " " + problem}, while {@link #problem()} stays the bare problem (the SQL
   * adapters put their own argument label before it).
   */
  public InvalidInputException(int argumentIndex, String argumentName, String problem) {
    super(argumentName + " " + problem);
    this.argumentIndex = argumentIndex;
    this.problem = problem;
  }

  /** 0-based index of the offending argument (see the class comment for how it is counted). */
  public int argumentIndex() {
    return argumentIndex;
  }

  /** Short human-readable description, e.g. "negative value -0.5 at index 3". */
  public String problem() {
    return problem;
  }
}
