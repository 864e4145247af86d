package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.testing.Cli;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexBytes;
import ventispark.testing.LocalSpark;

/** Every command leaves the arena partitions byte-identical, whatever it does to the index. */
class ArenasReadOnlyTest {
  @TempDir Path tmp;

  @BeforeAll
  static void spark() {
    LocalSpark.get();
  }

  @Test
  void everyCommandLeavesTheArenasAlone() {
    Path work = Fixtures.workingCopy("multi", tmp);
    Path sample = Fixtures.workingCopy("sample", tmp);
    String conf = work.resolve("venti.conf").toString();
    String sampleConf = sample.resolve("venti.conf").toString();
    Map<String, String> arenas = arenas(work, sample);
    List<String[]> commands =
        new ArrayList<>(
            List.of(
                new String[] {"plan", conf},
                new String[] {"buildindex", conf},
                new String[] {"buildindex", "-i", "isect1", "--partitions", "5", conf},
                new String[] {"checkindex", conf},
                new String[] {"checkindex", "--collapse-duplicates", conf},
                new String[] {"size", "--sections", "3", conf},
                new String[] {"buildindex", "-b", sampleConf},
                new String[] {"checkindex", "--bloom-with-corrupt", sampleConf},
                new String[] {"format", "bloom", "--force", sample.resolve("bloom.img").toString()},
                new String[] {"buildindex", sampleConf}));
    for (String[] c : commands) {
      Cli.Run r = Cli.run(c);
      assertTrue(List.of(0, 6).contains(r.status()), String.join(" ", c) + ": " + r.err());
      assertEquals(
          arenas, arenas(work, sample), String.join(" ", c) + " changed an arena partition");
    }
  }

  private static Map<String, String> arenas(Path... dirs) {
    Map<String, String> out = new TreeMap<>();
    for (Path d : dirs) {
      for (String f : List.of("arenas0.img", "arenasA.img", "arenasB.img")) {
        if (d.resolve(f).toFile().exists()) {
          out.put(d.getFileName() + "/" + f, IndexBytes.sha256(d.resolve(f)));
        }
      }
    }
    return out;
  }
}
