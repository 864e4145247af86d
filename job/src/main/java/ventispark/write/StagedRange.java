package ventispark.write;

import java.io.Serializable;
import java.util.Locale;

/**
 * One file of a staged rebuild ({@link StageDir}): the bytes of a contiguous piece of one index
 * section (whole buckets, as one write task built them) or of the bloom filter, to be written at
 * {@code offset} of that partition by {@code venti-spark stage apply}. The manifest lists them; the
 * apply step checks that they tile each partition exactly once before writing any.
 *
 * @param file the file's name in the stage directory
 * @param start first bucket (section) or byte (bloom filter) of the piece
 * @param stop one past the last
 * @param offset partition offset of the piece's first byte
 * @param length the piece's bytes
 * @param sha256 SHA-256 of the bytes, in hex, computed by the task that built them
 * @param count entries (section) or bits set (bloom filter): reported, not checked
 */
public record StagedRange(
    String file, long start, long stop, long offset, long length, String sha256, long count)
    implements Serializable {

  /** {@code 01-isect1.0000000512-0000001024.buckets}: section position and name, bucket range. */
  public static String sectionFile(int position, String section, long start, long stop) {
    return String.format(
        Locale.ROOT,
        "%02d-%s.%010d-%010d.buckets",
        position,
        section.replaceAll("[^A-Za-z0-9_-]", "_"),
        start,
        stop);
  }

  /** {@code bloom.0000000000-0001048576.bytes}: the filter's byte range. */
  public static String bloomFile(long first, long end) {
    return String.format(Locale.ROOT, "bloom.%010d-%010d.bytes", first, end);
  }
}
