package ventispark.write;

import ventispark.format.FormatException;

/** Another run holds the lock of an index section or bloom filter; nothing was written. */
public final class IndexBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IndexBusyException(String message) {
    super(FormatException.printable(message)); // names come from the config
  }
}
