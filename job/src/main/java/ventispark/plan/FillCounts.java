package ventispark.plan;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The fill check's counts, made on the map side: each map task counts its entries per bucket of
 * each reduce range, a batch at a time as it emits them, and emits the counts as small records
 * ({@link #encode}) in the same shuffle, to the fill partitions; the check then reads only those,
 * never the entries.
 * Counts add up, so a task may emit a range's counts in several records: it emits all it holds
 * whenever they exceed {@link #HELD_BYTES}, and a map task's memory stays bounded whatever the
 * index size.
 *
 * <p>A record is the range (4 bytes) and its counts, one varint per bucket (dense), or varint
 * pairs (gap, count) for the non-empty buckets alone (sparse), whichever is shorter: a count per
 * bucket and per map task is usually below 128, one byte.
 */
public final class FillCounts {
  /** Bytes of counts a map task may hold before it emits them. */
  static final long HELD_BYTES = 8 << 20;

  private static final byte DENSE = 0;
  private static final byte SPARSE = 1;

  private final BucketRangePartitioner part;
  private final BiConsumer<Integer, byte[]> out;
  private final long heldLimit;
  private final int[][] counts;
  private long held;

  /** Counts for the ranges of {@code part}; {@code out} gets each record as (range, bytes). */
  public FillCounts(BucketRangePartitioner part, BiConsumer<Integer, byte[]> out) {
    this(part, out, HELD_BYTES);
  }

  FillCounts(BucketRangePartitioner part, BiConsumer<Integer, byte[]> out, long heldLimit) {
    this.part = part;
    this.out = out;
    this.heldLimit = heldLimit;
    this.counts = new int[part.numPartitions()][];
  }

  /** Counts an entry of global bucket {@code bucket}, routed to range {@code p}. */
  public void add(int p, long bucket) {
    int[] c = counts[p];
    if (c == null) {
      c = open(p);
    }
    c[(int) (bucket - part.start(p))]++;
  }

  private int[] open(int p) {
    int n = (int) (part.stop(p) - part.start(p));
    if (held + 4L * n > heldLimit) {
      flush();
    }
    held += 4L * n;
    return counts[p] = new int[n];
  }

  /** Emits every count held and forgets them. */
  public void flush() {
    for (int p = 0; p < counts.length; p++) {
      if (counts[p] != null) {
        out.accept(p, encode(p, counts[p]));
        counts[p] = null;
      }
    }
    held = 0;
  }

  /** The record of range {@code p}'s counts. */
  static byte[] encode(int p, int[] c) {
    long dense = 0;
    long sparse = 0;
    int last = -1;
    for (int i = 0; i < c.length; i++) {
      dense += varintSize(c[i]);
      if (c[i] != 0) {
        sparse += varintSize(i - last - 1) + varintSize(c[i]);
        last = i;
      }
    }
    byte[] r = new byte[(int) (5 + Math.min(dense, sparse))];
    r[0] = (byte) (p >>> 24);
    r[1] = (byte) (p >>> 16);
    r[2] = (byte) (p >>> 8);
    r[3] = (byte) p;
    int at = 5;
    if (dense <= sparse) {
      r[4] = DENSE;
      for (int n : c) {
        at = putVarint(r, at, n);
      }
    } else {
      r[4] = SPARSE;
      last = -1;
      for (int i = 0; i < c.length; i++) {
        if (c[i] != 0) {
          at = putVarint(r, at, i - last - 1);
          at = putVarint(r, at, c[i]);
          last = i;
        }
      }
    }
    return r;
  }

  /** The range a record counts. */
  static int range(byte[] r) {
    return (r[0] & 0xFF) << 24 | (r[1] & 0xFF) << 16 | (r[2] & 0xFF) << 8 | (r[3] & 0xFF);
  }

  /** Adds a record's counts into {@code c}, the counts of its range. */
  static void addInto(byte[] r, int[] c) {
    int[] at = {5};
    if (r[4] == DENSE) {
      for (int i = 0; i < c.length; i++) {
        c[i] += varint(r, at);
      }
    } else {
      int i = -1;
      while (at[0] < r.length) {
        i += varint(r, at) + 1;
        c[i] += varint(r, at);
      }
    }
  }

  /**
   * The fills of the ranges whose records {@code records} holds (all of each range's records):
   * the same fills a count of the ranges' entries themselves gives ({@code FillCountsTest}).
   */
  public static List<BucketFill> merge(BucketRangePartitioner part, int[] capacityOfSection,
      Iterator<byte[]> records) {
    TreeMap<Integer, int[]> byRange = new TreeMap<>();
    while (records.hasNext()) {
      byte[] r = records.next();
      int p = range(r);
      addInto(r, byRange.computeIfAbsent(p, q -> new int[(int) (part.stop(q) - part.start(q))]));
    }
    List<BucketFill> fills = new ArrayList<>();
    byRange.forEach((p, c) -> fills.add(
        BucketFill.of(p, part.section(p), capacityOfSection[part.section(p)], part.start(p), c)));
    return fills;
  }

  private static int varintSize(int v) {
    return v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : v < 1 << 28 ? 4 : 5;
  }

  private static int putVarint(byte[] r, int at, int v) {
    while ((v & ~0x7F) != 0) {
      r[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    r[at++] = (byte) v;
    return at;
  }

  private static int varint(byte[] r, int[] at) {
    int v = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = r[at[0]++];
      v |= (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
    }
  }
}
