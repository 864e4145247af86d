package ventispark.cli;

import ventispark.format.FormatException;
import ventispark.job.IndexBusyException;
import ventispark.job.IndexOverflowException;

/** Digs the user-facing cause out of the wrappers Spark puts around task failures. */
final class Failures {
  private Failures() {}

  static Throwable userCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FormatException || t instanceof IndexOverflowException || t instanceof IndexBusyException) {
        return t;
      }
    }
    return e;
  }

  /** The innermost message, on one line. */
  static String oneLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
