package ventispark.job;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import ventispark.plan.BucketRangePartitioner;
import ventispark.read.Archive;

/**
 * Refuses, before anything is read, a plan whose write tasks cannot hold their bucket ranges: each
 * builds its range in memory, so an executor needs its concurrent tasks' largest ranges at once,
 * beside the 300 MiB Spark reserves. Otherwise the first write tasks die of an out-of-memory error,
 * which Spark answers by ending the JVM (exit 52; in local mode the driver's too). The executors'
 * heap and task slots: in local mode this JVM's heap and threads; on a cluster
 * {@code spark.executor.memory} and {@code spark.executor.cores / spark.task.cpus} (1 when unset,
 * as on a standalone worker that gives an executor all its cores: then nothing is refused).
 */
final class WriteMemory {
  /** Spark's reserved memory (its {@code RESERVED_SYSTEM_MEMORY_BYTES}). */
  static final long SPARK_RESERVED = 300L << 20;

  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?");

  private WriteMemory() {}

  static void check(RebuildPlan plan, JavaSparkContext sc) {
    SparkConf conf = sc.getConf();
    Matcher local = LOCAL.matcher(sc.master());
    long heap;
    int tasks;
    String memory;
    if (local.matches()) {
      heap = Runtime.getRuntime().maxMemory();
      String n = local.group(1);
      tasks = n == null ? 1 : n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
      memory = "-Xmx, as VENTI_SPARK_JAVA_OPTS=-Xmx4g or spark-submit --driver-memory 4g";
    } else {
      heap = conf.getSizeAsBytes("spark.executor.memory", "1g");
      tasks = Math.max(1, conf.getInt("spark.executor.cores", 1) / conf.getInt("spark.task.cpus", 1));
      memory = "spark.executor.memory";
    }
    check(plan, heap, tasks, memory);
  }

  static void check(RebuildPlan plan, long heap, int tasks, String memoryOption) {
    long range = largestRange(plan);
    int atOnce = Math.min(tasks, plan.partitioner().numPartitions());
    long need = range * atOnce;
    if (need > heap - SPARK_RESERVED) {
      throw new WriteMemoryException(String.format("write tasks build bucket ranges of up to %s in memory, %d at a"
          + " time: %s, more than the %s heap less Spark's 300 MiB; lower -M or raise --partitions (or give the"
          + " executors more memory: %s)", mib(range), atOnce, mib(need), mib(heap), memoryOption));
    }
  }

  /** Bytes of the plan's largest bucket range. */
  static long largestRange(RebuildPlan plan) {
    Archive a = plan.archive();
    BucketRangePartitioner part = plan.partitioner();
    long most = 0;
    for (int p = 0; p < part.numPartitions(); p++) {
      long bytes = (part.stop(p) - part.start(p)) * a.sections().get(part.section(p)).header().blockSize();
      most = Math.max(most, bytes);
    }
    return most;
  }

  private static String mib(long bytes) {
    return String.format("%,d MiB", (bytes + (1 << 20) - 1) >> 20);
  }
}
