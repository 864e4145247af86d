package ventispark.sort;

import java.lang.ref.SoftReference;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A map task's sort buffer ({@link EntryBatches}): its entries and their sort keys, kept in the
 * executor after the task for the next one instead of allocated anew. At up to 48 MiB they are
 * humongous objects to the JVM's collector, and a new pair per map task made the largest index's
 * peak RSS 11% higher. At most one buffer per core is kept, and only softly: the collector clears
 * it before the heap runs out, so buffers left idle once the read is over cannot starve the write
 * tasks. A task that fails just leaves its buffer to the collector.
 */
record SortBuffer(byte[] entries, long[] keys, long[] partKeys) {
  private static final ConcurrentLinkedQueue<SoftReference<SortBuffer>> FREE =
      new ConcurrentLinkedQueue<>();
  private static final int MAX_FREE = Runtime.getRuntime().availableProcessors();

  /**
   * Heap bytes a buffer takes per entry: the entry, two longs of sort keys and radix room, and a
   * part's keys with their room ({@code 2 * partEntries} longs: a byte an entry in a buffer of 16
   * parts, what a buffer of {@link EntryBatches#MIN_BUFFER_ENTRIES} or more has).
   */
  static final int BYTES_PER_ENTRY = ShuffleEntry.SIZE + 2 * Long.BYTES + 1;

  /**
   * A buffer for {@code n} entries in parts of {@code partEntries}: a kept one of that size, or a
   * new one.
   */
  static SortBuffer take(int n, int partEntries) {
    for (SoftReference<SortBuffer> r; (r = FREE.poll()) != null; ) {
      SortBuffer b = r.get();
      if (b != null && b.capacity() == n && b.partKeys.length == 2 * partEntries) {
        return b;
      }
    }
    return new SortBuffer(
        new byte[n * ShuffleEntry.SIZE], new long[2 * n], new long[2 * partEntries]);
  }

  int capacity() {
    return keys.length / 2;
  }

  /** Keeps this buffer for the next task, unless enough are kept already. */
  void give() {
    if (FREE.size() < MAX_FREE) {
      FREE.add(new SoftReference<>(this));
    }
  }
}
