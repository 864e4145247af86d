package ventispark.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import ventispark.format.SizeParser;
import ventispark.job.BuildIndexOptions;
import ventispark.plan.PartitionPlanner;

/**
 * The options of how buildindex, plan and checkindex read the arenas and route entries to write
 * tasks.
 */
final class RebuildOptions {
  @Option(
      names = "-i",
      order = 10,
      paramLabel = "SECTION",
      description =
          "Only this index section (by header name);"
              + " repeatable. An unknown name is an error (the C tool only warns).")
  @DefaultText("all sections")
  List<String> sections = new ArrayList<>();

  long partitionBytes = BuildIndexOptions.DEFAULT_PARTITION_BYTES;

  int partitions;

  long splitClumps;

  @Option(
      names = "-M",
      order = 11,
      paramLabel = "SIZE",
      description =
          "The largest bucket range, in index bytes, that one write task builds in memory at a"
              + " time (1m to 1g); a write task builds its ranges one after another. One range per write task that runs"
              + " at once must fit in spark.memory.fraction (0.6) of an executor's heap above Spark's 300 MiB, or the"
              + " run is refused before anything is read (exit 2). It also bounds a slice of the bloom filter, whose"
              + " tasks hold two slices each (job/docs/bloom.md).")
  @DefaultText("64m")
  void partitionBytes(String v) {
    try {
      partitionBytes = SizeParser.parse(v);
    } catch (NumberFormatException e) {
      throw new UsageException("-M: " + e.getMessage());
    }
    if (partitionBytes < 1 << 20 || partitionBytes > PartitionPlanner.MAX_RANGE_BYTES) {
      throw new UsageException("-M " + v + ": between 1m and 1g");
    }
  }

  @Option(
      names = "--partitions",
      order = 12,
      paramLabel = "N",
      description =
          "Exact number of write tasks (the shuffle's reduce partitions), each building"
              + " consecutive bucket ranges; there are at least N ranges, split across sections by their bucket counts,"
              + " none larger than -M. The output bytes do not depend on it.")
  @DefaultText("4 per core, or one per -M of entries to write when that is more")
  void partitions(String v) {
    partitions = Values.intIn("--partitions", v, 1, Integer.MAX_VALUE);
  }

  @Option(
      names = "--split-clumps",
      order = 13,
      paramLabel = "N",
      description =
          "Clumps per read task; an arena is never split."
              + " Many small tasks keep the cores evenly loaded; below ~250,000 clumps a task's start-up dominates.")
  @DefaultText(
      "about 8 read tasks per core, at least 250,000 clumps each, fewer clumps when a task's"
          + " shuffle output (32 bytes a clump, 2 more per bloom hash) would pass 3/4 of its share"
          + " of the execution memory")
  void splitClumps(String v) {
    splitClumps = Values.longIn("--split-clumps", v, 1, Long.MAX_VALUE);
  }

  BuildIndexOptions options(boolean bloom) {
    return new BuildIndexOptions(
        List.copyOf(sections), bloom, partitionBytes, partitions, splitClumps);
  }
}
