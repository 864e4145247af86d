package ventispark.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

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

  /** The one remaining positional argument. */
  String single(String what) {
    if (rest.size() != 1) {
      throw new UsageException(rest.isEmpty() ? "missing " + what : "unexpected arguments after " + what + ": " + rest);
    }
    return rest.removeFirst();
  }
}
