package ventispark.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

/**
 * The map side's sorted runs lose nothing, put every entry in a batch of its own range, in bucket
 * order within each buffer, and keep their memory to the buffer whatever the number of ranges.
 */
class EntryBatchesTest {
  @TempDir static Path tmp;

  static Archive archive() {
    return SmallArchive.in(tmp);
  }

  /**
   * A few groups get a buffer with about a whole batch each, so that their records are as long as a
   * small index's; many get the smallest buffer, which stays in the cache; the memory bound comes
   * first.
   */
  @Test
  void buffersGiveFewGroupsWholeBatchesAndManyTheSmallestBuffer() {
    int max = EntryBatches.BUFFER_ENTRIES;
    for (int groups = 1; groups <= 4096; groups++) {
      int entries = EntryBatches.bufferEntries(groups, max);
      assertEquals(Integer.highestOneBit(entries), entries, groups + " groups");
      assertTrue(entries >= EntryBatches.MIN_BUFFER_ENTRIES, groups + " groups");
      assertEquals(
          EntryBatches.MIN_BUFFER_ENTRIES,
          EntryBatches.bufferEntries(groups, EntryBatches.MIN_BUFFER_ENTRIES),
          groups + " groups, the memory bound");
      long recordBytes = (long) entries / groups * ShuffleEntry.SIZE;
      if (groups < 16) {
        assertTrue(recordBytes > EntryBatches.MAX_BATCH / 2, groups + " groups: " + recordBytes);
        assertTrue(entries <= EntryBatches.FEW_GROUPS_BUFFER_ENTRIES, groups + " groups");
      } else if (groups < 512) {
        assertEquals(EntryBatches.MIN_BUFFER_ENTRIES, entries, groups + " groups");
      }
    }
    assertEquals(max, EntryBatches.bufferEntries(4096, max), "runs of 256 entries");
  }

  @ParameterizedTest
  @CsvSource({
    "1, 524288, 0",
    "7, 524288, 0",
    "150, 100, 0",
    "150, 4096, 0",
    "2000, 1000, 0",
    "7, 1, 0",
    "150, 8192, 0",
    "7, 16384, 0",
    // Range groups of several ranges each: batches of a group hold runs of its ranges.
    "1, 524288, 3",
    "3, 100, 5",
    "2, 16384, 2",
    "3, 1, 4"
  })
  void everyEntryOnceInARunOfItsRange(int tasks, int bufferEntries, int rangesPerGroup) {
    Archive archive = archive();
    BucketRangePartitioner part =
        rangesPerGroup == 0
            ? PartitionPlanner.plan(archive, List.of(0, 1), 64 << 20, 1, tasks)
            : EntryBatchesAccess.grouped(archive, List.of(0, 1), tasks, rangesPerGroup);
    for (ArenaSplit split : SplitPlanner.plan(archive, 6_000)) {
      Map<String, Integer> expected = new HashMap<>();
      try (ClumpEntries direct =
          new ClumpEntries(
              split, new Configuration(), archive.div(), part::partitionOfBucket, null)) {
        while (direct.advance()) {
          expected.merge(hex(direct), 1, Integer::sum);
        }
      }
      List<Integer> buffers = bufferSizes(archive, split, part, bufferEntries);
      Map<String, Integer> got = new HashMap<>();
      try (ClumpEntries entries =
          new ClumpEntries(split, new Configuration(), archive.div(), part::covers, null)) {
        EntryBatches batches = new EntryBatches(entries, part, null, bufferEntries, 0);
        int buffer = 0;
        int inBuffer = 0;
        long lastBucket = -1;
        while (batches.hasNext()) {
          Tuple2<Integer, byte[]> b = batches.next();
          assertTrue(
              b._2().length > 0
                  && b._2().length % ShuffleEntry.SIZE == 0
                  && b._2().length <= EntryBatches.MAX_BATCH);
          for (int off = 0; off < b._2().length; off += ShuffleEntry.SIZE) {
            long hash = ShuffleEntry.hash32(b._2(), off);
            assertEquals(
                (int) b._1(), part.groupOfRange(part.partitionOfBucket(hash / archive.div())));
            got.merge(Bytes.hex(b._2(), off, ShuffleEntry.SIZE), 1, Integer::sum);
            // Buckets ascend within a buffer; a buffer ends where bufferSizes says.
            if (inBuffer == buffers.get(buffer)) {
              buffer++;
              inBuffer = 0;
              lastBucket = -1;
            }
            inBuffer++;
            long bucket = hash / archive.div();
            assertTrue(bucket >= lastBucket, "entry out of order within its buffer");
            lastBucket = bucket;
          }
        }
        assertEquals(buffers.size() - 1, buffer);
      }
      assertEquals(expected, got);
      assertTrue(!expected.isEmpty());
    }
  }

  /**
   * The entries of {@code split}'s buffers, from the scores alone: a buffer ends when the part of
   * its score's first bits is full, or when the buffer is, if it has one part.
   */
  private static List<Integer> bufferSizes(
      Archive archive, ArenaSplit split, BucketRangePartitioner part, int bufferEntries) {
    int bits = EntryBatches.partBits(bufferEntries);
    int[] held = new int[1 << bits];
    List<Integer> sizes = new ArrayList<>(List.of(0));
    try (ClumpEntries entries =
        new ClumpEntries(split, new Configuration(), archive.div(), part::covers, null)) {
      while (entries.advance()) {
        int p = (entries.score()[entries.scoreOffset()] & 0xff) >>> (8 - bits);
        sizes.set(sizes.size() - 1, sizes.get(sizes.size() - 1) + 1);
        if (++held[p] == bufferEntries >> bits) {
          sizes.add(0);
          Arrays.fill(held, 0);
        }
      }
    }
    if (sizes.size() > 1 && sizes.get(sizes.size() - 1) == 0) {
      sizes.remove(sizes.size() - 1);
    }
    return sizes;
  }

  private static String hex(ClumpEntries e) {
    byte[] shuffled = new byte[ShuffleEntry.SIZE];
    ShuffleEntry.fromEntry(e.entry(), 0, shuffled, 0);
    return Bytes.hex(shuffled, 0, ShuffleEntry.SIZE);
  }

  @Test
  void aFullPartEndsTheBuffer() {
    // Two parts of PART_ENTRIES: of the partition's 10,000 entries, those of scores below 0x80 or
    // the others fill their part first, before the buffer is full. One range: the buckets
    // descend only where a buffer ends.
    Archive archive = archive();
    BucketRangePartitioner part = PartitionPlanner.plan(archive, List.of(0, 1), 64 << 20, 1, 1);
    ArenaSplit all = SplitPlanner.plan(archive, Long.MAX_VALUE).get(0);
    int bufferEntries = 2 * EntryBatches.PART_ENTRIES;
    assertEquals(1, EntryBatches.partBits(bufferEntries));
    List<Integer> ends = new ArrayList<>();
    try (ClumpEntries entries =
        new ClumpEntries(all, new Configuration(), archive.div(), part::covers, null)) {
      EntryBatches batches = new EntryBatches(entries, part, null, bufferEntries, 0);
      int n = 0;
      long last = -1;
      while (batches.hasNext()) {
        byte[] b = batches.next()._2();
        for (int off = 0; off < b.length; off += ShuffleEntry.SIZE, n++) {
          long bucket = ShuffleEntry.hash32(b, off) / archive.div();
          if (bucket < last) {
            ends.add(n);
          }
          last = bucket;
        }
      }
    }
    assertEquals(1, ends.size(), "buffers end at " + ends);
    int first = ends.get(0);
    assertTrue(first >= EntryBatches.PART_ENTRIES && first < bufferEntries, "ends at " + first);
    assertEquals(bufferSizes(archive, all, part, bufferEntries).get(0), first);
  }

  @Test
  void partsAreFewAndNeverSmall() {
    assertEquals(0, EntryBatches.partBits(1));
    assertEquals(0, EntryBatches.partBits(2 * EntryBatches.PART_ENTRIES - 1));
    assertEquals(1, EntryBatches.partBits(2 * EntryBatches.PART_ENTRIES));
    assertEquals(4, EntryBatches.partBits(EntryBatches.MIN_BUFFER_ENTRIES));
    assertEquals(4, EntryBatches.partBits(EntryBatches.BUFFER_ENTRIES));
  }

  @Test
  void fewRangesGiveOneBatchEachPerBuffer() {
    Archive archive = archive();
    BucketRangePartitioner part = PartitionPlanner.plan(archive, List.of(0, 1), 64 << 20, 1, 2);
    ArenaSplit all = SplitPlanner.plan(archive, Long.MAX_VALUE).get(0);
    try (ClumpEntries entries =
        new ClumpEntries(all, new Configuration(), archive.div(), part::covers, null)) {
      EntryBatches batches = new EntryBatches(entries, part, null, EntryBatches.BUFFER_ENTRIES);
      List<Integer> keys = new ArrayList<>();
      long bytes = 0;
      while (batches.hasNext()) {
        Tuple2<Integer, byte[]> b = batches.next();
        bytes += b._2().length;
        keys.add(b._1());
      }
      // 10,000 entries of one arena partition in two ranges: one batch each, in range order.
      assertEquals(List.of(0, 1), keys);
      assertEquals(entries.counts().indexed() * ShuffleEntry.SIZE, bytes);
    }
  }

  @Test
  void buffersGrowWithTheRangesUpToTheirBound() {
    int max = EntryBatches.BUFFER_ENTRIES;
    int min = EntryBatches.MIN_BUFFER_ENTRIES;
    // Runs of about 256 entries per range, between the bounds.
    assertEquals(min, EntryBatches.bufferEntries(4, max));
    assertEquals(1 << 19, EntryBatches.bufferEntries(2048, max));
    assertEquals(1 << 20, EntryBatches.bufferEntries(40_724, max));
    // The heap's bound, never under the smallest buffer.
    assertEquals(1 << 18, EntryBatches.bufferEntries(40_724, 1 << 18));
    assertEquals(min, EntryBatches.bufferEntries(40_724, 1));
    // 49 bytes an entry: the entry, two longs of keys, and a byte for a part's keys.
    assertEquals(1 << 20, EntryBatches.maxBufferEntries(49L << 20));
    assertEquals(1 << 19, EntryBatches.maxBufferEntries((49L << 20) - 1));
    assertEquals(1 << 20, EntryBatches.maxBufferEntries(Long.MAX_VALUE));
    assertEquals(min, EntryBatches.maxBufferEntries(0));
    // A split's clumps: the smallest power of two that holds them, up to the largest buffer.
    assertEquals(1 << 18, EntryBatches.maxBufferEntriesFor(200_000));
    assertEquals(1 << 18, EntryBatches.maxBufferEntriesFor(1 << 18));
    assertEquals(1 << 19, EntryBatches.maxBufferEntriesFor((1 << 18) + 1));
    assertEquals(max, EntryBatches.maxBufferEntriesFor(3_000_000));
    assertEquals(1, EntryBatches.maxBufferEntriesFor(0));
    assertEquals(min, EntryBatches.bufferEntries(40_724, EntryBatches.maxBufferEntriesFor(1000)));
  }
}
