package ventispark.sort;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import scala.Tuple2;
import ventispark.format.IEntry;
import ventispark.plan.BucketRangePartitioner;
import ventispark.read.ClumpEntries;

/**
 * The map side of the shuffle: a split's entries packed back to back into batches, one open batch
 * per reduce partition, each emitted as {@code (partition, bytes)} when full and at the end. The
 * shuffle then moves a few large byte arrays instead of one record per entry; a map task holds at
 * most one batch per partition ({@link #batchBytes}).
 */
public final class EntryBatches implements Iterator<Tuple2<Integer, byte[]>> {
  /** Bytes of open batches a map task may hold in all. */
  static final int OPEN_BYTES = 32 << 20;
  /** Largest and smallest batch. */
  static final int MAX_BATCH = 1 << 20;
  static final int MIN_BATCH = 256 * IEntry.SIZE;

  private final ClumpEntries entries;
  private final BucketRangePartitioner partitioner;
  private final int batchBytes;
  private final byte[][] open;
  private final int[] fill;
  private Tuple2<Integer, byte[]> ready;
  private int drained = -1;

  public EntryBatches(ClumpEntries entries, BucketRangePartitioner partitioner) {
    this.entries = entries;
    this.partitioner = partitioner;
    this.batchBytes = batchBytes(partitioner.numPartitions());
    this.open = new byte[partitioner.numPartitions()][];
    this.fill = new int[partitioner.numPartitions()];
  }

  /** Batch size for {@code partitions} reduce partitions: a whole number of entries. */
  static int batchBytes(int partitions) {
    int b = Math.max(MIN_BATCH, Math.min(MAX_BATCH, OPEN_BYTES / Math.max(1, partitions)));
    return b - b % IEntry.SIZE;
  }

  @Override
  public boolean hasNext() {
    if (ready == null) {
      ready = drained < 0 ? fillUntilFull() : null;
      if (ready == null) {
        ready = drain();
      }
    }
    return ready != null;
  }

  @Override
  public Tuple2<Integer, byte[]> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Tuple2<Integer, byte[]> t = ready;
    ready = null;
    return t;
  }

  /** Adds entries until a batch is full (returned) or the split ends (null). */
  private Tuple2<Integer, byte[]> fillUntilFull() {
    while (entries.advance()) {
      int p = entries.partition();
      byte[] b = open[p];
      if (b == null) {
        b = open[p] = new byte[batchBytes];
      }
      System.arraycopy(entries.entry(), 0, b, fill[p], IEntry.SIZE);
      fill[p] += IEntry.SIZE;
      if (fill[p] == batchBytes) {
        open[p] = null;
        fill[p] = 0;
        return new Tuple2<>(p, b);
      }
    }
    drained = 0;
    return null;
  }

  /** After the split ends: the partly filled batches, trimmed, one per call. */
  private Tuple2<Integer, byte[]> drain() {
    while (drained >= 0 && drained < open.length) {
      int p = drained++;
      if (fill[p] > 0) {
        byte[] b = Arrays.copyOf(open[p], fill[p]);
        open[p] = null;
        return new Tuple2<>(p, b);
      }
    }
    return null;
  }
}
