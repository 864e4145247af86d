package ventispark.format;

/**
 * Bucket block (FORMAT.md 7.3), one section block:
 *
 * <pre>
 * n[2] magic[4] (the section's bucketmagic; 0 in v1) IEntry{n} zero[blocksize − 6 − 38n]
 * </pre>
 *
 * venti-spark writes every bucket whole, tail zeroed; an empty bucket is {@code n = 0}, magic,
 * zeros. Readers treat a v2 bucket whose magic differs as empty.
 */
public final class Bucket {
  private Bucket() {}

  public static int capacity(int blockSize) {
    return (blockSize - Venti.BUCKET_HEAD_SIZE) / Venti.IENTRY_SIZE;
  }

  /** Entry count as readers see it: 0 when a v2 bucket's magic does not match. */
  public static int count(byte[] b, int off, int bucketMagic) {
    if (bucketMagic != 0 && Bytes.u32(b, off + 2) != bucketMagic) {
      return 0;
    }
    return Bytes.u16(b, off);
  }

  public static void putHeader(byte[] b, int off, int n, int bucketMagic) {
    Bytes.put16(b, off, n);
    Bytes.put32(b, off + 2, bucketMagic);
  }

  /** Global bucket of a hash: floor(hash32 / div). */
  public static long of(long hash32, long div) {
    return hash32 / div;
  }

  /** div = ceil(2^32 / buckets). */
  public static long divisor(long buckets) {
    return ((1L << 32) + buckets - 1) / buckets;
  }
}
