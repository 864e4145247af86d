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

/**
 * The command line: the example end to end, and bad input refused with one line, nothing written.
 */
class CommandLineTest {
  @TempDir Path tmp;

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
    assertTrue(
        IndexDiff.run("arenas", tmp.resolve("ex/venti.conf").toString())
            .output()
            .contains("memstats differ"));
  }

  @Test
  void generatedArchiveRebuildsFromARelativeConfigPath() {
    Cli.Run g =
        Cli.run(
            "generate",
            "--clumps",
            "2000",
            "--corrupt",
            "5",
            "--arenas",
            "2",
            "--sizes",
            "100-600",
            "--types",
            "data:3,dir:1",
            "--bloom",
            "1m",
            tmp.resolve("gen").toString());
    assertEquals(0, g.status(), g.err());
    assertTrue(
        g.out().contains("2,000 clumps (5 corrupt) in 4 arenas on 2 arena partitions"), g.out());
    // Relative to the working directory, not to the config's own directory.
    Path relative = Path.of("").toAbsolutePath().relativize(tmp.resolve("gen/venti.conf"));
    Cli.Run b = Cli.run("buildindex", relative.toString());
    assertEquals(0, b.status(), b.err());
    assertTrue(b.out().contains("done arenaentries=1,995 indexed=1,995 (nskip=5)"), b.out());
    assertTrue(
        b.out().matches("(?s).*time [\\d.]+ s \\(load .*; shuffle [\\d,]+ bytes.*"), b.out());
    IndexDiff.Result v = IndexDiff.verify(tmp.resolve("gen/venti.conf"));
    assertEquals(0, v.status(), v.output());
  }

  @Test
  void generateUsageErrorsNameTheOption() {
    for (String[] args :
        List.of(
            new String[] {"--sizes", "100k"},
            new String[] {"--compressed", "2"},
            new String[] {"--types", "data,blob"},
            new String[] {"--version", "6"},
            new String[] {"--clumps", "x"})) {
      List<String> argv = new ArrayList<>(List.of("generate"));
      argv.addAll(List.of(args));
      argv.add(tmp.resolve("bad").toString());
      Cli.Run r = Cli.run(argv.toArray(String[]::new));
      assertEquals(2, r.status(), String.join(" ", argv));
      assertTrue(
          r.err().startsWith("venti-spark: " + args[0]) || r.err().contains(args[0]), r.err());
    }
    assertTrue(!Files.exists(tmp.resolve("bad/venti.conf")));
  }

  @Test
  void usageErrors() {
    assertEquals(2, Cli.run("buildindex").status());
    assertEquals(2, Cli.run("frobnicate").status());
    assertEquals(2, Cli.run("buildindex", "-M", "12q", "x.conf").status());
  }

  /**
   * Out-of-range numbers are refused with the option and its range, never clamped or wrapped
   * around.
   */
  @Test
  void numericOptionsAreRangeChecked() {
    String conf = tmp.resolve("none/venti.conf").toString();
    List<List<String>> cases =
        List.of(
            List.of("buildindex", "--partitions", "0", conf),
                List.of("buildindex", "--partitions", "-3", conf),
            List.of("plan", "--partitions", "2147483648", conf),
                List.of("buildindex", "--split-clumps", "0", conf),
            List.of("checkindex", "--max-report", "-1", conf),
                List.of("generate", "--arenas", "4294967297", conf),
            List.of("generate", "--threads", "0", conf),
                List.of("generate", "--bucket-size", "4g", conf));
    List<String> expected =
        List.of(
            "--partitions: 0 is out of range (1 to 2147483647)",
            "--partitions: -3 is out of range (1 to 2147483647)",
            "--partitions: 2147483648 is out of range (1 to 2147483647)",
            "--split-clumps: 0 is out of range (1 to 9223372036854775807)",
            "--max-report: -1 is out of range (0 to 2147483647)",
            "--arenas: 4294967297 is out of range (1 to 2147483647)",
            "--threads: 0 is out of range (1 to 2147483647)",
            "--bucket-size: 4g is out of range (512 to 1073741824)");
    for (int i = 0; i < cases.size(); i++) {
      Cli.Run r = Cli.run(cases.get(i).toArray(String[]::new));
      assertEquals(2, r.status(), cases.get(i) + ": " + r.err());
      assertEquals(
          "venti-spark: "
              + expected.get(i)
              + " (usage: venti-spark "
              + cases.get(i).get(0)
              + " --help)\n",
          r.err(),
          cases.get(i).toString());
    }
  }

  /**
   * {@code -i} with {@code --reverse-index} is a command line that cannot run: exit 2 before
   * anything is read.
   */
  @Test
  void reverseIndexWithOneSectionIsAUsageError() {
    Cli.Run r =
        Cli.run(
            "buildindex",
            "-i",
            "isect0",
            "--reverse-index",
            tmp.toString(),
            tmp.resolve("no.conf").toString());
    assertEquals(2, r.status(), r.err());
    assertEquals(
        "venti-spark: buildindex: --reverse-index cannot go with -i: the reverse index covers the whole index"
            + " (rebuild the sections, then run: venti-spark reverse build DIR CONF) (usage: venti-spark buildindex --help)\n",
        r.err());
  }

  /** A config is UTF-8 text (Plan 9's): a non-ASCII partition name finds the file of that name. */
  @Test
  void nonAsciiPartitionNamesAreFound() throws java.io.IOException {
    Path work = Fixtures.workingCopy("sample", tmp);
    Files.createDirectory(work.resolve("ünï"));
    Files.move(work.resolve("isect0.img"), work.resolve("ünï/isect0.img"));
    Path conf = work.resolve("venti.conf");
    Files.writeString(
        conf, Files.readString(conf).replace("isect isect0.img", "isect ünï/isect0.img"));
    Cli.Run r = Cli.run("buildindex", conf.toString());
    assertEquals(0, r.status(), r.err());
    // The checker reads config text as ISO-8859-1: give it back the ASCII name to verify the
    // rebuild.
    Files.move(work.resolve("ünï/isect0.img"), work.resolve("isect0.img"));
    Files.writeString(
        conf, Files.readString(conf).replace("isect ünï/isect0.img", "isect isect0.img"));
    IndexDiff.Result v = IndexDiff.verify(conf);
    assertEquals(0, v.status(), v.output());
  }

  /**
   * {@code --force} lets generate and example write over the files of an archive already in DIR.
   */
  @Test
  void forceOverwritesAnExistingArchive() {
    Path dir = tmp.resolve("again");
    assertEquals(0, Cli.run("example", dir.toString()).status());
    assertEquals(3, Cli.run("example", dir.toString()).status());
    Cli.Run r = Cli.run("example", "--force", "--build", dir.toString());
    assertEquals(0, r.status(), r.err());
    Cli.Run g = Cli.run("generate", "--clumps", "500", "--arenas", "1", "--force", dir.toString());
    assertEquals(0, g.status(), g.err());
    assertEquals(0, Cli.run("buildindex", dir.resolve("venti.conf").toString()).status());
    assertEquals(0, IndexDiff.verify(dir.resolve("venti.conf")).status());
  }
}
