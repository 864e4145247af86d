package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.testing.Cli;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexDiff;
import ventispark.testing.LocalSpark;
import ventispark.write.StageDir;
import ventispark.write.StagedRange;

/**
 * A staged rebuild in a JVM whose default locale is Arabic, where a format without a locale writes
 * Arabic-Indic digits ({@code ٠٧}): the range files' names, which {@code stage apply} reads back
 * from the manifest, the manifest and every printed number stay in ASCII digits, and the applied
 * index is the reference's.
 */
class StageLocaleTest {
  private static final Locale ARABIC = Locale.forLanguageTag("ar");

  /** Any Arabic-Indic or extended Arabic-Indic digit. */
  private static final Pattern NON_ASCII_DIGIT =
      Pattern.compile("[\\u0660-\\u0669\\u06F0-\\u06F9]");

  @TempDir Path tmp;

  private Locale saved;
  private Locale savedFormat;
  private Locale savedDisplay;

  @BeforeEach
  void arabic() {
    LocalSpark.get(); // started under the usual locale: what is tested is this project's formatting
    saved = Locale.getDefault();
    savedFormat = Locale.getDefault(Locale.Category.FORMAT);
    savedDisplay = Locale.getDefault(Locale.Category.DISPLAY);
    Locale.setDefault(ARABIC);
  }

  @AfterEach
  void restore() {
    Locale.setDefault(saved);
    Locale.setDefault(Locale.Category.FORMAT, savedFormat);
    Locale.setDefault(Locale.Category.DISPLAY, savedDisplay);
  }

  @Test
  void theLocaleWouldChangeDigits() {
    // The premise: without Locale.ROOT the names below would not be ASCII.
    String implicit = String.format(Locale.getDefault(Locale.Category.FORMAT), "%02d", 7);
    assertEquals("\u0660\u0667", implicit);
    assertEquals(
        "07-isect0.0000000512-0000001024.buckets", StagedRange.sectionFile(7, "isect0", 512, 1024));
    assertEquals("bloom.0000000000-0001048576.bytes", StagedRange.bloomFile(0, 1 << 20));
  }

  @Test
  void aStagedRebuildNamesItsFilesInAsciiDigits() throws IOException {
    Path work = Fixtures.workingCopy("basic", tmp);
    String conf = work.resolve("venti.conf").toString();
    String stage = tmp.resolve("stage").toString();

    Cli.Run s = Cli.run("buildindex", "--partitions", "5", "--stage", stage, conf);
    assertEquals(0, s.status(), s.err());
    assertFalse(NON_ASCII_DIGIT.matcher(s.out() + s.err()).find(), s.out() + s.err());

    List<String> names;
    try (Stream<Path> files = Files.list(Path.of(stage))) {
      names = files.map(f -> f.getFileName().toString()).sorted().toList();
    }
    assertTrue(names.contains(StageDir.MANIFEST), names.toString());
    assertTrue(
        names.stream().filter(n -> n.matches("\\d\\d-isect0\\.\\d{10}-\\d{10}\\.buckets")).count()
            > 1,
        names.toString());
    assertTrue(
        names.stream().anyMatch(n -> n.matches("bloom\\.\\d{10}-\\d{10}\\.bytes")),
        names.toString());
    for (String n : names) {
      assertTrue(n.chars().allMatch(c -> c < 0x80), n);
    }
    String manifest = Files.readString(Path.of(stage, StageDir.MANIFEST));
    assertFalse(NON_ASCII_DIGIT.matcher(manifest).find(), manifest);

    Cli.Run a = Cli.run("stage", "apply", stage, conf);
    assertEquals(0, a.status(), a.err());
    assertFalse(NON_ASCII_DIGIT.matcher(a.out() + a.err()).find(), a.out() + a.err());
    IndexDiff.Result cmp =
        IndexDiff.compare(
            Fixtures.reference("basic").resolve("venti.conf"), work.resolve("venti.conf"));
    assertEquals(0, cmp.status(), cmp.output());
  }
}
