package ventispark.job;

import java.util.ServiceLoader;
import org.apache.spark.util.LongAccumulator;
import ventispark.read.IndexSection;
import ventispark.sort.BucketImage;
import ventispark.write.PlannedFile;
import ventispark.write.StageDir;

/**
 * The points of a rebuild where a test may step in: the driver before its first write, and each
 * write (or staging) task before it writes its range. Production has no implementation, so every
 * hook does nothing; tests provide one through {@link ServiceLoader} (a {@code
 * META-INF/services/ventispark.job.WriteHooks} on the class path), which is how they tear writes,
 * lose executors and pause a run to race it, without any of that in the job itself.
 */
public interface WriteHooks {
  /**
   * The driver has planned, probed, locked and read; the last check of free space and the first
   * write are next.
   */
  default void beforeFirstWrite() {}

  /**
   * A write task is about to write range {@code partition} ({@code image}) of {@code section} into
   * {@code file}.
   */
  default void beforeRangeWrite(
      int partition,
      IndexSection section,
      PlannedFile file,
      BucketImage image,
      LongAccumulator firstWrites) {}

  /** A staging task is about to put range {@code partition} as {@code name} into {@code dir}. */
  default void beforeRangeStaged(int partition, StageDir dir, String name, byte[] bytes) {}

  /** A bloom filter task is about to write slice {@code slice} of the filter. */
  default void beforeBloomSliceWrite(int slice) {}

  /** The hooks of this JVM: the first one the class path provides, or none. */
  static WriteHooks get() {
    return Loaded.HOOKS;
  }

  /** Loaded once per JVM (driver and each executor), on first use. */
  final class Loaded {
    static final WriteHooks HOOKS =
        ServiceLoader.load(WriteHooks.class).findFirst().orElse(new WriteHooks() {});

    private Loaded() {}
  }
}
