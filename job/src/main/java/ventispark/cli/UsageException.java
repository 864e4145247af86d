package ventispark.cli;

/** A command line that cannot be run; the message says what to change. */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
