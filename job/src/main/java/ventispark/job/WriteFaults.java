package ventispark.job;

import java.util.Arrays;
import org.apache.spark.TaskContext;
import ventispark.read.IndexSection;
import ventispark.sort.BucketImage;
import ventispark.write.SectionWriter;

/**
 * Test-only fault injection, off unless the Spark local property {@link #PROPERTY} is set on the
 * thread that starts the rebuild: a comma-separated list of write partitions whose first attempt
 * writes the first half of its range, junk over the second half (a torn write), and then fails.
 * Spark retries the task; the tests prove the retry leaves the same bytes as a clean run. A staged
 * rebuild ({@link StageIndex}) tears the range's temporary file instead.
 */
final class WriteFaults {
  static final String PROPERTY = "venti.test.writeFaults";

  private WriteFaults() {}

  static void maybeFail(int partition, IndexSection section, BucketImage image) {
    if (!fires(partition)) {
      return;
    }
    byte[] b = image.bytes();
    byte[] junk = new byte[b.length - b.length / 2];
    Arrays.fill(junk, (byte) 0xA5);
    try (SectionWriter out = new SectionWriter(section.ref())) {
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

  static IllegalStateException failure(int partition) {
    return new IllegalStateException("injected fault: write partition " + partition + ", attempt 0, failed after a "
        + "torn write of its range");
  }
}
