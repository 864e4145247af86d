package ventispark.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import ventispark.format.SizeParser;
import ventispark.job.BuildIndex;
import ventispark.job.BuildIndexOptions;
import ventispark.job.BuildSummary;
import ventispark.job.PlanIndex;
import ventispark.job.ProgressDisplay;
import ventispark.plan.FillReport;
import ventispark.plan.PartitionPlanner;
import ventispark.read.PartitionRef;

/** {@code buildindex} and its dry run {@code plan}: the same options, the same read and check. */
final class BuildIndexCommand {
  private BuildIndexCommand() {}

  static final String USAGE = String.join("\n",
      "       venti-spark buildindex [-b] [-i SECTION]... [-M SIZE] [--partitions N] [--split-clumps N]",
      "                              [--reverse-index DIR | --stage DIR] [--drop-duplicates] [--progress SECONDS] CONF",
      "       venti-spark plan [-i SECTION]... [-M SIZE] [--partitions N] [--split-clumps N] [--progress SECONDS]",
      "                        CONF");

  static final String HELP = String.join("\n",
      "  buildindex   rebuild the index sections (and bloom filter) named in CONF from its arena partitions",
      "    -b                rebuild the bloom filter even with -i (without -i a configured bloom is always rebuilt)",
      "    -i SECTION        rebuild only this index section (by header name); repeatable",
      "    -M SIZE           largest bucket range a write task builds in memory at a time (default 64m, at most 1g)",
      "    --partitions N    exact number of write tasks, each building consecutive ranges (default 4 per core)",
      "    --split-clumps N  clumps per read task (default: 8 tasks per core, at least 250000 clumps each)",
      "    --reverse-index DIR  also write the reverse index (job/REVERSE-INDEX.md) into DIR, from the written buckets",
      "    --stage DIR       write nothing into the index: put every sorted bucket range (and the bloom filter) as a",
      "                      file into DIR (a Hadoop URI such as hdfs://nn/venti/stage, or a local path), then a",
      "                      manifest; then run stage apply DIR CONF on the host that owns the index disks",
      "    --drop-duplicates keep one entry per score and type, the copy with the highest address (default: all)",
      "    --progress SECONDS  seconds between progress lines on standard error (default "
          + ProgressDisplay.DEFAULT_INTERVAL_SECONDS + ", 0: none); a phase",
      "                      that showed one ends with a done line; on a terminal one line redrawn in place",
      "  plan         dry run of buildindex: read the arenas, report every section's bucket fill and any",
      "               overflow (exit 4) with how much larger the index must be; writes nothing");

  static int buildIndex(Args args, PrintStream out, PrintStream err, RunReport report) {
    String[] reverse = {null};
    long[] progress = {ProgressDisplay.DEFAULT_INTERVAL_SECONDS};
    String[] stage = {null};
    boolean[] dropDuplicates = {false};
    BuildIndexOptions options = options(args, "buildindex", true, o -> {
      switch (o) {
        // Resolved here, on the driver: executors have other working directories.
        case "--reverse-index" -> reverse[0] = PartitionRef.absolute(args.value(o));
        case "--stage" -> stage[0] = PartitionRef.absolute(args.value(o));
        case "--progress" -> progress[0] = progressSeconds(args, o);
        case "--drop-duplicates" -> dropDuplicates[0] = true;
        default -> {
          return false;
        }
      }
      return true;
    });
    if (stage[0] != null && reverse[0] != null) {
      throw new UsageException("buildindex: --stage and --reverse-index cannot go together: the reverse index is made"
          + " from the written index (after stage apply, run: venti-spark reverse build DIR CONF)");
    }
    if (reverse[0] != null && !options.sections().isEmpty()) {
      throw new UsageException("buildindex: --reverse-index cannot go with -i: the reverse index covers the whole index"
          + " (rebuild the sections, then run: venti-spark reverse build DIR CONF)");
    }
    options = new BuildIndexOptions(options.sections(), options.bloom(), options.partitionBytes(),
        options.partitions(), options.splitClumps(), reverse[0], dropDuplicates[0], stage[0]);
    String conf = args.single("CONF");
    try (VentiSpark.Spark spark = new VentiSpark.Spark("venti-spark buildindex " + conf);
        ProgressDisplay shown = ProgressDisplay.attach(spark.sc, err, progress[0], ProgressDisplay.terminal())) {
      BuildSummary s;
      try {
        s = new BuildIndex(spark.sc, options, outputs(report)).run(conf);
      } finally {
        stages(report, shown);
      }
      out.printf("%,d clumps, %,d buckets%n", s.clumps(), s.buckets());
      s.sections().forEach(r -> out.println(r.line()));
      if (s.bloomBits() >= 0) {
        out.printf("bloom: %,d bits set%n", s.bloomBits());
      }
      if (s.reverseIndex() != null) {
        out.println("reverse index: " + s.reverseIndex());
      }
      if (options.stageDir() != null) {
        out.println("staged in " + options.stageDir() + "; the index was not written. On the host that owns its"
            + " disks, run: venti-spark stage apply " + options.stageDir() + " " + conf);
      }
      out.println(s.doneLine());
      if (report != null) {
        report.put("config", conf).counters(s.arenaEntries(), s.indexed(), s.skipped())
            .timing(s.millis(), s.phaseMillis(), s.shuffleBytes()).fill(s.fill())
            .put("bloomBitsSet", s.bloomBits() >= 0 ? s.bloomBits() : null)
            .put("reverseIndex", s.reverseIndex() == null ? null : s.reverseIndex().toString())
            .put("droppedDuplicates", s.dropped());
        if (options.stageDir() != null) {
          report.put("stage", options.stageDir());
        }
      }
      if (options.dropDuplicates()) {
        out.printf("dropped %,d duplicate copies (--drop-duplicates)%n", s.dropped());
      }
      out.println(s.timeLine());
      return ExitCode.OK.code;
    }
  }

  static int plan(Args args, PrintStream out, PrintStream err, RunReport report) {
    long[] progress = {ProgressDisplay.DEFAULT_INTERVAL_SECONDS};
    BuildIndexOptions options = options(args, "plan", false, o -> {
      if (!o.equals("--progress")) {
        return false;
      }
      progress[0] = progressSeconds(args, o);
      return true;
    });
    String conf = args.single("CONF");
    try (VentiSpark.Spark spark = new VentiSpark.Spark("venti-spark plan " + conf);
        ProgressDisplay shown = ProgressDisplay.attach(spark.sc, err, progress[0], ProgressDisplay.terminal())) {
      PlanIndex.Summary s;
      try {
        s = new PlanIndex(spark.sc, options, outputs(report)).run(conf);
      } finally {
        stages(report, shown);
      }
      FillReport fill = s.fill();
      if (report != null) {
        report.put("config", conf).counters(s.arenaEntries(), s.indexed(), s.skipped())
            .timing(s.millis(), s.phaseMillis(), s.shuffleBytes()).fill(fill);
      }
      fill.sections().forEach(r -> out.printf("%s; mean fill %.1f%n", r.line(), r.meanFill()));
      out.printf("entries: arenaentries=%,d indexed=%,d (nskip=%,d)%n", s.arenaEntries(), s.indexed(), s.skipped());
      out.println(BuildSummary.timeLine(s.millis(), s.phaseMillis(), s.shuffleBytes()));
      if (fill.overflows()) {
        out.println("overflow: " + fill.overflowMessage());
        err.println("venti-spark: " + fill.overflowMessage());
        return ExitCode.OVERFLOW.code;
      }
      out.printf("fits: the fullest bucket is %.0f%% full; nothing was written%n", fill.growthNeeded() * 100);
      return ExitCode.OK.code;
    }
  }

  /** The files a command writes besides the index: its report, if any. */
  static List<Path> outputs(RunReport report) {
    return report == null ? List.of() : report.outputs();
  }

  private static long progressSeconds(Args args, String option) {
    long v = args.longValue(option);
    if (v < 0) {
      throw new UsageException(option + " " + v + ": seconds, 0 or more");
    }
    return v;
  }

  /** The run report's per-stage times and task counts, also when the run failed. */
  private static void stages(RunReport report, ProgressDisplay shown) {
    if (report != null) {
      report.put("stages", shown.stageReport());
    }
  }

  /** The options of buildindex; {@code extra} takes a command's own options (true when it did). */
  static BuildIndexOptions options(Args args, String command, boolean bloomAllowed, Predicate<String> extra) {
    List<String> sections = new ArrayList<>();
    boolean bloom = false;
    long partitionBytes = BuildIndexOptions.DEFAULT_PARTITION_BYTES;
    int partitions = 0;
    long splitClumps = 0;
    for (String o; (o = args.nextOption()) != null; ) {
      switch (o) {
        case "-b" -> {
          if (!bloomAllowed) {
            throw new UsageException(command + ": unknown option -b");
          }
          bloom = true;
        }
        case "-i" -> sections.add(args.value(o));
        case "-M" -> {
          String v = args.value(o);
          try {
            partitionBytes = SizeParser.parse(v);
          } catch (NumberFormatException e) {
            throw new UsageException("-M: " + e.getMessage());
          }
          if (partitionBytes < 1 << 20 || partitionBytes > PartitionPlanner.MAX_RANGE_BYTES) {
            throw new UsageException("-M " + v + ": between 1m and 1g");
          }
        }
        case "--partitions" -> partitions = args.intValue(o, 1, Integer.MAX_VALUE);
        case "--split-clumps" -> splitClumps = args.longValue(o, 1, Long.MAX_VALUE);
        default -> {
          if (!extra.test(o)) {
            throw new UsageException(command + ": unknown option " + o);
          }
        }
      }
    }
    return new BuildIndexOptions(List.copyOf(sections), bloom, partitionBytes, partitions, splitClumps);
  }
}
