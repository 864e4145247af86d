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
 * fixed chunks of {@link #CHUNK_BUCKETS} buckets of each section (the last chunk of a section may
 * be shorter), in section order, each a SHA-256 over its buckets' entry counts and the {@link
 * Fingerprint}s of their entries. Fixed chunks make it independent of how a job splits the index;
 * chunks never span two sections, so a task writing a chunk-aligned range of one section can digest
 * it.
 */
public final class IndexChecksum {
  public static final int CHUNK_BUCKETS = 4096;
  public static final int SIZE = 32;
  private static final byte[] DOMAIN =
      "venti-index-checksum-v2".getBytes(StandardCharsets.US_ASCII);

  private final MessageDigest sha = sha256();
  private final Fingerprint print = new Fingerprint();
  private final byte[] bucket = new byte[2 + Fingerprint.SIZE];

  /**
   * Adds one bucket block (as stored, at {@code off}) to the current chunk; returns its entry
   * count.
   */
  public int bucket(byte[] block, int off, int blockSize, int bucketMagic) {
    int n = entries(block, off, blockSize, bucketMagic);
    Bytes.put16(bucket, 0, n);
    print.update(block, off + Venti.BUCKET_HEAD_SIZE, n * IEntry.SIZE);
    print.finish(bucket, 2);
    sha.update(bucket);
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

  /** Chunks of a section of {@code buckets} buckets. */
  public static long chunks(long buckets) {
    return (buckets + CHUNK_BUCKETS - 1) / CHUNK_BUCKETS;
  }

  /** The ordinal of every section's first chunk, and (last element) the total. */
  public static long[] firstChunks(ventispark.read.Archive archive) {
    long[] first = new long[archive.sections().size() + 1];
    for (int s = 0; s < archive.sections().size(); s++) {
      first[s + 1] = first[s] + chunks(archive.sections().get(s).buckets());
    }
    return first;
  }

  /** True when {@code bucket} of section {@code sectionStart..sectionStop} ends a chunk. */
  public static boolean endsChunk(long bucket, long sectionStart, long sectionStop) {
    return (bucket + 1 - sectionStart) % CHUNK_BUCKETS == 0 || bucket + 1 == sectionStop;
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
