package ventispark.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Varints round-trip at every length, and size, skip and read agree on where each ends. */
class VarintTest {
  @Test
  void roundTripsAtEveryLength() {
    int[] values = {0, 1, 127, 128, 300, 16383, 16384, (1 << 21) - 1, 1 << 21, 1 << 28, -1};
    int[] sizes = {1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5};
    byte[] r = new byte[64];
    int end = 0;
    for (int i = 0; i < values.length; i++) {
      int next = Varint.put(r, end, values[i]);
      assertEquals(sizes[i], next - end, "size of " + values[i]);
      assertEquals(sizes[i], Varint.size(values[i]), "size of " + values[i]);
      assertEquals(next, Varint.skip(r, end));
      end = next;
    }
    int[] at = {7, 0};
    int[] read = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      read[i] = Varint.read(r, at, 1);
    }
    assertArrayEquals(values, read);
    assertEquals(end, at[1]);
    assertEquals(7, at[0]);
    // the encoding itself: 300 = 0b10_0101100
    assertArrayEquals(new byte[] {(byte) 0xAC, 0x02}, java.util.Arrays.copyOfRange(r, 5, 7));
  }
}
