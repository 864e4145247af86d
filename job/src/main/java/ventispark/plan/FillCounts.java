package ventispark.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import ventispark.format.Varint;

/**
 * The fill check's counts, made on the map side: each map task sorts a buffer of its entries by
 * bucket ({@link ventispark.sort.EntryBatches}), so the counts are the run lengths of its entries,
 * and emits them as small records ({@link Runs}), one per buffer and fill partition, in the same
 * shuffle; the check then reads only those, never the entries. Counts add up, so a bucket may be
 * counted in a record per map task and buffer. A small index is counted densely per map task
 * ({@link Dense}) and emitted once at its end. Beyond that bound a map task holds no count array:
 * its memory and work do not grow with the number of ranges or buckets (dense arrays per range,
 * reopened for nearly every batch, were most of the map side's time at 40,000 ranges).
 *
 * <p>A record lists the non-empty buckets alone, in ascending order:
 *
 * <pre>
 * record := bucket*
 * bucket := varint(gap * 2 + more) [varint(count) when more = 1]
 * </pre>
 *
 * the gap from the previous bucket (from -1 for the first); a bucket without a count holds one
 * entry. At Venti's largest index nearly every bucket a buffer touches holds one of its entries, so
 * most buckets take one byte; a small index's counts are usually below 128, one byte more.
 */
public final class FillCounts {
  private FillCounts() {}

  /** A record, from non-empty buckets in ascending order. */
  public static final class Runs {
    private byte[] r = new byte[64];
    private int at;
    private long last = -1;

    /** Adds {@code count} entries of global bucket {@code bucket}, above the last one added. */
    public void bucket(long bucket, int count) {
      if (at + 10 > r.length) {
        r = Arrays.copyOf(r, r.length * 2);
      }
      int gap = (int) (bucket - last - 1);
      if (count == 1) {
        at = Varint.put(r, at, gap << 1);
      } else {
        at = Varint.put(r, at, gap << 1 | 1);
        at = Varint.put(r, at, count);
      }
      last = bucket;
    }

    public boolean isEmpty() {
      return at == 0;
    }

    /** The record, and a fresh start. */
    public byte[] finish() {
      byte[] out = Arrays.copyOf(r, at);
      at = 0;
      last = -1;
      return out;
    }
  }

  /**
   * A map task's counts of every bucket of a small index, one int each, emitted once at the task's
   * end as one {@link Runs} record per fill key: the records then name each bucket once per map
   * task rather than once per sorted buffer (at 100M clumps into 778,074 buckets, a buffer holds
   * far fewer entries than there are buckets, so per-buffer runs cost a pair per entry: 166 MB more
   * shuffle, ten times the check). Its memory is bounded by {@link #MAX_BUCKETS}; a larger index
   * keeps the per-buffer runs, whose size is bounded by the entries.
   */
  public static final class Dense {
    /** Buckets a map task counts densely at most: 16 MiB of ints. */
    public static final long MAX_BUCKETS = 1 << 22;

    private final BucketRangePartitioner part;
    private final long base;
    private final int[] count;

    private Dense(BucketRangePartitioner part, long base, int buckets) {
      this.part = part;
      this.base = base;
      this.count = new int[buckets];
    }

    /**
     * Counts for the ranges of {@code part}, or null when they span more than {@code maxBuckets}
     * ({@link #MAX_BUCKETS} but in tests).
     */
    public static Dense forRanges(BucketRangePartitioner part, long maxBuckets) {
      int ranges = part.numPartitions();
      if (ranges == 0) {
        return null;
      }
      long base = part.start(0);
      long span = part.stop(ranges - 1) - base;
      return span <= Math.min(maxBuckets, MAX_BUCKETS) ? new Dense(part, base, (int) span) : null;
    }

    /** Counts {@code n} entries of global bucket {@code bucket}, which a range owns. */
    public void add(long bucket, int n) {
      count[(int) (bucket - base)] += n;
    }

    /**
     * Every non-empty bucket's count, as one record per run of ranges with the same fill key
     * ({@code fillKey(range)}), handed to {@code sink} in range order.
     */
    public void emit(java.util.function.IntUnaryOperator fillKey, RecordSink sink) {
      Runs runs = new Runs();
      int key = 0;
      for (int p = 0; p < part.numPartitions(); p++) {
        int k = fillKey.applyAsInt(p);
        if (k != key && !runs.isEmpty()) {
          sink.accept(key, runs.finish());
        }
        key = k;
        for (long b = part.start(p); b < part.stop(p); b++) {
          int n = count[(int) (b - base)];
          if (n > 0) {
            runs.bucket(b, n);
          }
        }
      }
      if (!runs.isEmpty()) {
        sink.accept(key, runs.finish());
      }
    }
  }

  /** Where {@link Dense#emit} puts its records. */
  public interface RecordSink {
    void accept(int key, byte[] record);
  }

  /** Record bytes a fill task holds at most before adding them into its counts. */
  static final long HELD_BYTES = 16 << 20;

  /**
   * Counts a window covers: 256 KiB, which stays in a core's cache while every held record adds its
   * pairs of that window. Adding one record after another instead sweeps the whole count array (up
   * to 16 MiB) once per record, a cache miss per pair.
   */
  static final int WINDOW_BUCKETS = 1 << 16;

  /**
   * The fills of ranges {@code [from, to)} of {@code part}, whose records (all of them, in any
   * order) {@code records} holds, one per run of consecutive ranges of a section (numbered by its
   * first range): a few, not one per range, for the driver to collect. Per section, the same fills
   * a count of the ranges' entries themselves gives ({@code FillCountsTest}). While the records
   * name far fewer buckets than the ranges hold (a large index, few entries), they are kept and
   * their (bucket, count) pairs sorted; past that, they are added into a count per bucket of the
   * ranges, {@link #HELD_BYTES} of records at a time, and dropped. The memory is the smaller of the
   * two, not the records: at Venti's largest index a map buffer's record has a pair for nearly
   * every entry, so a fill task of a large archive reads gigabytes of them.
   */
  public static List<BucketFill> merge(
      BucketRangePartitioner part,
      int[] capacityOfSection,
      int from,
      int to,
      Iterator<byte[]> records) {
    return merge(part, capacityOfSection, from, to, records, HELD_BYTES);
  }

  static List<BucketFill> merge(
      BucketRangePartitioner part,
      int[] capacityOfSection,
      int from,
      int to,
      Iterator<byte[]> records,
      long heldBytes) {
    long[] base = new long[to - from + 1];
    for (int p = from; p < to; p++) {
      base[p - from + 1] = base[p - from] + part.stop(p) - part.start(p);
    }
    long buckets = base[to - from];
    Fills fills = new Fills(part, capacityOfSection, from, to);
    // A bucket takes at least 1 byte: records of fewer than buckets / 4 bytes name fewer than
    // buckets / 4, whose sort (8 bytes each) takes half the memory of the counts (4 bytes a
    // bucket) at most, and less time (4M clumps against Venti's largest index: a check of
    // 0.3 s counting at a bucket in 8, 0.2 s sorting).
    List<byte[]> held = new ArrayList<>();
    long bytes = 0;
    int[] c = null;
    while (records.hasNext()) {
      byte[] r = records.next();
      held.add(r);
      bytes += r.length;
      if (c == null && bytes >= buckets / 4) {
        c = new int[Math.toIntExact(buckets)];
      }
      if (c != null && bytes >= heldBytes) {
        count(part, from, to, base, c, held);
        held.clear();
        bytes = 0;
      }
    }
    if (c == null) {
      return sorted(held, fills);
    }
    count(part, from, to, base, c, held);
    for (int p = from; p < to; p++) {
      for (int i = (int) base[p - from]; i < base[p - from + 1]; i++) {
        if (c[i] > 0) {
          fills.bucket(part.start(p) + i - base[p - from], c[i]);
        }
      }
    }
    return fills.done();
  }

  /**
   * The fills of the pairs of {@code records} by sorting the pairs, in place: one long a pair,
   * counted first (at Venti's largest index a pair takes about 2 bytes of record, and sorting them
   * with a radix sort's room, sized by the bytes, allocated 16 bytes a byte: 112 MB of the check's
   * 4M clumps, where the archive's own index allocated 515 MB in all).
   */
  private static List<BucketFill> sorted(List<byte[]> records, Fills fills) {
    int n = 0;
    for (byte[] r : records) {
      for (int at = 0; at < r.length; ) {
        // A pair is a varint, and a second when its low bit says a count follows.
        boolean counted = (r[at] & 1) != 0;
        at = Varint.skip(r, at);
        if (counted) {
          at = Varint.skip(r, at);
        }
        n++;
      }
    }
    long[] pairs = new long[n];
    n = 0;
    for (byte[] r : records) {
      int[] at = {0};
      long bucket = -1;
      while (at[0] < r.length) {
        int v = Varint.read(r, at, 0);
        bucket += (v >>> 1) + 1;
        pairs[n++] = bucket << 32 | ((v & 1) == 0 ? 1 : Varint.read(r, at, 0));
      }
    }
    Arrays.sort(pairs);
    for (int i = 0; i < n; ) {
      long bucket = pairs[i] >>> 32;
      long sum = 0;
      for (; i < n && pairs[i] >>> 32 == bucket; i++) {
        sum += pairs[i] & 0xFFFFFFFFL;
      }
      fills.bucket(bucket, (int) Math.min(Integer.MAX_VALUE, sum));
    }
    return fills.done();
  }

  /**
   * Adds the counts of {@code records} into {@code c}, the counts of ranges {@code [from, to)},
   * range {@code p}'s from {@code base[p - from]}: a window of {@link #WINDOW_BUCKETS} at a time,
   * each record read on from where the last window left it (its pairs ascend).
   */
  private static void count(
      BucketRangePartitioner part, int from, int to, long[] base, int[] c, List<byte[]> records) {
    boolean contiguous = true;
    for (int p = from + 1; p < to && contiguous; p++) {
      contiguous = part.start(p) == part.stop(p - 1);
    }
    Cursor[] cursors = new Cursor[records.size()];
    for (int i = 0; i < cursors.length; i++) {
      cursors[i] = new Cursor(records.get(i), part, from, to, base, contiguous);
      cursors[i].next();
    }
    for (long end = WINDOW_BUCKETS; ; end += WINDOW_BUCKETS) {
      for (Cursor k : cursors) {
        k.addBelow(c, end);
      }
      if (end >= c.length) {
        return;
      }
    }
  }

  /** A record's pairs, read one at a time as indexes into the counts of a fill task's ranges. */
  private static final class Cursor {
    private final byte[] r;
    private final BucketRangePartitioner part;
    private final int from;
    private final int to;
    private final long[] base;

    /**
     * The first bucket of the ranges when they follow one another without a gap (every range of an
     * index rebuilt whole), so that a bucket's index is its distance from it, with no walk over the
     * ranges; -1 otherwise (sections left out by {@code -i}).
     */
    private final long first;

    private final long stop;
    private final int[] at = {0};
    private long bucket = -1;
    private int p;

    /** The current pair: its index in the counts ({@link Long#MAX_VALUE} past the end), count. */
    long index;

    int count;

    Cursor(
        byte[] r, BucketRangePartitioner part, int from, int to, long[] base, boolean contiguous) {
      this.r = r;
      this.part = part;
      this.from = from;
      this.to = to;
      this.base = base;
      this.p = from;
      this.first = contiguous ? part.start(from) : -1;
      this.stop = part.stop(to - 1);
    }

    /**
     * Adds the counts of this record's pairs of index below {@code end} into {@code c}, and moves
     * on to the first pair past them. Where the ranges follow one another, the usual pair (a gap of
     * one or two bytes, no count) is read in this loop itself, with no call per pair: at Venti's
     * largest index a fill task reads a pair for nearly every entry.
     */
    void addBelow(int[] c, long end) {
      if (first < 0) {
        while (index < end) {
          c[(int) index] += count;
          next();
        }
        return;
      }
      byte[] r = this.r;
      int pos = at[0];
      while (index < end) {
        c[(int) index] += count;
        // The pair's varint, when it takes one or two bytes (a buffer of 2^17 entries at Venti's
        // largest index: gaps of about 300 buckets), else -1.
        int v = -1;
        int len = 1;
        if (pos < r.length) {
          v = r[pos];
          if (v < 0) {
            v = pos + 1 < r.length && r[pos + 1] >= 0 ? (v & 0x7F) | r[pos + 1] << 7 : -1;
            len = 2;
          }
        }
        long b = bucket + (v >>> 1) + 1;
        if (v < 0 || (v & 1) != 0 || b >= stop) {
          at[0] = pos;
          next();
          pos = at[0];
          continue;
        }
        pos += len;
        bucket = b;
        count = 1;
        index = b - first;
      }
      at[0] = pos;
    }

    void next() {
      if (at[0] >= r.length) {
        index = Long.MAX_VALUE;
        return;
      }
      int v = Varint.read(r, at, 0);
      bucket += (v >>> 1) + 1;
      count = (v & 1) == 0 ? 1 : Varint.read(r, at, 0);
      if (first >= 0 && bucket >= first && bucket < stop) {
        index = bucket - first;
        return;
      }
      while (p < to && part.stop(p) <= bucket) {
        p++;
      }
      if (p == to || bucket < part.start(p)) {
        throw new IllegalStateException(
            "fill count of bucket " + bucket + ", not in ranges [" + from + ", " + to + ")");
      }
      index = base[p - from] + bucket - part.start(p);
    }
  }

  /**
   * The fills of consecutive ranges, one per section they cover, from their non-empty buckets in
   * ascending order.
   */
  private static final class Fills {
    private final BucketRangePartitioner part;
    private final int[] capacityOfSection;
    private final int to;
    private final List<BucketFill> out = new ArrayList<>();
    private int p;
    private BucketFill.Builder fill;

    Fills(BucketRangePartitioner part, int[] capacityOfSection, int from, int to) {
      this.part = part;
      this.capacityOfSection = capacityOfSection;
      this.to = to;
      this.p = from;
      this.fill = builder(from);
    }

    private BucketFill.Builder builder(int range) {
      return range < to
          ? new BucketFill.Builder(
              range, part.section(range), capacityOfSection[part.section(range)])
          : null;
    }

    /** Moves on to the next range, ending the current fill when the section changes. */
    private void nextRange() {
      p++;
      if (p == to || part.section(p) != part.section(p - 1)) {
        out.add(fill.build());
        fill = builder(p);
      }
    }

    void bucket(long bucket, int count) {
      while (p < to && part.stop(p) <= bucket) {
        nextRange();
      }
      if (p == to || bucket < part.start(p)) {
        throw new IllegalStateException(
            "fill count of bucket " + bucket + ", not in ranges of this fill task");
      }
      fill.bucket(bucket, count);
    }

    List<BucketFill> done() {
      while (p < to) {
        nextRange();
      }
      return out;
    }
  }
}
