package ventispark.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import ventispark.job.ApplyStage;

/**
 * {@code stage apply|verify DIR CONF}: the second half of a staged rebuild ({@code buildindex
 * --stage DIR}), run on the host that owns CONF's index disks. No Spark: the stage is read
 * through Hadoop's FileSystem (local, HDFS, S3A) and written positionally.
 */
final class StageCommand {
  private StageCommand() {}

  static final String USAGE = String.join("\n",
      "       venti-spark stage apply DIR CONF",
      "       venti-spark stage verify DIR CONF");

  static final String HELP = String.join("\n",
      "  stage        a staged rebuild (buildindex --stage DIR), on the host that owns CONF's index disks; no Spark",
      "    apply             check DIR against CONF's index (index name and config, section and bloom headers, ranges",
      "                      covering each once, every range file's length and SHA-256), then, under the rebuild's",
      "                      locks, write its ranges into the sections (and bloom filter) and flush; may be re-run",
      "    verify            the checks of apply, writing nothing");

  static int run(Args args, PrintStream out, RunReport report) {
    String sub = args.value("stage: apply or verify");
    boolean write = switch (sub) {
      case "apply" -> true;
      case "verify" -> false;
      default -> throw new UsageException("stage: unknown subcommand '" + sub + "' (apply or verify)");
    };
    String o = args.nextOption();
    if (o != null) {
      throw new UsageException("stage " + sub + ": unknown option " + o);
    }
    String dir = ventispark.read.PartitionRef.absolute(args.value("DIR")); // as buildindex --stage resolved it
    String conf = args.single("CONF");
    ApplyStage.Result r = ApplyStage.run(dir, conf, new Configuration(), write);
    String what = String.format(Locale.ROOT, "%,d ranges, %,d bytes, %,d entries%s", r.ranges(), r.bytes(), r.entries(),
        r.bloomBits() >= 0 ? String.format(Locale.ROOT, ", bloom filter with %,d bits set", r.bloomBits()) : "");
    out.println(write ? "wrote " + String.join(", ", r.partitions()) + " from " + dir + ": " + what
        : dir + ": a whole stage of " + String.join(", ", r.partitions()) + ": " + what + "; nothing was written");
    out.printf(Locale.ROOT, "time %.1f s%n", r.millis() / 1000.0);
    if (report != null) {
      report.put("config", conf).put("stage", dir).put("written", write).put("partitions", r.partitions())
          .put("ranges", r.ranges()).put("bytes", r.bytes()).put("entries", r.entries())
          .put("bloomBitsSet", r.bloomBits() >= 0 ? r.bloomBits() : null).put("millis", r.millis());
    }
    return ExitCode.OK.code;
  }
}
