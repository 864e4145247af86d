package ventispark.job;

import java.util.Arrays;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.util.LongAccumulator;
import ventispark.read.IndexSection;
import ventispark.sort.BucketImage;
import ventispark.write.PlannedFile;
import ventispark.write.SectionWriter;

/**
 * Test-only fault injection, off unless the Spark local property {@link #PROPERTY} is set on the
 * thread that starts the rebuild: a comma-separated list of write partitions whose first attempt
 * writes the first half of its range, junk over the second half (a torn write), and then fails.
 * Spark retries the task; the tests prove the retry leaves the same bytes as a clean run. A staged
 * rebuild ({@link StageIndex}) tears the range's temporary file instead.
 *
 * <p>{@link #BEFORE_WRITE}, a system property naming a directory, pauses the driver between
 * planning (and probing) and the first write: it creates {@code DIR/ready} and waits for
 * {@code DIR/go}, so a test in another process can change files at exactly that point.
 */
final class WriteFaults {
  static final String PROPERTY = "venti.test.writeFaults";
  static final String BEFORE_WRITE = "venti.test.beforeWrite";
  private static final long BEFORE_WRITE_WAIT_MILLIS = 120_000;

  private WriteFaults() {}

  static void maybeFail(int partition, IndexSection section, PlannedFile file, BucketImage image,
      LongAccumulator firstWrites) {
    if (!fires(partition)) {
      return;
    }
    byte[] b = image.bytes();
    byte[] junk = new byte[b.length - b.length / 2];
    Arrays.fill(junk, (byte) 0xA5);
    try (SectionWriter out = new SectionWriter(file, firstWrites)) {
      long at = section.offsetOf(image.start());
      out.write(at, b, 0, b.length / 2);
      out.write(at + b.length / 2, junk, 0, junk.length);
    }
    throw failure(partition);
  }

  /** Whether this is the first attempt of a listed write partition, which must tear its write and fail. */
  static boolean fires(int partition) {
    TaskContext task = TaskContext.get();
    String listed = task == null ? null : task.getLocalProperty(PROPERTY);
    return listed != null && task.attemptNumber() == 0
        && Arrays.asList(listed.split(",")).contains(Integer.toString(partition));
  }

  /**
   * {@link #BLOOM_PROPERTY}, a comma-separated list of bloom slices, fails every attempt of those
   * slice tasks before they write: the sections are then rewritten and the filter is not.
   */
  static final String BLOOM_PROPERTY = "venti.test.bloomFaults";

  static void maybeFailBloom(int slice) {
    TaskContext task = TaskContext.get();
    String listed = task == null ? null : task.getLocalProperty(BLOOM_PROPERTY);
    if (listed != null && Arrays.asList(listed.split(",")).contains(Integer.toString(slice))) {
      throw new IllegalStateException("injected fault: bloom slice " + slice + " failed before its write");
    }
  }

  static IllegalStateException failure(int partition) {
    return new IllegalStateException("injected fault: write partition " + partition + ", attempt 0, failed after a "
        + "torn write of its range");
  }

  /** The driver's pause before the first write, when {@link #BEFORE_WRITE} is set (tests only). */
  static void beforeWrite() {
    String dir = System.getProperty(BEFORE_WRITE);
    if (dir == null) {
      return;
    }
    try {
      Files.writeString(Path.of(dir, "ready"), "");
      long until = System.currentTimeMillis() + BEFORE_WRITE_WAIT_MILLIS;
      while (!Files.exists(Path.of(dir, "go"))) {
        if (System.currentTimeMillis() > until) {
          throw new IllegalStateException(BEFORE_WRITE + ": no " + dir + "/go within " + BEFORE_WRITE_WAIT_MILLIS + " ms");
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
