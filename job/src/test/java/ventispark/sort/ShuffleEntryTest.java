package ventispark.sort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ventispark.format.IEntry;

/**
 * An entry packed for the shuffle and placed back into a zeroed slot is the packed entry with its
 * wtime and train bytes zero, wherever the slot is; a slot or entry past its array's end is refused
 * before a byte is moved.
 */
class ShuffleEntryTest {
  @Test
  void roundTripIntoAnyZeroedSlot() {
    Random r = new Random(7);
    for (int k = 0; k < 1000; k++) {
      byte[] entry = new byte[IEntry.SIZE];
      r.nextBytes(entry);
      byte[] shuffled = new byte[3 * ShuffleEntry.SIZE];
      int at = r.nextInt(3) * ShuffleEntry.SIZE;
      ShuffleEntry.fromEntry(entry, 0, shuffled, at);

      byte[] image = new byte[IEntry.SIZE + 1 + r.nextInt(100)];
      int slot = r.nextInt(image.length - IEntry.SIZE + 1);
      ShuffleEntry.toZeroedEntry(shuffled, at, image, slot);

      byte[] expected = entry.clone();
      Arrays.fill(expected, IEntry.ADDR_OFF - 6, IEntry.ADDR_OFF, (byte) 0); // wtime[4] train[2]
      assertArrayEquals(expected, Arrays.copyOfRange(image, slot, slot + IEntry.SIZE));
      byte[] rest = image.clone();
      Arrays.fill(rest, slot, slot + IEntry.SIZE, (byte) 0);
      assertArrayEquals(new byte[image.length], rest, "bytes outside the slot");
    }
  }

  @Test
  void refusesSlotsAndEntriesPastTheEnd() {
    byte[] shuffled = new byte[2 * ShuffleEntry.SIZE];
    byte[] image = new byte[2 * IEntry.SIZE];
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> ShuffleEntry.toZeroedEntry(shuffled, 0, image, IEntry.SIZE + 1));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> ShuffleEntry.toZeroedEntry(shuffled, ShuffleEntry.SIZE + 1, image, 0));
    assertThrows(
        IndexOutOfBoundsException.class, () -> ShuffleEntry.toZeroedEntry(shuffled, 0, image, -1));
  }
}
