package ventispark.plan;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Fill statistics of a bucket range, or of consecutive ranges of one section (numbered by the
 * first), counted from its entries: what the check needs to refuse an overflowing index before
 * anything is written.
 *
 * @param overflows up to {@link #MAX_LISTED} overflowing buckets as {bucket, fill} pairs
 * @param overflowCount all overflowing buckets
 */
public record BucketFill(
    int partition,
    int section,
    long entries,
    long nonEmpty,
    int maxFill,
    long maxFillBucket,
    List<long[]> overflows,
    long overflowCount)
    implements Serializable {

  public static final int MAX_LISTED = 10;

  /**
   * The fill of the range starting at bucket {@code start} whose buckets hold {@code count}
   * entries.
   */
  public static BucketFill of(int partition, int section, int capacity, long start, int[] count) {
    Builder fill = new Builder(partition, section, capacity);
    for (int i = 0; i < count.length; i++) {
      if (count[i] > 0) {
        fill.bucket(start + i, count[i]);
      }
    }
    return fill.build();
  }

  /** Accumulates non-empty buckets in ascending bucket order. */
  public static final class Builder {
    private final int partition;
    private final int section;
    private final int capacity;
    private long entries;
    private long nonEmpty;
    private int maxFill;
    private long maxFillBucket = -1;
    private final List<long[]> overflows = new ArrayList<>();
    private long overflowCount;

    public Builder(int partition, int section, int capacity) {
      this.partition = partition;
      this.section = section;
      this.capacity = capacity;
    }

    public void bucket(long bucket, int fill) {
      entries += fill;
      nonEmpty++;
      if (fill > maxFill) {
        maxFill = fill;
        maxFillBucket = bucket;
      }
      if (fill > capacity) {
        overflowCount++;
        if (overflows.size() < MAX_LISTED) {
          overflows.add(new long[] {bucket, fill});
        }
      }
    }

    public BucketFill build() {
      return new BucketFill(
          partition,
          section,
          entries,
          nonEmpty,
          maxFill,
          maxFillBucket,
          List.copyOf(overflows),
          overflowCount);
    }
  }
}
