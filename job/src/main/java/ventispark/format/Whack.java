package ventispark.format;

/**
 * Venti's "whack" block compression (clump encoding 2), an LZ77 bit stream read MSB first:
 *
 * <pre>
 * stream  := token* pad                 -- pad: fewer than 8 zero bits to the byte boundary
 * token   := literal | match
 * literal := "0" byte8                  -- while one of the last 4 literals was &lt;32 or &gt;127
 *          | "0" x7                     -- otherwise: x7 in 32..127 is the byte itself,
 *            [ y2 | y3 ]                -- x7 &lt; 24: ((x7&lt;&lt;2)|y2) − 64; 24 ≤ x7 &lt; 32: ((x7&lt;&lt;3)|y3) − 64
 * match   := length offset              -- copy length bytes from offset back (overlap allowed)
 * length  := "10" (3) | "110" (4) | "11100" (5) | "11101" (6)
 *          | "1111" c2 bit*             -- 7 and up: c walks levels of width 1,2,2,4,4,8,8,…;
 *                                          at each level c ≥ width: c = (c − width)·2 + bit
 * offset  := class4 bits(class)         -- classes of width 32,32,32,32,64,64,128,128,…,4096,8192;
 *                                          distance = base(class) + bits + 1, at most 16384
 * </pre>
 *
 * The decoder stops when fewer than 8 unread bits remain, so the pad is never read as a token.
 * {@link #compress} is a greedy hash-chain matcher; any valid stream decodes the same.
 */
public final class Whack {
  private Whack() {}

  static final int MIN_MATCH = 3;
  static final int MAX_MATCH = 2048;
  static final int MAX_OFFSET = 16384;
  private static final int HASH_BITS = 12;
  private static final int MAX_CHAIN = 32;
  private static final int[] OFF_BITS = {5, 5, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 12, 13};
  private static final int[] OFF_BASE = {0, 0x20, 0x40, 0x60, 0x80, 0xc0, 0x100, 0x180, 0x200, 0x300, 0x400, 0x600,
      0x800, 0xc00, 0x1000, 0x2000};

  /**
   * Compresses {@code src[srcOff, srcOff+srcLen)} into {@code dst} at {@code dstOff}; returns the
   * compressed length, or -1 when it would not be strictly smaller than the input (Venti then
   * stores the block uncompressed). {@code dst} needs room for {@code srcLen} bytes. Thread-safe.
   */
  public static int compress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff) {
    if (srcLen < 2) {
      return -1;
    }
    BitWriter out = new BitWriter(dst, dstOff, srcLen - 1);
    int[] head = new int[1 << HASH_BITS];
    int[] prev = new int[Math.max(1, srcLen)];
    java.util.Arrays.fill(head, -1);
    int lithist = ~0;
    int i = 0;
    while (i < srcLen) {
      int bestLen = 0;
      int bestOff = 0;
      if (i + MIN_MATCH <= srcLen) {
        int h = hash(src, srcOff + i);
        int limit = Math.min(MAX_MATCH, srcLen - i);
        int chain = 0;
        for (int c = head[h]; c >= 0 && i - c <= MAX_OFFSET && chain < MAX_CHAIN; c = prev[c], chain++) {
          int n = 0;
          while (n < limit && src[srcOff + c + n] == src[srcOff + i + n]) {
            n++;
          }
          if (n > bestLen) {
            bestLen = n;
            bestOff = i - c;
            if (n == limit) {
              break;
            }
          }
        }
      }
      int step;
      if (bestLen >= MIN_MATCH) {
        if (!putLength(out, bestLen) || !putOffset(out, bestOff - 1)) {
          return -1;
        }
        step = bestLen;
      } else {
        int lit = src[srcOff + i] & 0xFF;
        if (!putLiteral(out, lit, lithist)) {
          return -1;
        }
        lithist = (lithist << 1) | (lit < 32 || lit > 127 ? 1 : 0);
        step = 1;
      }
      for (int k = 0; k < step; k++, i++) {
        if (i + MIN_MATCH <= srcLen) {
          int h = hash(src, srcOff + i);
          prev[i] = head[h];
          head[h] = i;
        }
      }
    }
    return out.finish();
  }

  private static int hash(byte[] b, int p) {
    int v = (b[p] & 0xFF) << 16 | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF);
    return (v * 0x9E3779B1) >>> (32 - HASH_BITS);
  }

  private static boolean putLiteral(BitWriter out, int lit, int lithist) {
    if ((lithist & 0xF) != 0) {
      return out.put(lit, 9);
    }
    if (lit >= 32 && lit <= 127) {
      return out.put(lit, 8);
    }
    int v = (lit + 64) & 0xFF;
    return lit < 32 || lit >= 192 ? out.put(v, 10) : out.put(v, 11);
  }

  private static boolean putLength(BitWriter out, int len) {
    switch (len) {
      case 3:
        return out.put(0b10, 2);
      case 4:
        return out.put(0b110, 3);
      case 5:
        return out.put(0b11100, 5);
      case 6:
        return out.put(0b11101, 5);
      default:
        break;
    }
    // Find the level whose range holds len, then derive each level's code back to the first.
    int base = 7;
    int width = 1;
    int shift = 1;
    int level = 0;
    while (len >= base + width) {
      base += width;
      width <<= shift;
      shift ^= 1;
      level++;
    }
    int[] bits = new int[level];
    int c = len - base;
    for (int k = level - 1; k >= 0; k--) {
      bits[k] = c & 1;
      c = widthAt(k) + (c >> 1);
    }
    if (!out.put(0b1111, 4) || !out.put(c, 2)) {
      return false;
    }
    for (int b : bits) {
      if (!out.put(b, 1)) {
        return false;
      }
    }
    return true;
  }

  /** Width of level k: 1, 2, 2, 4, 4, 8, 8, … */
  private static int widthAt(int k) {
    return 1 << ((k + 1) / 2);
  }

  private static boolean putOffset(BitWriter out, int x) {
    int cls = 15;
    while (OFF_BASE[cls] > x) {
      cls--;
    }
    return out.put(cls, 4) && out.put(x - OFF_BASE[cls], OFF_BITS[cls]);
  }

  /**
   * Decompresses a whack stream, following the reference decoder's rules exactly; returns the
   * bytes produced. Throws {@link IllegalArgumentException} on a malformed stream.
   */
  public static int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLen) {
    BitReader in = new BitReader(src, srcOff, srcLen);
    int d = 0;
    int lithist = ~0;
    while (in.remaining() >= 8) {
      int top = in.peek(5);
      if (top < 16) {
        int lit;
        if ((lithist & 0xF) != 0) {
          lit = in.take(9) & 0xFF;
        } else {
          lit = in.take(8) & 0x7F;
          if (lit < 24) {
            lit = ((lit << 2) | in.take(2)) - 64 & 0xFF;
          } else if (lit < 32) {
            lit = ((lit << 3) | in.take(3)) - 64 & 0xFF;
          }
        }
        if (d >= dstLen) {
          throw new IllegalArgumentException("whack: too much output");
        }
        dst[dstOff + d++] = (byte) lit;
        lithist = (lithist << 1) | (lit < 32 || lit > 127 ? 1 : 0);
        continue;
      }
      int len;
      if (top < 24) {
        in.take(2);
        len = 3;
      } else if (top < 28) {
        in.take(3);
        len = 4;
      } else if (top < 30) {
        in.take(5);
        len = top == 28 ? 5 : 6;
      } else {
        int c = in.take(6) - 0x3c;
        len = 7;
        int width = 1;
        int shift = 1;
        while (c >= width) {
          len += width;
          c = ((c - width) << 1) | in.take(1);
          width <<= shift;
          shift ^= 1;
          if (len > dstLen) {
            throw new IllegalArgumentException("whack: length out of range");
          }
        }
        len += c;
      }
      int cls = in.take(4);
      int off = OFF_BASE[cls] + in.take(OFF_BITS[cls]) + 1;
      if (off > d) {
        throw new IllegalArgumentException("whack: offset " + off + " out of range at output byte " + d);
      }
      if (d + len > dstLen) {
        throw new IllegalArgumentException("whack: length out of range");
      }
      for (int k = 0; k < len; k++, d++) {
        dst[dstOff + d] = dst[dstOff + d - off];
      }
    }
    if (in.overrun()) {
      throw new IllegalArgumentException("whack: compressed data overrun");
    }
    return d;
  }

  /** MSB-first bit output into a bounded region. */
  private static final class BitWriter {
    private final byte[] b;
    private final int start;
    private final int limit;
    private int pos;
    private long acc;
    private int n;

    BitWriter(byte[] b, int off, int maxLen) {
      this.b = b;
      this.start = off;
      this.pos = off;
      this.limit = off + Math.max(0, maxLen);
    }

    boolean put(int v, int bits) {
      acc = (acc << bits) | (v & ((1L << bits) - 1));
      n += bits;
      while (n >= 8) {
        if (pos >= limit) {
          return false;
        }
        n -= 8;
        b[pos++] = (byte) (acc >>> n);
      }
      return true;
    }

    int finish() {
      if (n > 0) {
        if (pos >= limit) {
          return -1;
        }
        b[pos++] = (byte) (acc << (8 - n));
        n = 0;
      }
      return pos - start;
    }
  }

  /** MSB-first bit input; reads past the end as zeros and remembers that it did. */
  private static final class BitReader {
    private final byte[] b;
    private final long totalBits;
    private final int off;
    private long bit;

    BitReader(byte[] b, int off, int len) {
      this.b = b;
      this.off = off;
      this.totalBits = (long) len * 8;
    }

    long remaining() {
      return totalBits - bit;
    }

    boolean overrun() {
      return bit > totalBits;
    }

    int peek(int bits) {
      int v = 0;
      for (int k = 0; k < bits; k++) {
        long p = bit + k;
        int x = p < totalBits ? (b[off + (int) (p >>> 3)] >> (7 - (int) (p & 7))) & 1 : 0;
        v = (v << 1) | x;
      }
      return v;
    }

    int take(int bits) {
      int v = peek(bits);
      bit += bits;
      return v;
    }
  }
}
