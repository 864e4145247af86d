package ventispark.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import ventispark.format.ArenaHead;
import ventispark.format.ArenaPartitionHeader;
import ventispark.format.ArenaTrailer;
import ventispark.format.BloomHeader;
import ventispark.format.ISectHeader;

/**
 * The fixed-layout headers: arena partition, arena head and trailer, index section, bloom. What
 * decodes must encode back to the same value, and its derived sizes must be usable as they are.
 */
class HeaderFuzzTest {
  private static byte[] block(FuzzedDataProvider data, int size) {
    return Arrays.copyOf(data.consumeRemainingAsBytes(), size);
  }

  @FuzzTest(maxDuration = "30s")
  void arenaPartitionHeader(FuzzedDataProvider data) {
    byte[] b = block(data, 512);
    ArenaPartitionHeader h = Allowed.result(() -> ArenaPartitionHeader.decode("arenas0.img", b));
    if (h == null) {
      return;
    }
    assertEquals(h, ArenaPartitionHeader.decode("arenas0.img", Arrays.copyOf(h.encode(), 512)));
    assertTrue(
        h.tableSize() > 0 && h.tableSize() == h.arenaBase() - h.tableBase(), "table size of " + h);
  }

  @FuzzTest(maxDuration = "30s")
  void arenaHeadAndTrailer(FuzzedDataProvider data) {
    byte[] b = block(data, 512);
    if (ArenaHead.hasMagic(b, 0)) {
      ArenaHead head = ArenaHead.decode(b, 0); // readers only compare it with the trailer
      if (head.version() == 4 || head.version() == 5) {
        assertEquals(head, ArenaHead.decode(head.encode(512), 0));
      }
    }
    ArenaTrailer t = Allowed.result(() -> ArenaTrailer.decode("arenas0.img", 9175040, b, 0));
    if (t == null) {
      return;
    }
    assertEquals(t, ArenaTrailer.decode("arenas0.img", 9175040, t.encode(512), 0));
    assertTrue(
        !t.diskStats().sealed() || t.memStats().sealed(), "memstats of a sealed arena are sealed");
  }

  @FuzzTest(maxDuration = "30s")
  void indexSectionHeader(FuzzedDataProvider data) {
    byte[] b = block(data, 512);
    ISectHeader h = Allowed.result(() -> ISectHeader.decode("isect0.img", b));
    if (h == null) {
      return;
    }
    assertEquals(h, ISectHeader.decode("isect0.img", Arrays.copyOf(h.encode(), 512)));
    assertTrue(
        h.tableSize() > 0 && h.tableSize() == h.blockBase() - h.tableBase(), "table size of " + h);
    assertTrue(
        h.bucketCapacity() > 0 && h.start() <= h.stop() && h.stop() - h.start() <= h.blocks(),
        h.toString());
  }

  @FuzzTest(maxDuration = "30s")
  void bloomHeader(FuzzedDataProvider data) {
    byte[] b = block(data, 16);
    BloomHeader h = Allowed.result(() -> BloomHeader.decode("bloom.img", b));
    if (h != null) {
      assertArrayEquals(b, Arrays.copyOf(h.encode(), 16));
    }
  }
}
