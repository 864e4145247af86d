package ventispark.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import ventispark.format.FormatException;
import ventispark.job.IndexOverflowException;
import ventispark.job.PartlyWrittenException;
import ventispark.job.WriteMemoryException;
import ventispark.job.spark.SparkSettings;
import ventispark.write.IndexBusyException;

/**
 * The venti-spark command line, {@code git}-style subcommands ({@link Commands} has them). Main
 * class for {@code spark-submit} (the master comes from spark-submit) and for the {@code
 * job/bin/venti-spark} launcher.
 */
public final class VentiSpark {
  /**
   * The commands whose every write to the index is entered in a write ledger (or that never write
   * it): a failure of theirs that names no partly rewritten file left the index untouched.
   */
  private static final Set<String> LEDGERED =
      Set.of("buildindex", "plan", "checkindex", "stage", "reverse");

  private VentiSpark() {}

  public static void main(String[] argv) {
    Signals.install(Thread.currentThread());
    DriverOutcome.end(
        Arrays.asList(argv),
        (args, out, err) -> {
          int status = run(args, out, err);
          Signals.ended();
          return status;
        });
  }

  /**
   * Runs a command; returns the exit status. {@code --report FILE} before the command also writes
   * the run's JSON report ({@link RunReport}) to FILE, whatever the outcome.
   */
  public static int run(List<String> argv, PrintStream out, PrintStream err) {
    TaskLog.install();
    // Taken before the command is parsed, so that a usage error is reported too.
    int reportArgs =
        argv.isEmpty()
            ? 0
            : argv.get(0).startsWith("--report=")
                ? 1
                : argv.size() >= 2 && argv.get(0).equals("--report") ? 2 : 0;
    if (reportArgs > 0) {
      String file = reportArgs == 1 ? argv.get(0).substring("--report=".length()) : argv.get(1);
      RunReport report;
      try {
        report = new RunReport(file, argv.subList(reportArgs, argv.size()));
      } catch (FormatException e) {
        err.println("venti-spark: --report " + e.getMessage());
        return ExitCode.BAD_INPUT.code;
      }
      String[] message = {null};
      PrintStream tee =
          new PrintStream(err, true) {
            @Override
            public void println(String line) {
              message[0] = line == null ? null : line.lines().findFirst().orElse("");
              super.println(line);
            }
          };
      int status = run(argv.subList(reportArgs, argv.size()), out, tee, report);
      if (Signals.received() != null) {
        Thread.interrupted(); // the signal's interrupt of this thread must not fail the report's
        // write
      }
      String failed = report.write(status, message[0]);
      if (failed != null) {
        // the report is about the work: its own failure does not change what the work's status says
        err.println(
            "venti-spark: --report "
                + failed
                + "; the exit status ("
                + status
                + ") is the command's");
      }
      return status;
    }
    return run(argv, out, err, null);
  }

  private static int run(List<String> argv, PrintStream out, PrintStream err, RunReport report) {
    try {
      CommandLine cli = Commands.line();
      if (argv.isEmpty() || argv.get(0).equals("help")) {
        cli.usage(out);
        return argv.isEmpty() ? ExitCode.USAGE.code : ExitCode.OK.code;
      }
      ParseResult parsed;
      try {
        parsed = cli.parseArgs(argv.toArray(String[]::new));
      } catch (ParameterException e) {
        throw UsageErrors.of(e);
      }
      for (ParseResult p = parsed; p != null; p = p.subcommand()) {
        if (p.isUsageHelpRequested()) {
          p.commandSpec().commandLine().usage(out);
          return ExitCode.OK.code;
        }
        if (!p.hasSubcommand()) {
          Object command = p.commandSpec().userObject();
          if (command instanceof CommandGroup g) {
            throw new UsageException(g.missing());
          }
          if (command instanceof CliCommand c) {
            return c.run(out, err, report);
          }
        }
      }
      cli.usage(out); // options, but no command
      return ExitCode.USAGE.code;
    } catch (UsageException e) {
      // one line, as for every failure; the usage is one command away
      boolean known =
          !argv.isEmpty()
              && !argv.get(0).startsWith("-")
              && !e.getMessage().startsWith("unknown command");
      err.println(
          "venti-spark: "
              + e.getMessage()
              + " (usage: venti-spark "
              + (known ? argv.get(0) + " " : "")
              + "--help)");
      return ExitCode.USAGE.code;
    } catch (Exception e) { // Spark rethrows task failures as (checked) SparkException
      return report(e, err, argv.get(0));
    }
  }

  /**
   * One line for the user. The exit status says what happened to the index: a failure after it was
   * (or may have been) written is always 1 and names the files ({@link PartlyWrittenException});
   * statuses 2 to 5 are only possible while nothing was written.
   */
  static int report(Throwable e, PrintStream err, String command) {
    PartlyWrittenException written = Failures.find(e, PartlyWrittenException.class);
    if (Signals.received() != null) {
      // whatever the jobs' cancellation threw, the signal is the cause
      err.println(
          FormatException.printable(
              "venti-spark: failed: stopped by "
                  + Signals.received()
                  + (written != null
                      ? "; " + written.getMessage() + " (run it again: a rerun rewrites them whole)"
                      : LEDGERED.contains(command) ? "; the index was not written" : "")
                  + TaskLog.hint()));
      return ExitCode.FAILED.code;
    }
    if (written != null) {
      err.println(
          FormatException.printable(
              "venti-spark: failed: "
                  + Failures.oneLine(written.getCause())
                  + "; "
                  + written.getMessage()
                  + " (run it again: a rerun rewrites them whole)"
                  + TaskLog.hint()));
      return ExitCode.FAILED.code;
    }
    Throwable cause = Failures.userCause(e);
    ExitCode code =
        cause instanceof FormatException
            ? ExitCode.BAD_INPUT
            : cause instanceof IndexOverflowException
                ? ExitCode.OVERFLOW
                : cause instanceof IndexBusyException
                    ? ExitCode.BUSY
                    : cause instanceof WriteMemoryException ? ExitCode.USAGE : ExitCode.FAILED;
    // every message is printable: names from a config never reach the terminal as control codes
    err.println(
        FormatException.printable(
            code == ExitCode.FAILED
                ? "venti-spark: failed: " + Failures.oneLine(e) + TaskLog.hint()
                : "venti-spark: " + cause.getMessage()));
    return code.code;
  }

  /**
   * The Spark context of one command: local mode (all cores, loopback) unless spark-submit or
   * -Dspark.master chose a master. A bare SparkContext: the commands use no SQL, and a SparkSession
   * costs half a second to start. A context already running (a notebook, a test) is used and left
   * running; one created here is stopped when the command ends.
   */
  static final class Spark implements AutoCloseable {
    final JavaSparkContext sc;
    private final boolean owned;

    Spark(String name) {
      // SparkContext.getActive is Scala's private[spark], public in bytecode; no public API tells.
      owned = SparkContext$.MODULE$.getActive().isEmpty();
      SparkConf conf =
          SparkSettings.apply(
              new SparkConf().setAppName(name).setIfMissing("spark.master", "local[*]"));
      sc = JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf));
    }

    @Override
    public void close() {
      if (Signals.received() != null) {
        Thread.interrupted(); // the signal's interrupt of this thread must not break Spark's stop
      }
      if (owned) {
        sc.stop();
      }
    }
  }
}
