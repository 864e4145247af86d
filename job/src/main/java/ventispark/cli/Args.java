package ventispark.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import ventispark.format.SizeParser;

/** A tiny getopt: flags and valued options before positional arguments, {@code --} ends options. */
final class Args {
  private final Deque<String> rest;

  Args(List<String> args) {
    this.rest = new ArrayDeque<>(args);
  }

  /** The next option, or null when the options have ended. */
  String nextOption() {
    String a = rest.peekFirst();
    if (a == null || !a.startsWith("-") || a.equals("-")) {
      return null;
    }
    rest.removeFirst();
    return a.equals("--") ? null : a;
  }

  String value(String option) {
    String v = rest.pollFirst();
    if (v == null) {
      throw new UsageException(option + " needs a value");
    }
    return v;
  }

  long longValue(String option) {
    String v = value(option);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": '" + v + "' is not a number");
    }
  }

  /** A whole number from {@code min} to {@code max}, else a usage error naming the option and the range. */
  long longValue(String option, long min, long max) {
    String v = value(option);
    try {
      return inRange(option, v, Long.parseLong(v), min, max);
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": '" + v + "' is not a number" + range(min, max));
    }
  }

  int intValue(String option, int min, int max) {
    return (int) longValue(option, min, max);
  }

  /** A SIZE ({@link SizeParser}) from {@code min} to {@code max} bytes, else a usage error naming the option. */
  long sizeValue(String option, long min, long max) {
    String v = value(option);
    try {
      return inRange(option, v, SizeParser.parse(v), min, max);
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": " + e.getMessage());
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

  /** The one remaining positional argument. */
  String single(String what) {
    if (rest.size() != 1) {
      throw new UsageException(rest.isEmpty() ? "missing " + what : "unexpected arguments after " + what + ": " + rest);
    }
    return rest.removeFirst();
  }
}
