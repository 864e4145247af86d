package ventispark.format;

import java.util.Locale;

/**
 * Malformed or inconsistent on-disk data or configuration text. The message names the file (and the
 * offset or line where one applies) so that the user can find the bad bytes. Messages are built
 * from config text and on-disk names, so the constructor makes every one {@link #printable}: no
 * byte of an archive reaches the user's terminal as a control sequence.
 */
public class FormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FormatException(String message) {
    super(printable(message));
  }

  public FormatException(String message, Throwable cause) {
    super(printable(message), cause);
  }

  /** "{@code file at offset 0x...: message}". */
  public static FormatException at(String file, long offset, String message) {
    return new FormatException(file + " at offset 0x" + Long.toHexString(offset) + ": " + message);
  }

  /** "{@code file line N: message}". */
  public static FormatException atLine(String file, int line, String message) {
    return new FormatException(file + " line " + line + ": " + message);
  }

  /** {@code text} in quotes, {@link #printable}: a message stays one line. */
  public static String quote(String text) {
    return "'" + printable(text) + "'";
  }

  /**
   * {@code text} with every control or formatting character (C0, DEL, C1, bidirectional and other
   * invisible format characters, line and paragraph separators, lone surrogates, unassigned code
   * points) written as a backslash, x and two hex digits (or u and four); printable text, non-ASCII
   * letters included, is kept as it is.
   */
  public static String printable(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(text.length());
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      if (Character.isSurrogate(c)
          && k + 1 < text.length()
          && Character.isSurrogatePair(c, text.charAt(k + 1))) {
        int cp = text.codePointAt(k);
        if (isPrintable(cp)) {
          b.appendCodePoint(cp);
        } else {
          b.append(String.format(Locale.ROOT, "\\U%08x", cp));
        }
        k++;
      } else if (isPrintable(c)) {
        b.append(c);
      } else {
        b.append(
            c <= 0xFF
                ? String.format(Locale.ROOT, "\\x%02x", (int) c)
                : String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return b.toString();
  }

  private static boolean isPrintable(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE,
          Character.UNASSIGNED,
          Character.PRIVATE_USE ->
          false;
      default -> true;
    };
  }
}
