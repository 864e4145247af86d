package ventispark.plan;

import java.util.ArrayList;
import java.util.List;
import ventispark.read.Archive;
import ventispark.read.IndexSection;

/**
 * Sizes the reduce side from the index geometry alone, without sampling. A write task builds its
 * bucket ranges in memory one after another ({@link ventispark.sort.BucketImage}), so each rebuilt
 * section is cut into equal bucket ranges of at most {@code maxRangeBytes}; SHA-1 scores spread
 * evenly over the buckets, so equal ranges mean equal work. There are at least {@code
 * minPartitions} ranges in all (to use every core), or at least a fixed total split in proportion
 * to the sections' bucket counts; always at least one per section and at most one per bucket.
 *
 * <p>The ranges then go to write tasks, consecutive ranges each: exactly the fixed count when one
 * is given, else {@link #TASKS_PER_CORE} per core, or more when the entries would give a task more
 * than {@code maxRangeBytes} of them. The write tasks are the shuffle's reduce partitions, so their
 * number follows the cluster and the entries, not the index's size over {@code maxRangeBytes}: at
 * 40,000 ranges one task per range cost more in shuffle blocks and task starts than the entries
 * themselves. The entries bound it because Spark's reduce-side sort, which orders a task's ranges,
 * holds the task's whole share of the shuffle and spills what exceeds its memory to local disk:
 * 100M clumps in 8 tasks of 430 MB each spent 19.6 s sorting and writing, against 8.5 s in 48.
 */
public final class PartitionPlanner {
  private PartitionPlanner() {}

  /** The largest range one task may build, whatever was asked: a Java array's limit. */
  public static final long MAX_RANGE_BYTES = 1L << 30;

  /**
   * Shuffle bytes a range group is expected to receive at most ({@link
   * BucketRangePartitioner#withGroups}): a write task holds one group's records at a time. A map
   * task's records then hold at least a buffer's share of this much, where ranges of one record
   * each held about 26 entries at Venti's largest index.
   */
  public static final long GROUP_BYTES = 16 << 20;

  /** Write tasks per core by default: a few, so that a slow one does not hold the others up. */
  public static final int TASKS_PER_CORE = 4;

  /**
   * @param sections indices of the sections being rebuilt, ascending
   * @param fixedPartitions an exact write task total, or 0 for {@link #TASKS_PER_CORE} per {@code
   *     minPartitions}
   */
  public static BucketRangePartitioner plan(
      Archive archive,
      List<Integer> sections,
      long maxRangeBytes,
      int minPartitions,
      int fixedPartitions) {
    return plan(archive, sections, maxRangeBytes, minPartitions, fixedPartitions, 1, 0);
  }

  /**
   * As above, with every range starting at a multiple of {@code align} buckets from its section's
   * start (ranges that would be empty are dropped), and, without a fixed count, at least one write
   * task per {@code maxRangeBytes} of the entries the write tasks are expected to receive: {@code
   * entryBytes}, the shuffle bytes of every entry of the index, times the share of its buckets
   * rebuilt (scores spread evenly over the buckets).
   */
  public static BucketRangePartitioner plan(
      Archive archive,
      List<Integer> sections,
      long maxRangeBytes,
      int minPartitions,
      int fixedPartitions,
      long align,
      long entryBytes) {
    long rebuiltBuckets = 0;
    for (int s : sections) {
      rebuiltBuckets += archive.sections().get(s).buckets();
    }
    // The sections tile the index's buckets (the loader checks it): their total is the index's.
    long shippedBytes =
        archive.buckets() == 0
            ? 0
            : (long) ((double) entryBytes * rebuiltBuckets / archive.buckets());
    List<long[]> ranges = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    for (int s : sections) {
      IndexSection sec = archive.sections().get(s);
      long n = sec.buckets();
      if (n == 0) {
        continue;
      }
      long bytes = n * sec.header().blockSize();
      long parts;
      long wanted =
          fixedPartitions > 0
              ? Math.max(1, Math.round((double) fixedPartitions * n / rebuiltBuckets))
              : ceilDiv((long) minPartitions * n, rebuiltBuckets);
      parts = Math.max(ceilDiv(bytes, maxRangeBytes), wanted);
      parts = Math.min(Math.max(parts, ceilDiv(bytes, MAX_RANGE_BYTES)), n);
      long first = sec.header().start();
      long from = first;
      for (long i = 1; i <= parts; i++) {
        long to =
            i == parts
                ? first + n
                : Math.min(first + n, first + (n * i / parts + align / 2) / align * align);
        if (to > from) {
          ranges.add(new long[] {from, to});
          owners.add(s);
          from = to;
        }
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
    long tasks =
        fixedPartitions > 0
            ? fixedPartitions
            : Math.max(
                (long) TASKS_PER_CORE * Math.max(1, minPartitions),
                ceilDiv(shippedBytes, maxRangeBytes));
    return new BucketRangePartitioner(
            archive.div(),
            start,
            stop,
            owner,
            (int) Math.max(Math.min(tasks, start.length), Math.min(1, start.length)))
        .withGroups(rebuiltBuckets == 0 ? 0 : (double) shippedBytes / rebuiltBuckets, GROUP_BYTES);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
