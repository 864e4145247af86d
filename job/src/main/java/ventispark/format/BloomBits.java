package ventispark.format;

/**
 * Bit positions of a score in the bloom filter (FORMAT.md 8.2), as a little-endian C build computes
 * them:
 *
 * <pre>
 * a = LE32(score[4..8]) ^ LE32(score[12..16]);  b = LE32(score[8..12]) ^ LE32(score[16..20])
 * repeat nhash times: x = max(a, 128) &amp; (size·8 − 1); set bit x&amp;7 of byte x&gt;&gt;3; a += b
 * </pre>
 *
 * The clamp to 128 comes before the mask, so a bit inside the 16 header bytes can be set in memory;
 * the header overwrites it when the filter is written.
 */
public final class BloomBits {
  private BloomBits() {}

  static int le32(byte[] s, int off) {
    return (s[off] & 0xFF)
        | (s[off + 1] & 0xFF) << 8
        | (s[off + 2] & 0xFF) << 16
        | (s[off + 3] & 0xFF) << 24;
  }

  /** Sets the score's bits in {@code table}, a filter of {@code size} bytes starting at index 0. */
  public static void mark(byte[] table, int size, int nhash, byte[] score, int off) {
    int a = first(score, off);
    int b = step(score, off);
    long mask = (long) size * 8 - 1;
    for (int i = 0; i < nhash; i++, a += b) {
      long x = bit(a, mask);
      table[(int) (x >>> 3)] |= (byte) (1 << (x & 7));
    }
  }

  /**
   * Puts the score's {@code nhash} bit positions (bit {@code x} is bit {@code x & 7} of byte {@code
   * x >> 3}; below 2^32, so stored as unsigned ints) into {@code out} from {@code at}.
   */
  public static void positions(int size, int nhash, byte[] score, int off, int[] out, int at) {
    int a = first(score, off);
    int b = step(score, off);
    long mask = (long) size * 8 - 1;
    for (int i = 0; i < nhash; i++, a += b) {
      out[at + i] = (int) bit(a, mask);
    }
  }

  /** True when every bit of the score is set. */
  public static boolean test(byte[] table, int size, int nhash, byte[] score, int off) {
    int a = first(score, off);
    int b = step(score, off);
    long mask = (long) size * 8 - 1;
    for (int i = 0; i < nhash; i++, a += b) {
      long x = bit(a, mask);
      if ((table[(int) (x >>> 3)] & (1 << (x & 7))) == 0) {
        return false;
      }
    }
    return true;
  }

  private static int first(byte[] s, int off) {
    return le32(s, off + 4) ^ le32(s, off + 12);
  }

  private static int step(byte[] s, int off) {
    return le32(s, off + 8) ^ le32(s, off + 16);
  }

  /** The clamp to 128 comes before the mask, as in the C code. */
  private static long bit(int a, long mask) {
    long h = Integer.toUnsignedLong(a);
    return (h < 128 ? 128 : h) & mask;
  }
}
