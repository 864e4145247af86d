package ventispark.reverse;

/**
 * Sorts reverse-index records (16 bytes, a big-endian address first) by address: an LSD radix
 * sort on the eight address bytes, skipping bytes that are the same in every record (the high
 * bytes of addresses usually are). Linear time, one scratch copy, no objects.
 */
public final class RecordSort {
  private RecordSort() {}

  static final int SIZE = ReverseIndexFile.RECORD_SIZE;

  /** Sorts {@code n} records at the start of {@code b}; returns the array holding the result. */
  public static byte[] sort(byte[] b, int n) {
    if (n < 2) {
      return b;
    }
    byte[] src = b;
    byte[] dst = new byte[n * SIZE];
    int[] count = new int[257];
    for (int k = 7; k >= 0; k--) {
      java.util.Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(src[i * SIZE + k] & 0xFF) + 1]++;
      }
      if (count[(src[k] & 0xFF) + 1] == n) {
        continue; // every record has the same byte here
      }
      for (int v = 0; v < 256; v++) {
        count[v + 1] += count[v];
      }
      for (int i = 0; i < n; i++) {
        int at = count[src[i * SIZE + k] & 0xFF]++;
        System.arraycopy(src, i * SIZE, dst, at * SIZE, SIZE);
      }
      byte[] t = src;
      src = dst;
      dst = t;
    }
    return src;
  }
}
