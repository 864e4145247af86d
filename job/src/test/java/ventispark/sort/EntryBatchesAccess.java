package ventispark.sort;

import java.util.function.IntUnaryOperator;
import ventispark.plan.BucketRangePartitioner;
import ventispark.read.ClumpEntries;

/**
 * Test access to {@link EntryBatches} with a small buffer and a bound on dense fill counts (0: fill
 * counts per buffer, as for an index too large to count densely), from other packages' tests.
 */
public final class EntryBatchesAccess {
  private EntryBatchesAccess() {}

  public static EntryBatches of(
      ClumpEntries entries,
      BucketRangePartitioner part,
      IntUnaryOperator fillKey,
      int bufferEntries,
      long denseBuckets) {
    return new EntryBatches(entries, part, fillKey, bufferEntries, denseBuckets);
  }
}
