package ventispark.plan;

import java.util.Arrays;
import org.apache.spark.Partitioner;

/**
 * Routes entries to the reduce partition owning their bucket. Partition {@code p} owns the
 * contiguous global buckets {@code [start[p], stop[p])}; ranges are ascending, never span two index
 * sections, and cover exactly the sections being rebuilt. Deterministic: it depends only on the
 * index geometry and the plan's partition counts, never on the data.
 */
public final class BucketRangePartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;

  private final long div;
  private final long[] start;
  private final long[] stop;
  private final int[] section;
  /**
   * The routing table: {@code first[b >>> shift]} is the first range that may hold bucket
   * {@code b}, so a lookup is one load and a step or two instead of a binary search per entry.
   */
  private final int[] first;
  private final int shift;

  public BucketRangePartitioner(long div, long[] start, long[] stop, int[] section) {
    this.div = div;
    this.start = start.clone();
    this.stop = stop.clone();
    this.section = section.clone();
    // Slots of at most half a range of average size, about 2 per range.
    long end = start.length == 0 ? 1 : stop[stop.length - 1];
    int s = 0;
    while ((end - 1) >>> s >= 2L * Math.max(1, start.length)) {
      s++;
    }
    this.shift = s;
    this.first = new int[(int) ((end - 1) >>> s) + 1];
    int p = 0;
    for (int i = 0; i < first.length; i++) {
      while (p < stop.length && stop[p] <= (long) i << s) {
        p++;
      }
      first[i] = p;
    }
  }

  @Override
  public int numPartitions() {
    return start.length;
  }

  @Override
  public int getPartition(Object key) {
    int p = (Integer) key;
    if (p < 0 || p >= start.length) {
      throw new IllegalArgumentException("no reduce partition " + p + " (of " + start.length + ")");
    }
    return p;
  }

  /** The partition owning global bucket {@code b}, or -1 when no rebuilt section holds it. */
  public int partitionOfBucket(long b) {
    if (b < 0 || start.length == 0 || b >= stop[stop.length - 1]) {
      return -1;
    }
    int i = first[(int) (b >>> shift)];
    while (stop[i] <= b) {
      i++;
    }
    return b >= start[i] ? i : -1;
  }

  public long div() {
    return div;
  }

  public long start(int p) {
    return start[p];
  }

  public long stop(int p) {
    return stop[p];
  }

  /** Index (in the archive's section list) of the section partition {@code p} writes into. */
  public int section(int p) {
    return section[p];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BucketRangePartitioner other && div == other.div && Arrays.equals(start, other.start)
        && Arrays.equals(stop, other.stop) && Arrays.equals(section, other.section);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(div) + Arrays.hashCode(start)) + Arrays.hashCode(stop);
  }
}
