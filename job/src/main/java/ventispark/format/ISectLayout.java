package ventispark.format;

/**
 * Where an index section's buckets lie, as fmtisect lays them out (FORMAT.md 7.2): the header
 * block, a 512 KiB index config table, then {@code blocks = floor(size / bs) − floor(blockbase /
 * bs)} bucket blocks from {@code blockbase = roundup(tabbase + 512 KiB, bs)}. Sizing, formatting
 * and planning all use it, so it lives with the format, below them.
 */
public final class ISectLayout {
  private ISectLayout() {}

  /** fmtisect's bucket size when {@code -b} is not given. */
  public static final int DEFAULT_BLOCK_SIZE = 8192;

  /**
   * Smallest bucket size: the section header (FORMAT.md 7.1) and the readers insist on at least
   * 512.
   */
  public static final int MIN_BLOCK_SIZE = 512;

  /**
   * Offset of bucket block 0 for a bucket size: the header block and a 512 KiB config table come
   * first.
   */
  public static long blockBase(int blockSize) {
    long tabBase = Venti.roundUp(Venti.PART_BLANK + Venti.HEAD_SIZE, blockSize);
    return Venti.roundUp(tabBase + Venti.DEFAULT_TABLE_SIZE, blockSize);
  }

  /** Bucket blocks fmtisect finds room for in a partition of {@code size} bytes (may be ≤ 0). */
  public static long blocks(long size, int blockSize) {
    return size / blockSize - blockBase(blockSize) / blockSize;
  }

  /** The smallest partition that holds {@code blocks} bucket blocks. */
  public static long sizeFor(long blocks, int blockSize) {
    return blockBase(blockSize) + blocks * blockSize;
  }
}
