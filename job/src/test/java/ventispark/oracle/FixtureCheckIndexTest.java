package ventispark.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ventispark.testing.CVenti;
import ventispark.testing.Cli;
import ventispark.testing.Fixtures;
import ventispark.testing.Launcher;

/**
 * Every reference archive rebuilt by venti-spark, judged by the C {@code checkindex}: it says of
 * the rebuilt index exactly what it says of the reference index (where the reference passes, the
 * rebuild passes; where it fails for the C tool's quirks, the same differences).
 */
class FixtureCheckIndexTest {
  @TempDir Path tmp;

  @BeforeAll
  static void requireTheCTools() {
    CVenti.require();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sample", "basic", "multi", "partial", "corrupt", "v1sect"})
  void judgedAsTheReferenceIndex(String name) {
    Path conf = rebuilt(name);
    Launcher.Run reference = CVenti.checkIndex(Fixtures.reference(name).resolve("venti.conf"));
    Launcher.Run rebuilt = CVenti.checkIndex(conf);
    assertEquals(
        reference.status(),
        rebuilt.status(),
        "reference:\n" + reference + "\nrebuilt:\n" + rebuilt);
    assertEquals(reference.out(), rebuilt.out(), "the differences the C checkindex reports");
    assertEquals(verdict(reference), verdict(rebuilt));
  }

  /**
   * The reference left partial-zero's index untouched; the rebuild indexes its clumps, and the C
   * tool agrees.
   */
  @Test
  void partialZeroRebuildIsCorrect() {
    CVenti.assertIndexCorrect(rebuilt("partial-zero"));
  }

  /**
   * multi stores ~2,400 scores twice: one entry per score and type is what the C checkindex
   * expects.
   */
  @Test
  void duplicatesDroppedSatisfyTheCTool() {
    Path conf = Fixtures.workingCopy("multi", tmp).resolve("venti.conf");
    Cli.Run r = Cli.run("buildindex", "--drop-duplicates", conf.toString());
    assertEquals(0, r.status(), r.err());
    CVenti.assertIndexCorrect(conf);
  }

  private Path rebuilt(String name) {
    Path conf = Fixtures.workingCopy(name, tmp).resolve("venti.conf");
    Cli.Run r = Cli.run("buildindex", conf.toString());
    assertEquals(0, r.status(), r.err());
    return conf;
  }

  /** checkindex's standard error without its harmless "pwrb ... called to write 0 bytes" lines. */
  private static List<String> verdict(Launcher.Run r) {
    return r.err().lines().filter(l -> !l.contains("pwrb")).toList();
  }
}
