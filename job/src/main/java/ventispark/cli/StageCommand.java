package ventispark.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import ventispark.job.stage.ApplyStage;

/**
 * {@code stage apply|verify DIR CONF}: the second half of a staged rebuild ({@code buildindex
 * --stage DIR}), run on the host that owns CONF's index disks. No Spark: the stage is read through
 * Hadoop's FileSystem (local, HDFS, S3A) and written positionally.
 */
@Command(
    name = "stage",
    description =
        "A staged rebuild (buildindex --stage DIR), on the host that owns CONF's"
            + " index disks; no Spark.",
    synopsisSubcommandLabel = "apply|verify DIR CONF",
    subcommands = {StageCommand.Apply.class, StageCommand.Verify.class})
final class StageCommand implements CommandGroup {
  @Override
  public String missing() {
    return "stage: missing subcommand (apply or verify)";
  }

  @Override
  public String unknown(String word) {
    return "stage: unknown subcommand '" + word + "' (apply or verify)";
  }

  @Command(
      name = "apply",
      description =
          "Check DIR against CONF's index (index name and config, section and bloom"
              + " headers, ranges covering each once, every range file's length and SHA-256), then, under the rebuild's"
              + " locks, write its ranges into the sections (and bloom filter) and flush; may be re-run.")
  static final class Apply extends Operands {
    Apply() {
      super(true);
    }
  }

  @Command(name = "verify", description = "The checks of stage apply, writing nothing.")
  static final class Verify extends Operands {
    Verify() {
      super(false);
    }
  }

  /** {@code DIR CONF}, and what apply and verify run. */
  abstract static class Operands implements CliCommand {
    private final boolean write;

    @Parameters(index = "0", paramLabel = "DIR")
    String stage;

    @Parameters(index = "1", paramLabel = "CONF")
    String conf;

    Operands(boolean write) {
      this.write = write;
    }

    @Override
    public int run(PrintStream out, PrintStream err, RunReport report) {
      return StageCommand.run(stage, conf, write, out, report);
    }
  }

  static int run(String stage, String conf, boolean write, PrintStream out, RunReport report) {
    String dir = ventispark.read.PartitionRef.absolute(stage); // as buildindex --stage resolved it
    ApplyStage.Result r = ApplyStage.run(dir, conf, new Configuration(), write);
    String what =
        String.format(
            Locale.ROOT,
            "%,d ranges, %,d bytes, %,d entries%s",
            r.ranges(),
            r.bytes(),
            r.entries(),
            r.bloomBits() >= 0
                ? String.format(Locale.ROOT, ", bloom filter with %,d bits set", r.bloomBits())
                : "");
    out.println(
        write
            ? "wrote " + String.join(", ", r.partitions()) + " from " + dir + ": " + what
            : dir
                + ": a whole stage of "
                + String.join(", ", r.partitions())
                + ": "
                + what
                + "; nothing was written");
    out.printf(Locale.ROOT, "time %.1f s%n", r.millis() / 1000.0);
    if (report != null) {
      report
          .put("config", conf)
          .put("stage", dir)
          .put("written", write)
          .put("partitions", r.partitions())
          .put("ranges", r.ranges())
          .put("bytes", r.bytes())
          .put("entries", r.entries())
          .put("bloomBitsSet", r.bloomBits() >= 0 ? r.bloomBits() : null)
          .put("millis", r.millis());
    }
    return ExitCode.OK.code;
  }
}
