package ventispark.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ventispark.format.BloomBits;
import ventispark.format.BloomHeader;
import ventispark.format.Bytes;

/**
 * The sliced filter is the one BloomBits marks in a whole table, however the positions are held,
 * flushed and encoded: sparse windows, dense windows, slices touched by several flushes.
 */
class BloomMarksTest {
  /** The largest gap and sparse count read, so that the cases cover varints of several bytes. */
  private final long[] largest = new long[2];

  /**
   * The dense windows of record {@code r}, read by its grammar (gap, count, body)+; fails unless
   * the record ends with its last window, within its slice.
   */
  private int denseWindows(byte[] r, int sliceBytes) {
    int windowBytes = 1 << (BloomMarks.windowShift(sliceBytes) - 3);
    int dense = 0;
    long w = -1;
    int[] p = {0};
    while (p[0] < r.length) {
      long gap = varint(r, p);
      largest[0] = Math.max(largest[0], gap);
      w += 1 + gap;
      assertTrue(w < sliceBytes / windowBytes, "window " + w);
      long c = varint(r, p);
      if (c == 0) {
        dense++;
        p[0] += windowBytes;
      } else {
        assertTrue(2 * c <= windowBytes, "offsets " + c);
        largest[1] = Math.max(largest[1], c);
        p[0] += 2 * (int) c;
      }
    }
    assertEquals(r.length, p[0]);
    return dense;
  }

  private static long varint(byte[] r, int[] p) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = r[p[0]++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
  }

  @Test
  void slicesOredFromTheRecordsAreTheWholeFilter() {
    Random rnd = new Random(19);
    // A large filter, sparse records, slices of several OR windows; one with windows of over 127
    // offsets; one with gaps of over 127 windows; a small one, where most records are dense slices.
    // Records cut at the usual limit, or at a small one: several records a slice each flush.
    // {filter bytes, nhash, entries, positions held, record limit}
    int usual = BloomMarks.RECORD_BYTES;
    for (int[] c :
        new int[][] {
          {1 << 24, 7, 20_000, 1 << 12, usual},
          {1 << 22, 7, 20_000, 1 << 16, 4096},
          {1 << 24, 3, 3_000, 1 << 7, usual},
          {1 << 17, 5, 60_000, 1 << 18, 4096}
        }) {
      BloomHeader h = new BloomHeader(c[1], c[0]);
      BloomSlicing slicing = BloomSlicing.of(h, 4 << 20, 4, false);
      assertTrue(slicing.slices() > 1, slicing.toString());
      assertTrue(
          c[0] < 1 << 20 || slicing.sliceBytes() * 8L > 2 * BloomMarks.WINDOW_BITS,
          slicing.toString());
      byte[] whole = new byte[h.size()];
      List<List<byte[]>> records = new ArrayList<>();
      for (int s = 0; s < slicing.slices(); s++) {
        records.add(new ArrayList<>());
      }
      int[] dense = {0};
      int[] emitted = {0};
      int windowBytes = 1 << (BloomMarks.windowShift(slicing.sliceBytes()) - 3);
      BloomMarks marks =
          new BloomMarks(
              slicing,
              (s, r) -> {
                records.get(s).add(r);
                dense[0] += denseWindows(r, slicing.sliceBytes());
                emitted[0]++;
                // cut at the first window past the limit
                assertTrue(r.length < c[4] + windowBytes + 7, "record of " + r.length);
              },
              c[3],
              c[4]);
      byte[] score = new byte[20];
      long visits = 0;
      for (int i = 0; i < c[2]; i++, visits++) {
        rnd.nextBytes(score);
        BloomBits.mark(whole, h.size(), h.nhash(), score, 0);
        marks.visit(score, 0);
        if (i % 7 == 0) {
          // the same score twice: its bits once
          marks.visit(score, 0);
          visits++;
        }
      }
      marks.flush();
      byte[] sliced = new byte[h.size()];
      long recordBytes = 0;
      for (int s = 0; s < slicing.slices(); s++) {
        byte[] slice = new byte[slicing.sliceBytes()];
        // held in batches of a few records, window by window; the bits counted in the last batch
        long ones = BloomMarks.orAll(slice, records.get(s).iterator(), 3000);
        assertEquals(Bytes.bitCount(slice, 0, slice.length), ones);
        byte[] oneByOne = new byte[slicing.sliceBytes()];
        for (byte[] r : records.get(s)) {
          BloomMarks.orInto(oneByOne, r);
          recordBytes += r.length;
        }
        assertArrayEquals(oneByOne, slice);
        System.arraycopy(slice, 0, sliced, s * slicing.sliceBytes(), slice.length);
      }
      assertArrayEquals(whole, sliced);
      assertTrue(c[0] < 1 << 20 ? dense[0] > 0 : dense[0] == 0, "dense windows: " + dense[0]);
      // Never more than two bytes a position, and a few bytes of header per window each flush.
      long positions = visits * h.nhash();
      long windowsEachFlush = (long) h.size() * 8 >>> BloomMarks.windowShift(slicing.sliceBytes());
      long bound = 2 * positions + (positions / c[3] + 1) * windowsEachFlush * 8;
      assertTrue(recordBytes <= bound, "record bytes " + recordBytes + " > " + bound);
      long flushes = positions / c[3] + 1;
      assertTrue(
          c[4] == usual || emitted[0] > flushes * slicing.slices(), "records: " + emitted[0]);
    }
    assertTrue(
        largest[0] >= 128 && largest[1] >= 128,
        "largest gap, count: " + largest[0] + ", " + largest[1]);
  }

  /**
   * A filter of few slices gets whole flushes of positions in one slice: its records are still cut
   * under half of G1's smallest region (a humongous record takes up to twice its bytes, and a 64
   * MiB filter's records of about 1.1 MB ran out of a 1 GiB heap at 100M clumps).
   */
  @Test
  void recordsStayUnderHalfTheSmallestRegionWhateverTheSlices() {
    for (int slices : new int[] {1, 2}) {
      BloomHeader h = new BloomHeader(7, 64 << 20);
      BloomSlicing slicing = BloomSlicing.of(h, (64 << 20) / slices, slices, false);
      assertEquals(slices, slicing.slices());
      long[] bytes = new long[2]; // {all records, the largest}
      BloomMarks marks =
          new BloomMarks(
              slicing,
              (s, r) -> {
                bytes[0] += r.length;
                bytes[1] = Math.max(bytes[1], r.length);
              });
      Random rnd = new Random(slices);
      byte[] score = new byte[20];
      for (int i = 0; i < 2 * BloomMarks.HELD_POSITIONS / h.nhash(); i++) {
        rnd.nextBytes(score);
        marks.visit(score, 0);
      }
      marks.flush();
      assertTrue(bytes[0] > 2L << 20, "record bytes " + bytes[0]);
      assertTrue(bytes[1] < 512 << 10, slices + " slices: a record of " + bytes[1]);
    }
  }

  @Test
  void slicesAreBoundedByTheBudgetAndSpreadOverTheCores() {
    BloomHeader largest = new BloomHeader(6, 1 << 29);
    assertEquals(64 << 20, BloomSlicing.of(largest, 64L << 20, 2, false).sliceBytes());
    assertEquals(8, BloomSlicing.of(largest, 64L << 20, 2, false).slices());
    assertEquals(256 << 20, BloomSlicing.of(largest, 1L << 30, 2, false).sliceBytes());
    // -M not a power of two: the power of two below it.
    assertEquals(64 << 20, BloomSlicing.of(largest, 100L << 20, 2, false).sliceBytes());
    BloomHeader small = new BloomHeader(6, 1 << 20);
    assertEquals(1 << 19, BloomSlicing.of(small, 64L << 20, 2, false).sliceBytes());
    assertEquals(
        BloomSlicing.MIN_SLICE_BYTES, BloomSlicing.of(small, 1 << 10, 64, false).sliceBytes());
    BloomHeader tiny = new BloomHeader(6, 1 << 12);
    assertEquals(1, BloomSlicing.of(tiny, 64L << 20, 8, false).slices());
  }
}
