package ventispark.job;

/**
 * The arenas hold more entries for some bucket than a bucket block can take; nothing was written.
 */
public final class IndexOverflowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IndexOverflowException(String message) {
    super(message);
  }
}
