package ventispark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.util.LongAccumulator;
import ventispark.read.IndexSection;
import ventispark.read.PartitionRef;
import ventispark.sort.BucketImage;
import ventispark.write.PlannedFile;
import ventispark.write.SectionWriter;
import ventispark.write.StageDir;

/**
 * Torn writes and a pause before the first write, through {@link TestWriteHooks}.
 *
 * <p>{@link #PROPERTY}, a Spark local property on the thread that starts the rebuild: a
 * comma-separated list of write partitions whose first attempt writes the first half of its range,
 * junk over the second half (a torn write), and then fails. Spark retries the task; the tests prove
 * the retry leaves the same bytes as a clean run. A staged rebuild tears the range's temporary file
 * instead (half its bytes under a temporary name, what an attempt killed part-way leaves).
 *
 * <p>{@link #BEFORE_WRITE}, a system property naming a directory (in a child run: {@code
 * VENTI_SPARK_JAVA_OPTS=-Dventi.test.beforeWrite=DIR}, with {@link Launcher}, which puts the test
 * classes on the child's class path), pauses the driver between planning (and probing) and the
 * first write: it creates {@code DIR/ready} and waits for {@code DIR/go}, so a test in another
 * process can change files, or signal the run, at exactly that point.
 *
 * <p>{@link #DURING_WRITE}, a system property naming a directory (local mode only: the tasks run in
 * the driver's JVM), pauses the first attempt of write partition 0 half-way through its write: it
 * writes the first half of its range, creates {@code DIR/written} and waits until the task is
 * killed (it then fails, having written) or {@code DIR/go} exists (it then writes the whole range).
 */
public final class WriteFaults {
  public static final String PROPERTY = "venti.test.writeFaults";
  public static final String BEFORE_WRITE = "venti.test.beforeWrite";
  public static final String DURING_WRITE = "venti.test.duringWrite";
  private static final long BEFORE_WRITE_WAIT_MILLIS = 120_000;

  private WriteFaults() {}

  static void maybeFail(
      int partition,
      IndexSection section,
      PlannedFile file,
      BucketImage image,
      LongAccumulator firstWrites) {
    String during = System.getProperty(DURING_WRITE);
    if (during != null && partition == 0 && TaskContext.get().attemptNumber() == 0) {
      pauseHalfWritten(java.nio.file.Path.of(during), section, file, image, firstWrites);
    }
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

  private static void pauseHalfWritten(
      java.nio.file.Path dir,
      IndexSection section,
      PlannedFile file,
      BucketImage image,
      LongAccumulator firstWrites) {
    byte[] b = image.bytes();
    try (SectionWriter out = new SectionWriter(file, firstWrites)) {
      out.write(section.offsetOf(image.start()), b, 0, b.length / 2);
    }
    try {
      Files.writeString(dir.resolve("written"), "");
      long until = System.currentTimeMillis() + BEFORE_WRITE_WAIT_MILLIS;
      while (!Files.exists(dir.resolve("go")) && System.currentTimeMillis() < until) {
        TaskContext.get().killTaskIfInterrupted();
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      throw new TaskKilledException("interrupted half-way through its write");
    }
  }

  static void maybeTear(int partition, StageDir dir, String name, byte[] b) {
    if (!fires(partition)) {
      return;
    }
    // a temporary as StageDir names them ('.' NAME '.tmp-' ...): the next stage's cleanup must
    // remove it
    String a = PartitionRef.absolute(dir.display());
    Path d = new Path(a.startsWith("/") ? new java.io.File(a).toURI().toString() : a);
    try {
      FileSystem fs = d.getFileSystem(new Configuration());
      fs = fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
      try (FSDataOutputStream out =
          fs.create(new Path(d, "." + name + ".tmp-" + UUID.randomUUID()), false)) {
        out.write(b, 0, b.length / 2);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw failure(partition);
  }

  /**
   * Whether this is the first attempt of a listed write partition, which must tear its write and
   * fail.
   */
  static boolean fires(int partition) {
    TaskContext task = TaskContext.get();
    String listed = task == null ? null : task.getLocalProperty(PROPERTY);
    return listed != null
        && task.attemptNumber() == 0
        && Arrays.asList(listed.split(",")).contains(Integer.toString(partition));
  }

  /**
   * {@link #BLOOM_PROPERTY}, a comma-separated list of bloom slices, fails every attempt of those
   * slice tasks before they write: the sections are then rewritten and the filter is not.
   */
  public static final String BLOOM_PROPERTY = "venti.test.bloomFaults";

  static void maybeFailBloom(int slice) {
    TaskContext task = TaskContext.get();
    String listed = task == null ? null : task.getLocalProperty(BLOOM_PROPERTY);
    if (listed != null && Arrays.asList(listed.split(",")).contains(Integer.toString(slice))) {
      throw new IllegalStateException(
          "injected fault: bloom slice " + slice + " failed before its write");
    }
  }

  static IllegalStateException failure(int partition) {
    return new IllegalStateException(
        "injected fault: write partition "
            + partition
            + ", attempt 0, failed after a "
            + "torn write of its range");
  }

  /** The driver's pause before the first write, when {@link #BEFORE_WRITE} is set. */
  static void beforeWrite() {
    String dir = System.getProperty(BEFORE_WRITE);
    if (dir == null) {
      return;
    }
    try {
      Files.writeString(java.nio.file.Path.of(dir, "ready"), "");
      long until = System.currentTimeMillis() + BEFORE_WRITE_WAIT_MILLIS;
      while (!Files.exists(java.nio.file.Path.of(dir, "go"))) {
        if (System.currentTimeMillis() > until) {
          throw new IllegalStateException(
              BEFORE_WRITE + ": no " + dir + "/go within " + BEFORE_WRITE_WAIT_MILLIS + " ms");
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      // a signal's interrupt (the interrupt is not passed on: the run fails through its normal
      // path)
      throw new IllegalStateException(BEFORE_WRITE + ": interrupted", e);
    }
  }
}
