package ventispark.reverse;

import java.util.List;
import ventispark.format.Bytes;

/**
 * Sorts the reverse-index records of one address range (16 bytes: a big-endian address, then
 * bucket and slot) by address. The records are read as two longs each and LSD-radix-sorted on
 * {@code address − lowest address}, in as few passes of at most 11 bits as that span needs (an
 * address range of a few MiB of records usually needs three); all digit counts come from one
 * pass. Linear time, four arrays of longs, no objects. Addresses must be distinct, as every clump
 * has its own: a repeated one is an error, never a silently ordered tie.
 */
public final class RecordSort {
  private RecordSort() {}

  static final int SIZE = ReverseIndexFile.RECORD_SIZE;
  private static final int MAX_DIGIT_BITS = 11;

  /** Sorts {@code n} records at the start of {@code b} in place; returns {@code b}. */
  public static byte[] sort(byte[] b, int n) {
    return sort(List.of(b), n, b);
  }

  /**
   * Sorts the records of {@code batches} (each a whole number of records, {@code n} in all) into
   * {@code out}, which may be one of the batches when it is the only one; returns {@code out}.
   *
   * @throws IllegalStateException when two records have the same address
   */
  public static byte[] sort(List<byte[]> batches, int n, byte[] out) {
    long[] key = new long[n];
    long[] val = new long[n];
    int i = 0;
    long min = -1;
    long max = 0;
    for (byte[] b : batches) {
      for (int off = 0; off + SIZE <= b.length && i < n; off += SIZE, i++) {
        long a = Bytes.u64(b, off);
        key[i] = a;
        val[i] = Bytes.u64(b, off + 8);
        min = Long.compareUnsigned(a, min) < 0 ? a : min;
        max = Long.compareUnsigned(a, max) > 0 ? a : max;
      }
    }
    if (i != n) {
      throw new IllegalArgumentException(i + " records in the batches, expected " + n);
    }
    if (n > 1) {
      radix(key, val, min, max);
    }
    for (i = 0; i < n; i++) {
      if (i > 0 && Long.compareUnsigned(key[i - 1], key[i]) >= 0) {
        throw new IllegalStateException("two reverse-index records for address 0x" + Long.toHexString(key[i]));
      }
      Bytes.put64(out, i * SIZE, key[i]);
      Bytes.put64(out, i * SIZE + 8, val[i]);
    }
    return out;
  }

  private static void radix(long[] key, long[] val, long min, long max) {
    int n = key.length;
    int bits = 64 - Long.numberOfLeadingZeros(max - min);
    int passes = (bits + MAX_DIGIT_BITS - 1) / MAX_DIGIT_BITS;
    if (passes == 0) {
      return; // one address repeated: the caller reports it
    }
    int digit = (bits + passes - 1) / passes;
    int mask = (1 << digit) - 1;
    int[][] start = new int[passes][mask + 2];
    for (int i = 0; i < n; i++) {
      long k = key[i] - min;
      for (int p = 0; p < passes; p++) {
        start[p][(int) (k >>> (p * digit) & mask) + 1]++;
      }
    }
    long[] key2 = new long[n];
    long[] val2 = new long[n];
    for (int p = 0; p < passes; p++) {
      int[] at = start[p];
      for (int v = 0; v <= mask; v++) {
        at[v + 1] += at[v];
      }
      int shift = p * digit;
      for (int i = 0; i < n; i++) {
        long k = key[i];
        int to = at[(int) ((k - min) >>> shift & mask)]++;
        key2[to] = k;
        val2[to] = val[i];
      }
      long[] t = key;
      key = key2;
      key2 = t;
      t = val;
      val = val2;
      val2 = t;
    }
    if (passes % 2 == 1) {
      System.arraycopy(key, 0, key2, 0, n);
      System.arraycopy(val, 0, val2, 0, n);
    }
  }
}
