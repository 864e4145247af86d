package ventispark.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import ventispark.format.IndexConfig;
import ventispark.format.MapTable;
import ventispark.format.PartitionName;
import ventispark.format.SizeParser;
import ventispark.format.VentiConfig;

/** The text parsers: venti.conf, the arena map, the index config, SIZE and partition names. */
class ConfigTextFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void ventiConfig(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    Allowed.formatException(() -> VentiConfig.parse("venti.conf", text));
  }

  @FuzzTest(maxDuration = "30s")
  void arenaMap(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    Allowed.formatException(() -> {
      List<MapTable.Entry> map = MapTable.read(new MapTable.Cursor("arena map", text), "arena map");
      for (MapTable.Entry e : map) {
        assertTrue(!e.name().isEmpty() && e.start() <= e.stop(), e.toString());
      }
    });
  }

  @FuzzTest(maxDuration = "30s")
  void indexConfig(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    Allowed.formatException(() -> IndexConfig.parse("isect0.img", text));
  }

  @FuzzTest(maxDuration = "30s")
  void sizesAndPartitionNames(FuzzedDataProvider data) {
    String size = data.consumeString(40);
    String name = data.consumeRemainingAsString();
    try {
      long v = SizeParser.parse(size);
      assertTrue(v >= 0 || size.startsWith("0x") || size.length() > 15, size + " -> " + v);
    } catch (NumberFormatException | ArithmeticException e) {
      // SizeParser's documented refusals: a bad number, or one that overflows with its suffix
    }
    Allowed.formatException(() -> PartitionName.parse(name));
  }
}
