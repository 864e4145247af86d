package ventispark.format;

/**
 * Packed index entry (FORMAT.md 7.4), 38 bytes, handled in place in byte arrays:
 *
 * <pre>
 * score[20] wtime[4]=0 train[2]=0 addr[8] size[2] (uncompressed) type[1] (on-disk code) blocks[1]
 * </pre>
 */
public final class IEntry {
  private IEntry() {}

  public static final int SIZE = Venti.IENTRY_SIZE;
  public static final int ADDR_OFF = 26;
  public static final int SIZE_OFF = 34;
  public static final int TYPE_OFF = 36;
  public static final int BLOCKS_OFF = 37;

  /** Packs an entry at {@code off}; the wtime and train bytes are written as zero. */
  public static void pack(
      byte[] dst, int off, byte[] score, int scoreOff, long addr, int size, int type, int blocks) {
    System.arraycopy(score, scoreOff, dst, off, Venti.SCORE_SIZE);
    for (int i = 20; i < ADDR_OFF; i++) {
      dst[off + i] = 0;
    }
    Bytes.put64(dst, off + ADDR_OFF, addr);
    Bytes.put16(dst, off + SIZE_OFF, size);
    dst[off + TYPE_OFF] = (byte) type;
    dst[off + BLOCKS_OFF] = (byte) blocks;
  }

  public static long addr(byte[] b, int off) {
    return Bytes.u64(b, off + ADDR_OFF);
  }

  public static int size(byte[] b, int off) {
    return Bytes.u16(b, off + SIZE_OFF);
  }

  public static int type(byte[] b, int off) {
    return b[off + TYPE_OFF] & 0xFF;
  }

  public static int blocks(byte[] b, int off) {
    return b[off + BLOCKS_OFF] & 0xFF;
  }

  /** The top 32 bits of the score, which choose the bucket. */
  public static long hash32(byte[] b, int off) {
    return Bytes.u32L(b, off);
  }

  /**
   * The order of entries inside a bucket (FORMAT.md 9.5): score bytes ascending (unsigned), on-disk
   * type code ascending, address descending. A total order, so sorting is deterministic.
   */
  public static int compare(byte[] a, int ao, byte[] b, int bo) {
    int c =
        java.util.Arrays.compareUnsigned(
            a, ao, ao + Venti.SCORE_SIZE, b, bo, bo + Venti.SCORE_SIZE);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(type(a, ao), type(b, bo));
    if (c != 0) {
      return c;
    }
    return Long.compareUnsigned(addr(b, bo), addr(a, ao));
  }
}
