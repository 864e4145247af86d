package ventispark.reverse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import ventispark.format.Bucket;
import ventispark.format.Bytes;
import ventispark.format.IEntry;
import ventispark.format.Venti;

/**
 * The index checksum of {@code REVERSE-INDEX.md}: SHA-256 over the bucket count and the digests of
 * fixed chunks of {@link #CHUNK_BUCKETS} global buckets, each a SHA-256 over its buckets' entry
 * counts and entries. Fixed chunks make it independent of how a job splits the index.
 */
public final class IndexChecksum {
  public static final int CHUNK_BUCKETS = 4096;
  public static final int SIZE = 32;
  private static final byte[] DOMAIN = "venti-index-checksum-v1".getBytes(StandardCharsets.US_ASCII);

  private final MessageDigest sha = sha256();

  /** Adds one bucket block (as stored, at {@code off}) to the current chunk; returns its entry count. */
  public int bucket(byte[] block, int off, int blockSize, int bucketMagic) {
    int n = entries(block, off, blockSize, bucketMagic);
    sha.update((byte) (n >>> 8));
    sha.update((byte) n);
    sha.update(block, off + Venti.BUCKET_HEAD_SIZE, n * IEntry.SIZE);
    return n;
  }

  /** A bucket's entry count as readers see it, never more than fits the block. */
  public static int entries(byte[] block, int off, int blockSize, int bucketMagic) {
    return Math.min(Bucket.count(block, off, bucketMagic), Bucket.capacity(blockSize));
  }

  /** The digest of the buckets added since the last call. */
  public byte[] chunk() {
    return sha.digest();
  }

  public static long chunks(long buckets) {
    return (buckets + CHUNK_BUCKETS - 1) / CHUNK_BUCKETS;
  }

  /** The index checksum from every chunk digest, in chunk order. */
  public static byte[] combine(long buckets, List<byte[]> chunkDigests) {
    MessageDigest sha = sha256();
    sha.update(DOMAIN);
    byte[] b = new byte[8];
    Bytes.put64(b, 0, buckets);
    sha.update(b);
    chunkDigests.forEach(sha::update);
    return sha.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
