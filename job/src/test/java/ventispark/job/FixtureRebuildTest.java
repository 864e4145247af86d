package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ventispark.job.build.BuildIndex;
import ventispark.testing.Damage;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexBytes;
import ventispark.testing.IndexDiff;
import ventispark.testing.LocalSpark;

/** Rebuilds every reference archive and checks the result against the reference and the arenas. */
class FixtureRebuildTest {
  @TempDir Path tmp;

  static BuildSummary rebuild(Path conf, BuildIndexOptions options) {
    return new BuildIndex(LocalSpark.get(), options).run(conf.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sample", "basic", "multi", "partial", "corrupt", "v1sect"})
  void matchesTheReferenceIndex(String name) throws IOException {
    Path work = Fixtures.workingCopy(name, tmp);
    Path conf = work.resolve("venti.conf");
    if (Files.exists(work.resolve("bloom.img"))
        && !Files.exists(Fixtures.reference(name).resolve("bloom.pre.img"))) {
      Damage.scribbleOverBloomTable(work.resolve("bloom.img"));
    }
    BuildSummary s = rebuild(conf, BuildIndexOptions.defaults());

    IndexDiff.Result cmp = IndexDiff.compare(Fixtures.reference(name).resolve("venti.conf"), conf);
    assertEquals(0, cmp.status(), cmp.output());
    assertEquals("0", cmp.field("mismatched_buckets"), cmp.output());
    IndexDiff.Result ver = IndexDiff.verify(conf);
    assertEquals(0, ver.status(), ver.output());
    for (String section : sections(work)) {
      assertNull(IndexBytes.firstDirtyBucket(work.resolve(section)), section);
    }
    long[] c = referenceCounters(name);
    if (c != null) {
      assertEquals(c[0], s.arenaEntries(), "arenaentries");
      assertEquals(c[1], s.indexed(), "indexed");
      assertEquals(c[2], s.skipped(), "nskip");
    }
  }

  /** The C tool exits early on partial-zero (diskstats say 0); we index the memstats clumps. */
  @Test
  void indexesClumpsThatOnlyMemstatsCount() {
    Path work = Fixtures.workingCopy("partial-zero", tmp);
    BuildSummary s = rebuild(work.resolve("venti.conf"), BuildIndexOptions.defaults());
    assertEquals(1536, s.indexed());
    IndexDiff.Result ver = IndexDiff.verify(work.resolve("venti.conf"));
    assertEquals(0, ver.status(), ver.output());
    assertNull(IndexBytes.firstDirtyBucket(work.resolve("isect0.img")));
  }

  @Test
  void overflowFailsBeforeWritingAnything() {
    Path work = Fixtures.workingCopy("overflow", tmp);
    String before = IndexBytes.sha256(work.resolve("isect0.img"));
    IndexOverflowException e =
        assertThrows(
            IndexOverflowException.class,
            () -> rebuild(work.resolve("venti.conf"), BuildIndexOptions.defaults()));
    assertTrue(
        e.getMessage().contains("isect0.img") && e.getMessage().contains("capacity 13"),
        e.getMessage());
    assertEquals(before, IndexBytes.sha256(work.resolve("isect0.img")));
    assertEquals(
        IndexBytes.sha256(Fixtures.reference("overflow").resolve("isect0.pre.img")), before);
  }

  /** The same bytes whatever the number of write tasks. */
  @Test
  void sectionBytesDoNotDependOnPartitioning() {
    String single = null;
    String[] multi = null;
    for (int parts : new int[] {1, 3, 17}) {
      Path basic = Fixtures.workingCopy("basic", tmp.resolve("p" + parts));
      rebuild(
          basic.resolve("venti.conf"),
          new BuildIndexOptions(List.of(), false, 64 << 20, parts, 500));
      String sum = IndexBytes.sha256(basic.resolve("isect0.img"));
      single = single == null ? sum : single;
      assertEquals(single, sum, "basic with " + parts + " partitions");
      Path m = Fixtures.workingCopy("multi", tmp.resolve("m" + parts));
      rebuild(
          m.resolve("venti.conf"), new BuildIndexOptions(List.of(), false, 64 << 20, parts, 700));
      String[] sums = {
        IndexBytes.sha256(m.resolve("isect0.img")),
        IndexBytes.sha256(m.resolve("isect1.img")),
        IndexBytes.sha256(m.resolve("isect2.img"))
      };
      multi = multi == null ? sums : multi;
      assertEquals(List.of(multi), List.of(sums), "multi with " + parts + " partitions");
    }
  }

  /**
   * A write task that builds several ranges one after another writes the same bytes as one range
   * per task; so do range groups of several ranges, whose shuffle records hold entries of each.
   */
  @Test
  void severalRangesPerWriteTask() {
    Path one = Fixtures.workingCopy("multi", tmp.resolve("one"));
    rebuild(one.resolve("venti.conf"), new BuildIndexOptions(List.of(), false, 64 << 20, 3, 700));
    for (int tasks : new int[] {1, 2, 5}) {
      Path m = Fixtures.workingCopy("multi", tmp.resolve("t" + tasks));
      // Ranges of at most 64 KiB: 8 buckets of 8 KiB, tens of ranges per task.
      BuildIndexOptions o = new BuildIndexOptions(List.of(), false, 64 << 10, tasks, 700);
      RebuildPlan plan =
          new PlanIndex(LocalSpark.get(), o).plan(m.resolve("venti.conf").toString());
      assertEquals(tasks, plan.partitioner().tasks());
      assertTrue(
          plan.partitioner().numPartitions() >= 10 * tasks,
          plan.partitioner().numPartitions() + " ranges");
      // A few thousand entries: each task's ranges are one range group.
      assertEquals(tasks, plan.partitioner().groups());
      BuildSummary s = rebuild(m.resolve("venti.conf"), o);
      assertEquals(s.indexed(), s.sections().stream().mapToLong(f -> f.entries()).sum());
      for (String f : List.of("isect0.img", "isect1.img", "isect2.img")) {
        assertEquals(
            IndexBytes.sha256(one.resolve(f)),
            IndexBytes.sha256(m.resolve(f)),
            f + " in " + tasks + " tasks");
      }
      IndexDiff.Result ver = IndexDiff.verify(m.resolve("venti.conf"));
      assertEquals(0, ver.status(), ver.output());
    }
  }

  @Test
  void rebuildsOnlyTheNamedSection() throws IOException {
    Path work = Fixtures.workingCopy("multi", tmp);
    String before0 = IndexBytes.sha256(work.resolve("isect0.img"));
    String before2 = IndexBytes.sha256(work.resolve("isect2.img"));
    BuildSummary s =
        rebuild(
            work.resolve("venti.conf"),
            new BuildIndexOptions(List.of("isect1"), false, 64 << 20, 0, 0));
    assertEquals(8807, s.arenaEntries());
    assertEquals(1, s.sections().size());
    assertEquals(s.indexed(), s.sections().get(0).entries());
    assertEquals(before0, IndexBytes.sha256(work.resolve("isect0.img")));
    assertEquals(before2, IndexBytes.sha256(work.resolve("isect2.img")));
    assertNull(IndexBytes.firstDirtyBucket(work.resolve("isect1.img")));
    // Rebuilding the other two completes an index equal to the reference.
    rebuild(
        work.resolve("venti.conf"),
        new BuildIndexOptions(List.of("isect0", "isect2"), false, 64 << 20, 0, 0));
    IndexDiff.Result cmp =
        IndexDiff.compare(
            Fixtures.reference("multi").resolve("venti.conf"), work.resolve("venti.conf"));
    assertEquals("0", cmp.field("mismatched_buckets"), cmp.output());
  }

  /** {arenaentries, indexed, nskip} of the C tool's "done" line, or null when it printed none. */
  static long[] referenceCounters(String name) throws IOException {
    Path log = Fixtures.reference(name).resolve("buildindex.log");
    if (!Files.exists(log)) {
      return null;
    }
    Matcher m =
        Pattern.compile("done arenaentries=([\\d,]+) indexed=([\\d,]+) \\(nskip=([\\d,]+)\\)")
            .matcher(Files.readString(log));
    if (!m.find()) {
      return null;
    }
    return new long[] {num(m.group(1)), num(m.group(2)), num(m.group(3))};
  }

  private static long num(String s) {
    return Long.parseLong(s.replace(",", ""));
  }

  static List<String> sections(Path work) throws IOException {
    return Files.readAllLines(work.resolve("venti.conf")).stream()
        .filter(l -> l.startsWith("isect "))
        .map(l -> l.substring(6).trim())
        .toList();
  }
}
