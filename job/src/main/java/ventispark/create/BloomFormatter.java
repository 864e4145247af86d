package ventispark.create;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import ventispark.format.BloomHeader;
import ventispark.format.Venti;
import ventispark.gate.Gate;

/**
 * Formats an empty bloom filter as fmtbloom does (FORMAT.md 8.3): header at offset 0, zero table.
 */
public final class BloomFormatter {
  private BloomFormatter() {}

  /** fmtbloom refuses smaller filters ("bloom filter too small"). */
  public static final int MIN_SIZE = 1 << 20;

  /**
   * fmtbloom's hash count without {@code -N}/{@code -n}: BloomMaxHash, the only one checkindex
   * accepts.
   */
  public static final int DEFAULT_NHASH = 32;

  /** BloomMaxHash. */
  public static final int MAX_NHASH = 32;

  public static BloomHeader format(Path file, int size, int nhash) throws IOException {
    if (!Venti.isPowerOfTwo(size) || size > Venti.MAX_BLOOM_SIZE) {
      throw new IllegalArgumentException(
          "bloom filter size " + size + " is not a power of two up to 2^29");
    }
    BloomHeader h = new BloomHeader(nhash, size);
    try (FileChannel ch = Gate.createNew(file)) { // a new file, never through a link
      ArenaPartitionFormatter.write(ch, size - 1, new byte[1]);
      ArenaPartitionFormatter.write(ch, 0, h.encode());
    }
    return h;
  }

  /**
   * The filter size fmtbloom uses on a partition of {@code partSize} bytes: the largest power of
   * two, at most 2^29.
   */
  public static long sizeFor(long partSize) {
    return partSize <= 0 ? 0 : Math.min(Long.highestOneBit(partSize), Venti.MAX_BLOOM_SIZE);
  }

  /** Scores the filter suits best, as fmtbloom prints it: 8·size / floor(nhash·10/7). */
  public static long bestScores(BloomHeader h) {
    return 8L * h.size() / (h.nhash() * 10 / 7);
  }

  /**
   * Writes the header and an all-zero table ({@code size} bytes in all) at file offset {@code lo}
   * of an open file, as fmtbloom does. The table is zeroed when {@code zero} is set, since the
   * partition may hold old bits; a fresh sparse file is zero already.
   */
  public static void write(FileChannel ch, long lo, BloomHeader h, boolean zero)
      throws IOException {
    if (zero) {
      ISectFormatter.zeroFill(ch, lo, lo + h.size());
    }
    ArenaPartitionFormatter.write(ch, lo, h.encode());
  }
}
