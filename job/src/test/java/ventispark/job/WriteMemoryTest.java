package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.format.BloomHeader;
import ventispark.format.Venti;
import ventispark.read.Archive;
import ventispark.testing.SmallArchive;
import ventispark.write.BloomSlicing;

/**
 * A plan whose concurrent write tasks cannot hold their bucket ranges is refused, naming the
 * options.
 */
class WriteMemoryTest {
  @Test
  void refusesRangesTheHeapCannotHoldAtOnceAndAcceptsTheRest(@TempDir Path tmp) {
    Archive archive = SmallArchive.in(tmp);
    RebuildPlan plan =
        RebuildPlan.make(
            archive,
            new BuildIndexOptions(
                List.of(), false, BuildIndexOptions.DEFAULT_PARTITION_BYTES, 3, 0),
            2,
            Long.MAX_VALUE);
    long range = WriteMemory.largestRange(plan);
    long sectionBytes = 0;
    for (var s : archive.sections()) {
      sectionBytes += s.buckets() * s.header().blockSize();
    }
    // The largest of the ranges holds at least their mean share of the sections' bytes.
    int ranges = plan.partitioner().numPartitions();
    assertEquals(
        true,
        range * ranges >= sectionBytes && range < sectionBytes,
        range + " of " + sectionBytes);

    // Half the heap above the reserve may hold two ranges: exactly fits, one byte less does not.
    long fits = WriteMemory.SPARK_RESERVED + 4 * range;
    assertDoesNotThrow(() -> WriteMemory.check(plan, fits, 0.5, 2, "-Xmx"));
    WriteMemoryException e =
        assertThrows(
            WriteMemoryException.class, () -> WriteMemory.check(plan, fits - 2, 0.5, 2, "-Xmx"));
    assertEquals(
        String.format(
            "write tasks build bucket ranges of up to %s in memory, 2 at a time: %s, more than"
                + " the %s they may use of the %s heap (spark.memory.fraction of it above Spark's 300 MiB); lower -M or"
                + " raise --partitions (or give the executors more memory: -Xmx)",
            mib(range), mib(2 * range), mib(2 * range - 1), mib(fits - 2)),
        e.getMessage());
    // More task slots than write tasks: only the write tasks run at once, each building one range
    // at a time.
    int tasks = plan.partitioner().tasks();
    assertEquals(3, tasks);
    assertTrue(ranges > tasks, ranges + " ranges");
    long all = WriteMemory.SPARK_RESERVED + tasks * range;
    assertDoesNotThrow(() -> WriteMemory.check(plan, all, 1.0, 64, "-Xmx"));
    assertThrows(
        WriteMemoryException.class, () -> WriteMemory.check(plan, all - 1, 1.0, 64, "-Xmx"));
  }

  /**
   * The bloom filter's slices count as the ranges do: -M bounds a slice, so the message names -M.
   */
  @Test
  void refusesBloomSlicesTheHeapCannotHoldAtOnce() {
    BloomSlicing largest =
        BloomSlicing.of(new BloomHeader(6, Venti.MAX_BLOOM_SIZE), 1L << 30, 2, false);
    assertEquals(256 << 20, largest.sliceBytes());
    long fits = WriteMemory.SPARK_RESERVED + 2 * 2 * largest.sliceBytes();
    assertDoesNotThrow(() -> WriteMemory.checkBloom(largest, 2, fits, 1.0, 2, "-Xmx"));
    WriteMemoryException e =
        assertThrows(
            WriteMemoryException.class,
            () -> WriteMemory.checkBloom(largest, 2, fits - 1, 1.0, 2, "-Xmx"));
    assertEquals(
        "bloom filter tasks hold up to 512 MiB each in memory (slices of 256 MiB of the 512 MiB filter, and"
            + " their bits), 2 at a time: 1,024 MiB, more than the 1,024 MiB they may use of the 1,324 MiB heap"
            + " (spark.memory.fraction of it above Spark's 300 MiB); lower -M, which bounds a slice (or give the executors"
            + " more memory: -Xmx)",
        e.getMessage());
    // A check holds the slice read from disk too.
    assertThrows(
        WriteMemoryException.class, () -> WriteMemory.checkBloom(largest, 3, fits, 1.0, 2, "-Xmx"));
    // The default -M (64 MiB slices) fits a 1 GiB heap with Spark's default fraction, two at a
    // time.
    BloomSlicing byDefault =
        BloomSlicing.of(
            new BloomHeader(6, Venti.MAX_BLOOM_SIZE),
            BuildIndexOptions.DEFAULT_PARTITION_BYTES,
            2,
            false);
    assertDoesNotThrow(() -> WriteMemory.checkBloom(byDefault, 3, 1L << 30, 0.6, 2, "-Xmx"));
  }

  @Test
  void executorsAreThisJvmInLocalModeAndTheConfOnACluster() {
    SparkConf none = new SparkConf(false);
    assertEquals(
        new WriteMemory.Executors(
            Runtime.getRuntime().maxMemory(),
            3,
            0.6,
            "-Xmx, as VENTI_SPARK_JAVA_OPTS=-Xmx4g or spark-submit --driver-memory 4g"),
        WriteMemory.Executors.of("local[3]", none));
    assertEquals(1, WriteMemory.Executors.of("local", none).tasks());
    assertEquals(2, WriteMemory.Executors.of("local[2,4]", none).tasks());
    assertEquals(
        Runtime.getRuntime().availableProcessors(),
        WriteMemory.Executors.of("local[*]", none).tasks());
    // Spark's defaults: 1g, one core; a number without a unit is MiB.
    assertEquals(
        new WriteMemory.Executors(1L << 30, 1, 0.6, "spark.executor.memory"),
        WriteMemory.Executors.of("yarn", none));
    SparkConf set =
        new SparkConf(false)
            .set("spark.executor.memory", "4096")
            .set("spark.executor.cores", "4")
            .set("spark.task.cpus", "2")
            .set("spark.memory.fraction", "0.5");
    assertEquals(
        new WriteMemory.Executors(4L << 30, 2, 0.5, "spark.executor.memory"),
        WriteMemory.Executors.of("spark://host:7077", set));
    assertEquals(1, WriteMemory.Executors.of("local-cluster[2,1,1024]", none).tasks());
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%,d MiB", (bytes + (1 << 20) - 1) >> 20);
  }

  @Test
  void sortBuffersTakeHalfOfATaskSlotsUserMemory() {
    long gib = 1L << 30;
    // (1 GiB - 300 MiB) * 0.4 = 290 MiB of user memory.
    assertEquals(1 << 20, WriteMemory.mapBufferEntries(gib, 0.6, 2)); // 72 MiB each: the largest
    assertEquals(1 << 18, WriteMemory.mapBufferEntries(gib, 0.6, 8)); // 18 MiB
    assertEquals(1 << 17, WriteMemory.mapBufferEntries(gib, 0.6, 16)); // 9 MiB: the smallest
    assertEquals(1 << 17, WriteMemory.mapBufferEntries(gib, 0.9, 16)); // never less
  }
}
