package ventispark.sort;

import ventispark.format.Bytes;
import ventispark.format.IEntry;
import ventispark.format.Venti;

/**
 * An index entry as the shuffle moves it: the packed {@link IEntry} less its wtime and train bytes,
 * which a rebuilt index always holds as zero (score[20] addr[8] size[2] type[1] blocks[1]), 32
 * bytes instead of 38. The reduce side puts the entry into a zeroed bucket slot, so the bytes
 * written are the same.
 */
public final class ShuffleEntry {
  private ShuffleEntry() {}

  /**
   * The wtime and train bytes left out: every field after the score sits this much earlier than in
   * the packed entry.
   */
  private static final int DROPPED = IEntry.ADDR_OFF - Venti.SCORE_SIZE;

  public static final int SIZE = IEntry.SIZE - DROPPED;

  /** Bytes after the score: addr, size, type and blocks, as in the packed entry. */
  private static final int TAIL = IEntry.SIZE - IEntry.ADDR_OFF;

  /**
   * Writes the shuffle form of an entry's fields at {@code dst[off..]}: what a map task does per
   * entry.
   */
  public static void pack(
      byte[] dst, int off, byte[] score, int scoreOff, long addr, int size, int type, int blocks) {
    System.arraycopy(score, scoreOff, dst, off, Venti.SCORE_SIZE);
    Bytes.put64(dst, off + IEntry.ADDR_OFF - DROPPED, addr);
    Bytes.put16(dst, off + IEntry.SIZE_OFF - DROPPED, size);
    dst[off + IEntry.TYPE_OFF - DROPPED] = (byte) type;
    dst[off + IEntry.BLOCKS_OFF - DROPPED] = (byte) blocks;
  }

  /** Writes the shuffle form of packed entry {@code e[eOff..]} at {@code dst[off..]}. */
  public static void fromEntry(byte[] e, int eOff, byte[] dst, int off) {
    System.arraycopy(e, eOff, dst, off, Venti.SCORE_SIZE);
    System.arraycopy(e, eOff + IEntry.ADDR_OFF, dst, off + Venti.SCORE_SIZE, TAIL);
  }

  /**
   * Writes shuffle entry {@code b[off..]} as a packed entry at {@code dst[dOff..]}, whose wtime and
   * train bytes must already be zero (a fresh bucket slot).
   */
  public static void toZeroedEntry(byte[] b, int off, byte[] dst, int dOff) {
    System.arraycopy(b, off, dst, dOff, Venti.SCORE_SIZE);
    System.arraycopy(b, off + Venti.SCORE_SIZE, dst, dOff + IEntry.ADDR_OFF, TAIL);
  }

  /** The top 32 bits of the score, which choose the bucket. */
  public static long hash32(byte[] b, int off) {
    return IEntry.hash32(b, off);
  }
}
