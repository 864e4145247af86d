package ventispark.format;

/**
 * The SIZE syntax of venti.conf and buildindex -M (FORMAT.md 1.3): a C {@code strtoul} number with
 * base detection ({@code 0x} hex, leading {@code 0} octal, else decimal) and one optional suffix k,
 * m, g or t (powers of 1024). Unlike the C parser, anything else is an error rather than a silent
 * all-ones value, and {@code t} means 2^40 (the C parser's is broken: FORMAT.md 1.3).
 */
public final class SizeParser {
  private SizeParser() {}

  /** Parses a SIZE; throws {@link NumberFormatException} with a readable message. */
  public static long parse(String text) {
    String s = text.trim();
    long mult = 1;
    if (!s.isEmpty()) {
      switch (s.charAt(s.length() - 1)) {
        case 'k':
        case 'K':
          mult = 1L << 10;
          break;
        case 'm':
        case 'M':
          mult = 1L << 20;
          break;
        case 'g':
        case 'G':
          mult = 1L << 30;
          break;
        case 't':
        case 'T':
          mult = 1L << 40;
          break;
        default:
          break;
      }
      if (mult != 1) {
        s = s.substring(0, s.length() - 1);
      }
    }
    long n = parseCNumber(s, text);
    return Math.multiplyExact(n, mult);
  }

  /** A C {@code strtoull(s, 0)} number that must use the whole string. */
  static long parseCNumber(String s, String original) {
    try {
      if (s.startsWith("0x") || s.startsWith("0X")) {
        return Long.parseUnsignedLong(s.substring(2), 16);
      } else if (s.length() > 1 && s.charAt(0) == '0') {
        return Long.parseUnsignedLong(s.substring(1), 8);
      } else if (!s.isEmpty() && Character.isDigit(s.charAt(0))) {
        return Long.parseUnsignedLong(s, 10);
      }
    } catch (NumberFormatException e) {
      // fall through to the readable message
    }
    throw new NumberFormatException(
        "bad size '" + original + "' (want a number with an optional k, m, g or t suffix)");
  }
}
