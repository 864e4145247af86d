package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.create.ArchiveGenerator;
import ventispark.create.GeneratorOptions;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.sort.ShuffleEntry;
import ventispark.write.BloomMarks;

/**
 * Read tasks are sized so that Spark's map-side sorter holds their whole shuffle output: about 8
 * per core, fewer clumps each when a clump ships more bytes (the bloom filter's positions) or the
 * executors have less memory.
 */
class ReadSplitsTest {
  @Test
  void aClumpShipsItsEntryAndWithTheFilterItsBitPositions(@TempDir Path tmp) {
    GeneratorOptions o = new GeneratorOptions();
    o.clumps = 2_000;
    o.bloom = 1 << 20;
    Path conf = new ArchiveGenerator(o, null).write(tmp).config();
    Archive archive = new ArchiveLoader(new Configuration()).load(conf.toString());
    int nhash = archive.bloomHeader().nhash();
    assertTrue(nhash > 0, "nhash " + nhash);
    assertEquals(ShuffleEntry.SIZE, RebuildPlan.shippedPerClump(archive, false));
    assertEquals(
        ShuffleEntry.SIZE + BloomMarks.BYTES_PER_POSITION * nhash,
        RebuildPlan.shippedPerClump(archive, true));
  }

  @Test
  void splitsAreEightPerCoreUnlessTheirOutputOutgrowsATasksMemory() {
    long clumps = 100_000_000;
    long ample = Long.MAX_VALUE / 2;
    assertEquals(clumps / 16, RebuildPlan.defaultSplitClumps(clumps, 2, ample, 32));
    // A task's share of a 1 GiB heap on 2 cores: neither plain entries nor entries with a
    // 7-hash filter's positions outgrow it.
    long share = WriteMemory.mapTaskBytes(1L << 30, 0.6, 2);
    for (long shipped : new long[] {32, 32 + 3 * 7, 32 + 3 * 32}) {
      long split = RebuildPlan.defaultSplitClumps(clumps, 2, share, shipped);
      assertTrue(split * shipped <= share, split + " clumps of " + shipped + " bytes");
      assertTrue((split + 1) * shipped > share || split == clumps / 16, "as large as fits");
    }
    // Never below the clumps that pay for a task's start.
    assertEquals(
        RebuildPlan.MIN_SPLIT_CLUMPS, RebuildPlan.defaultSplitClumps(clumps, 2, 1 << 20, 128));
    assertEquals(
        RebuildPlan.MIN_SPLIT_CLUMPS, RebuildPlan.defaultSplitClumps(1_000_000, 4, ample, 32));
  }

  @Test
  void aTaskMayShipThreeQuartersOfItsShareOfTheExecutionMemory() {
    long heap = 4L << 30;
    long usable = (long) ((heap - WriteMemory.SPARK_RESERVED) * 0.6);
    assertEquals((long) (usable / 4 * 0.75), WriteMemory.mapTaskBytes(heap, 0.6, 4));
    // More slots share the same memory.
    assertTrue(WriteMemory.mapTaskBytes(heap, 0.6, 8) < WriteMemory.mapTaskBytes(heap, 0.6, 4));
  }
}
