package ventispark.job;

import java.util.Locale;
import java.util.OptionalInt;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import ventispark.job.spark.SparkSettings;
import ventispark.plan.BucketRangePartitioner;
import ventispark.read.Archive;
import ventispark.sort.EntryBatches;
import ventispark.write.BloomSlicing;

/**
 * Refuses, before anything is read, a plan whose write tasks cannot hold their bucket ranges: each
 * builds its ranges in memory one at a time, so an executor needs its concurrent tasks' largest
 * range each at once. They may take the share of the heap Spark keeps for execution ({@code
 * spark.memory.fraction} of the heap above Spark's 300 MiB reserve, 60% by default), which the
 * write stage leaves unused: its shuffle read sorts the task's entries by range, but spills them to
 * disk to make room for the image ({@link ImageMemory}). Beyond that the write tasks die of an
 * out-of-memory error after the map stage, with the index maybe partly rewritten (100M clumps in
 * ranges of 340 MiB, two at a time in a 1 GiB heap, did; two of 207 MiB did not). The executors'
 * heap and task slots: in local mode this JVM's heap and threads; on a cluster {@code
 * spark.executor.memory} and {@code spark.executor.cores / spark.task.cpus} (1 when unset, as on a
 * standalone worker that gives an executor all its cores: then only one range is counted).
 */
public final class WriteMemory {
  /** Spark's reserved memory (its {@code RESERVED_SYSTEM_MEMORY_BYTES}). */
  static final long SPARK_RESERVED = 300L << 20;

  private WriteMemory() {}

  static void check(RebuildPlan plan, JavaSparkContext sc) {
    Executors e = Executors.of(sc.master(), sc.getConf());
    check(plan, e.heap(), e.fraction(), e.tasks(), e.memoryOption());
  }

  /**
   * An executor's heap, task slots and spark.memory.fraction, and the option that sets its memory.
   */
  record Executors(long heap, int tasks, double fraction, String memoryOption) {
    static Executors of(String master, SparkConf conf) {
      long heap = SparkSettings.executorHeap(master, conf);
      double fraction = conf.getDouble("spark.memory.fraction", 0.6);
      OptionalInt threads = SparkSettings.localThreads(master);
      if (threads.isPresent()) {
        return new Executors(
            heap,
            threads.getAsInt(),
            fraction,
            "-Xmx, as VENTI_SPARK_JAVA_OPTS=-Xmx4g or spark-submit --driver-memory 4g");
      }
      int tasks =
          Math.max(1, conf.getInt("spark.executor.cores", 1) / conf.getInt("spark.task.cpus", 1));
      return new Executors(heap, tasks, fraction, "spark.executor.memory");
    }
  }

  /**
   * The share of a read task's execution memory its shuffle output may take before the plan makes
   * the tasks smaller: Spark allocates its pages whole and its sorter needs room for their
   * pointers, so a task whose output is its whole share spills.
   */
  static final double MAP_OUTPUT_SHARE = 0.75;

  /**
   * Bytes of shuffle output a read task may hold: {@link #MAP_OUTPUT_SHARE} of the execution memory
   * of one of an executor's task slots.
   */
  public static long mapTaskBytes(JavaSparkContext sc) {
    Executors e = Executors.of(sc.master(), sc.getConf());
    return mapTaskBytes(e.heap(), e.fraction(), e.tasks());
  }

  /**
   * The largest sort buffer a read task may take ({@link EntryBatches#maxBufferEntries}), computed
   * in the executor that runs it: half of a task slot's share of the user memory, the heap above
   * Spark's reserve that Spark's memory pools leave (1 - spark.memory.fraction of it). The buffers
   * are kept in the executor, one per slot ({@code SortBuffer}). Its slots are {@code slots} (what
   * the settings say) or its processors, whichever is more: on a standalone worker without
   * spark.executor.cores an executor runs a task per core. A 1 GiB heap with 2 slots gives each the
   * largest buffer, 49 MiB; with 16 slots each gets 6 MiB.
   */
  static int mapBufferEntriesHere(double fraction, int slots) {
    Runtime jvm = Runtime.getRuntime();
    return mapBufferEntries(jvm.maxMemory(), fraction, Math.max(slots, jvm.availableProcessors()));
  }

  static int mapBufferEntries(long heap, double fraction, int tasks) {
    long user = (long) ((heap - SPARK_RESERVED) * (1 - fraction));
    return EntryBatches.maxBufferEntries(user / tasks / 2);
  }

  static long mapTaskBytes(long heap, double fraction, int tasks) {
    return Math.max(1, (long) (usable(heap, fraction) / tasks * MAP_OUTPUT_SHARE));
  }

  /**
   * What tasks may use of an executor's heap: spark.memory.fraction of it above Spark's reserve.
   */
  private static long usable(long heap, double fraction) {
    return (long) ((heap - SPARK_RESERVED) * fraction);
  }

  static void check(RebuildPlan plan, long heap, double fraction, int tasks, String memoryOption) {
    long range = largestRange(plan);
    int atOnce = Math.min(tasks, plan.partitioner().tasks());
    long need = range * atOnce;
    long usable = usable(heap, fraction);
    if (need > usable) {
      throw new WriteMemoryException(
          String.format(
              Locale.ROOT,
              "write tasks build bucket ranges of up to %s in memory, %d at a"
                  + " time: %s, more than the %s they may use of the %s heap (spark.memory.fraction of it above Spark's"
                  + " 300 MiB); lower -M or raise --partitions (or give the executors more memory: %s)",
              mib(range),
              atOnce,
              mib(need),
              mib(usable),
              mib(heap),
              memoryOption));
    }
  }

  /**
   * Refuses, before anything is read, a bloom filter whose slice tasks cannot hold their slices
   * ({@link BloomSlicing}): each holds {@code copies} times its slice (the slice, the records it
   * ORs, and for a check the slice read from disk), and they run as many at a time as the write
   * tasks. Null: no filter.
   */
  public static void checkBloom(BloomSlicing bloom, int copies, JavaSparkContext sc) {
    if (bloom == null) {
      return;
    }
    Executors e = Executors.of(sc.master(), sc.getConf());
    checkBloom(bloom, copies, e.heap(), e.fraction(), e.tasks(), e.memoryOption());
  }

  static void checkBloom(
      BloomSlicing bloom, int copies, long heap, double fraction, int tasks, String memoryOption) {
    long slice = (long) bloom.sliceBytes() * copies;
    int atOnce = Math.min(tasks, bloom.slices());
    long need = slice * atOnce;
    long usable = usable(heap, fraction);
    if (need > usable) {
      throw new WriteMemoryException(
          String.format(
              Locale.ROOT,
              "bloom filter tasks hold up to %s each in memory (slices of %s"
                  + " of the %s filter, and their bits), %d at a time: %s, more than the %s they may use of the %s heap (spark.memory.fraction of it"
                  + " above Spark's 300 MiB); lower -M, which bounds a slice (or give the executors more memory: %s)",
              mib(slice),
              mib(bloom.sliceBytes()),
              mib(bloom.header().size()),
              atOnce,
              mib(need),
              mib(usable),
              mib(heap),
              memoryOption));
    }
  }

  /** Bytes of the plan's largest bucket range. */
  static long largestRange(RebuildPlan plan) {
    Archive a = plan.archive();
    BucketRangePartitioner part = plan.partitioner();
    long most = 0;
    for (int p = 0; p < part.numPartitions(); p++) {
      most = Math.max(most, rangeBytes(plan, p));
    }
    return most;
  }

  /** Bytes of range {@code p}'s image. */
  static long rangeBytes(RebuildPlan plan, int p) {
    BucketRangePartitioner part = plan.partitioner();
    return (part.stop(p) - part.start(p))
        * plan.archive().sections().get(part.section(p)).header().blockSize();
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%,d MiB", (bytes + (1 << 20) - 1) >> 20);
  }
}
