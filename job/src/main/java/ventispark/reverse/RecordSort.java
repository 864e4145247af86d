package ventispark.reverse;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Sorts the reverse-index records of one address range (16 bytes: a big-endian address, then bucket
 * and slot) by address. The records are copied in bulk into a long array (address, rest, address,
 * rest...) and LSD-radix-sorted on {@code address − lowest address}, in as few passes of at most 11
 * bits as that span needs (an address range of a few MiB of records usually needs three); all digit
 * counts come from one pass. Linear time, two arrays of longs, no objects. Addresses must be
 * distinct, as every clump has its own: a repeated one is an error, never a silently ordered tie.
 */
public final class RecordSort {
  private RecordSort() {}

  static final int SIZE = ReverseIndexFile.RECORD_SIZE;
  private static final int MAX_DIGIT_BITS = 11;

  /** Sorts {@code n} records at the start of {@code b} in place; returns {@code b}. */
  public static byte[] sort(byte[] b, int n) {
    return sort(List.of(b), n, b); // reads only the first n records
  }

  /**
   * Sorts the records of {@code batches} (each a whole number of records, {@code n} in all) into
   * {@code out}, which may be one of the batches when it is the only one; returns {@code out}.
   *
   * @throws IllegalStateException when two records have the same address
   */
  public static byte[] sort(List<byte[]> batches, int n, byte[] out) {
    long[] kv = new long[2 * n];
    int at = 0;
    for (byte[] b : batches) {
      int longs = Math.min(b.length / SIZE * 2, kv.length - at);
      ByteBuffer.wrap(b).asLongBuffer().get(kv, at, longs); // big-endian, copied in bulk
      at += longs;
    }
    if (at != kv.length) {
      throw new IllegalArgumentException(at / 2 + " records in the batches, expected " + n);
    }
    long min = -1;
    long max = 0;
    for (int i = 0; i < kv.length; i += 2) {
      min = Long.compareUnsigned(kv[i], min) < 0 ? kv[i] : min;
      max = Long.compareUnsigned(kv[i], max) > 0 ? kv[i] : max;
    }
    if (n > 1) {
      kv = radix(kv, min, max);
    }
    for (int i = 2; i < kv.length; i += 2) {
      if (Long.compareUnsigned(kv[i - 2], kv[i]) >= 0) {
        throw new IllegalStateException(
            "two reverse-index records for address 0x" + Long.toHexString(kv[i]));
      }
    }
    ByteBuffer.wrap(out).asLongBuffer().put(kv);
    return out;
  }

  /** Returns the array holding the sorted records: {@code kv} or its scratch twin. */
  private static long[] radix(long[] kv, long min, long max) {
    int bits = 64 - Long.numberOfLeadingZeros(max - min);
    int passes = (bits + MAX_DIGIT_BITS - 1) / MAX_DIGIT_BITS;
    if (passes == 0) {
      return kv; // one address repeated: the caller reports it
    }
    int digit = (bits + passes - 1) / passes;
    int mask = (1 << digit) - 1;
    int[][] start = new int[passes][mask + 2];
    for (int i = 0; i < kv.length; i += 2) {
      long k = kv[i] - min;
      for (int p = 0; p < passes; p++) {
        start[p][(int) (k >>> (p * digit) & mask) + 1]++;
      }
    }
    long[] to = new long[kv.length];
    for (int p = 0; p < passes; p++) {
      int[] next = start[p];
      for (int v = 0; v <= mask; v++) {
        next[v + 1] += next[v];
      }
      int shift = p * digit;
      for (int i = 0; i < kv.length; i += 2) {
        long k = kv[i];
        int j = 2 * next[(int) ((k - min) >>> shift & mask)]++;
        to[j] = k;
        to[j + 1] = kv[i + 1];
      }
      long[] t = kv;
      kv = to;
      to = t;
    }
    return kv;
  }
}
