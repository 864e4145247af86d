package ventispark.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ventispark.format.IEntry;
import ventispark.read.Archive;
import ventispark.read.ArenaSplit;
import ventispark.read.ClumpEntries;
import ventispark.testing.SmallArchive;

/** The map tasks' fill counts, merged in any order, are the fill counted from the entries themselves. */
class FillCountsTest {
  @TempDir
  static Path tmp;

  static Archive archive() {
    return SmallArchive.in(tmp);
  }

  @ParameterizedTest
  @CsvSource({"1, 8388608, 215", "7, 8388608, 215", "150, 4096, 215", "150, 100000, 3", "40, 64, 1"})
  void mergedCountsAreTheScannedFill(int partitions, long heldLimit, int capacity) {
    Archive archive = archive();
    BucketRangePartitioner part = PartitionPlanner.plan(archive, List.of(0, 1), 64 << 20, 1, partitions);
    List<byte[]> records = new ArrayList<>();
    int[][] count = new int[part.numPartitions()][];
    for (int p = 0; p < part.numPartitions(); p++) {
      count[p] = new int[(int) (part.stop(p) - part.start(p))];
    }
    for (ArenaSplit split : SplitPlanner.plan(archive, 6_000)) {
      FillCounts fills = new FillCounts(part, (p, r) -> {
        assertEquals((int) p, FillCounts.range(r));
        records.add(r);
      }, heldLimit);
      try (ClumpEntries e = new ClumpEntries(split, new Configuration(), archive.div(), part::partitionOfBucket, null)) {
        while (e.advance()) {
          fills.add(e.partition(), e.bucket());
          // Counted again from the entry's own score.
          long bucket = IEntry.hash32(e.entry(), 0) / archive.div();
          count[part.partitionOfBucket(bucket)][(int) (bucket - part.start(part.partitionOfBucket(bucket)))]++;
        }
      }
      fills.flush();
    }
    // The check sees records in any order, and one task may merge several ranges.
    Collections.shuffle(records, new Random(partitions));
    int[] cap = {capacity, capacity};
    List<BucketFill> merged = FillCounts.merge(part, cap, records.iterator());
    int listed = 0;
    for (int p = 0; p < part.numPartitions(); p++) {
      BucketFill scanned = BucketFill.of(p, part.section(p), capacity, part.start(p), count[p]);
      BucketFill got = merged.get(p);
      assertEquals(List.of(scanned.partition(), scanned.section(), scanned.entries(), scanned.nonEmpty(),
          scanned.maxFill(), scanned.maxFillBucket(), scanned.overflowCount()),
          List.of(got.partition(), got.section(), got.entries(), got.nonEmpty(), got.maxFill(), got.maxFillBucket(),
              got.overflowCount()));
      assertEquals(scanned.overflows().size(), got.overflows().size());
      for (int i = 0; i < scanned.overflows().size(); i++) {
        assertArrayEquals(scanned.overflows().get(i), got.overflows().get(i));
      }
      listed += got.overflows().size();
      assertTrue(scanned.entries() > 0);
    }
    assertEquals(capacity < 215, listed > 0);
  }

  @Test
  void largeAndSparseCountsSurviveTheirRecord() {
    int[] dense = {5, 0, 127, 128, 300, 70_000, 1, 2, 16_384, 3_000_000};
    int[] sparse = new int[5_000];
    sparse[0] = 1;
    sparse[4_999] = 200_000;
    sparse[2_500] = 129;
    for (int[] c : List.of(dense, sparse)) {
      byte[] r = FillCounts.encode(42, c);
      assertEquals(42, FillCounts.range(r));
      int[] back = new int[c.length];
      FillCounts.addInto(r, back);
      FillCounts.addInto(r, back);
      int[] twice = c.clone();
      for (int i = 0; i < twice.length; i++) {
        twice[i] *= 2;
      }
      assertArrayEquals(twice, back);
    }
    // The sparse form: a few bytes, not one per bucket.
    assertTrue(FillCounts.encode(0, sparse).length < 20, "sparse record of " + FillCounts.encode(0, sparse).length);
  }
}
