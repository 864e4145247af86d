package ventispark.create;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Random;
import ventispark.format.ISectHeader;
import ventispark.format.ISectLayout;
import ventispark.format.Venti;
import ventispark.gate.Gate;

/**
 * Formats an index section as fmtisect does (FORMAT.md 7.2): {@code blockbase = roundup(tabbase +
 * 512 KiB, bs)}, {@code blocks = floor(size / bs) − floor(blockbase / bs)}, empty bucket range, a
 * random non-zero bucket magic for version 2. The file is created (sparse, so zero) at the given
 * size.
 */
public final class ISectFormatter {
  private ISectFormatter() {}

  /** fmtisect's section version; {@code -1} asks for version 1 (no bucket magic). */
  public static final int DEFAULT_VERSION = 2;

  public static ISectHeader format(
      Path file, long size, String name, int blockSize, int version, Random random)
      throws IOException {
    ISectHeader h = header(size, name, blockSize, version, random);
    try (FileChannel ch = Gate.createNew(file)) { // a new file, never through a link
      ArenaPartitionFormatter.write(ch, size - 1, new byte[1]);
      ArenaPartitionFormatter.write(ch, Venti.PART_BLANK, h.encode());
    }
    return h;
  }

  /**
   * The header fmtisect writes on a partition of {@code size} bytes, with no index yet.
   *
   * @throws IllegalArgumentException if no bucket fits, or more than 2^32 − 1 would
   */
  public static ISectHeader header(
      long size, String name, int blockSize, int version, Random random) {
    long blocks = ISectLayout.blocks(size, blockSize);
    if (blocks <= 0) {
      throw new IllegalArgumentException(
          "index section of "
              + size
              + " bytes holds no buckets of "
              + blockSize
              + " bytes (at least "
              + ISectLayout.sizeFor(1, blockSize)
              + " bytes needed)");
    }
    if (blocks > 0xFFFFFFFFL) {
      throw new IllegalArgumentException(
          "index section of "
              + size
              + " bytes would hold "
              + blocks
              + " buckets of "
              + blockSize
              + " bytes, more than the header's 32-bit count");
    }
    int magic = 0;
    while (version == 2 && magic == 0) {
      magic = random.nextInt();
    }
    return new ISectHeader(
        version, name, "", blockSize, ISectLayout.blockBase(blockSize), blocks, 0, 0, magic);
  }

  /**
   * Writes a fresh header into the partition at file offset {@code lo} of an open file. Like
   * fmtisect without {@code -Z}, a version-1 section is first zeroed from PartBlank to its end when
   * {@code zero} is set: v1 buckets carry no magic, so old bytes would read as entries.
   */
  public static void write(FileChannel ch, long lo, long size, ISectHeader h, boolean zero)
      throws IOException {
    if (zero && h.version() == 1) {
      zeroFill(ch, lo + Venti.PART_BLANK, lo + size);
    }
    ArenaPartitionFormatter.write(ch, lo + Venti.PART_BLANK, h.encode());
  }

  /** Writes zeros over file bytes {@code [from, to)}, 1 MiB at a time. */
  static void zeroFill(FileChannel ch, long from, long to) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    for (long pos = from; pos < to; ) {
      zeros.clear();
      zeros.limit((int) Math.min(zeros.capacity(), to - pos));
      while (zeros.hasRemaining()) {
        pos += ch.write(zeros, pos);
      }
    }
  }
}
