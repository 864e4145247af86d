package ventispark.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WhackTest {
  private static final int MAX_LUMP = 57344;

  /** Packs a string of '0'/'1' (spaces ignored) MSB first, zero-padding the last byte. */
  private static byte[] bits(String s) {
    String b = s.replace(" ", "");
    byte[] out = new byte[(b.length() + 7) / 8];
    for (int i = 0; i < b.length(); i++) {
      if (b.charAt(i) == '1') {
        out[i >> 3] |= (byte) (0x80 >>> (i & 7));
      } else if (b.charAt(i) != '0') {
        throw new IllegalArgumentException(s);
      }
    }
    return out;
  }

  private static byte[] decode(byte[] stream, int dstLen) {
    byte[] out = new byte[dstLen];
    int n = Whack.decompress(stream, 0, stream.length, out, 0, dstLen);
    return Arrays.copyOf(out, n);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Assembled by hand, token by token, from unwhack.c's rules (the literal history starts all
   * binary, so a literal takes the 9-bit form until four text literals have gone by; matches leave
   * the history alone). It was also fed to plan9port's unwhack, which produced the same 78 bytes.
   *
   * <pre>
   * 'a' 'b' 'c' 'd'  0 01100001 ...       9-bit form: history is still "binary"
   * 'e'              0 1100101            8-bit form: the last four literals were text
   * 0x01             0 001000001          10-bit form: v = 0x01 + 64 = 65 &lt; 96
   * len 3, dist 6    10 | 0000 00101      offset class 0, x = 5            -> "abc"
   * 'f'              0 01100110           9-bit: 0x01 is among the last four literals
   * len 10, dist 2   11111000 | 0000 00001  whack.c's lentab code for 10; overlapping -> "cfcfcfcfcf"
   * 'g' 'h' 'i'      9-bit each           0x01 leaves the window only after 'i'
   * 'j'              0 1101010            8-bit form
   * 0x9a             0 0011011010         11-bit form: v = 0x9a + 64 = 218 &gt;= 192
   * len 50, dist 25  1111 11 1011110 | 0000 11000
   *                  c = 3; levels 7,8,10,12,16,20,28,36 with widths 1,2,2,4,4,8,8,16; the bits
   *                  1,0,1,1,1,1,0 walk c = 5,6,9,11,15,15,14, and 14 &lt; 16 gives 36 + 14 = 50
   * len 3, dist 70   10 | 0010 00101      class 2 has base 64: x = 69 = 64 + 5
   * </pre>
   */
  @Test
  void decodesHandAssembledStream() {
    byte[] stream =
        bits(
            "0 01100001  0 01100010  0 01100011  0 01100100  0 1100101  0 001000001"
                + "  10 0000 00101  0 01100110  11111000 0000 00001"
                + "  0 01100111  0 01101000  0 01101001  0 1101010  0 0011011010"
                + "  1111 11 1011110 0000 11000  10 0010 00101");
    byte[] p = ascii("abcde\u0001abcfcfcfcfcfcfghij\u009a");
    assertEquals(25, p.length);
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    want.writeBytes(p);
    want.writeBytes(p);
    want.writeBytes(p);
    want.write(p, 5, 3);
    assertEquals(22, stream.length); // 170 bits and 6 of padding
    assertArrayEquals(want.toByteArray(), decode(stream, 100));
  }

  /**
   * whack.c's own table of length codes for 3..11 and its first long code (0x1f4, 9 bits) for 12.
   */
  private static final String[] WHACK_C_LENGTH_CODES = {
    "10",
    "110",
    "11100",
    "11101",
    "111100",
    "1111010",
    "1111011",
    "11111000",
    "11111001",
    "111110100"
  };

  @Test
  void lengthCodesAgreeWithWhackC() {
    for (int i = 0; i < WHACK_C_LENGTH_CODES.length; i++) {
      int len = 3 + i;
      // 'a', then a match of len at distance 1.
      byte[] stream = bits("0 01100001 " + WHACK_C_LENGTH_CODES[i] + " 0000 00000");
      byte[] run = new byte[1 + len];
      Arrays.fill(run, (byte) 'a');
      assertArrayEquals(run, decode(stream, 64), "length " + len);
      // Our encoder makes the same choice for a run, so its output must be exactly that stream.
      byte[] packed = new byte[run.length];
      int n = Whack.compress(run, 0, run.length, packed, 0);
      if (n >= 0) {
        assertArrayEquals(stream, Arrays.copyOf(packed, n), "length " + len);
      } else {
        assertTrue(stream.length >= run.length, "length " + len);
      }
    }
  }

  /** Outputs of plan9port's whackblock(), recorded by running it on these inputs. */
  @Test
  void decodesWhackCOutput() {
    String text =
        "venti venti venti: the index maps a score to an address; the index maps a score to an arena block.";
    byte[] c1 =
        HexFormat.of()
            .parseHex(
                "3b194dc746920f9029d103a34329034b73232bc1036b0b83990309039b1b7b932903a379"
                    + "030b71030b2323932b9b99dff1895c995b9848189b1bd8dacb80");
    assertArrayEquals(ascii(text), decode(c1, text.length()));

    String mixed =
        "ab\u0001\u0002\u0003\u00ff\u00feab\u0001\u0002\u0003\u00ff\u00fe xyzzy xyzzy xyzzy\u0080\u0081\u0082abab";
    byte[] c2 = HexFormat.of().parseHex("30988020201bfdfde01840783c9e9e9e7e8051808141184c461310");
    assertArrayEquals(ascii(mixed), decode(c2, mixed.length()));

    // whackblock() gives 30fdc000 for 16 'a's: 'a', then length 15 (0x1f4 + 3) at distance 1.
    byte[] run = new byte[16];
    Arrays.fill(run, (byte) 'a');
    byte[] packed = new byte[16];
    int n = Whack.compress(run, 0, 16, packed, 0);
    assertEquals("30fdc000", HexFormat.of().formatHex(packed, 0, n));
  }

  /**
   * unwhack.c reads a long length's extension bits from a 32-bit window that is refilled only at
   * the token start, so it allows 26 - (token bit position mod 8) of them. Binary literals keep the
   * 9-bit form, so m of them put the length at bit 9m. A code with k extension bits that end at the
   * smallest length of level k decodes; one more level is rejected.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void longLengthCodesStopWhereUnwhackDoes(int m) {
    int allowed = 26 - (9 * m) % 8;
    StringBuilder lits = new StringBuilder();
    for (int i = 0; i < m; i++) {
      lits.append("0 10101010 ");
    }
    byte[] ok = bits(lits + longLengthCode(allowed) + " 0000 00000");
    byte[] want = new byte[m + levelBase(allowed)];
    Arrays.fill(want, (byte) 0xaa);
    assertArrayEquals(want, decode(ok, 1 << 16));

    byte[] tooLong = bits(lits + longLengthCode(allowed + 1) + " 0000 00000");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> decode(tooLong, 1 << 16));
    assertTrue(e.getMessage().contains("length code too long"), e.getMessage());
  }

  /** Smallest length of level k: 7, then add widths 1, 2, 2, 4, 4, 8, 8, ... */
  private static int levelBase(int k) {
    int base = 7;
    for (int j = 0; j < k; j++) {
      base += 1 << ((j + 1) / 2);
    }
    return base;
  }

  /**
   * The long-length code for levelBase(k): working back from c = 0 at level k, level j's code is
   * width(j) + c/2 and c's low bit is the extension bit read at level j.
   */
  private static String longLengthCode(int k) {
    int c = 0;
    StringBuilder ext = new StringBuilder();
    for (int j = k - 1; j >= 0; j--) {
      ext.insert(0, c & 1);
      c = (1 << ((j + 1) / 2)) + (c >> 1);
    }
    String c2 = Integer.toBinaryString(4 | c).substring(1);
    return "1111 " + c2 + " " + ext;
  }

  @Test
  void rejectsMalformedStreams() {
    // A match with nothing before it.
    assertRejected(bits("10 0000 00000"), 16, "before the start");
    // 'a', then a match at distance 2.
    assertRejected(bits("0 01100001 10 0000 00001"), 16, "before the start");
    // A literal beyond the room given.
    assertRejected(bits("0 01100001 0 01100010"), 1, "output exceeds");
    // A match beyond the room given.
    assertRejected(bits("0 01100001 110 0000 00000"), 4, "exceeds");
    // 8 bits left, so a token starts, but a 9-bit literal needs one more.
    assertRejected(new byte[] {0x30}, 16, "ends inside a token");
    // A long length whose extension bits run past the end (unwhack.c reads zeros there).
    assertRejected(bits("0 01100001 111111 1111111"), 1 << 16, "ends inside a token");
    // Extension bits that never end the length code.
    assertRejected(
        bits("0 01100001 111111 11111111 11111111 11111111 11111111"), 1 << 16, "too long");
  }

  private static void assertRejected(byte[] stream, int dstLen, String why) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> decode(stream, dstLen));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @Test
  void stopsAtFewerThanEightBitsWhateverTheyHold() {
    // 'a' then 7 one bits: too few to start a token, so they are ignored, as unwhack.c does.
    assertArrayEquals(ascii("a"), decode(bits("0 01100001 1111111"), 16));
    assertArrayEquals(new byte[0], decode(new byte[0], 16));
  }

  @Test
  void garbageIsRejectedOrDecodedButNeverEscapes() {
    Random r = new Random(7);
    byte[] out = new byte[4096];
    for (int t = 0; t < 20000; t++) {
      byte[] s = new byte[r.nextInt(40)];
      r.nextBytes(s);
      try {
        int n = Whack.decompress(s, 0, s.length, out, 0, r.nextInt(out.length));
        assertTrue(n >= 0 && n <= out.length);
      } catch (IllegalArgumentException expected) {
        // malformed
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Round trips through our encoder

  enum Kind {
    RANDOM,
    ZEROS,
    RUNS,
    TEXT,
    MIXED,
    SMALL_ALPHABET
  }

  static byte[] generate(Kind kind, int size, long seed) {
    Random r = new Random(seed);
    byte[] b = new byte[size];
    String[] words = {
      "the ", "venti ", "arena ", "clump ", "index ", "score ", "of ", "and ", "block ", "\n",
      "0x1f "
    };
    switch (kind) {
      case RANDOM -> r.nextBytes(b);
      case ZEROS -> {}
      case RUNS -> {
        for (int i = 0; i < size; ) {
          byte v = (byte) r.nextInt(256);
          for (int k = 1 + r.nextInt(200); k > 0 && i < size; k--) {
            b[i++] = v;
          }
        }
      }
      case TEXT -> {
        for (int i = 0; i < size; ) {
          for (byte x : ascii(words[r.nextInt(words.length)])) {
            if (i < size) {
              b[i++] = x;
            }
          }
        }
      }
      case MIXED -> {
        // Stretches of text, random bytes and repeats of earlier data at all distances.
        for (int i = 0; i < size; ) {
          int n = Math.min(size - i, 1 + r.nextInt(3000));
          int how = r.nextInt(3);
          for (int k = 0; k < n; k++, i++) {
            if (how == 0 || i < 20000) {
              String w = words[(i / 5) % words.length];
              b[i] = (byte) (how == 1 ? r.nextInt(256) : w.charAt(i % w.length()));
            } else {
              b[i] = how == 1 ? (byte) r.nextInt(256) : b[i - 1 - (i * 7919 % 20000)];
            }
          }
        }
      }
      case SMALL_ALPHABET -> {
        for (int i = 0; i < size; i++) {
          b[i] = (byte) (r.nextInt(6) * 51);
        }
      }
    }
    return b;
  }

  static Stream<Arguments> roundTripCases() {
    int[] sizes = {
      0,
      1,
      2,
      3,
      4,
      5,
      7,
      8,
      15,
      16,
      31,
      64,
      100,
      511,
      512,
      1000,
      4096,
      8192,
      8193,
      16383,
      16384,
      16385,
      32768,
      40000,
      MAX_LUMP - 1,
      MAX_LUMP
    };
    List<Arguments> cases = new ArrayList<>();
    Random r = new Random(42);
    for (Kind kind : Kind.values()) {
      for (int size : sizes) {
        cases.add(Arguments.of(kind, size, (long) size * 31 + kind.ordinal()));
      }
      for (int i = 0; i < 6; i++) {
        cases.add(Arguments.of(kind, r.nextInt(MAX_LUMP + 1), r.nextLong()));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} bytes, seed {2}")
  @MethodSource("roundTripCases")
  void roundTrips(Kind kind, int size, long seed) {
    byte[] data = generate(kind, size, seed);
    // Offsets into larger arrays, with guard bytes to catch writes past srcLen - 1.
    byte[] src = new byte[size + 10];
    System.arraycopy(data, 0, src, 3, size);
    byte[] dst = new byte[size + 20];
    Arrays.fill(dst, (byte) 0x5c);
    int n = Whack.compress(src, 3, size, dst, 7);
    for (int i = 0; i < dst.length; i++) {
      if (i < 7 || i >= 7 + Math.max(0, size - 1)) {
        assertEquals((byte) 0x5c, dst[i], "wrote outside dst[7, 7 + srcLen - 1) at " + i);
      }
    }
    // MIXED may be mostly random stretches, so only these are sure to shrink.
    boolean compressible = kind != Kind.RANDOM && kind != Kind.MIXED && size >= 64;
    if (compressible) {
      assertTrue(n >= 0, "did not compress");
    }
    if (kind == Kind.RANDOM && size >= 16) {
      assertEquals(-1, n);
    }
    if (n < 0) {
      return;
    }
    assertTrue(n < size, "compressed " + size + " to " + n);
    byte[] back = new byte[size + 5];
    assertEquals(size, Whack.decompress(dst, 7, n, back, 2, size));
    assertArrayEquals(data, Arrays.copyOfRange(back, 2, 2 + size));
  }

  @Test
  void compressibleDataGetsMuchSmaller() {
    byte[] text = generate(Kind.TEXT, 8192, 1);
    byte[] dst = new byte[text.length];
    int n = Whack.compress(text, 0, text.length, dst, 0);
    assertTrue(n > 0 && n < text.length / 2, "8 KiB of text compressed to " + n);

    byte[] zeros = new byte[MAX_LUMP];
    n = Whack.compress(zeros, 0, zeros.length, new byte[zeros.length], 0);
    // 28 matches of at most 2051 bytes, about 41 bits each.
    assertTrue(n > 0 && n < 200, "a zero lump compressed to " + n);
  }

  @Test
  void randomDataIsRefused() {
    Random r = new Random(3);
    for (int t = 0; t < 50; t++) {
      byte[] b = new byte[512 + r.nextInt(MAX_LUMP - 511)];
      r.nextBytes(b);
      assertEquals(-1, Whack.compress(b, 0, b.length, new byte[b.length], 0));
    }
  }

  @Test
  void usesTheWholeWindowAndNoMore() {
    for (int gap : new int[] {16384, 16385, 20000}) {
      byte[] block = generate(Kind.RANDOM, gap, gap);
      byte[] twice = new byte[gap * 2];
      System.arraycopy(block, 0, twice, 0, gap);
      System.arraycopy(block, 0, twice, gap, gap);
      byte[] dst = new byte[twice.length];
      int n = Whack.compress(twice, 0, twice.length, dst, 0);
      if (gap == 16384) {
        // The repeat sits exactly at the largest distance, so it costs only a few bytes.
        assertTrue(n > 0 && n < gap * 9 / 8 + 64, "compressed to " + n);
        assertArrayEquals(twice, decode(Arrays.copyOf(dst, n), twice.length));
      } else {
        assertEquals(-1, n, "repeat beyond 16384 bytes cannot be referenced");
      }
    }
  }

  @Test
  void tooSmallOrEmptyInputIsRefused() {
    assertEquals(-1, Whack.compress(new byte[0], 0, 0, new byte[0], 0));
    assertEquals(-1, Whack.compress(new byte[] {1}, 0, 1, new byte[1], 0));
    assertEquals(-1, Whack.compress(new byte[] {0, 0, 0}, 0, 3, new byte[3], 0));
  }

  @Test
  void isSafeAcrossThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        jobs.add(
            pool.submit(
                () -> {
                  Random r = new Random(seed);
                  for (int i = 0; i < 200; i++) {
                    Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
                    byte[] b = generate(kind, r.nextInt(20000), r.nextLong());
                    byte[] dst = new byte[b.length];
                    int n = Whack.compress(b, 0, b.length, dst, 0);
                    if (n >= 0) {
                      byte[] back = new byte[b.length];
                      if (Whack.decompress(dst, 0, n, back, 0, b.length) != b.length
                          || !Arrays.equals(b, back)) {
                        fail("thread " + seed + " block " + i);
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : jobs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }
}
