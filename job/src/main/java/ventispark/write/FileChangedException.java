package ventispark.write;

import ventispark.format.FormatException;

/**
 * A file the run writes is no longer the one it planned; thrown before anything is written to it.
 */
public final class FileChangedException extends FormatException {
  private static final long serialVersionUID = 1L;

  public FileChangedException(String message) {
    super(message);
  }
}
