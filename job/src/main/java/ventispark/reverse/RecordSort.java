package ventispark.reverse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Sorts reverse-index records (16 bytes: a big-endian address, then bucket and slot) by address:
 * the records are read as two longs each, LSD-radix-sorted on the address bytes that are not the
 * same in every record (the high bytes of addresses usually are), and written back. Linear time,
 * two scratch arrays of longs, no objects.
 */
public final class RecordSort {
  private RecordSort() {}

  static final int SIZE = ReverseIndexFile.RECORD_SIZE;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** Sorts {@code n} records at the start of {@code b} in place; returns {@code b}. */
  public static byte[] sort(byte[] b, int n) {
    if (n < 2) {
      return b;
    }
    long[] key = new long[n];
    long[] val = new long[n];
    long or = 0;
    long and = -1;
    for (int i = 0; i < n; i++) {
      key[i] = (long) LONGS.get(b, i * SIZE);
      val[i] = (long) LONGS.get(b, i * SIZE + 8);
      or |= key[i];
      and &= key[i];
    }
    long[] key2 = new long[n];
    long[] val2 = new long[n];
    int[] count = new int[257];
    for (int shift = 0; shift < 64; shift += 8) {
      if (((or ^ and) >>> shift & 0xFF) == 0) {
        continue; // every record has the same byte here
      }
      java.util.Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) (key[i] >>> shift & 0xFF) + 1]++;
      }
      for (int v = 0; v < 256; v++) {
        count[v + 1] += count[v];
      }
      for (int i = 0; i < n; i++) {
        int at = count[(int) (key[i] >>> shift & 0xFF)]++;
        key2[at] = key[i];
        val2[at] = val[i];
      }
      long[] t = key;
      key = key2;
      key2 = t;
      t = val;
      val = val2;
      val2 = t;
    }
    for (int i = 0; i < n; i++) {
      LONGS.set(b, i * SIZE, key[i]);
      LONGS.set(b, i * SIZE + 8, val[i]);
    }
    return b;
  }
}
