package io.github.sparkdivergence.jobs;

/**
 * A failure the user can act on, reported as one line (no stack trace unless {@code --verbose})
 * with its own exit status.
 */
public final class JobException extends RuntimeException {
  /** Bad input: missing path, unknown column, wrong column type, empty dataset, existing output. */
  public static final int INPUT = 1;
  /** Bad command line: unknown flag, missing or malformed flag value. */
  public static final int USAGE = 2;
  /** {@code drift} only: a {@code --threshold} was exceeded (the output is still written). */
  public static final int DRIFT = 3;

  private final int exitCode;

  public JobException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public JobException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() { return exitCode; }

  static JobException usage(String message) { return new JobException(USAGE, message); }

  static JobException input(String message) { return new JobException(INPUT, message); }

  /** Rethrows any exception unchanged (Scala code throws checked exceptions undeclared). */
  @SuppressWarnings("unchecked")
  static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
    throw (T) t;
  }

  /** The first line of a message: errors are reported in one line, Spark's messages are often longer. */
  static String firstLine(String s) {
    if (s == null) return "";
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).strip();
  }
}
