package ventispark.sort;

import java.util.function.IntUnaryOperator;
import ventispark.plan.BucketRangePartitioner;
import ventispark.read.ClumpEntries;

/** Test access to {@link EntryBatches} with a small buffer, from other packages' tests. */
public final class EntryBatchesAccess {
  private EntryBatchesAccess() {}

  public static EntryBatches of(
      ClumpEntries entries,
      BucketRangePartitioner part,
      IntUnaryOperator fillKey,
      int bufferEntries) {
    return new EntryBatches(entries, part, fillKey, bufferEntries);
  }
}
