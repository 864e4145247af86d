package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.testing.Cli;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexDiff;
import ventispark.testing.LocalSpark;

/** The command line: the example end to end, and bad input refused with one line, nothing written. */
class CommandLineTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    LocalSpark.get();
  }


  @Test
  void exampleArchiveRebuildsAndVerifies() {
    Cli.Run r = Cli.run("example", "--build", tmp.resolve("ex").toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("done arenaentries=3,500 indexed=3,500 (nskip=0)"), r.out());
    IndexDiff.Result v = IndexDiff.verify(tmp.resolve("ex/venti.conf"));
    assertEquals(0, v.status(), v.output());
    assertEquals("ok", v.field("bloom"), v.output());
    assertTrue(IndexDiff.run("arenas", tmp.resolve("ex/venti.conf").toString()).output().contains("memstats differ"));
  }

  @Test
  void generatedArchiveRebuildsFromARelativeConfigPath() {
    Cli.Run g = Cli.run("generate", "--clumps", "2000", "--corrupt", "5", "--arenas", "2", "--sizes", "100-600", "--types",
        "data:3,dir:1", "--bloom", "1m", tmp.resolve("gen").toString());
    assertEquals(0, g.status(), g.err());
    assertTrue(g.out().contains("2,000 clumps (5 corrupt) in 4 arenas on 2 arena partitions"), g.out());
    // Relative to the working directory, not to the config's own directory.
    Path relative = Path.of("").toAbsolutePath().relativize(tmp.resolve("gen/venti.conf"));
    Cli.Run b = Cli.run("buildindex", relative.toString());
    assertEquals(0, b.status(), b.err());
    assertTrue(b.out().contains("done arenaentries=1,995 indexed=1,995 (nskip=5)"), b.out());
    assertTrue(b.out().matches("(?s).*time [\\d.]+ s \\(load .*; shuffle [\\d,]+ bytes.*"), b.out());
    IndexDiff.Result v = IndexDiff.verify(tmp.resolve("gen/venti.conf"));
    assertEquals(0, v.status(), v.output());
  }

  @Test
  void generateUsageErrorsNameTheOption() {
    for (String[] args : List.of(new String[] {"--sizes", "100k"}, new String[] {"--compressed", "2"},
        new String[] {"--types", "data,blob"}, new String[] {"--version", "6"}, new String[] {"--clumps", "x"})) {
      List<String> argv = new ArrayList<>(List.of("generate"));
      argv.addAll(List.of(args));
      argv.add(tmp.resolve("bad").toString());
      Cli.Run r = Cli.run(argv.toArray(String[]::new));
      assertEquals(2, r.status(), String.join(" ", argv));
      assertTrue(r.err().startsWith("venti-spark: " + args[0]) || r.err().contains(args[0]), r.err());
    }
    assertTrue(!Files.exists(tmp.resolve("bad/venti.conf")));
  }

  @Test
  void usageErrors() {
    assertEquals(2, Cli.run("buildindex").status());
    assertEquals(2, Cli.run("frobnicate").status());
    assertEquals(2, Cli.run("buildindex", "-M", "12q", "x.conf").status());
  }

  /** Each bad input: exit 3, one line naming the file, index sections byte-identical. */
}
