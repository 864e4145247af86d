package ventispark.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import org.apache.spark.api.java.JavaSparkContext;
import ventispark.create.ArchiveGenerator;
import ventispark.create.ExampleArchive;
import ventispark.format.FormatException;
import ventispark.job.IndexBusyException;
import ventispark.job.IndexOverflowException;
import ventispark.job.PartlyWrittenException;
import ventispark.job.SparkSettings;
import ventispark.job.WriteMemoryException;

/**
 * The venti-spark command line, {@code git}-style subcommands. Main class for {@code spark-submit}
 * (the master comes from spark-submit) and for the {@code job/bin/venti-spark} launcher.
 */
public final class VentiSpark {
  static final String USAGE = String.join("\n",
      "usage: venti-spark [--report FILE] COMMAND ...   (FILE: a JSON report of the run, written whatever the outcome)",
      BuildIndexCommand.USAGE,
      CheckIndexCommand.USAGE,
      StageCommand.USAGE,
      ReverseCommand.USAGE,
      CommandHelp.EXAMPLE_USAGE,
      GenerateCommand.USAGE,
      FormatCommand.USAGE,
      SizeCommand.USAGE,
      "",
      BuildIndexCommand.HELP,
      CheckIndexCommand.HELP,
      StageCommand.HELP,
      ReverseCommand.HELP,
      CommandHelp.EXAMPLE_HELP,
      GenerateCommand.HELP,
      FormatCommand.HELP,
      SizeCommand.HELP,
      "",
      "exit status: 0 done and flushed, 1 failed while working, 2 usage, 3 bad input or stage (nothing written),",
      "             4 bucket overflow (nothing written), 5 index locked by another run (nothing written),",
      "             6 checkindex found differences");

  /**
   * The commands whose every write to the index is entered in a write ledger (or that never write
   * it): a failure of theirs that names no partly rewritten file left the index untouched.
   */
  private static final Set<String> LEDGERED = Set.of("buildindex", "plan", "checkindex", "stage",
      "reverse");

  private VentiSpark() {}

  public static void main(String[] argv) {
    Signals.install(Thread.currentThread());
    DriverOutcome.end(Arrays.asList(argv), (args, out, err) -> {
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
    if (argv.size() >= 2 && argv.get(0).equals("--report")) {
      RunReport report;
      try {
        report = new RunReport(argv.get(1), argv.subList(2, argv.size()));
      } catch (FormatException e) {
        err.println("venti-spark: --report " + e.getMessage());
        return ExitCode.BAD_INPUT.code;
      }
      String[] message = {null};
      PrintStream tee = new PrintStream(err, true) {
        @Override
        public void println(String line) {
          message[0] = line == null ? null : line.lines().findFirst().orElse("");
          super.println(line);
        }
      };
      int status = run(argv.subList(2, argv.size()), out, tee, report);
      if (Signals.received() != null) {
        Thread.interrupted(); // the signal's interrupt of this thread must not fail the report's write
      }
      String failed = report.write(status, message[0]);
      if (failed != null) {
        // the report is about the work: its own failure does not change what the work's status says
        err.println("venti-spark: --report " + failed + "; the exit status (" + status + ") is the command's");
      }
      return status;
    }
    return run(argv, out, err, null);
  }

  private static int run(List<String> argv, PrintStream out, PrintStream err, RunReport report) {
    try {
      if (argv.isEmpty() || argv.get(0).equals("-h") || argv.get(0).equals("--help") || argv.get(0).equals("help")) {
        out.println(USAGE);
        return argv.isEmpty() ? ExitCode.USAGE.code : ExitCode.OK.code;
      }
      if (CommandHelp.asked(argv.subList(1, argv.size())) && CommandHelp.of(argv.get(0)) != null) {
        out.println(CommandHelp.of(argv.get(0)));
        return ExitCode.OK.code;
      }
      Args args = new Args(argv.subList(1, argv.size()));
      switch (argv.get(0)) {
        case "buildindex":
          return BuildIndexCommand.buildIndex(args, out, err, report);
        case "plan":
          return BuildIndexCommand.plan(args, out, err, report);
        case "checkindex":
          return CheckIndexCommand.run(args, out, report);
        case "stage":
          return StageCommand.run(args, out, report);
        case "reverse":
          return ReverseCommand.run(args, out);
        case "example":
          return example(args, out, err);
        case "generate":
          return GenerateCommand.run(args, out, err);
        case "format":
          return FormatCommand.run(args, out);
        case "size":
          return SizeCommand.run(args, out);
        default:
          throw new UsageException("unknown command '" + argv.get(0) + "'");
      }
    } catch (UsageException e) {
      // one line, as for every failure; the usage is one command away
      boolean known = !argv.isEmpty() && !e.getMessage().startsWith("unknown command");
      err.println("venti-spark: " + e.getMessage() + " (usage: venti-spark " + (known ? argv.get(0) + " " : "")
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
      err.println(FormatException.printable("venti-spark: failed: stopped by " + Signals.received()
          + (written != null ? "; " + written.getMessage() + " (run it again: a rerun rewrites them whole)"
              : LEDGERED.contains(command) ? "; the index was not written" : "") + TaskLog.hint()));
      return ExitCode.FAILED.code;
    }
    if (written != null) {
      err.println(FormatException.printable("venti-spark: failed: " + Failures.oneLine(written.getCause()) + "; "
          + written.getMessage() + " (run it again: a rerun rewrites them whole)" + TaskLog.hint()));
      return ExitCode.FAILED.code;
    }
    Throwable cause = Failures.userCause(e);
    ExitCode code = cause instanceof FormatException ? ExitCode.BAD_INPUT
        : cause instanceof IndexOverflowException ? ExitCode.OVERFLOW
        : cause instanceof IndexBusyException ? ExitCode.BUSY
        : cause instanceof WriteMemoryException ? ExitCode.USAGE : ExitCode.FAILED;
    // every message is printable: names from a config never reach the terminal as control codes
    err.println(FormatException.printable(code == ExitCode.FAILED
        ? "venti-spark: failed: " + Failures.oneLine(e) + TaskLog.hint() : "venti-spark: " + cause.getMessage()));
    return code.code;
  }

  private static int example(Args args, PrintStream out, PrintStream err) {
    boolean build = false;
    boolean force = false;
    for (String o; (o = args.nextOption()) != null; ) {
      switch (o) {
        case "--build" -> build = true;
        case "--force" -> force = true;
        default -> throw new UsageException("example: unknown option " + o);
      }
    }
    Path dir = Path.of(args.single("DIR"));
    ArchiveGenerator.Result r = ExampleArchive.write(dir, force);
    out.println(GenerateCommand.describe(r) + ", bloom filter");
    if (!build) {
      out.println("rebuild its index with: venti-spark buildindex " + r.config());
      return ExitCode.OK.code;
    }
    return BuildIndexCommand.buildIndex(new Args(List.of(r.config().toString())), out, err, null);
  }

  /**
   * The Spark context of one command: local mode (all cores, loopback) unless spark-submit or
   * -Dspark.master chose a master. A bare SparkContext: the commands use no SQL, and a
   * SparkSession costs half a second to start. A context already running (a notebook, a test) is
   * used and left running; one created here is stopped when the command ends.
   */
  static final class Spark implements AutoCloseable {
    final JavaSparkContext sc;
    private final boolean owned;

    Spark(String name) {
      // SparkContext.getActive is Scala's private[spark], public in bytecode; no public API tells.
      owned = SparkContext$.MODULE$.getActive().isEmpty();
      SparkConf conf = SparkSettings.apply(new SparkConf().setAppName(name).setIfMissing("spark.master", "local[*]"));
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
