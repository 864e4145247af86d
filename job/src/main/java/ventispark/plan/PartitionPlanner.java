package ventispark.plan;

import java.util.ArrayList;
import java.util.List;
import ventispark.read.Archive;
import ventispark.read.IndexSection;

/**
 * Sizes the reduce side from the arenas' clump counts, without sampling: SHA-1 scores spread
 * evenly over the buckets, so a section of {@code n} buckets expects {@code clumps · n / buckets}
 * entries. Each rebuilt section gets enough partitions of equal bucket ranges to hold about
 * {@code targetEntries} each, or a fixed total split in proportion to the sections' bucket counts
 * (at least one partition per section, at most one per bucket).
 */
public final class PartitionPlanner {
  private PartitionPlanner() {}

  /**
   * @param sections indices of the sections being rebuilt, ascending
   * @param fixedPartitions an exact partition total, or 0 to size by {@code targetEntries}
   */
  public static BucketRangePartitioner plan(Archive archive, List<Integer> sections, long targetEntries,
      int fixedPartitions) {
    long rebuiltBuckets = 0;
    for (int s : sections) {
      rebuiltBuckets += archive.sections().get(s).buckets();
    }
    List<long[]> ranges = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    long clumps = archive.clumps();
    for (int s : sections) {
      IndexSection sec = archive.sections().get(s);
      long n = sec.buckets();
      if (n == 0) {
        continue;
      }
      long parts;
      if (fixedPartitions > 0) {
        parts = Math.max(1, Math.round((double) fixedPartitions * n / rebuiltBuckets));
      } else {
        double expected = (double) clumps * n / archive.buckets();
        parts = Math.max(1, (long) Math.ceil(expected / Math.max(1, targetEntries)));
      }
      parts = Math.min(parts, n);
      long first = sec.header().start();
      for (long i = 0; i < parts; i++) {
        ranges.add(new long[] {first + n * i / parts, first + n * (i + 1) / parts});
        owners.add(s);
      }
    }
    long[] start = new long[ranges.size()];
    long[] stop = new long[ranges.size()];
    int[] owner = new int[ranges.size()];
    for (int i = 0; i < start.length; i++) {
      start[i] = ranges.get(i)[0];
      stop[i] = ranges.get(i)[1];
      owner[i] = owners.get(i);
    }
    return new BucketRangePartitioner(archive.div(), start, stop, owner);
  }
}
