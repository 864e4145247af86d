package ventispark.job;

/**
 * The write tasks' bucket ranges cannot fit the executors' memory (an option to change); nothing
 * was read or written.
 */
public final class WriteMemoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WriteMemoryException(String message) {
    super(message);
  }
}
