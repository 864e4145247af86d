package ventispark.sort;

import java.util.List;
import java.util.function.IntUnaryOperator;
import ventispark.plan.BucketRangePartitioner;
import ventispark.plan.PartitionPlanner;
import ventispark.read.Archive;
import ventispark.read.ClumpEntries;

/**
 * Test access to {@link EntryBatches} with a small buffer and a bound on dense fill counts (0: fill
 * counts per buffer, as for an index too large to count densely), and to range groups of several
 * ranges, from other packages' tests.
 */
public final class EntryBatchesAccess {
  private EntryBatchesAccess() {}

  public static EntryBatches of(
      ClumpEntries entries,
      BucketRangePartitioner part,
      IntUnaryOperator fillKey,
      int bufferEntries,
      long denseBuckets) {
    return new EntryBatches(entries, part, fillKey, bufferEntries, denseBuckets);
  }

  /**
   * Many small ranges of {@code sections} (as -M 32k makes them) in {@code tasks} write tasks, in
   * range groups of about {@code rangesPerGroup} ranges each; at least one group holds several.
   */
  public static BucketRangePartitioner grouped(
      Archive archive, List<Integer> sections, int tasks, int rangesPerGroup) {
    BucketRangePartitioner small = PartitionPlanner.plan(archive, sections, 32 << 10, 1, tasks);
    long buckets = small.stop(small.numPartitions() - 1) - small.start(0);
    BucketRangePartitioner grouped =
        small.withGroups(1, rangesPerGroup * buckets / small.numPartitions());
    if (grouped.groups() >= small.numPartitions()) {
      throw new IllegalStateException("no range group of several ranges");
    }
    return grouped;
  }
}
