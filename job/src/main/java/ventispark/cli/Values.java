package ventispark.cli;

import ventispark.format.SizeParser;

/** Option values that must be numbers in a range: a usage error names the option and the range. */
final class Values {
  private Values() {}

  static long longValue(String option, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": '" + v + "' is not a number");
    }
  }

  /**
   * A whole number from {@code min} to {@code max}, else a usage error naming the option and the
   * range.
   */
  static long longIn(String option, String v, long min, long max) {
    try {
      return inRange(option, v, Long.parseLong(v), min, max);
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": '" + v + "' is not a number" + range(min, max));
    }
  }

  static int intIn(String option, String v, int min, int max) {
    return (int) longIn(option, v, min, max);
  }

  /**
   * A SIZE ({@link SizeParser}) from {@code min} to {@code max} bytes, else a usage error naming
   * the option.
   */
  static long sizeIn(String option, String v, long min, long max) {
    try {
      return inRange(option, v, SizeParser.parse(v), min, max);
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  static double number(String option, String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": '" + v + "' is not a number");
    }
  }

  private static long inRange(String option, String v, long n, long min, long max) {
    if (n < min || n > max) {
      throw new UsageException(option + ": " + v + " is out of range" + range(min, max));
    }
    return n;
  }

  private static String range(long min, long max) {
    return " (" + min + " to " + max + ")";
  }
}
