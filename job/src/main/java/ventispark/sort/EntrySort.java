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
 *
 * <p>The keys are sorted by distribution: SHA-1 scores are uniform, so a key's place between the
 * run's smallest and largest key predicts its rank; one counting pass puts each key into its
 * predicted slot, and an insertion sort fixes the few that are out of order. A general sort of a
 * bucket's hundred-odd random keys mispredicts a branch per comparison (it was two thirds of a
 * write task's CPU at 100M clumps). Runs the prediction fails on (scores chosen to cluster) fall
 * back to that general sort after a bounded number of moves.
 */
public final class EntrySort {
  /**
   * Bits of the key holding the entry's position; bucket capacity is below 2^11 (64 KiB blocks).
   */
  private static final int INDEX_BITS = 11;

  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

  /** Moves per key the insertion sort may make before the run is sorted the general way. */
  private static final int MOVES_PER_KEY = 8;

  private long[] keys;
  private long[] spread;
  private final int[] slotStart;
  private final byte[] scratch;

  public EntrySort(int maxRun) {
    if (maxRun > 1 << INDEX_BITS) {
      throw new IllegalArgumentException("runs of " + maxRun + " entries are too long");
    }
    keys = new long[maxRun];
    spread = new long[maxRun];
    slotStart = new int[maxRun + 1];
    scratch = new byte[maxRun * IEntry.SIZE];
  }

  public void sort(byte[] b, int off, int n) {
    if (n < 2) {
      return;
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      long prefix = Bytes.u64(b, off + i * IEntry.SIZE) ^ Long.MIN_VALUE;
      long k = (prefix & ~INDEX_MASK) | i;
      keys[i] = k;
      min = Math.min(min, k);
      max = Math.max(max, k);
    }
    sortKeys(n, min, max);
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

  /**
   * Sorts {@code keys[0, n)}, all in {@code [min, max]} (signed order): each key goes to the slot
   * its distance from {@code min} predicts, in a counting pass, then an insertion sort finishes.
   */
  private void sortKeys(int n, long min, long max) {
    // The top 31 bits of the (unsigned) spread, and a 32.32 fixed-point factor to a slot in [0, n).
    long range = max - min;
    int shift = Math.max(0, 64 - Long.numberOfLeadingZeros(range) - 31);
    long span = (range >>> shift) + 1;
    long factor = ((long) n << 32) / span;
    Arrays.fill(slotStart, 0, n + 1, 0);
    for (int i = 0; i < n; i++) {
      slotStart[slot(keys[i], min, shift, factor) + 1]++;
    }
    for (int i = 0; i < n; i++) {
      slotStart[i + 1] += slotStart[i];
    }
    for (int i = 0; i < n; i++) {
      long k = keys[i];
      spread[slotStart[slot(k, min, shift, factor)]++] = k;
    }
    long[] t = keys;
    keys = spread;
    spread = t;
    long budget = (long) MOVES_PER_KEY * n;
    for (int i = 1; i < n; i++) {
      long k = keys[i];
      int j = i - 1;
      while (j >= 0 && keys[j] > k) {
        keys[j + 1] = keys[j];
        j--;
      }
      keys[j + 1] = k;
      budget -= i - 1 - j;
      if (budget < 0) {
        Arrays.sort(keys, 0, n);
        return;
      }
    }
  }

  private static int slot(long k, long min, int shift, long factor) {
    return (int) ((((k - min) >>> shift) * factor) >>> 32);
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
