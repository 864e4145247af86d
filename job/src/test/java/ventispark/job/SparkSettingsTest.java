package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import ventispark.job.spark.SparkSettings;
import ventispark.testing.LocalSpark;

/**
 * In local mode, where the executor is the driver, a task's fatal error fails the job: it does not
 * end the JVM. Spark's memory pages stay below G1's humongous threshold and still cover the heap.
 */
class SparkSettingsTest {
  @Test
  void pagesAreOrdinaryObjectsOfThisJvmsG1AndCoverTheHeap() throws Exception {
    long region =
        Long.parseLong(
            java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class)
                .getVMOption("G1HeapRegionSize")
                .getValue());
    long heap = Runtime.getRuntime().maxMemory();
    SparkConf local = SparkSettings.apply(new SparkConf().set("spark.master", "local[2]"));
    long page = local.getSizeAsBytes("spark.buffer.pageSize");
    assertTrue(region > 0 && page + 16 < region / 2, page + " byte pages, " + region + " regions");
    // A task can address 8192 pages: more than the share of the heap Spark lends execution.
    assertTrue(page * 8192 >= heap * 0.6, page + " byte pages for a " + heap + " byte heap");

    // On a cluster the executors' heap decides; a user's setting wins.
    SparkConf cluster =
        SparkSettings.apply(
            new SparkConf().set("spark.master", "yarn").set("spark.executor.memory", "16g"));
    assertEquals(
        (16L << 30) / 10240 / 1024 * 1024, cluster.getSizeAsBytes("spark.buffer.pageSize"));
    // A memory without a unit is MiB, as Spark reads spark.executor.memory.
    SparkConf mib =
        SparkSettings.apply(
            new SparkConf().set("spark.master", "yarn").set("spark.executor.memory", "16384"));
    assertEquals(
        cluster.getSizeAsBytes("spark.buffer.pageSize"),
        mib.getSizeAsBytes("spark.buffer.pageSize"));
    SparkConf set =
        SparkSettings.apply(
            new SparkConf().set("spark.master", "local").set("spark.buffer.pageSize", "4m"));
    assertEquals(4 << 20, set.getSizeAsBytes("spark.buffer.pageSize"));
  }

  @Test
  void anOutOfMemoryErrorInATaskFailsTheJobAndTheDriverLivesOn() {
    JavaSparkContext sc = LocalSpark.get();
    // Without spark.executor.killOnFatalError.depth=0 Spark would call System.exit(52) here, and
    // this test's JVM would end with the build failing on it.
    SparkException e =
        assertThrows(
            SparkException.class,
            () ->
                sc.parallelize(List.of(1, 2), 2)
                    .map(
                        x -> {
                          if (x == 2) {
                            throw new OutOfMemoryError("injected: Java heap space");
                          }
                          return x;
                        })
                    .collect());
    assertTrue(
        e.getMessage().contains("java.lang.OutOfMemoryError: injected: Java heap space"),
        e.getMessage());
    // The context still works.
    assertEquals(List.of(1, 2, 3), sc.parallelize(List.of(1, 2, 3), 3).collect());
  }
}
