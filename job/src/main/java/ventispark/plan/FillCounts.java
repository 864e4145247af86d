package ventispark.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The fill check's counts, made on the map side: each map task sorts a buffer of its entries by
 * bucket ({@link ventispark.sort.EntryBatches}), so the counts are the run lengths of its entries,
 * and emits them as small records ({@link Runs}), one per buffer and fill partition, in the same
 * shuffle; the check then reads only those, never the entries. Counts add up, so a bucket may be
 * counted in a record per map task and buffer. A map task holds no count array: its memory and
 * work do not grow with the number of ranges or buckets (dense arrays per range, reopened for
 * nearly every batch, were most of the map side's time at 40,000 ranges).
 *
 * <p>A record is varint pairs (gap, count) for the non-empty buckets alone, in ascending order,
 * the gap from the previous bucket (from -1 for the first): a count per bucket and per record is
 * usually below 128, one byte.
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
      at = putVarint(r, at, (int) (bucket - last - 1));
      at = putVarint(r, at, count);
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
   * The fills of ranges {@code [from, to)} of {@code part}, whose records (all of them, in any
   * order) {@code records} holds: the same fills a count of the ranges' entries themselves gives
   * ({@code FillCountsTest}). Memory is a count per bucket of those ranges.
   */
  public static List<BucketFill> merge(BucketRangePartitioner part, int[] capacityOfSection, int from, int to,
      Iterator<byte[]> records) {
    long[] base = new long[to - from + 1];
    for (int p = from; p < to; p++) {
      base[p - from + 1] = base[p - from] + part.stop(p) - part.start(p);
    }
    int[] c = new int[Math.toIntExact(base[to - from])];
    while (records.hasNext()) {
      byte[] r = records.next();
      int p = from;
      long bucket = -1;
      int[] at = {0};
      while (at[0] < r.length) {
        bucket += varint(r, at) + 1;
        int n = varint(r, at);
        while (p < to && part.stop(p) <= bucket) {
          p++;
        }
        if (p == to || bucket < part.start(p)) {
          throw new IllegalStateException("fill count of bucket " + bucket + ", not in ranges [" + from + ", " + to + ")");
        }
        c[(int) (base[p - from] + bucket - part.start(p))] += n;
      }
    }
    List<BucketFill> fills = new ArrayList<>();
    for (int p = from; p < to; p++) {
      BucketFill.Builder fill = new BucketFill.Builder(p, part.section(p), capacityOfSection[part.section(p)]);
      for (int i = (int) base[p - from]; i < base[p - from + 1]; i++) {
        if (c[i] > 0) {
          fill.bucket(part.start(p) + i - base[p - from], c[i]);
        }
      }
      fills.add(fill.build());
    }
    return fills;
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
