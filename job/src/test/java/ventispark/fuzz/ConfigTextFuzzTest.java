package ventispark.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;
import ventispark.format.Bytes;
import ventispark.format.IndexConfig;
import ventispark.format.MapTable;
import ventispark.format.PartitionName;
import ventispark.format.SizeParser;
import ventispark.format.Venti;
import ventispark.format.VentiConfig;

/**
 * The text parsers: venti.conf (plain, or stored in a partition), the arena map, the index config,
 * SIZE and partition names. What parses must also read back unchanged from what writers write.
 */
class ConfigTextFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void ventiConfig(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    Allowed.formatException(
        () -> {
          VentiConfig c = VentiConfig.parse("venti.conf", text);
          assertTrue(Bytes.isValidName(c.indexName()), c.indexName());
          assertTrue(!c.arenaPartitions().isEmpty() && !c.indexSections().isEmpty());
        });
  }

  /**
   * The config text as the loader picks it: a small file whole, or the 8 KiB slot of a partition.
   */
  @FuzzTest(maxDuration = "30s")
  void storedConfig(FuzzedDataProvider data) {
    boolean stored = data.consumeBoolean();
    byte[] bytes = data.consumeRemainingAsBytes();
    long size = stored ? 1L << 30 : bytes.length;
    Allowed.formatException(
        () -> {
          String text =
              VentiConfig.textOf(
                  "isect0.img",
                  size,
                  (off, len) ->
                      stored
                          ? Arrays.copyOf(bytes, len)
                          : Arrays.copyOfRange(bytes, (int) (long) off, (int) (long) off + len));
          assertTrue(
              text.length() <= Venti.MAX_CONFIG, "config text of " + text.length() + " bytes");
          assertTrue(!stored || text.indexOf('\0') < 0, "a stored config ends at its first NUL");
          VentiConfig.parse("isect0.img", text);
        });
  }

  @FuzzTest(maxDuration = "30s")
  void arenaMap(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    List<MapTable.Entry> map =
        Allowed.result(() -> MapTable.read(new MapTable.Cursor("arena map", text), "arena map"));
    if (map == null) {
      return;
    }
    for (MapTable.Entry e : map) {
      assertTrue(
          Bytes.isValidName(e.name()) && e.start() >= 0 && e.start() <= e.stop(), e.toString());
    }
    StringBuilder written = new StringBuilder();
    MapTable.write(written, map);
    assertEquals(
        map, MapTable.read(new MapTable.Cursor("written map", written.toString()), "arena map"));
  }

  @FuzzTest(maxDuration = "30s")
  void indexConfig(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    IndexConfig c = Allowed.result(() -> IndexConfig.parse("isect0.img", text));
    if (c == null) {
      return;
    }
    assertTrue(
        Venti.isPowerOfTwo(c.blockSize())
            && c.blockSize() >= 512
            && c.blockSize() <= Venti.MAX_DISK_BLOCK,
        "block size " + c.blockSize());
    assertEquals(c, IndexConfig.parse("written config", c.format()));
  }

  @FuzzTest(maxDuration = "30s")
  void sizesAndPartitionNames(FuzzedDataProvider data) {
    String size = data.consumeString(40);
    String name = data.consumeRemainingAsString();
    try {
      long v = SizeParser.parse(size);
      assertTrue(v >= 0, size + " -> " + v);
    } catch (NumberFormatException e) {
      // SizeParser's documented refusal (its callers are command line options)
      assertTrue(e.getMessage().startsWith("bad size"), e.getMessage());
    }
    PartitionName pn = Allowed.result(() -> PartitionName.parse(name));
    if (pn == null) {
      return;
    }
    assertEquals(name, pn.display());
    assertTrue(pn.lo() >= 0 && (pn.hi() == -1 || pn.hi() >= pn.lo()), pn.toString());
    for (long fileLength : new long[] {0, 1 << 20, Long.MAX_VALUE}) {
      Long bytes = Allowed.result(() -> pn.size(fileLength));
      assertTrue(
          bytes == null || (bytes >= 0 && bytes <= fileLength),
          pn + " in " + fileLength + " bytes: " + bytes);
    }
  }
}
