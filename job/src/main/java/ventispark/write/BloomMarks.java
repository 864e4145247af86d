package ventispark.write;

import java.util.function.BiConsumer;
import ventispark.format.BloomBits;
import ventispark.read.ClumpEntries;

/**
 * The map side of the bloom filter, in the one read of the arenas: sees every entry the filter
 * marks ({@link ClumpEntries.EntryVisitor}), holds its bit positions (FORMAT.md 8.2) in a bounded
 * buffer of {@link #HELD_POSITIONS}, and when it is full (and at the end) sorts them and emits one
 * record per slice of the filter ({@link BloomSlicing}) that they touch: the gaps between the
 * slice's set bits as varints (sparse), or the slice's bytes themselves when those are fewer
 * (dense). A map task then holds a few MiB however large the filter, and ships about two bytes per
 * bit, where a private copy of the filter held up to 512 MiB.
 *
 * <p>A record is a form byte, then for {@link #SPARSE} the first bit's offset in the slice and the
 * gaps to each next distinct bit, for {@link #DENSE} the slice's bytes.
 */
public final class BloomMarks implements ClumpEntries.EntryVisitor {
  /** Bit positions held before they are sorted and emitted: 4 MiB, and as much again to sort. */
  static final int HELD_POSITIONS = 1 << 20;

  static final byte SPARSE = 1;
  static final byte DENSE = 0;

  private final BloomSlicing slicing;
  private final int size;
  private final int nhash;
  private final BiConsumer<Integer, byte[]> out;
  private final int heldLimit;
  private int[] held;
  private int[] scratch;
  private int n;

  /** Marks for {@code slicing}'s filter; {@code out} gets each record as (slice, bytes). */
  public BloomMarks(BloomSlicing slicing, BiConsumer<Integer, byte[]> out) {
    this(slicing, out, HELD_POSITIONS);
  }

  BloomMarks(BloomSlicing slicing, BiConsumer<Integer, byte[]> out, int heldLimit) {
    this.slicing = slicing;
    this.size = slicing.header().size();
    this.nhash = slicing.header().nhash();
    this.out = out;
    this.heldLimit = Math.max(heldLimit, nhash);
  }

  @Override
  public void visit(byte[] dir, int off) {
    if (held == null) {
      held = new int[heldLimit];
    } else if (n + nhash > held.length) {
      flush();
    }
    BloomBits.positions(size, nhash, dir, off, held, n);
    n += nhash;
  }

  /** Emits every position held, a record per slice, and forgets them. */
  public void flush() {
    if (n == 0) {
      return;
    }
    if (scratch == null) {
      scratch = new int[held.length];
    }
    sortUnsigned(held, scratch, n);
    int shift = slicing.sliceShift();
    for (int i = 0; i < n; ) {
      int slice = held[i] >>> shift;
      int j = i + 1;
      while (j < n && held[j] >>> shift == slice) {
        j++;
      }
      out.accept(slice, record(held, i, j, slice));
      i = j;
    }
    n = 0;
  }

  /** The record of the sorted positions {@code p[from, to)}, all in slice {@code slice}. */
  private byte[] record(int[] p, int from, int to, int slice) {
    long base = (long) slice << slicing.sliceShift();
    long sparse = 1;
    long last = -1;
    for (int i = from; i < to; i++) {
      long x = Integer.toUnsignedLong(p[i]) - base;
      if (x != last) {
        sparse += varintSize(last < 0 ? x : x - last);
        last = x;
      }
    }
    if (sparse > 1 + (long) slicing.sliceBytes()) {
      byte[] r = new byte[1 + slicing.sliceBytes()];
      r[0] = DENSE;
      for (int i = from; i < to; i++) {
        long x = Integer.toUnsignedLong(p[i]) - base;
        r[1 + (int) (x >>> 3)] |= (byte) (1 << (x & 7));
      }
      return r;
    }
    byte[] r = new byte[(int) sparse];
    r[0] = SPARSE;
    int at = 1;
    last = -1;
    for (int i = from; i < to; i++) {
      long x = Integer.toUnsignedLong(p[i]) - base;
      if (x != last) {
        at = putVarint(r, at, last < 0 ? x : x - last);
        last = x;
      }
    }
    return r;
  }

  /** Bits of a slice ORed from every held record before the next: 1 MiB, which stays in cache. */
  static final int WINDOW_BITS = 1 << 23;

  /**
   * ORs every record of {@code records} into {@code slice}, the bytes of their slice, holding at
   * most about {@code heldBytes} of sparse records at a time. The held records are ORed a window of
   * the slice at a time, each record read on from where the last window left it: one record alone
   * spans the whole slice, and ORing them one after another costs a cache and TLB miss per bit once
   * the slice outgrows the caches (64 MiB slices: 4 times slower).
   */
  public static void orAll(byte[] slice, java.util.Iterator<byte[]> records, long heldBytes) {
    java.util.List<byte[]> held = new java.util.ArrayList<>();
    long bytes = 0;
    while (records.hasNext()) {
      byte[] r = records.next();
      if (r[0] == DENSE) {
        for (int i = 0; i < slice.length; i++) {
          slice[i] |= r[1 + i];
        }
        continue;
      }
      held.add(r);
      bytes += r.length;
      if (bytes >= heldBytes) {
        orWindows(slice, held);
        held.clear();
        bytes = 0;
      }
    }
    orWindows(slice, held);
  }

  /** ORs the sparse records {@code held} into {@code slice}, window by window. */
  private static void orWindows(byte[] slice, java.util.List<byte[]> held) {
    int k = held.size();
    int[] at = new int[k];
    long[] next = new long[k];
    for (int i = 0; i < k; i++) {
      at[i] = 1;
      next[i] = -1;
      next[i] = advance(held.get(i), at, i, next[i]);
    }
    long bits = (long) slice.length * 8;
    for (long end = WINDOW_BITS; end - WINDOW_BITS < bits; end += WINDOW_BITS) {
      for (int i = 0; i < k; i++) {
        byte[] r = held.get(i);
        long x = next[i];
        while (x >= 0 && x < end) {
          slice[(int) (x >>> 3)] |= (byte) (1 << (x & 7));
          x = advance(r, at, i, x);
        }
        next[i] = x;
      }
    }
  }

  /**
   * The bit after {@code x} (−1 before the first) in record {@code r} read from {@code at[i]}, or
   * −2 at its end.
   */
  private static long advance(byte[] r, int[] at, int i, long x) {
    int p = at[i];
    if (p >= r.length) {
      return -2;
    }
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = r[p++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        break;
      }
    }
    at[i] = p;
    return x == -1 ? v : x + v;
  }

  /** ORs a record's bits into {@code slice}, the bytes of its slice. */
  public static void orInto(byte[] slice, byte[] r) {
    orAll(slice, java.util.List.of(r).iterator(), Long.MAX_VALUE);
  }

  /**
   * Sorts {@code a[0, n)} as unsigned ints: a radix sort of three 11-bit digits, linear in {@code
   * n}.
   */
  static void sortUnsigned(int[] a, int[] tmp, int n) {
    // 11-bit digits: the 2,048 write heads of a pass stay in cache, where 65,536 (16 bits) do not.
    int[] count = new int[1 << DIGIT_BITS];
    digitSort(a, tmp, n, 0, count);
    digitSort(tmp, a, n, DIGIT_BITS, count);
    digitSort(a, tmp, n, 2 * DIGIT_BITS, count);
    System.arraycopy(tmp, 0, a, 0, n);
  }

  private static final int DIGIT_BITS = 11;

  /**
   * One stable counting pass: {@code from[0, n)} into {@code to}, by the digit at {@code shift}.
   */
  private static void digitSort(int[] from, int[] to, int n, int shift, int[] count) {
    int mask = count.length - 1;
    java.util.Arrays.fill(count, 0);
    for (int i = 0; i < n; i++) {
      count[(from[i] >>> shift) & mask]++;
    }
    for (int d = 0, sum = 0; d < count.length; d++) {
      int c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (int i = 0; i < n; i++) {
      int v = from[i];
      to[count[(v >>> shift) & mask]++] = v;
    }
  }

  private static int varintSize(long v) {
    int s = 1;
    while (v >= 0x80) {
      v >>>= 7;
      s++;
    }
    return s;
  }

  private static int putVarint(byte[] r, int at, long v) {
    while (v >= 0x80) {
      r[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    r[at++] = (byte) v;
    return at;
  }
}
