package ventispark.format;

/**
 * Clump directory entries (FORMAT.md 5.3), decoded in place: no object per clump.
 *
 * <pre>
 * entry := type[1] (on-disk code) size[2] (stored) uncsize[2] score[20]      -- 25 bytes
 * block := entry{clumpmax} zero[bs mod 25]      clumpmax = floor(bs / 25)
 * </pre>
 *
 * Directory block k of an arena lies at {@code stop - (k + 2) * bs}: blocks run backwards from the
 * trailer, entries forwards inside a block.
 */
public final class ClumpInfo {
  private ClumpInfo() {}

  public static int type(byte[] b, int off) {
    return b[off] & 0xFF;
  }

  public static int size(byte[] b, int off) {
    return Bytes.u16(b, off + 1);
  }

  public static int uncsize(byte[] b, int off) {
    return Bytes.u16(b, off + 3);
  }

  public static int scoreOffset(int off) {
    return off + 5;
  }

  public static void encode(
      byte[] b, int off, int type, int size, int uncsize, byte[] score, int scoreOff) {
    b[off] = (byte) type;
    Bytes.put16(b, off + 1, size);
    Bytes.put16(b, off + 3, uncsize);
    System.arraycopy(score, scoreOff, b, off + 5, Venti.SCORE_SIZE);
  }

  public static int perBlock(int blockSize) {
    return blockSize / Venti.CLUMP_INFO_SIZE;
  }

  /** Partition offset of directory entry {@code i} of the arena ending at {@code stop}. */
  public static long position(long stop, int blockSize, long i) {
    int per = perBlock(blockSize);
    return stop - (i / per + 2) * (long) blockSize + (i % per) * Venti.CLUMP_INFO_SIZE;
  }

  /** Directory blocks that {@code clumps} entries occupy. */
  public static long directoryBlocks(long clumps, int blockSize) {
    int per = perBlock(blockSize);
    return (clumps + per - 1) / per;
  }

  /** 512-byte blocks of a clump with this stored size, header included (FORMAT.md 5.5). */
  public static int blocks(int storedSize) {
    return (storedSize + Venti.CLUMP_SIZE + 511) >>> 9;
  }
}
