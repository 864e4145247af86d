package ventispark.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import scala.Tuple2;
import ventispark.create.ArchiveGenerator;
import ventispark.create.GeneratorOptions;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.ArenaSplit;
import ventispark.read.ClumpEntries;
import ventispark.sort.EntryBatches;
import ventispark.sort.EntryBatchesAccess;
import ventispark.sort.ShuffleEntry;
import ventispark.testing.SmallArchive;

/**
 * The map tasks' fill counts, merged in any order, are the fill counted from their entries
 * themselves.
 */
class FillCountsTest {
  @TempDir static Path tmp;

  static Archive archive() {
    return SmallArchive.in(tmp);
  }

  /** An archive of three sections, made once. */
  static Archive threeSections() {
    Path dir = tmp.resolve("three");
    if (!dir.resolve("venti.conf").toFile().exists()) {
      GeneratorOptions o = new GeneratorOptions();
      o.clumps = 20_000;
      o.sections = 3;
      new ArchiveGenerator(o, null).write(dir);
    }
    return new ArchiveLoader(new Configuration()).load(dir.resolve("venti.conf").toString());
  }

  @ParameterizedTest
  @CsvSource({
    // Counted densely per map task (a small index), and per buffer (as a large one is).
    "1, 1, 524288, 215, 4194304, 0",
    "7, 2, 524288, 215, 4194304, 0",
    "150, 3, 100, 215, 4194304, 0",
    "150, 150, 4096, 3, 4194304, 0",
    "40, 7, 64, 1, 4194304, 0",
    "1, 1, 524288, 215, 0, 0",
    "7, 2, 524288, 215, 0, 0",
    "150, 3, 100, 215, 0, 0",
    "150, 150, 4096, 3, 0, 0",
    "40, 7, 64, 1, 0, 0",
    // Sections 0 and 2 of three (-i): ranges with a gap between them, in one fill task or two.
    "60, 1, 4096, 215, 0, 0",
    "60, 2, 64, 3, 0, 0",
    "60, 1, 4096, 215, 4194304, 0",
    // Range groups of several ranges: batches of several ranges each; with the gap too.
    "2, 3, 4096, 215, 0, 3",
    "3, 2, 64, 215, 4194304, 4",
    "60, 2, 4096, 215, 0, 5"
  })
  void mergedCountsAreTheScannedFill(
      int partitions,
      int fillParts,
      int bufferEntries,
      int capacity,
      long denseBuckets,
      int rangesPerGroup) {
    boolean gap = partitions == 60;
    Archive archive = gap ? threeSections() : archive();
    List<Integer> sections = gap ? List.of(0, 2) : List.of(0, 1);
    // The gap's grouped row: 2 write tasks of many small ranges.
    BucketRangePartitioner part =
        rangesPerGroup == 0
            ? PartitionPlanner.plan(archive, sections, 64 << 20, 1, partitions)
            : EntryBatchesAccess.grouped(archive, sections, gap ? 2 : partitions, rangesPerGroup);
    int ranges = part.numPartitions();
    int fills = Math.min(fillParts, ranges);
    List<List<byte[]>> records = new ArrayList<>();
    for (int f = 0; f < fills; f++) {
      records.add(new ArrayList<>());
    }
    int[][] count = new int[ranges][];
    for (int p = 0; p < ranges; p++) {
      count[p] = new int[(int) (part.stop(p) - part.start(p))];
    }
    for (ArenaSplit split : SplitPlanner.plan(archive, 6_000)) {
      try (ClumpEntries e =
          new ClumpEntries(split, new Configuration(), archive.div(), part::covers, null)) {
        EntryBatches batches =
            EntryBatchesAccess.of(
                e, part, p -> -1 - p * fills / ranges, bufferEntries, denseBuckets);
        java.util.Set<Integer> recordsOfSplit = new java.util.HashSet<>();
        while (batches.hasNext()) {
          Tuple2<Integer, byte[]> b = batches.next();
          if (b._1() < 0) {
            records.get(-1 - b._1()).add(b._2());
            // Dense counts: one record per fill partition and map task, after all its entries.
            assertTrue(denseBuckets == 0 || recordsOfSplit.add(b._1()), "a second dense record");
            continue;
          }
          assertTrue(denseBuckets == 0 || recordsOfSplit.isEmpty(), "entries after dense counts");
          // The entries, counted again from their own scores.
          for (int off = 0; off < b._2().length; off += ShuffleEntry.SIZE) {
            long bucket = ShuffleEntry.hash32(b._2(), off) / archive.div();
            int p = part.partitionOfBucket(bucket);
            assertEquals((int) b._1(), part.groupOfRange(p));
            count[p][(int) (bucket - part.start(p))]++;
          }
        }
      }
    }
    int[] cap = {capacity, capacity, capacity};
    List<BucketFill> merged = new ArrayList<>();
    for (int f = 0, from = 0; f < fills; f++) {
      int to = from;
      while (to < ranges && to * fills / ranges == f) {
        to++;
      }
      // The check sees records in any order.
      Collections.shuffle(records.get(f), new Random(partitions));
      List<BucketFill> m = FillCounts.merge(part, cap, from, to, records.get(f).iterator());
      // The same, the records added one at a time instead of all at once.
      List<BucketFill> one = FillCounts.merge(part, cap, from, to, records.get(f).iterator(), 1);
      assertEquals(m.size(), one.size());
      for (int i = 0; i < m.size(); i++) {
        assertEquals(describe(m.get(i)), describe(one.get(i)));
      }
      merged.addAll(m);
      from = to;
    }
    // One fill per section and fill task: per section, the fills of the ranges counted one by one.
    assertTrue(merged.size() <= 2 * fills, merged.size() + " fills");
    List<BucketFill> scanned = new ArrayList<>();
    for (int p = 0; p < ranges; p++) {
      scanned.add(BucketFill.of(p, part.section(p), capacity, part.start(p), count[p]));
      assertTrue(scanned.get(p).entries() > 0);
    }
    FillReport want = FillReport.of(archive, sections, scanned);
    FillReport got = FillReport.of(archive, sections, merged);
    int listed = 0;
    for (int s = 0; s < 2; s++) {
      FillReport.SectionFill w = want.sections().get(s);
      FillReport.SectionFill g = got.sections().get(s);
      assertEquals(w.line(), g.line());
      assertEquals(
          List.of(
              w.entries(), w.nonEmpty(), (long) w.maxFill(), w.maxFillBucket(), w.overflowCount()),
          List.of(
              g.entries(), g.nonEmpty(), (long) g.maxFill(), g.maxFillBucket(), g.overflowCount()));
      assertEquals(w.overflows().size(), g.overflows().size());
      for (int i = 0; i < w.overflows().size(); i++) {
        assertArrayEquals(w.overflows().get(i), g.overflows().get(i));
      }
      listed += g.overflows().size();
    }
    assertEquals(capacity < 215, listed > 0);
  }

  /**
   * Records of pairs whose gaps take one, two and three bytes, with and without counts, over ranges
   * that follow one another (where the counting loop reads the short pairs itself): the counts are
   * the pairs' sums, bucket by bucket.
   */
  @Test
  void pairsOfOneToThreeBytesCountedWhereTheRangesFollowOneAnother() {
    long[] start = {1000, 150_000, 300_000};
    long[] stop = {150_000, 300_000, 400_000};
    BucketRangePartitioner part =
        new BucketRangePartitioner(100, start, stop, new int[] {0, 0, 0}, 1);
    int[] want = new int[(int) (stop[2] - start[0])];
    Random random = new Random(7);
    List<byte[]> records = new ArrayList<>();
    // Enough bytes of records (a quarter of the buckets) that they are counted, not sorted.
    for (int k = 0; k < 100; k++) {
      FillCounts.Runs runs = new FillCounts.Runs();
      long b = start[0] + random.nextInt(100);
      while (b < stop[2]) {
        int count = random.nextInt(10) == 0 ? 1 + random.nextInt(300) : 1;
        runs.bucket(b, count);
        want[(int) (b - start[0])] += count;
        int kind = random.nextInt(20);
        b += 1 + (kind == 0 ? 9_000 + random.nextInt(1_000) : random.nextInt(kind < 5 ? 60 : 400));
      }
      records.add(runs.finish());
    }
    assertTrue(records.stream().mapToLong(r -> r.length).sum() >= want.length / 4);
    List<BucketFill> fills = FillCounts.merge(part, new int[] {1 << 20}, 0, 3, records.iterator());
    BucketFill all = BucketFill.of(0, 0, 1 << 20, start[0], want);
    assertEquals(1, fills.size());
    assertEquals(describe(all), describe(fills.get(0)));
  }

  @Test
  void largeAndSparseCountsSurviveTheirRecord() {
    long[] buckets = {0, 1, 127, 128, 300, 70_000, 70_001, 16_384_000, 42_949_672};
    int[] counts = {5, 1, 127, 128, 300, 70_000, 1, 2, 3_000_000};
    FillCounts.Runs runs = new FillCounts.Runs();
    for (int i = 0; i < buckets.length; i++) {
      runs.bucket(buckets[i], counts[i]);
    }
    byte[] r = runs.finish();
    assertTrue(runs.isEmpty());
    long[] start = {0, 1000, 42_000_000};
    long[] stop = {1000, 42_000_000, 42_949_673};
    // Three sections: a fill each.
    BucketRangePartitioner part = new BucketRangePartitioner(100, start, stop, new int[] {0, 1, 2});
    List<BucketFill> fills =
        FillCounts.merge(part, new int[] {1, 1, 1}, 0, 3, List.of(r, r).iterator());
    assertEquals(
        List.of(2L * (5 + 1 + 127 + 128 + 300), 2L * (70_000 + 1 + 2), 2L * 3_000_000),
        fills.stream().map(BucketFill::entries).toList());
    assertEquals(List.of(5L, 3L, 1L), fills.stream().map(BucketFill::nonEmpty).toList());
    assertEquals(
        List.of(600, 140_000, 6_000_000), fills.stream().map(BucketFill::maxFill).toList());
    assertEquals(
        List.of(300L, 70_000L, 42_949_672L),
        fills.stream().map(BucketFill::maxFillBucket).toList());
    // A few bytes per non-empty bucket, none for the empty ones.
    assertTrue(r.length < 40, "record of " + r.length);
  }

  /**
   * Once counted per bucket, records are dropped once added, a bounded amount at a time: a fill
   * task of a large archive reads far more records than its heap could keep.
   */
  @Test
  void countedRecordsAreNotKept() {
    // One range of 1,000 buckets, and records naming each bucket once: 2 bytes a pair, so the
    // first record already has more pairs than the sparse form would keep.
    BucketRangePartitioner part =
        new BucketRangePartitioner(100, new long[] {0}, new long[] {1000}, new int[] {0});
    int records = 50;
    List<WeakReference<byte[]>> handedOut = new ArrayList<>();
    long[] keptBeforeLast = {-1};
    Iterator<byte[]> it =
        new Iterator<>() {
          private int left = records;

          @Override
          public boolean hasNext() {
            return left > 0;
          }

          @Override
          public byte[] next() {
            if (left == 1) {
              System.gc();
              keptBeforeLast[0] = handedOut.stream().filter(w -> w.get() != null).count();
            }
            left--;
            FillCounts.Runs runs = new FillCounts.Runs();
            for (int b = 0; b < 1000; b++) {
              runs.bucket(b, 1 + b % 3);
            }
            byte[] r = runs.finish();
            handedOut.add(new WeakReference<>(r));
            return r;
          }
        };
    // Records of 2,000 bytes, added 4 KiB at a time: at most 2 wait for the next addition.
    List<BucketFill> fills = FillCounts.merge(part, new int[] {215}, 0, 1, it, 4096);
    assertEquals(1, fills.size());
    assertEquals(records * (334L * 1 + 333L * 2 + 333L * 3), fills.get(0).entries());
    assertEquals(1000L, fills.get(0).nonEmpty());
    assertEquals(records * 3, fills.get(0).maxFill());
    // Those 2, and the record the merge added last (a frame may still hold it); the 46 before
    // them are gone.
    assertTrue(keptBeforeLast[0] >= 0 && keptBeforeLast[0] <= 3, keptBeforeLast[0] + " kept");
  }

  private static String describe(BucketFill f) {
    return f.partition()
        + " "
        + f.section()
        + " "
        + f.entries()
        + " "
        + f.nonEmpty()
        + " "
        + f.maxFill()
        + " "
        + f.maxFillBucket()
        + " "
        + f.overflowCount()
        + " "
        + f.overflows().stream().map(java.util.Arrays::toString).toList();
  }
}
