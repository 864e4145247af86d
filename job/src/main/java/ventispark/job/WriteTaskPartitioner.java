package ventispark.job;

import org.apache.spark.Partitioner;
import ventispark.plan.BucketRangePartitioner;

/**
 * The entry shuffle's partitions: keys below the number of range groups are groups ({@link
 * BucketRangePartitioner#groups}), shuffled to the write task that builds their ranges; keys from
 * there on are the extra partitions after the write tasks' (the fill counts', then any other), in
 * order. The keys sort the entries by group, so by range, within a write task, so the task builds
 * its ranges one after another.
 */
final class WriteTaskPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;

  private final BucketRangePartitioner ranges;
  private final int extra;

  WriteTaskPartitioner(BucketRangePartitioner ranges, int extra) {
    this.ranges = ranges;
    this.extra = extra;
  }

  @Override
  public int numPartitions() {
    return ranges.tasks() + extra;
  }

  @Override
  public int getPartition(Object key) {
    int k = (Integer) key;
    int n = ranges.groups();
    if (k < 0 || k >= n + extra) {
      throw new IllegalArgumentException("no shuffle key " + k + " (of " + (n + extra) + ")");
    }
    return k < n ? ranges.taskOfRange(ranges.firstRangeOfGroup(k)) : ranges.tasks() + k - n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WriteTaskPartitioner other
        && extra == other.extra
        && ranges.equals(other.ranges);
  }

  @Override
  public int hashCode() {
    return 31 * ranges.hashCode() + extra;
  }
}
