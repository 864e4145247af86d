package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import ventispark.testing.LocalSpark;

/**
 * In local mode, where the executor is the driver, a task's fatal error fails the job: it does not
 * end the JVM.
 */
class SparkSettingsTest {
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
