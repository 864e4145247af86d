package ventispark.format;

import java.util.Arrays;
import java.util.Objects;

/**
 * Venti's "whack" compression (clump encoding 2): an LZ77 bit stream, written most significant bit
 * first, decoded exactly as plan9port's {@code venti/srv/unwhack.c} does.
 *
 * <pre>
 * stream   := token* pad           pad: whatever is left once fewer than 8 bits remain (we write 0s)
 * token    := literal | match      a token starting with 0 is a literal, with 1 a match
 * literal  := 0 b8                 if any of the previous 4 literals was binary (&lt;32 or &gt;127);
 *                                  the history starts as "all binary"
 *           | 0 t7                 else, for a text byte t (32..127)
 *           | 0 v9                 else, binary byte b &lt; 32 or &gt;= 192: v = (b + 64) mod 256 &lt; 96
 *           | 0 v10                else, binary byte 128..191:          v = (b + 64) mod 256 &gt;= 192
 * match    := length distance      copy length bytes from distance back; they may overlap
 * length   := 10 (3) | 110 (4) | 11100 (5) | 11101 (6)
 *           | 1111 c2 e*           7 and up: levels k = 0,1,2.. of width w = 1,2,2,4,4,8,8,..;
 *                                  start at len 7, code c; while c &gt;= w: len += w, c = 2(c - w) + e
 *                                  (one more bit e per level), then len += c
 * distance := class4 x             distance = base[class] + x + 1, x is bits[class] wide:
 *                                  bits = 5 5 5 5 6 6 7 7 8 8 9 9 10 10 12 13, so at most 16384
 * </pre>
 *
 * <p>Decoding stops once fewer than 8 unread bits remain; a token that reads past the end is an
 * error. The reference decoder also rejects a length whose extension bits e run past its 32-bit
 * look-ahead: it allows {@code 26 - (bit position of the token mod 8)} of them, at least 19 (the
 * encoder, like whack.c, caps lengths at 2051, which needs 18).
 *
 * <p>{@link #compress} is a greedy hash-chain LZ77 matcher like whack.c (same chain depth; it
 * measures the same ratio on text). It need not choose the same tokens, since any valid stream
 * decodes the same way.
 */
public final class Whack {
  static final int MIN_MATCH = 3;

  /** Longest match emitted; whack.c's limit, so lengths need at most 18 extension bits. */
  static final int MAX_MATCH = 2051;

  /** Largest distance the offset code can express (WhackMaxOff). */
  static final int MAX_DISTANCE = 1 << 14;

  private static final int[] OFF_BITS = {5, 5, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 12, 13};
  private static final int[] OFF_BASE = {
    0x0000, 0x0020, 0x0040, 0x0060, 0x0080, 0x00c0, 0x0100, 0x0180,
    0x0200, 0x0300, 0x0400, 0x0600, 0x0800, 0x0c00, 0x1000, 0x2000
  };

  /** Offset class of distance-1 = x, indexed by x >> 5 (every class base is a multiple of 32). */
  private static final byte[] OFF_CLASS = new byte[MAX_DISTANCE >> 5];

  /** Length code bits, right-aligned, and their count, indexed by match length 3..MAX_MATCH. */
  private static final int[] LEN_CODE = new int[MAX_MATCH + 1];

  private static final byte[] LEN_BITS = new byte[MAX_MATCH + 1];

  static {
    for (int c = 0; c < 16; c++) {
      for (int x = OFF_BASE[c]; x < OFF_BASE[c] + (1 << OFF_BITS[c]); x += 32) {
        OFF_CLASS[x >> 5] = (byte) c;
      }
    }
    int[][] fast = {{3, 0b10, 2}, {4, 0b110, 3}, {5, 0b11100, 5}, {6, 0b11101, 5}};
    for (int[] f : fast) {
      LEN_CODE[f[0]] = f[1];
      LEN_BITS[f[0]] = (byte) f[2];
    }
    for (int len = 7; len <= MAX_MATCH; len++) {
      // Find the level k whose range [base, base + width(k)) holds len.
      int k = 0;
      int base = 7;
      while (len - base >= levelWidth(k)) {
        base += levelWidth(k);
        k++;
      }
      // Walk back to level 0: c(j) = width(j) + c(j+1)/2, and c(j+1)'s low bit is extension bit j.
      int c = len - base;
      int ext = 0;
      for (int j = k - 1; j >= 0; j--) {
        ext |= (c & 1) << (k - 1 - j);
        c = levelWidth(j) + (c >> 1);
      }
      LEN_CODE[len] = (0b1111 << (2 + k)) | (c << k) | ext;
      LEN_BITS[len] = (byte) (6 + k);
    }
  }

  private static int levelWidth(int k) {
    return 1 << ((k + 1) >> 1);
  }

  // ---------------------------------------------------------------------------------------------
  // Compression

  private static final int HASH_LOG = 14;

  /** Candidates examined per position; whack.c's default level examines 48. */
  private static final int MAX_CHAIN = 48;

  /** A match this long ends the search. */
  private static final int NICE_MATCH = 64;

  /** Per-thread tables, so the static API allocates nothing per call. */
  private static final ThreadLocal<Whack> ENCODER = ThreadLocal.withInitial(Whack::new);

  /**
   * Most recent position per hash and, per position, the previous one with the same hash. Positions
   * are "times" that keep increasing from call to call, so entries left by earlier blocks are
   * recognised as older than the current block instead of being cleared each call.
   */
  private final int[] head = new int[1 << HASH_LOG];

  private final int[] prev = new int[MAX_DISTANCE];
  private int clock = 1;

  /** Time of the current block's first byte; older entries belong to earlier blocks. */
  private int start;

  // Result of the last search.
  private int matchLen;
  private int matchDist;

  private Whack() {}

  /**
   * Compresses {@code src[srcOff, srcOff + srcLen)} into {@code dst} at {@code dstOff}. Returns the
   * compressed length, or -1 when the result would not be strictly smaller than the input (Venti
   * then stores the block uncompressed). At most {@code srcLen - 1} bytes of {@code dst} are
   * written, also when -1 is returned. Thread-safe: each thread uses its own tables.
   */
  public static int compress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff) {
    Objects.checkFromIndexSize(srcOff, srcLen, src.length);
    if (srcLen < 2) {
      return -1;
    }
    Objects.checkFromIndexSize(dstOff, srcLen - 1, dst.length);
    return ENCODER.get().encode(src, srcOff, srcLen, dst, dstOff);
  }

  private int encode(byte[] src, int srcOff, int n, byte[] dst, int dstOff) {
    if (clock > (1 << 30) || clock > Integer.MAX_VALUE - 2 - n) {
      // Rewind the clock well before times overflow; 0 is older than any block.
      Arrays.fill(head, 0);
      clock = 1;
    }
    start = clock;
    final int base = clock - srcOff; // time of src[p] is base + p
    final int end = srcOff + n;
    clock += n + 1;

    // Output bits accumulate in acc (its low nacc bits are pending) and leave a byte at a time.
    long acc = 0;
    int nacc = 0;
    int o = dstOff;
    final int oLimit = dstOff + n - 1;
    int lithist = -1; // bit i set: the literal i back was binary; starts as all binary

    int p = srcOff;
    while (p < end) {
      // Greedy, as whack.c: one step of lazy matching saved only ~1% on text and cost ~35% speed.
      searchAndInsert(src, p, end, base);
      int len = matchLen;
      long code;
      int count;
      if (len >= MIN_MATCH) {
        int x = matchDist - 1;
        int cls = OFF_CLASS[x >> 5];
        int offBits = 4 + OFF_BITS[cls];
        code =
            ((long) LEN_CODE[len] << offBits) | ((long) cls << OFF_BITS[cls]) | (x - OFF_BASE[cls]);
        count = LEN_BITS[len] + offBits;
        for (int q = p + 1; q < p + len; q++) {
          insert(src, q, end, base);
        }
        p += len;
      } else {
        int lit = src[p++] & 0xFF;
        boolean binary = lit < 32 || lit > 127;
        if ((lithist & 0xF) != 0) {
          code = lit;
          count = 9;
        } else if (!binary) {
          code = lit;
          count = 8;
        } else {
          code = (lit + 64) & 0xFF;
          count = code < 96 ? 10 : 11;
        }
        lithist = (lithist << 1) | (binary ? 1 : 0);
      }
      acc = (acc << count) | code; // at most 7 + 41 bits pending, so nothing is lost
      nacc += count;
      while (nacc >= 8) {
        if (o >= oLimit) {
          return -1;
        }
        nacc -= 8;
        dst[o++] = (byte) (acc >>> nacc);
      }
    }
    if (nacc > 0) {
      if (o >= oLimit) {
        return -1;
      }
      dst[o++] = (byte) (acc << (8 - nacc)); // zero pad; the decoder ignores the last < 8 bits
    }
    return o - dstOff;
  }

  private static int hash(byte[] b, int p) {
    int v = (b[p] & 0xFF) << 16 | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF);
    return (v * 0x9E3779B1) >>> (32 - HASH_LOG);
  }

  private void insert(byte[] src, int p, int end, int base) {
    if (p + MIN_MATCH <= end) {
      int h = hash(src, p);
      int now = base + p;
      prev[now & (MAX_DISTANCE - 1)] = head[h];
      head[h] = now;
    }
  }

  /**
   * Sets matchLen/matchDist to the longest earlier match for src[p..] (matchLen 0 if shorter than
   * MIN_MATCH; the nearest of equally long ones), then enters p in the tables.
   */
  private void searchAndInsert(byte[] src, int p, int end, int base) {
    int bestLen = 0;
    int bestDist = 0;
    if (p + MIN_MATCH <= end) {
      int h = hash(src, p);
      int now = base + p;
      int oldest = Math.max(start, now - MAX_DISTANCE);
      int limit = Math.min(MAX_MATCH, end - p);
      int then = head[h];
      // Times along a chain strictly decrease, and a slot of prev is reused only after
      // MAX_DISTANCE more insertions, so every entry followed here is still current.
      for (int chain = MAX_CHAIN; chain > 0 && then >= oldest; chain--) {
        int c = then - base;
        // Cheapest rejection first: a candidate can only win if it also matches at bestLen.
        if (src[c + bestLen] == src[p + bestLen] && src[c] == src[p] && src[c + 1] == src[p + 1]) {
          int len = commonLength(src, c, p, limit);
          if (len > bestLen) {
            bestLen = len;
            bestDist = p - c;
            if (len >= NICE_MATCH || len == limit) {
              break;
            }
          }
        }
        then = prev[then & (MAX_DISTANCE - 1)];
      }
      prev[now & (MAX_DISTANCE - 1)] = head[h];
      head[h] = now;
    }
    matchLen = bestLen >= MIN_MATCH ? bestLen : 0;
    matchDist = bestDist;
  }

  /**
   * Length of the common prefix of src[c..] and src[p..] (c &lt; p), up to limit; 2 are known
   * equal.
   */
  private static int commonLength(byte[] src, int c, int p, int limit) {
    int len = 2;
    while (len + 8 <= limit) {
      long x = Bytes.le64(src, c + len) ^ Bytes.le64(src, p + len);
      if (x != 0) {
        return len + (Long.numberOfTrailingZeros(x) >>> 3);
      }
      len += 8;
    }
    while (len < limit && src[c + len] == src[p + len]) {
      len++;
    }
    return len;
  }

  // ---------------------------------------------------------------------------------------------
  // Decompression

  /**
   * Decompresses the whack stream {@code src[srcOff, srcOff + srcLen)} into at most {@code dstLen}
   * bytes at {@code dst[dstOff]}, accepting exactly the streams unwhack.c accepts. Returns the
   * number of bytes produced (a Venti clump is intact only if that equals its uncompressed size).
   *
   * @throws IllegalArgumentException if the stream is malformed
   */
  public static int decompress(
      byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLen) {
    Objects.checkFromIndexSize(srcOff, srcLen, src.length);
    Objects.checkFromIndexSize(dstOff, dstLen, dst.length);
    final long totalBits = 8L * srcLen;
    final int srcEnd = srcOff + srcLen;
    int sp = srcOff;
    long loaded = 0; // bytes shifted into buf, counting the zero bytes supplied past the end
    long buf = 0;
    int n = 0; // unread bits at the bottom of buf
    int d = 0;
    int lithist = -1;
    while (true) {
      long pos = 8 * loaded - n; // bits consumed so far
      if (totalBits - pos < 8) {
        if (pos > totalBits) {
          throw new IllegalArgumentException(
              "whack: stream ends inside a token (" + (pos - totalBits) + " bits short)");
        }
        return d;
      }
      // Keep at least 57 bits: the longest token is 6 + 26 + 4 + 13 = 49 bits.
      while (n <= 56) {
        buf = (buf << 8) | (sp < srcEnd ? src[sp++] & 0xFF : 0);
        loaded++;
        n += 8;
      }
      int top = (int) (buf >>> (n - 5)) & 0x1F;
      if (top < 0x10) {
        int lit;
        if ((lithist & 0xF) != 0) {
          n -= 9;
          lit = (int) (buf >>> n) & 0xFF;
        } else {
          n -= 8;
          lit = (int) (buf >>> n) & 0x7F;
          if (lit < 24) {
            n -= 2;
            lit = (((lit << 2) | ((int) (buf >>> n) & 3)) - 64) & 0xFF;
          } else if (lit < 32) {
            n -= 3;
            lit = (((lit << 3) | ((int) (buf >>> n) & 7)) - 64) & 0xFF;
          }
        }
        if (d >= dstLen) {
          throw new IllegalArgumentException("whack: output exceeds " + dstLen + " bytes");
        }
        dst[dstOff + d++] = (byte) lit;
        lithist = (lithist << 1) | (lit < 32 || lit > 127 ? 1 : 0);
        continue;
      }
      int len;
      if (top < 0x18) {
        n -= 2;
        len = 3;
      } else if (top < 0x1C) {
        n -= 3;
        len = 4;
      } else if (top < 0x1E) {
        n -= 5;
        len = top == 0x1C ? 5 : 6;
      } else {
        n -= 6;
        int code = ((int) (buf >>> n) & 0x3F) - 0x3C;
        // unwhack.c reads extension bits from a 32-bit window refilled only at the token start.
        int extLeft = 26 - (int) (pos & 7);
        len = 7;
        int width = 1;
        int grow = 1;
        while (code >= width) {
          if (extLeft-- == 0) {
            throw new IllegalArgumentException("whack: match length code too long at bit " + pos);
          }
          len += width;
          n--;
          code = ((code - width) << 1) | ((int) (buf >>> n) & 1);
          width <<= grow;
          grow ^= 1;
        }
        len += code;
      }
      n -= 4;
      int cls = (int) (buf >>> n) & 0xF;
      n -= OFF_BITS[cls];
      int dist = OFF_BASE[cls] + ((int) (buf >>> n) & ((1 << OFF_BITS[cls]) - 1)) + 1;
      if (dist > d) {
        throw new IllegalArgumentException(
            "whack: match distance " + dist + " reaches before the start, at output byte " + d);
      }
      if (len > dstLen - d) {
        throw new IllegalArgumentException(
            "whack: match of "
                + len
                + " bytes at output byte "
                + d
                + " exceeds "
                + dstLen
                + " bytes");
      }
      int to = dstOff + d;
      if (dist >= len) {
        System.arraycopy(dst, to - dist, dst, to, len);
      } else {
        // Overlapping copy repeats the last dist bytes, so it must go byte by byte.
        for (int i = 0; i < len; i++) {
          dst[to + i] = dst[to + i - dist];
        }
      }
      d += len;
    }
  }
}
