package ventispark.testing;

import org.apache.spark.util.LongAccumulator;
import ventispark.job.WriteHooks;
import ventispark.read.IndexSection;
import ventispark.sort.BucketImage;
import ventispark.write.PlannedFile;
import ventispark.write.StageDir;

/**
 * The tests' {@link WriteHooks}, found by {@link java.util.ServiceLoader} wherever the test classes
 * are on the class path (the tests' own JVM; a child run through {@link Launcher}; the executors of
 * {@link ClusterSpark}). Each hook does nothing unless a test asks for it: {@link WriteFaults},
 * {@link ExecutorLoss}.
 */
public final class TestWriteHooks implements WriteHooks {
  @Override
  public void beforeFirstWrite() {
    WriteFaults.beforeWrite();
  }

  @Override
  public void beforeRangeWrite(
      int partition,
      IndexSection section,
      PlannedFile file,
      BucketImage image,
      LongAccumulator firstWrites) {
    WriteFaults.maybeFail(partition, section, file, image, firstWrites);
    ExecutorLoss.maybeHalt(partition);
  }

  @Override
  public void beforeBloomSliceWrite(int slice) {
    WriteFaults.maybeFailBloom(slice);
  }

  @Override
  public void beforeRangeStaged(int partition, StageDir dir, String name, byte[] bytes) {
    WriteFaults.maybeTear(partition, dir, name, bytes);
  }
}
