package ventispark.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ventispark.job.BuildIndexOptions;
import ventispark.job.BuildSummary;
import ventispark.job.PlanIndex;
import ventispark.job.build.BuildIndex;
import ventispark.job.progress.ProgressDisplay;
import ventispark.job.stage.StageIndex;
import ventispark.plan.FillReport;
import ventispark.read.PartitionRef;

/** {@code buildindex} and its dry run {@code plan}: the same options, the same read and check. */
@Command(
    name = "buildindex",
    description =
        "Rebuild the index sections (and bloom filter) named in CONF from its"
            + " arena partitions.")
final class BuildIndexCommand implements CliCommand {
  @Option(
      names = "-b",
      order = 1,
      description =
          "Rebuild the bloom filter even when -i is given. Without -i, a configured bloom"
              + " filter is always rebuilt, as by the C tool. The filter is bit-identical to the C tool's.")
  boolean bloom;

  @Mixin RebuildOptions rebuild = new RebuildOptions();

  @Option(
      names = "--reverse-index",
      order = 20,
      paramLabel = "DIR",
      description =
          "Also write the reverse index"
              + " (job/docs/REVERSE-INDEX.md) into DIR, from the written buckets. Not with -i or --stage.")
  String reverse;

  @Option(
      names = "--stage",
      order = 21,
      paramLabel = "DIR",
      description =
          "Write nothing into the index: put every sorted bucket"
              + " range (and the bloom filter) as a file into DIR (a Hadoop URI such as hdfs://nn/venti/stage, or a local"
              + " path), then a manifest; then run stage apply DIR CONF on the host that owns the index disks.")
  @DefaultText("none: write in place")
  String stage;

  @Option(
      names = "--drop-duplicates",
      order = 22,
      description =
          "Keep one entry per score and type, the copy with the highest"
              + " address; the summary counts the copies dropped.")
  boolean dropDuplicates;

  @Mixin Progress progress = new Progress();

  @Parameters(paramLabel = "CONF")
  String conf;

  /** {@code --progress SECONDS}, of buildindex and plan. */
  static final class Progress {
    long seconds = ProgressDisplay.DEFAULT_INTERVAL_SECONDS;

    @Option(
        names = "--progress",
        order = 30,
        paramLabel = "SECONDS",
        description =
            "Seconds between progress lines on standard"
                + " error (0: none); a phase that showed one ends with a done line; on a terminal one line redrawn in place.")
    @DefaultText("" + ProgressDisplay.DEFAULT_INTERVAL_SECONDS)
    void seconds(String v) {
      seconds = Values.longValue("--progress", v);
      if (seconds < 0) {
        throw new UsageException("--progress " + seconds + ": seconds, 0 or more");
      }
    }
  }

  @Override
  public int run(PrintStream out, PrintStream err, RunReport report) {
    // Resolved here, on the driver: executors have other working directories.
    String reverseDir = reverse == null ? null : PartitionRef.absolute(reverse);
    String stageDir = stage == null ? null : PartitionRef.absolute(stage);
    BuildIndexOptions options;
    try {
      options =
          new BuildIndexOptions(
              List.copyOf(rebuild.sections),
              bloom,
              rebuild.partitionBytes,
              rebuild.partitions,
              rebuild.splitClumps,
              reverseDir,
              dropDuplicates,
              stageDir);
    } catch (
        IllegalArgumentException
            e) { // options that cannot go together (BuildIndexOptions says which)
      throw new UsageException("buildindex: " + e.getMessage());
    }
    try (VentiSpark.Spark spark = new VentiSpark.Spark("venti-spark buildindex " + conf);
        ProgressDisplay shown =
            ProgressDisplay.attach(spark.sc, err, progress.seconds, ProgressDisplay.terminal())) {
      BuildSummary s;
      try {
        s =
            options.stageDir() == null
                ? new BuildIndex(spark.sc, options, outputs(report)).run(conf)
                : StageIndex.run(spark.sc, options, outputs(report), conf);
      } finally {
        stages(report, shown);
      }
      out.printf(Locale.ROOT, "%,d clumps, %,d buckets%n", s.clumps(), s.buckets());
      s.sections().forEach(r -> out.println(r.line()));
      if (s.bloomBits() >= 0) {
        out.printf(Locale.ROOT, "bloom: %,d bits set%n", s.bloomBits());
      }
      if (s.reverseIndex() != null) {
        out.println("reverse index: " + s.reverseIndex());
      }
      if (options.stageDir() != null) {
        out.println(
            "staged in "
                + options.stageDir()
                + "; the index was not written. On the host that owns its"
                + " disks, run: venti-spark stage apply "
                + options.stageDir()
                + " "
                + conf);
      }
      out.println(s.doneLine());
      if (report != null) {
        report
            .put("config", conf)
            .counters(s.arenaEntries(), s.indexed(), s.skipped())
            .timing(s.millis(), s.phaseMillis(), s.shuffleBytes())
            .fill(s.fill())
            .put("bloomBitsSet", s.bloomBits() >= 0 ? s.bloomBits() : null)
            .put("reverseIndex", s.reverseIndex() == null ? null : s.reverseIndex().toString())
            .put("droppedDuplicates", s.dropped());
        if (options.stageDir() != null) {
          report.put("stage", options.stageDir());
        }
      }
      if (options.dropDuplicates()) {
        out.printf(Locale.ROOT, "dropped %,d duplicate copies (--drop-duplicates)%n", s.dropped());
      }
      out.println(s.timeLine());
      return ExitCode.OK.code;
    }
  }

  /** {@code plan}: buildindex's read and check, writing nothing. */
  @Command(
      name = "plan",
      description =
          "Dry run of buildindex: read the arenas, report every section's bucket fill"
              + " and any overflow (exit 4) with how much larger the index must be; writes nothing.")
  static final class Plan implements CliCommand {
    @Mixin RebuildOptions rebuild = new RebuildOptions();

    @Mixin Progress progress = new Progress();

    @Parameters(paramLabel = "CONF")
    String conf;

    @Override
    public int run(PrintStream out, PrintStream err, RunReport report) {
      return plan(rebuild.options(false), progress.seconds, conf, out, err, report);
    }
  }

  static int plan(
      BuildIndexOptions options,
      long progress,
      String conf,
      PrintStream out,
      PrintStream err,
      RunReport report) {
    try (VentiSpark.Spark spark = new VentiSpark.Spark("venti-spark plan " + conf);
        ProgressDisplay shown =
            ProgressDisplay.attach(spark.sc, err, progress, ProgressDisplay.terminal())) {
      PlanIndex.Summary s;
      try {
        s = new PlanIndex(spark.sc, options, outputs(report)).run(conf);
      } finally {
        stages(report, shown);
      }
      FillReport fill = s.fill();
      if (report != null) {
        report
            .put("config", conf)
            .counters(s.arenaEntries(), s.indexed(), s.skipped())
            .timing(s.millis(), s.phaseMillis(), s.shuffleBytes())
            .fill(fill);
      }
      fill.sections()
          .forEach(r -> out.printf(Locale.ROOT, "%s; mean fill %.1f%n", r.line(), r.meanFill()));
      out.printf(
          Locale.ROOT,
          "entries: arenaentries=%,d indexed=%,d (nskip=%,d)%n",
          s.arenaEntries(),
          s.indexed(),
          s.skipped());
      out.println(BuildSummary.timeLine(s.millis(), s.phaseMillis(), s.shuffleBytes()));
      if (fill.overflows()) {
        out.println("overflow: " + fill.overflowMessage());
        err.println("venti-spark: " + fill.overflowMessage());
        return ExitCode.OVERFLOW.code;
      }
      out.printf(
          Locale.ROOT,
          "fits: the fullest bucket is %.0f%% full; nothing was written%n",
          fill.growthNeeded() * 100);
      return ExitCode.OK.code;
    }
  }

  /** The files a command writes besides the index: its report, if any. */
  static List<Path> outputs(RunReport report) {
    return report == null ? List.of() : report.outputs();
  }

  /** The run report's per-stage times and task counts, also when the run failed. */
  private static void stages(RunReport report, ProgressDisplay shown) {
    if (report != null) {
      report.put("stages", shown.stageReport());
    }
  }
}
