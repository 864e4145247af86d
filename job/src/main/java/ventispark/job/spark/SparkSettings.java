package ventispark.job.spark;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;

/**
 * The Spark settings every venti-spark job relies on; applied where missing, so users can override.
 */
public final class SparkSettings {
  private SparkSettings() {}

  /**
   * Masters whose one executor runs inside the driver: {@code local}, {@code local[N|*]}, {@code
   * local[N,F]}.
   */
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?");

  /**
   * The task threads of a master whose executor is the driver's JVM, or empty (a cluster, {@code
   * local-cluster}).
   */
  public static OptionalInt localThreads(String master) {
    Matcher m = LOCAL.matcher(master);
    if (!m.matches()) {
      return OptionalInt.empty();
    }
    String n = m.group(1);
    return OptionalInt.of(
        n == null
            ? 1
            : n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n));
  }

  /**
   * The heap of an executor of {@code master}: this JVM's when the executor is the driver's JVM,
   * else {@code spark.executor.memory}, read as Spark reads it (a number without a unit is MiB).
   */
  public static long executorHeap(String master, SparkConf conf) {
    return localThreads(master).isPresent()
        ? Runtime.getRuntime().maxMemory()
        : conf.getSizeAsMb("spark.executor.memory", "1g") << 20;
  }

  /** The smallest and the largest page {@link #pageSize} gives. */
  static final long MIN_PAGE = 256 << 10;

  static final long MAX_PAGE = (16 << 20) - (4 << 10);

  /**
   * Spark's memory page (its map-side shuffle buffers) for an executor of {@code heap} bytes: heap
   * / 10240, from {@link #MIN_PAGE} to {@link #MAX_PAGE}, in whole KiB. That keeps a page under
   * G1's humongous threshold, half a region (regions are heap / 2048 rounded down to a power of
   * two, 1 to 32 MiB, so half a region is more than heap / 8192), and pages are ordinary young
   * objects. Spark's default (the execution pool / cores / 16: 16 MiB at -Xmx1g on 2 cores) makes
   * every page humongous, and humongous allocations start G1's concurrent marking cycles: at 100M
   * clumps 76 cycles in the read, which took 18% of the CPU (plan 0.88× wall and 0.86× CPU with 256
   * KiB pages, five pairs). A task addresses 8192 pages at most: 0.8 of the heap, more than the 0.6
   * of it Spark lends execution. A record larger than a page gets a page of its own size.
   */
  static long pageSize(long heap) {
    long page = heap / 10240 / 1024 * 1024;
    return Math.min(MAX_PAGE, Math.max(MIN_PAGE, page));
  }

  public static SparkConf apply(SparkConf conf) {
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .setIfMissing("spark.kryo.registrator", VentiKryoRegistrator.class.getName())
        .setIfMissing("spark.ui.enabled", "false")
        // The entries' shuffle has few partitions of large records. Under this threshold Spark's
        // bypass writer writes each partition to a file of its own and then copies them all into
        // one; the serialized writer it uses otherwise writes them once (10M clumps: the map
        // stage's shuffle write time 0.86 s instead of 0.22 s, the rebuild 11% faster in the job).
        .setIfMissing("spark.shuffle.sort.bypassMergeThreshold", "-1")
        // A map task writes its output through a buffer of this size, with one write(2) per
        // record when a record does not fit beside the last. At Spark's 32k, the 22 KB records of
        // Venti's largest index went one per write, and in a profile the kernel's copying and
        // zeroing of partly written file blocks took 1.75 times the own index's for the same
        // bytes (100M clumps, 64k: 3.5 s of system time instead of 5.2 s, 0.93x the wall time,
        // 10 pairs; the archive's own index, whose records fill 32k, 0.99x). 1m was 1.05x slower,
        // with more system time.
        .setIfMissing("spark.shuffle.file.buffer", "64k");
    String master = conf.get("spark.master", "local");
    conf.setIfMissing("spark.buffer.pageSize", Long.toString(pageSize(executorHeap(master, conf))));
    if (master.startsWith("local")) { // local-cluster too: the shuffle stays on this machine
      conf.setIfMissing("spark.driver.host", "127.0.0.1")
          .setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      // The shuffle never leaves the machine, and entries (random scores) shrink by only a quarter:
      // compressing costs more CPU than the disk time it saves (10M clumps: 4.3 s instead of 4.5
      // s).
      conf.setIfMissing("spark.shuffle.compress", "false");
      // Spark's shuffle checksums only diagnose a corruption that decompression found; with no
      // compression there is nothing for them to do, but they still cost an Adler-32 of every
      // shuffle byte on both sides (100M clumps: 7% of the write tasks' CPU).
      conf.setIfMissing("spark.shuffle.checksum.enabled", "false");
    }
    if (localThreads(master).isPresent()) {
      // A task's out-of-memory error fails the task instead of making Spark end the JVM (exit 52):
      // in local mode that JVM is the driver, whose exit status must say what was written.
      conf.setIfMissing("spark.executor.killOnFatalError.depth", "0");
    }
    return conf;
  }
}
