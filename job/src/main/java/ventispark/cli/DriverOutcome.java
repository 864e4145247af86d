package ventispark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ContainerId;
import ventispark.format.FormatException;

/**
 * How the exit status of a command leaves the driver. Where the driver is a process of its own
 * (local mode, client deploy mode, a Kubernetes driver pod) it is the process's exit status. In
 * YARN cluster mode {@code main} runs in a thread of the ApplicationMaster, and {@code System.exit}
 * there (even 0) runs Spark's shutdown hook before the final status is reported: the application
 * ends FAILED and YARN starts another attempt of the whole command. There {@code main} returns for
 * 0 (final status SUCCEEDED) and throws {@link Failed} for any other status (FAILED; the
 * diagnostics read "User class threw exception: ...Failed: exit status 4 (OVERFLOW): venti-spark:
 * ..."); the {@code --report} file holds the exact status.
 *
 * <p>A later attempt of such an application (YARN makes two by default, and {@code
 * spark.yarn.maxAppAttempts} is read at submission, too late for the job to lower it) does not run
 * the command again: a refusal would only be refused again, and a rebuild that failed while writing
 * is the operator's to repeat, not a scheduler's to double. It ends with the status of the first
 * attempt's report, or 1 when no report of this application says how it ended (without {@code
 * --report}, or when the first attempt's driver was lost before writing it).
 */
final class DriverOutcome {
  private DriverOutcome() {}

  /** A command line's run: its exit status (VentiSpark.run). */
  interface Command {
    int run(List<String> argv, PrintStream out, PrintStream err);
  }

  /** The outcome of a run that did not succeed, thrown to the ApplicationMaster. */
  static final class Failed extends RuntimeException {
    final int status;

    Failed(int status, String line) {
      // no stack trace: the AM puts the whole exception into the diagnostics, and the line says it
      super("exit status " + status + " (" + name(status) + "): " + line, null, false, false);
      this.status = status;
    }
  }

  /** Runs the command and ends the driver with its status. */
  static void end(List<String> argv, Command command) {
    if (!yarnCluster()) {
      System.exit(command.run(argv, System.out, System.err));
      return;
    }
    LastLine last = new LastLine(System.err);
    PrintStream err = new PrintStream(last, true, StandardCharsets.UTF_8);
    ApplicationAttemptId attempt = attempt();
    int status;
    if (attempt != null && attempt.getAttemptId() > 1) {
      status = earlierAttempt(argv, attempt, err);
    } else {
      status = command.run(argv, System.out, err);
    }
    err.flush();
    if (status != ExitCode.OK.code) {
      throw new Failed(status, last.line());
    }
  }

  /** Whether this JVM's main runs inside a YARN ApplicationMaster (which sets these properties). */
  static boolean yarnCluster() {
    return "cluster".equals(System.getProperty("spark.submit.deployMode"))
        && System.getProperty("spark.master", "").startsWith("yarn");
  }

  /** This container's application attempt (the NodeManager names the container), or null. */
  private static ApplicationAttemptId attempt() {
    String container = System.getenv("CONTAINER_ID");
    try {
      return container == null ? null : ContainerId.fromString(container).getApplicationAttemptId();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * A later attempt: the status of the first attempt's report when it is this application's, else 1
   * with a report saying so. Nothing of the command runs.
   */
  private static int earlierAttempt(
      List<String> argv, ApplicationAttemptId attempt, PrintStream err) {
    String location = reportLocation(argv);
    JsonNode earlier = location == null ? null : RunReport.read(location);
    String container =
        earlier == null || !earlier.hasNonNull("container")
            ? null
            : earlier.get("container").asText();
    ApplicationAttemptId wrote = null;
    try {
      wrote =
          container == null ? null : ContainerId.fromString(container).getApplicationAttemptId();
    } catch (IllegalArgumentException e) {
      // not a container's name: not this application's report
    }
    String again =
        "attempt "
            + attempt.getAttemptId()
            + " of "
            + attempt.getApplicationId()
            + " did not run the command again";
    if (wrote != null && wrote.getApplicationId().equals(attempt.getApplicationId())) {
      int status = earlier.get("exitCode").asInt();
      String message = earlier.hasNonNull("message") ? earlier.get("message").asText() : "";
      err.println(
          message.isEmpty()
              ? "venti-spark: "
                  + again
                  + "; attempt "
                  + wrote.getAttemptId()
                  + " ended with exit status "
                  + status
              : message + " (" + again + ")");
      return status;
    }
    // Nothing says what the earlier attempt did (no --report, or its driver was lost before writing
    // it): it may have been writing, so the status is 1, as for any failure while working.
    String line =
        "venti-spark: failed: "
            + again
            + ": no report (--report) of an earlier attempt says"
            + " how it ended; the index may be partly rewritten (run it again: a rerun rewrites it whole)";
    err.println(line);
    if (location != null) {
      List<String> command = argv.subList(argv.get(0).equals("--report") ? 2 : 1, argv.size());
      String failed;
      try {
        failed = new RunReport(location, command).write(ExitCode.FAILED.code, line);
      } catch (FormatException e) {
        failed = e.getMessage();
      }
      if (failed != null) {
        err.println("venti-spark: --report " + failed + "; the exit status (1) is the attempt's");
        err.println(line);
      }
    }
    return ExitCode.FAILED.code;
  }

  /**
   * The report file of {@code --report FILE} or {@code --report=FILE} before the command, or null.
   */
  static String reportLocation(List<String> argv) {
    if (argv.size() >= 2 && argv.get(0).equals("--report")) {
      return argv.get(1);
    }
    return !argv.isEmpty() && argv.get(0).startsWith("--report=")
        ? argv.get(0).substring("--report=".length())
        : null;
  }

  /** The exit status's name ({@link ExitCode}), as the diagnostics show it. */
  static String name(int status) {
    for (ExitCode c : ExitCode.values()) {
      if (c.code == status) {
        return c.name();
      }
    }
    return "UNKNOWN";
  }

  /** Passes bytes on and keeps the last non-empty line: the one line a failure prints. */
  static final class LastLine extends OutputStream {
    private final OutputStream out;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private String last = "";

    LastLine(OutputStream out) {
      this.out = out;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        String l = current.toString(StandardCharsets.UTF_8).strip();
        if (!l.isEmpty()) {
          last = l;
        }
        current.reset();
      } else if (current.size() < 64 * 1024) {
        current.write(b);
      }
      try {
        out.write(b);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void flush() throws java.io.IOException {
      out.flush();
    }

    synchronized String line() {
      return last;
    }
  }
}
