package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.plan.BucketRangePartitioner;
import ventispark.plan.PartitionPlanner;
import ventispark.plan.SplitPlanner;
import ventispark.read.Archive;
import ventispark.read.ArenaSplit;
import ventispark.read.ClumpEntries;
import ventispark.sort.ShuffleEntry;
import ventispark.testing.SmallArchive;

/**
 * Write tasks are a few per core, or more when the entries would give a task more than {@code -M}
 * of them (Spark's reduce-side sort holds a task's whole share and spills what exceeds its memory);
 * never more than the ranges, and exactly {@code --partitions} when given.
 */
class WriteTasksTest {
  @TempDir static Path tmp;

  @Test
  void noWriteTaskReceivesMuchMoreThanARangeOfEntries() {
    Archive archive = SmallArchive.in(tmp);
    long m = 16 << 10;
    RebuildPlan plan =
        RebuildPlan.make(
            archive, new BuildIndexOptions(List.of(), false, m, 0, 0), 1, Long.MAX_VALUE);
    BucketRangePartitioner part = plan.partitioner();
    assertTrue(
        part.tasks() > PartitionPlanner.TASKS_PER_CORE && part.tasks() < part.numPartitions(),
        part.tasks() + " tasks for " + part.numPartitions() + " ranges");

    // The real entries, routed as the shuffle routes them: every task's share near -M at most, and
    // the tasks not so many that two neighbours would fit in one.
    long[] bytes = new long[part.tasks()];
    for (ArenaSplit split : SplitPlanner.plan(archive, Long.MAX_VALUE)) {
      try (ClumpEntries entries =
          new ClumpEntries(split, new Configuration(), archive.div(), part::covers, null)) {
        while (entries.advance()) {
          bytes[part.taskOfRange(part.partitionOfBucket(entries.bucket()))] += ShuffleEntry.SIZE;
        }
      }
    }
    for (int t = 0; t < bytes.length; t++) {
      assertTrue(bytes[t] <= m * 5 / 4, "task " + t + ": " + bytes[t] + " bytes");
      if (t > 0) {
        assertTrue(bytes[t - 1] + bytes[t] > m, "tasks " + (t - 1) + ", " + t);
      }
    }

    // One section of two: half the entries, half the tasks (within one).
    RebuildPlan half =
        RebuildPlan.make(
            archive,
            new BuildIndexOptions(List.of(archive.sections().get(0).name()), false, m, 0, 0),
            1,
            Long.MAX_VALUE);
    int expected = (part.tasks() + 1) / 2;
    assertTrue(
        Math.abs(half.partitioner().tasks() - expected) <= 1,
        half.partitioner().tasks() + " tasks for one section, " + part.tasks() + " for two");
  }

  @Test
  void fewEntriesGiveAFewTasksPerCoreAndPartitionsIsExact() {
    Archive archive = SmallArchive.in(tmp);
    long m = BuildIndexOptions.DEFAULT_PARTITION_BYTES;
    RebuildPlan plan =
        RebuildPlan.make(
            archive, new BuildIndexOptions(List.of(), false, 1 << 20, 0, 0), 3, Long.MAX_VALUE);
    assertEquals(
        Math.min(3 * PartitionPlanner.TASKS_PER_CORE, plan.partitioner().numPartitions()),
        plan.partitioner().tasks());
    RebuildPlan fixed =
        RebuildPlan.make(
            archive, new BuildIndexOptions(List.of(), false, m, 5, 0), 3, Long.MAX_VALUE);
    assertEquals(5, fixed.partitioner().tasks());
    RebuildPlan small =
        RebuildPlan.make(
            archive, new BuildIndexOptions(List.of(), false, 16 << 10, 2, 0), 1, Long.MAX_VALUE);
    assertEquals(2, small.partitioner().tasks());
  }
}
