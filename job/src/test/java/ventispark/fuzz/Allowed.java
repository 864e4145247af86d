package ventispark.fuzz;

import java.util.function.Supplier;
import ventispark.format.FormatException;

/** What a parser may do with bad input: return, or throw the one exception that reports it. */
final class Allowed {
  private Allowed() {}

  /**
   * Runs {@code parse}; a {@link FormatException} is the expected refusal, anything else a finding.
   */
  static void formatException(Runnable parse) {
    try {
      parse.run();
    } catch (FormatException e) {
      if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")) {
        throw new AssertionError("a refusal must be one readable line: " + e.getMessage(), e);
      }
    }
  }

  /** The parse's result, or null when it refused the input as {@link #formatException} allows. */
  static <T> T result(Supplier<T> parse) {
    Object[] out = new Object[1];
    formatException(() -> out[0] = parse.get());
    @SuppressWarnings("unchecked")
    T t = (T) out[0];
    return t;
  }
}
