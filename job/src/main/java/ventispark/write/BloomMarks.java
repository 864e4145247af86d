package ventispark.write;

import java.util.function.BiConsumer;
import ventispark.format.BloomBits;
import ventispark.format.Varint;
import ventispark.read.ClumpEntries;

/**
 * The map side of the bloom filter, in the one read of the arenas: sees every entry the filter
 * marks ({@link ClumpEntries.EntryVisitor}), holds its bit positions (FORMAT.md 8.2) in a bounded
 * buffer of {@link #HELD_POSITIONS}, and when it is full (and at the end) groups them by OR window
 * of the filter ({@link #windowShift}: 8 KiB, or the slice when smaller) and emits records of a
 * slice each ({@link BloomSlicing}), cut at about {@link #RECORD_BYTES}:
 *
 * <pre>
 * record = window+                     (windows in increasing order, only those touched)
 * window = gap[varint] count[varint] offset[2]{count}   (count &gt; 0; offset: LE16, the bit in the window)
 *        | gap[varint] 0[varint] bits[window bytes]     (dense: when shorter than the offsets)
 * gap    = the window's number in its slice − the previous window's − 1 (the first: its number)
 * </pre>
 *
 * Grouping by window is one counting pass and one scatter, where sorting every position took three
 * radix passes and was most of the map side's cost; the slice task needs no more order than the
 * window to OR a window at a time, and repeated offsets are harmless to an OR. A window of 2^16
 * bits makes an offset two bytes (the shuffle carries two bytes a position, and a few per window)
 * and stays in a core's first-level cache while it is ORed. A map task then holds 4 MiB of
 * positions and about 2.4 MiB of records however large the filter.
 */
public final class BloomMarks implements ClumpEntries.EntryVisitor {
  /** Bit positions held before they are grouped and emitted: 4 MiB, and 2 MiB to encode them. */
  static final int HELD_POSITIONS = 1 << 20;

  /**
   * A record is cut at the first window past this many bytes, so that with that window it stays
   * under half of G1's smallest region (1 MiB): no record is a humongous object, which takes whole
   * regions (up to twice its bytes) while a slice task holds a slice's worth of records. Without a
   * cut, a filter of few slices made records of megabytes, and held positions of 2^21 (records of
   * about 540 KB for a 512 MiB filter) ran out of a 1 GiB heap in 3 of 5 rebuilds at 100M clumps.
   * Not lower: at 256 KiB the 512 MiB filter's records (about 280 KB) were cut in two, and the
   * rebuild took 1.05 times as long (3 pairs).
   */
  static final int RECORD_BYTES = 384 << 10;

  /** Record bytes per bit position in a sparse window, the usual form (headers aside). */
  public static final int BYTES_PER_POSITION = 2;

  /** The largest OR window, in bits (8 KiB): an offset in it is two bytes. */
  static final int WINDOW_BITS = 1 << 16;

  private final BloomSlicing slicing;
  private final int size;
  private final int nhash;
  private final BiConsumer<Integer, byte[]> out;
  private final int heldLimit;
  private final int recordLimit;
  private int[] held;
  private int[] count;
  private int[] cursor;
  private byte[] encoded;
  private int[] recordSlice;
  private int[] recordEnd;
  private int n;

  /** Marks for {@code slicing}'s filter; {@code out} gets each record as (slice, bytes). */
  public BloomMarks(BloomSlicing slicing, BiConsumer<Integer, byte[]> out) {
    this(slicing, out, HELD_POSITIONS, RECORD_BYTES);
  }

  BloomMarks(
      BloomSlicing slicing, BiConsumer<Integer, byte[]> out, int heldLimit, int recordLimit) {
    this.slicing = slicing;
    this.size = slicing.header().size();
    this.nhash = slicing.header().nhash();
    this.out = out;
    this.heldLimit = Math.max(heldLimit, nhash);
    this.recordLimit = recordLimit;
  }

  /** log2 of the bits of an OR window of a slice of {@code sliceBytes}. */
  static int windowShift(int sliceBytes) {
    return Math.min(
        Integer.numberOfTrailingZeros(WINDOW_BITS), Integer.numberOfTrailingZeros(sliceBytes) + 3);
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

  /**
   * Emits every position held, in records of a slice each (of about {@link #RECORD_BYTES} at most),
   * and forgets them: one pass counts the positions of each window, the records' layout follows
   * from the counts, and a second pass writes each position straight into its window's place (no
   * grouped copy of the positions in between).
   */
  public void flush() {
    if (n == 0) {
      return;
    }
    int shift = windowShift(slicing.sliceBytes());
    int windows = (int) ((long) size * 8 >>> shift);
    if (count == null) {
      count = new int[windows];
      cursor = new int[windows];
      // At most 2 bytes a position (a window is dense only when that is shorter), and per window
      // its gap and count: 3 + 3 bytes.
      encoded = new byte[Math.toIntExact((long) BYTES_PER_POSITION * held.length + 6L * windows)];
      int records = slicing.slices() + encoded.length / recordLimit;
      recordSlice = new int[records + 1];
      recordEnd = new int[records + 1];
    }
    java.util.Arrays.fill(count, 0);
    for (int i = 0; i < n; i++) {
      count[held[i] >>> shift]++;
    }
    int windowBytes = 1 << (shift - 3);
    int perSlice = 1 << (slicing.sliceShift() - shift);
    // Layout: cursor[w] is where window w's body begins in encoded (~cursor[w] for a dense
    // window, zeroed). Record r is encoded[recordEnd[r - 1], recordEnd[r]), of slice
    // recordSlice[r]: a slice's windows, cut where a record passes the record limit.
    int records = 0;
    int start = 0; // where the record being laid out begins
    int slice = -1; // its slice
    int last = -1; // its last window's number in the slice
    int at = 0;
    for (int w = 0; w < windows; w++) {
      int c = count[w];
      if (c == 0) {
        continue;
      }
      if (at > start && (w / perSlice != slice || at - start >= recordLimit)) {
        recordSlice[records] = slice;
        recordEnd[records++] = at;
        start = at;
      }
      int index = w & (perSlice - 1);
      if (at == start) {
        slice = w / perSlice;
        last = -1;
      }
      at = Varint.put(encoded, at, index - last - 1);
      last = index;
      if (Varint.size(c) + (long) BYTES_PER_POSITION * c > 1 + windowBytes) {
        encoded[at++] = 0;
        java.util.Arrays.fill(encoded, at, at + windowBytes, (byte) 0);
        cursor[w] = ~at;
        at += windowBytes;
      } else {
        at = Varint.put(encoded, at, c);
        cursor[w] = at;
        at += BYTES_PER_POSITION * c;
      }
    }
    if (at > start) {
      recordSlice[records] = slice;
      recordEnd[records++] = at;
    }
    int mask = (1 << shift) - 1;
    for (int i = 0; i < n; i++) {
      int v = held[i];
      int w = v >>> shift;
      int p = cursor[w];
      int x = v & mask;
      if (p >= 0) {
        encoded[p] = (byte) x;
        encoded[p + 1] = (byte) (x >>> 8);
        cursor[w] = p + BYTES_PER_POSITION;
      } else {
        // a dense window: the position becomes its bit
        encoded[~p + (x >>> 3)] |= (byte) (1 << (x & 7));
      }
    }
    for (int r = 0, from = 0; r < records; from = recordEnd[r++]) {
      out.accept(recordSlice[r], java.util.Arrays.copyOfRange(encoded, from, recordEnd[r]));
    }
    n = 0;
  }

  /**
   * ORs every record of {@code records} into {@code slice}, the bytes of their slice, zero before,
   * holding at most about {@code heldBytes} of records at a time; returns the bits set in the
   * slice. The held records are ORed a window of the slice at a time, each record read on from
   * where the last window left it: one record alone spans the whole slice, and ORing them one after
   * another costs a cache and TLB miss per bit once the slice outgrows the caches (64 MiB slices: 4
   * times slower).
   */
  public static long orAll(byte[] slice, java.util.Iterator<byte[]> records, long heldBytes) {
    java.util.List<byte[]> held = new java.util.ArrayList<>();
    long bytes = 0;
    long ones = 0;
    while (records.hasNext()) {
      byte[] r = records.next();
      held.add(r);
      bytes += r.length;
      if (bytes >= heldBytes) {
        ones += orWindows(slice, held);
        held.clear();
        bytes = 0;
      }
    }
    return ones + orWindows(slice, held);
  }

  /**
   * ORs the records {@code held} into {@code slice}, window by window; returns the bits it set that
   * were not set before. They are counted as they are set: a count of the slice's bits afterwards
   * costs more than the OR under the client compiler, which has no popcount intrinsic.
   */
  private static long orWindows(byte[] slice, java.util.List<byte[]> held) {
    int k = held.size();
    if (k == 0) {
      return 0;
    }
    int shift = windowShift(slice.length);
    int windowBytes = 1 << (shift - 3);
    int windows = slice.length / windowBytes;
    // at[i]: where record i's next window begins; next[i]: that window's number, or windows at end.
    int[] at = new int[k];
    int[] next = new int[k];
    for (int i = 0; i < k; i++) {
      next[i] = nextWindow(held.get(i), at, i, -1, windows);
    }
    long added = 0;
    for (int w = 0; w < windows; w++) {
      int base = w * windowBytes;
      for (int i = 0; i < k; i++) {
        if (next[i] != w) {
          continue;
        }
        byte[] r = held.get(i);
        int c = Varint.read(r, at, i);
        int p = at[i];
        if (c == 0) { // dense
          for (int j = 0; j < windowBytes; j++) {
            int old = slice[base + j];
            slice[base + j] = (byte) (old | r[p + j]);
            added += Integer.bitCount(r[p + j] & ~old & 0xFF);
          }
          p += windowBytes;
        } else {
          for (int end = p + BYTES_PER_POSITION * c; p < end; p += BYTES_PER_POSITION) {
            int x = (r[p] & 0xFF) | (r[p + 1] & 0xFF) << 8;
            int j = base + (x >>> 3);
            int old = slice[j];
            slice[j] = (byte) (old | 1 << (x & 7));
            added += ~old >>> (x & 7) & 1;
          }
        }
        at[i] = p;
        next[i] = nextWindow(r, at, i, w, windows);
      }
    }
    return added;
  }

  /**
   * The number of the window of record {@code r} at {@code at[i]}, which follows window {@code
   * last}, moving {@code at[i]} past its gap; or {@code windows} at the record's end.
   */
  private static int nextWindow(byte[] r, int[] at, int i, int last, int windows) {
    return at[i] >= r.length ? windows : last + 1 + Varint.read(r, at, i);
  }

  /** ORs a record's bits into {@code slice}, the bytes of its slice. */
  public static void orInto(byte[] slice, byte[] r) {
    orWindows(slice, java.util.List.of(r));
  }
}
