package ventispark.plan;

import java.util.Arrays;
import org.apache.spark.Partitioner;

/**
 * Routes entries to the bucket range owning their bucket. Range {@code p} owns the contiguous
 * global buckets {@code [start[p], stop[p])}; ranges are ascending, never span two index sections,
 * and cover exactly the sections being rebuilt. Deterministic: it depends only on the index
 * geometry and the plan's counts, never on the data.
 *
 * <p>The ranges are grouped into write tasks: task {@code t} builds ranges {@code [firstRange(t),
 * firstRange(t + 1))} one after another, so the number of Spark reduce partitions follows the
 * cores, not the index's size over {@code -M}.
 *
 * <p>A task's ranges are grouped again into <em>range groups</em>, the shuffle's keys: group {@code
 * g} is ranges {@code [firstRangeOfGroup(g), firstRangeOfGroup(g + 1))}, all of one task, and a
 * shuffle record holds entries of one group, of any of its ranges. Where ranges are many and each
 * receives few entries (Venti's largest index: 40,724 ranges, about 26 entries of each in a map
 * task's buffer), records of one range each were so small that their count, not their bytes, set
 * the shuffle's cost; a group gathers enough ranges to make records large ({@link #withGroups}).
 * Where ranges receive many entries, each range is its own group.
 */
public final class BucketRangePartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;

  private final long div;
  private final long[] start;
  private final long[] stop;
  private final int[] section;

  /**
   * The routing table: {@code first[b >>> shift]} is the first range that may hold bucket {@code
   * b}, so a lookup is one load and a step or two instead of a binary search per entry.
   */
  private final int[] first;

  private final int shift;

  /** The ranges' buckets as few spans as they make: {@code [spanStart[i], spanStop[i])}. */
  private final long[] spanStart;

  private final long[] spanStop;

  /** Task {@code t} builds ranges {@code [taskFirst[t], taskFirst[t + 1])}. */
  private final int[] taskFirst;

  /** Group {@code g} is ranges {@code [groupFirst[g], groupFirst[g + 1])}. */
  private final int[] groupFirst;

  /** Ranges built one per write task. */
  public BucketRangePartitioner(long div, long[] start, long[] stop, int[] section) {
    this(div, start, stop, section, start.length);
  }

  /**
   * Ranges grouped into {@code tasks} write tasks of consecutive ranges, as many ranges each as can
   * be.
   */
  public BucketRangePartitioner(long div, long[] start, long[] stop, int[] section, int tasks) {
    this(div, start, stop, section, taskFirsts(start.length, tasks), null);
  }

  private static int[] taskFirsts(int ranges, int tasks) {
    if (ranges > 0 && (tasks < 1 || tasks > ranges)) {
      throw new IllegalArgumentException(tasks + " write tasks for " + ranges + " ranges");
    }
    int[] first = new int[Math.max(tasks, 0) + 1];
    for (int t = 0; t <= tasks; t++) {
      first[t] = (int) ((long) ranges * t / Math.max(tasks, 1));
    }
    return first;
  }

  /** Ranges in the given tasks, and groups ({@code null}: a group per range). */
  private BucketRangePartitioner(
      long div, long[] start, long[] stop, int[] section, int[] taskFirst, int[] groupFirst) {
    this.taskFirst = taskFirst;
    if (groupFirst == null) {
      groupFirst = new int[start.length + 1];
      Arrays.setAll(groupFirst, i -> i);
    }
    this.groupFirst = groupFirst;
    int spans = 0;
    long[] ss = new long[start.length];
    long[] se = new long[start.length];
    for (int p = 0; p < start.length; p++) {
      if (spans > 0 && se[spans - 1] == start[p]) {
        se[spans - 1] = stop[p];
      } else {
        ss[spans] = start[p];
        se[spans++] = stop[p];
      }
    }
    this.spanStart = Arrays.copyOf(ss, spans);
    this.spanStop = Arrays.copyOf(se, spans);
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

  /**
   * The same ranges and tasks, with each task's ranges grouped in order: a group takes ranges while
   * the entries they are expected to receive ({@code bytesPerBucket} of shuffle per bucket, scores
   * spreading evenly) stay within {@code groupBytes}, and at least one. Without an expectation
   * ({@code bytesPerBucket} 0), each range is its own group.
   */
  public BucketRangePartitioner withGroups(double bytesPerBucket, long groupBytes) {
    if (!(bytesPerBucket > 0)) {
      return new BucketRangePartitioner(div, start, stop, section, taskFirst, null);
    }
    int[] firsts = new int[start.length + 1];
    int groups = 0;
    for (int t = 0; t < tasks(); t++) {
      double held = Double.POSITIVE_INFINITY;
      for (int p = taskFirst[t]; p < taskFirst[t + 1]; p++) {
        double bytes = bytesPerBucket * (stop[p] - start[p]);
        if (held + bytes > groupBytes) {
          firsts[groups++] = p;
          held = 0;
        }
        held += bytes;
      }
    }
    firsts[groups] = start.length;
    return new BucketRangePartitioner(
        div, start, stop, section, taskFirst, Arrays.copyOf(firsts, groups + 1));
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

  /** The number of write tasks, each building one or more consecutive ranges. */
  public int tasks() {
    return taskFirst.length - 1;
  }

  /**
   * The first range of write task {@code t}; {@code firstRange(tasks())} is the number of ranges.
   */
  public int firstRange(int t) {
    return taskFirst[t];
  }

  /** The number of range groups, the entry shuffle's keys. */
  public int groups() {
    return groupFirst.length - 1;
  }

  /**
   * The first range of group {@code g}; {@code firstRangeOfGroup(groups())} is the number of
   * ranges.
   */
  public int firstRangeOfGroup(int g) {
    return groupFirst[g];
  }

  /** The group of range {@code p}. */
  public int groupOfRange(int p) {
    return spanOf(groupFirst, p);
  }

  /** The write task that builds range {@code p}. */
  public int taskOfRange(int p) {
    return spanOf(taskFirst, p);
  }

  /**
   * The span of {@code firsts} (span {@code i} is {@code [firsts[i], firsts[i + 1])}) that holds
   * range {@code p}. Equal firsts cannot occur (every task and group has a range); the last entry
   * is the end.
   */
  private static int spanOf(int[] firsts, int p) {
    int i = Arrays.binarySearch(firsts, p);
    return i < 0 ? -i - 2 : i;
  }

  /**
   * Whether a range owns global bucket {@code b}: 0 if one does, else -1 (a router for entries that
   * are sorted into their ranges later, cheaper per entry than {@link #partitionOfBucket}).
   */
  public int covers(long b) {
    for (int i = 0; i < spanStart.length; i++) {
      if (b < spanStop[i]) {
        return b >= spanStart[i] ? 0 : -1;
      }
    }
    return -1;
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
    return o instanceof BucketRangePartitioner other
        && div == other.div
        && Arrays.equals(start, other.start)
        && Arrays.equals(stop, other.stop)
        && Arrays.equals(section, other.section)
        && Arrays.equals(taskFirst, other.taskFirst)
        && Arrays.equals(groupFirst, other.groupFirst);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(div) + Arrays.hashCode(start)) + Arrays.hashCode(stop);
  }
}
