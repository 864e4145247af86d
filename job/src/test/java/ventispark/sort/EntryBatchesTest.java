package ventispark.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import scala.Tuple2;
import ventispark.format.Bytes;
import ventispark.plan.BucketRangePartitioner;
import ventispark.plan.PartitionPlanner;
import ventispark.plan.SplitPlanner;
import ventispark.read.Archive;
import ventispark.read.ArenaSplit;
import ventispark.read.ClumpEntries;
import ventispark.testing.SmallArchive;

/** Map-side batching loses nothing, routes every entry to its partition, and bounds its memory. */
class EntryBatchesTest {
  @TempDir
  static Path tmp;

  static Archive archive() {
    return SmallArchive.in(tmp);
  }

  @ParameterizedTest
  @CsvSource({"1, 33554432", "7, 33554432", "150, 4096", "150, 100000", "2000, 20000"})
  void everyEntryOnceInItsPartition(int partitions, long openLimit) {
    Archive archive = archive();
    BucketRangePartitioner part = PartitionPlanner.plan(archive, List.of(0, 1), 64 << 20, 1, partitions);
    for (ArenaSplit split : SplitPlanner.plan(archive, 6_000)) {
      Map<String, Integer> expected = new HashMap<>();
      try (ClumpEntries direct = new ClumpEntries(split, new Configuration(), archive.div(), part::partitionOfBucket,
          null)) {
        while (direct.advance()) {
          byte[] shuffled = new byte[ShuffleEntry.SIZE];
          ShuffleEntry.fromEntry(direct.entry(), 0, shuffled, 0);
          expected.merge(Bytes.hex(shuffled, 0, ShuffleEntry.SIZE), 1, Integer::sum);
        }
      }
      Map<String, Integer> got = new HashMap<>();
      List<Integer> sizes = new ArrayList<>();
      try (ClumpEntries entries = new ClumpEntries(split, new Configuration(), archive.div(), part::partitionOfBucket,
          null)) {
        EntryBatches batches = new EntryBatches(entries, part.numPartitions(), openLimit);
        while (batches.hasNext()) {
          Tuple2<Integer, byte[]> b = batches.next();
          assertTrue(b._2().length > 0 && b._2().length % ShuffleEntry.SIZE == 0
              && b._2().length <= EntryBatches.MAX_BATCH);
          sizes.add(b._2().length);
          for (int off = 0; off < b._2().length; off += ShuffleEntry.SIZE) {
            assertEquals((int) b._1(), part.partitionOfBucket(ShuffleEntry.hash32(b._2(), off) / archive.div()));
            got.merge(Bytes.hex(b._2(), off, ShuffleEntry.SIZE), 1, Integer::sum);
          }
        }
        // Over the limit by at most one batch.
        assertTrue(batches.maxOpenBytes() <= Math.max(openLimit, 0) + EntryBatches.MAX_BATCH / 2 + 16 * ShuffleEntry.SIZE,
            "held " + batches.maxOpenBytes());
      }
      assertEquals(expected, got);
      assertTrue(!expected.isEmpty());
    }
  }

  @Test
  void fewPartitionsGiveFullBatches() {
    Archive archive = archive();
    BucketRangePartitioner part = PartitionPlanner.plan(archive, List.of(0, 1), 64 << 20, 1, 2);
    ArenaSplit all = SplitPlanner.plan(archive, Long.MAX_VALUE).get(0);
    try (ClumpEntries entries = new ClumpEntries(all, new Configuration(), archive.div(), part::partitionOfBucket,
        null)) {
      EntryBatches batches = new EntryBatches(entries, part.numPartitions());
      int records = 0;
      long bytes = 0;
      while (batches.hasNext()) {
        bytes += batches.next()._2().length;
        records++;
      }
      // 10,000 entries of one arena partition in two partitions: one batch each.
      assertEquals(2, records);
      assertEquals(entries.counts().indexed() * ShuffleEntry.SIZE, bytes);
    }
  }
}
