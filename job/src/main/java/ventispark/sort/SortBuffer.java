package ventispark.sort;

import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.unsafe.array.LongArray;
import org.apache.spark.unsafe.memory.MemoryBlock;

/**
 * A map task's sort buffer ({@link EntryBatches}): its entries and their sort keys, kept in the
 * executor after the task for the next one instead of allocated anew. At up to 24 MiB they are
 * humongous objects to the JVM's collector, and a new pair per map task (hundreds of them in a
 * large rebuild) made the heap, and so the process, grow by half again at the largest index's
 * geometry. At most one buffer per core is kept; a task that fails just leaves its buffer to the
 * collector.
 */
record SortBuffer(byte[] entries, long[] keys, LongArray radix) {
  private static final ConcurrentLinkedQueue<SortBuffer> FREE = new ConcurrentLinkedQueue<>();
  private static final int MAX_FREE = Runtime.getRuntime().availableProcessors();

  /** A buffer for {@code n} entries: a kept one of that size, or a new one. */
  static SortBuffer take(int n) {
    for (SortBuffer b; (b = FREE.poll()) != null; ) {
      if (b.capacity() == n) {
        return b;
      }
    }
    long[] keys = new long[2 * n];
    return new SortBuffer(
        new byte[n * ShuffleEntry.SIZE], keys, new LongArray(MemoryBlock.fromLongArray(keys)));
  }

  int capacity() {
    return keys.length / 2;
  }

  /** Keeps this buffer for the next task, unless enough are kept already. */
  void give() {
    if (FREE.size() < MAX_FREE) {
      FREE.add(this);
    }
  }
}
