package ventispark.format;

/**
 * Malformed or inconsistent on-disk data or configuration text. The message names the file (and
 * the offset or line where one applies) so that the user can find the bad bytes.
 */
public class FormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }

  /** "{@code file at offset 0x...: message}". */
  public static FormatException at(String file, long offset, String message) {
    return new FormatException(file + " at offset 0x" + Long.toHexString(offset) + ": " + message);
  }

  /** "{@code file line N: message}". */
  public static FormatException atLine(String file, int line, String message) {
    return new FormatException(file + " line " + line + ": " + message);
  }

  /** {@code text} in quotes, with control and non-ASCII bytes as {@code \xNN}: a message stays one line. */
  public static String quote(String text) {
    StringBuilder b = new StringBuilder("'");
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      if (c < 0x20 || c > 0x7E) {
        b.append(String.format("\\x%02x", (int) c & 0xFF));
      } else {
        b.append(c);
      }
    }
    return b.append('\'').toString();
  }
}
