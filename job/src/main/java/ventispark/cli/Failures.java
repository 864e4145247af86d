package ventispark.cli;

import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkException;
import ventispark.format.FormatException;
import ventispark.job.IndexOverflowException;
import ventispark.write.IndexBusyException;

/** Digs the user-facing cause out of the wrappers Spark puts around task failures. */
final class Failures {
  private Failures() {}

  /** Spark's prefix of a job failure: the reason follows it. */
  private static final String JOB_ABORTED = "Job aborted due to stage failure: ";

  static Throwable userCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FormatException
          || t instanceof IndexOverflowException
          || t instanceof IndexBusyException) {
        return t;
      }
    }
    return e;
  }

  /** The first exception of type {@code type} in the cause chain, or null. */
  static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /**
   * The message of the outermost meaningful cause, on one line: Spark's job and task wrappers and
   * plain rethrows are skipped, so that the line keeps what the failing code said (the file and
   * offset of {@code isect0.img at offset 0x...: write error: No space left on device}), not only
   * the innermost cause ({@code No space left on device}).
   */
  static String oneLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && isWrapper(t)) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    if (m.startsWith(JOB_ABORTED)) {
      m = m.substring(JOB_ABORTED.length());
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static boolean isWrapper(Throwable t) {
    if (t instanceof SparkException || t instanceof ExecutionException) {
      return true;
    }
    String m = t.getMessage();
    Throwable c = t.getCause();
    return m == null || m.equals(c.toString()) || m.equals(c.getMessage());
  }
}
