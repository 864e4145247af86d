package ventispark.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import ventispark.format.Whack;

/**
 * Whack: any stream is decoded into at most the room given, or refused with the
 * IllegalArgumentException that {@link Whack#decompress} documents; any block round-trips.
 */
class WhackFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void decompress(FuzzedDataProvider data) {
    int max = data.consumeInt(0, 57344);
    byte[] src = data.consumeRemainingAsBytes();
    try {
      int n = Whack.decompress(src, 0, src.length, new byte[max], 0, max);
      assertTrue(n >= 0 && n <= max, n + " bytes out of at most " + max);
    } catch (IllegalArgumentException e) {
      // the documented refusal of a malformed stream, and no other
      assertTrue(e.getMessage().startsWith("whack: "), e.toString());
    }
  }

  @FuzzTest(maxDuration = "30s")
  void roundTrip(FuzzedDataProvider data) {
    byte[] block = data.consumeRemainingAsBytes();
    if (block.length == 0 || block.length > 57344) {
      return;
    }
    byte[] packed = new byte[block.length + 64];
    int n = Whack.compress(block, 0, block.length, packed, 0);
    if (n > 0) {
      byte[] out = new byte[block.length];
      Whack.decompress(packed, 0, n, out, 0, block.length);
      assertArrayEquals(block, Arrays.copyOf(out, block.length));
    }
  }
}
