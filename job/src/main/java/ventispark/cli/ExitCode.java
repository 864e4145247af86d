package ventispark.cli;

/** Exit statuses of every venti-spark command (documented in the README). */
public enum ExitCode {
  /** Everything was done; every written byte was flushed. */
  OK(0),
  /** A failure while working (I/O error, lost executors): the index may be partly rewritten. */
  FAILED(1),
  /** Bad command line. */
  USAGE(2),
  /**
   * Bad input (config, arenas, index geometry, a bad or foreign stage): detected before anything
   * was written.
   */
  BAD_INPUT(3),
  /** Some bucket would overflow: detected before anything was written. */
  OVERFLOW(4),
  /** Another run is writing the same index (its lock is held): nothing was written. */
  BUSY(5),
  /** checkindex: the index differs from what the arenas say it must hold. */
  DIFFERS(6);

  public final int code;

  ExitCode(int code) {
    this.code = code;
  }
}
