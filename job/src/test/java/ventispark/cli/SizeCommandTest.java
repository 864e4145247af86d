package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ventispark.cli.FormatCommandTest.fails;
import static ventispark.cli.FormatCommandTest.ok;
import static ventispark.cli.FormatCommandTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ventispark.format.ISectLayout;
import ventispark.plan.IndexSizing;
import ventispark.testing.Cli.Run;
import ventispark.testing.Damage;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexDiff;
import ventispark.testing.LocalSpark;

/**
 * {@code venti-spark size}: the clump count comes from the arena trailers, a proposed geometry that
 * the reference buildindex overflowed is flagged (exit 4), and the recommended one is both minimal
 * and good enough for a real rebuild of the same arenas.
 */
class SizeCommandTest {
  private static final Pattern RECOMMENDED =
      Pattern.compile(
          "format each with: venti-spark format isect "
              + "--block-size (\\d+) --size (\\d+) NAME FILE");

  @BeforeAll
  static void spark() {
    LocalSpark.get();
  }

  static long recommendedSize(Run r) {
    Matcher m = RECOMMENDED.matcher(r.out());
    assertTrue(m.find(), r.out());
    return Long.parseLong(m.group(2));
  }

  /**
   * The overflow fixture: 65,000 clumps in 8,703 buckets of 13 entries, which the C buildindex
   * overflowed. size says so, and its recommendation holds the same arenas in a real rebuild.
   */
  @Test
  void recommendationFitsARealRebuildOfTheOverflowArchive() throws Exception {
    Path conf = Fixtures.reference("overflow").resolve("venti.conf");
    long current = Files.size(Fixtures.reference("overflow").resolve("isect0.pre.img"));
    Run bad = run("size", "--block-size", "512", "--section-size", "" + current, conf.toString());
    assertEquals(ExitCode.OVERFLOW.code, bad.status(), bad.err());
    assertTrue(
        bad.out().startsWith("clumps: 65,000 in 2 arenas of 1 arena partition (memstats)"),
        bad.out());
    assertTrue(
        bad.out()
            .contains(
                "entries: 65,000 (65,000 clumps × --growth 1); bucket capacity 13 entries"
                    + " (512-byte buckets)"),
        bad.out());
    assertTrue(
        bad.out()
            .contains("proposed:    1 section of 5,242,880 bytes, 8,703 buckets (div 493,505)"),
        bad.out());
    assertTrue(
        bad.out()
            .contains(
                "TOO SMALL: the proposed sections overflow with probability 1.00 > --max-overflow"
                    + " 1.0e-06"),
        bad.out());

    Run r = ok(4, "size", "--block-size", "512", conf.toString());
    long size = recommendedSize(r);
    assertEquals(0, size % 512);
    Run fits = ok(6, "size", "--block-size", "512", "--section-size", "" + size, conf.toString());
    assertTrue(fits.out().contains("proposed sections meet --max-overflow 1.0e-06"), fits.out());
    Run oneLess =
        run("size", "--block-size", "512", "--section-size", "" + (size - 512), conf.toString());
    assertEquals(ExitCode.OVERFLOW.code, oneLess.status(), oneLess.out());

    Path work = Fixtures.workingCopy("overflow", FormatCommandTest.scratch("size-overflow"));
    Files.delete(work.resolve("isect0.img"));
    ok(
        1,
        "format",
        "isect",
        "--block-size",
        "512",
        "--size",
        "" + size,
        "isect0",
        work.resolve("isect0.img").toString());
    ok(2, "format", "index", work.resolve("venti.conf").toString());
    Run build = run("buildindex", work.resolve("venti.conf").toString());
    assertEquals(0, build.status(), build.err());
    assertTrue(
        build.out().contains("done arenaentries=65,000 indexed=65,000 (nskip=0)"), build.out());
    IndexDiff.Result v = IndexDiff.verify(work.resolve("venti.conf"));
    assertEquals(0, v.status(), v.output());
  }

  /** --clumps gives the same answer as the count read from the arenas; --growth scales it. */
  @Test
  void clumpsFromTheArenasOrTheCommandLine() {
    Run fromConf =
        ok(
            4,
            "size",
            "--sections",
            "2",
            Fixtures.reference("sample").resolve("venti.conf").toString());
    assertTrue(
        fromConf
            .out()
            .startsWith(
                "clumps: 8,056 in 8 arenas of 1 arena partition (memstats); filling the "
                    + "unsealed arenas would add about "),
        fromConf.out());
    Run direct = ok(3, "size", "--sections", "2", "--clumps", "8056");
    assertEquals(fromConf.out().substring(fromConf.out().indexOf("entries:")), direct.out());
    assertTrue(direct.out().contains("recommended: 2 sections of "), direct.out());

    Run grown = ok(3, "size", "--clumps", "8056", "--growth", "2.5");
    assertTrue(
        grown.out().startsWith("entries: 20,140 (8,056 clumps × --growth 2.5)"), grown.out());
    assertTrue(recommendedSize(grown) > recommendedSize(direct));
    Run partial = ok(4, "size", Fixtures.reference("partial").resolve("venti.conf").toString());
    assertTrue(partial.out().startsWith("clumps: 3,072 in "), partial.out());
  }

  @Test
  void usageAndInputErrorsNameWhatToChange() {
    String conf = Fixtures.reference("sample").resolve("venti.conf").toString();
    fails(2, "missing CONF (or --clumps N)", "size");
    fails(2, "size: give CONF or --clumps N, not both", "size", "--clumps", "5", conf);
    fails(2, "--growth 0.5: a factor of at least 1", "size", "--clumps", "5", "--growth", "0.5");
    fails(2, "--growth: 'x' is not a number", "size", "--clumps", "5", "--growth", "x");
    fails(
        2,
        "--max-overflow 1.0: a probability between 0 and 1",
        "size",
        "--clumps",
        "5",
        "--max-overflow",
        "1");
    fails(
        2,
        "--max-overflow 0.0: a probability between 0 and 1",
        "size",
        "--clumps",
        "5",
        "--max-overflow",
        "0");
    fails(
        2,
        "--block-size 3000: a power of two from 512 to 64k",
        "size",
        "--clumps",
        "5",
        "--block-size",
        "3000");
    fails(2, "--sections 0: from 1 to 31744", "size", "--clumps", "5", "--sections", "0");
    fails(2, "--clumps -5: must not be negative", "size", "--clumps", "-5");
    fails(
        2,
        "--section-size: a section of 409600 bytes holds no buckets of 8192 bytes",
        "size",
        "--clumps",
        "5",
        "--section-size",
        "400k");
    fails(
        4,
        "1,099,511,627,776 entries need more than one index",
        "size",
        "--clumps",
        "" + (1L << 40),
        "--block-size",
        "512");
    fails(3, "nosuch.conf: no such file", "size", conf.replace("venti.conf", "nosuch.conf"));
    Path work = Fixtures.workingCopy("sample", FormatCommandTest.scratch("size-bad"));
    // Index sections and bloom filter need not exist: they are what is being sized.
    Damage.delete(work.resolve("isect0.img"));
    Damage.delete(work.resolve("bloom.img"));
    ok(4, "size", work.resolve("venti.conf").toString());
    Damage.delete(work.resolve("arenas0.img"));
    fails(3, "arenas0.img: no such file", "size", work.resolve("venti.conf").toString());
  }

  /**
   * Venti's bucket limit: sections of exactly 42,949,673 buckets are evaluated, one bucket more is
   * refused (exit 4, one line: the limit, the buckets, how to fit); an archive that no index of a
   * bucket size holds is told the bucket size that does, or how many indexes it needs.
   */
  @Test
  void geometriesAtAndPastVentisBucketLimit() {
    long at = ISectLayout.sizeFor(IndexSizing.MAX_BUCKETS, 512);
    Run fits = ok(5, "size", "--clumps", "1000", "--block-size", "512", "--section-size", "" + at);
    assertTrue(fits.out().contains("42,949,673 buckets (div 100)"), fits.out());
    fails(
        4,
        "--section-size "
            + (at + 512)
            + ": 1 section of 512-byte buckets holds 42,949,674 buckets, more than"
            + " the 42,949,673 one Venti index can have (its bucket divisor may not fall below 100); fit it with larger"
            + " buckets (up to 64k), fewer or smaller sections (at most "
            + String.format(Locale.ROOT, "%,d", at)
            + " bytes each for 1)",
        "size",
        "--clumps",
        "1000",
        "--block-size",
        "512",
        "--section-size",
        "" + (at + 512));
    long half = ISectLayout.sizeFor(IndexSizing.MAX_BUCKETS / 2 + 1, 64 << 10);
    fails(
        4,
        "2 sections of 65536-byte buckets hold 42,949,674 buckets",
        "size",
        "--clumps",
        "1000",
        "--block-size",
        "64k",
        "--sections",
        "2",
        "--section-size",
        "" + half);
    // The 't' suffix: 2 TiB sections of 8k buckets, the geometry of issue 19.
    fails(
        4,
        "4 sections of 8192-byte buckets hold 1,073,",
        "size",
        "--clumps",
        "1000",
        "--sections",
        "4",
        "--section-size",
        "2t");
    // A billion entries: not in 512-byte buckets, in 4k ones.
    fails(
        4,
        "--block-size 512: even the largest index (42,949,673 buckets of 512 bytes) overflows with probability"
            + " above --max-overflow 1.0e-06 for 1,000,000,000 entries; use --block-size 4k",
        "size",
        "--clumps",
        "1000000000",
        "--block-size",
        "512");
    long most = IndexSizing.maxEntries(64 << 10, 1e-6);
    assertTrue(most > 5e10 && most < 42_949_673L * 1724, "" + most);
    fails(
        4,
        String.format(
            Locale.ROOT,
            "%,d entries need more than one index: the largest Venti index (42,949,673 buckets of 64k)"
                + " holds at most %,d with P(any bucket overflows) ≤ 1.0e-06; split the arenas over at least 3 indexes",
            2 * most + 1,
            most),
        "size",
        "--clumps",
        "" + (2 * most + 1));
  }
}
