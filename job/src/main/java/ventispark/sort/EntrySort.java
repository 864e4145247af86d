package ventispark.sort;

import java.util.Arrays;
import ventispark.format.Bytes;
import ventispark.format.IEntry;

/**
 * Sorts a run of packed entries (one bucket, at most a few thousand) in place in {@link
 * IEntry#compare} order. Each entry gets a {@code long} key: the top 53 bits of its score
 * (unsigned, as a signed long with the sign bit flipped) above its 11-bit position in the run, so a
 * primitive sort orders the run by score prefix. SHA-1 scores almost never share 53 bits, except
 * for copies of the same block; such runs of equal prefix are then finished with the full
 * comparison (score, type, address descending). Each entry moves once.
 */
public final class EntrySort {
  /**
   * Bits of the key holding the entry's position; bucket capacity is below 2^11 (64 KiB blocks).
   */
  private static final int INDEX_BITS = 11;

  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

  private final long[] keys;
  private final byte[] scratch;

  public EntrySort(int maxRun) {
    if (maxRun > 1 << INDEX_BITS) {
      throw new IllegalArgumentException("runs of " + maxRun + " entries are too long");
    }
    keys = new long[maxRun];
    scratch = new byte[maxRun * IEntry.SIZE];
  }

  public void sort(byte[] b, int off, int n) {
    if (n < 2) {
      return;
    }
    for (int i = 0; i < n; i++) {
      long prefix = Bytes.u64(b, off + i * IEntry.SIZE) ^ Long.MIN_VALUE;
      keys[i] = (prefix & ~INDEX_MASK) | i;
    }
    Arrays.sort(keys, 0, n);
    for (int i = 0; i < n; ) {
      int j = i + 1;
      while (j < n && (keys[j] & ~INDEX_MASK) == (keys[i] & ~INDEX_MASK)) {
        j++;
      }
      if (j - i > 1) {
        finishTies(b, off, i, j);
      }
      i = j;
    }
    for (int i = 0; i < n; i++) {
      System.arraycopy(
          b,
          off + (int) (keys[i] & INDEX_MASK) * IEntry.SIZE,
          scratch,
          i * IEntry.SIZE,
          IEntry.SIZE);
    }
    System.arraycopy(scratch, 0, b, off, n * IEntry.SIZE);
  }

  /** Insertion sort of {@code keys[from, to)}, which share a prefix, by the full entry order. */
  private void finishTies(byte[] b, int off, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      long k = keys[i];
      int at = off + (int) (k & INDEX_MASK) * IEntry.SIZE;
      int j = i - 1;
      while (j >= from
          && IEntry.compare(b, off + (int) (keys[j] & INDEX_MASK) * IEntry.SIZE, b, at) > 0) {
        keys[j + 1] = keys[j];
        j--;
      }
      keys[j + 1] = k;
    }
  }
}
