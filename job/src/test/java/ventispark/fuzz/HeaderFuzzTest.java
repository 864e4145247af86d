package ventispark.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import ventispark.format.ArenaHead;
import ventispark.format.ArenaPartitionHeader;
import ventispark.format.ArenaTrailer;
import ventispark.format.BloomHeader;
import ventispark.format.ISectHeader;

/** The fixed-layout headers: arena partition, arena head and trailer, index section, bloom. */
class HeaderFuzzTest {
  private static byte[] block(FuzzedDataProvider data, int size) {
    return Arrays.copyOf(data.consumeRemainingAsBytes(), size);
  }

  @FuzzTest(maxDuration = "30s")
  void arenaPartitionHeader(FuzzedDataProvider data) {
    byte[] b = block(data, 512);
    Allowed.formatException(() -> {
      ArenaPartitionHeader h = ArenaPartitionHeader.decode("arenas0.img", b);
      assertEquals(h, ArenaPartitionHeader.decode("arenas0.img", Arrays.copyOf(h.encode(), 512)));
    });
  }

  @FuzzTest(maxDuration = "30s")
  void arenaHeadAndTrailer(FuzzedDataProvider data) {
    byte[] b = block(data, 512);
    if (ArenaHead.hasMagic(b, 0)) {
      ArenaHead.decode(b, 0); // readers only compare it with the trailer
    }
    Allowed.formatException(() -> {
      ArenaTrailer t = ArenaTrailer.decode("arenas0.img", 9175040, b, 0);
      ArenaTrailer again = ArenaTrailer.decode("arenas0.img", 9175040, t.encode(512), 0);
      assertEquals(t.diskStats(), again.diskStats());
      assertEquals(t.memStats(), again.memStats());
    });
  }

  @FuzzTest(maxDuration = "30s")
  void indexSectionHeader(FuzzedDataProvider data) {
    byte[] b = block(data, 512);
    Allowed.formatException(() -> {
      ISectHeader h = ISectHeader.decode("isect0.img", b);
      assertEquals(h, ISectHeader.decode("isect0.img", Arrays.copyOf(h.encode(), 512)));
    });
  }

  @FuzzTest(maxDuration = "30s")
  void bloomHeader(FuzzedDataProvider data) {
    byte[] b = block(data, 16);
    Allowed.formatException(() -> {
      BloomHeader h = BloomHeader.decode("bloom.img", b);
      assertArrayEquals(b, Arrays.copyOf(h.encode(), 16));
    });
  }
}
