package ventispark.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WhackTest {
  /**
   * Hand-assembled from the reference decoder's rules: literal 'a' in the 9-bit form (the literal
   * history starts all-ones), then a match "10" (length 3), offset class 0000 with 5 bits 00000
   * (distance 1), then 4 pad bits: 001100001 10 0000 00000 0000 = 0x30 0xc0 0x00 → "aaaa".
   */
  @Test
  void decodesAHandAssembledStream() {
    byte[] out = new byte[16];
    int n = Whack.decompress(new byte[] {0x30, (byte) 0xc0, 0x00}, 0, 3, out, 0, out.length);
    assertEquals("aaaa", new String(out, 0, n, StandardCharsets.US_ASCII));
  }

  @Test
  void rejectsMalformedStreams() {
    byte[] out = new byte[16];
    // A match before any output: distance 1 is out of range.
    assertThrows(IllegalArgumentException.class, () -> Whack.decompress(new byte[] {(byte) 0x80, 0, 0}, 0, 3, out, 0, 16));
    // More output than room.
    assertThrows(IllegalArgumentException.class, () -> Whack.decompress(new byte[] {0x30, (byte) 0xc0, 0x00}, 0, 3, out, 0, 2));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 7, 100, 512, 4096, 8192, 40000, 57344})
  void roundTripsTextLikeAndMixedData(int size) {
    Random r = new Random(size);
    byte[] words = "the quick brown fox jumps over the lazy venti arena; ".getBytes(StandardCharsets.US_ASCII);
    for (int kind = 0; kind < 4; kind++) {
      byte[] src = new byte[size];
      for (int i = 0; i < size; i++) {
        src[i] = switch (kind) {
          case 0 -> words[(i + r.nextInt(2)) % words.length];
          case 1 -> (byte) (i / 97);
          case 2 -> (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : words[i % words.length]);
          default -> (byte) (128 + r.nextInt(8) * 16 + (i % 3));
        };
      }
      byte[] packed = new byte[size];
      int n = Whack.compress(src, 0, size, packed, 0);
      if (n < 0) {
        continue;
      }
      assertTrue(n < size);
      byte[] back = new byte[size];
      assertEquals(size, Whack.decompress(packed, 0, n, back, 0, size));
      assertArrayEquals(src, back, "kind " + kind + " size " + size);
    }
  }

  @Test
  void compressesTextAndRefusesRandomData() {
    byte[] text = new byte[8192];
    byte[] words = "venti stores blocks by score and finds them again by index. ".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < text.length; i++) {
      text[i] = words[i % words.length];
    }
    int n = Whack.compress(text, 0, text.length, new byte[text.length], 0);
    assertTrue(n > 0 && n < text.length / 10, "compressed to " + n);
    byte[] random = new byte[8192];
    new Random(1).nextBytes(random);
    assertEquals(-1, Whack.compress(random, 0, random.length, new byte[random.length], 0));
  }

  @Test
  void longMatchesUseTheLevelledLengthCode() {
    for (int len = 3; len < 3000; len++) {
      byte[] src = new byte[len + 1];
      java.util.Arrays.fill(src, (byte) 'x');
      src[0] = 'y';
      byte[] packed = new byte[src.length + 8];
      int n = Whack.compress(src, 0, src.length, packed, 0);
      if (n < 0) {
        continue;
      }
      byte[] back = new byte[src.length];
      assertEquals(src.length, Whack.decompress(packed, 0, n, back, 0, src.length), "length " + len);
      assertArrayEquals(src, back, "length " + len);
    }
  }
}
