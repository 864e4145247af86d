package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.testing.Cli;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexBytes;
import ventispark.testing.LocalSpark;

/** {@code plan}: the rebuild's read and fill check, reported, with nothing written. */
class PlanCommandTest {
  @TempDir Path tmp;

  @BeforeAll
  static void spark() {
    LocalSpark.get();
  }

  @Test
  void fittingIndexIsReportedAndUntouched() {
    Path work = Fixtures.workingCopy("multi", tmp);
    List<String> sections = List.of("isect0.img", "isect1.img", "isect2.img");
    List<String> before = sections.stream().map(s -> IndexBytes.sha256(work.resolve(s))).toList();
    Cli.Run plan = Cli.run("plan", work.resolve("venti.conf").toString());
    assertEquals(0, plan.status(), plan.err());
    assertTrue(plan.out().contains("nothing was written"), plan.out());
    assertEquals(before, sections.stream().map(s -> IndexBytes.sha256(work.resolve(s))).toList());

    // The rebuild reports the same fill, line for line, that plan predicted.
    Cli.Run build = Cli.run("buildindex", work.resolve("venti.conf").toString());
    assertEquals(0, build.status(), build.err());
    for (String line : lines(build.out(), "isect")) {
      assertTrue(plan.out().contains(line + "; mean fill"), line + "\n" + plan.out());
    }
    assertEquals(3, lines(build.out(), "isect").size());
    String counters = lines(build.out(), "done ").get(0).replace("done ", "entries: ");
    assertTrue(plan.out().contains(counters), counters + "\n" + plan.out());
  }

  @Test
  void overflowExitsFourAndSaysHowMuchLarger() {
    Path work = Fixtures.workingCopy("overflow", tmp);
    String before = IndexBytes.sha256(work.resolve("isect0.img"));
    Cli.Run plan = Cli.run("plan", work.resolve("venti.conf").toString());
    assertEquals(4, plan.status(), plan.out() + plan.err());
    assertTrue(plan.out().contains("overflowing") && plan.out().contains("larger"), plan.out());
    assertTrue(
        plan.err().startsWith("venti-spark: isect0.img: bucket overflow")
            && plan.err().lines().count() == 1,
        plan.err());
    assertEquals(before, IndexBytes.sha256(work.resolve("isect0.img")));
  }

  @Test
  void planRefusesBloomOption() {
    assertEquals(2, Cli.run("plan", "-b", "x.conf").status());
  }

  private static List<String> lines(String text, String prefix) {
    return Arrays.stream(text.split("\n")).filter(l -> l.startsWith(prefix)).toList();
  }
}
