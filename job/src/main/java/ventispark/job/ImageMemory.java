package ventispark.job;

import org.apache.spark.TaskContext;
import org.apache.spark.memory.MemoryConsumer;
import org.apache.spark.memory.MemoryMode;
import org.apache.spark.memory.TaskMemoryManager;

/**
 * A bucket range's image, counted as its task's execution memory while the task builds it. A write
 * task's input is sorted by Spark's reduce-side sort, which holds what fits of the task's entries
 * in execution memory: asking for the image's bytes makes it spill to local disk first instead of
 * sharing the heap unawares ({@link WriteMemory} checks that the images fit). Outside a task (a
 * driver-side test) it counts nothing.
 */
final class ImageMemory extends MemoryConsumer implements AutoCloseable {
  private long held;

  private ImageMemory(TaskMemoryManager m) {
    super(m, MemoryMode.ON_HEAP);
  }

  /**
   * Counts {@code bytes} for this task until {@link #close()}; Spark spills the task's sort to make
   * room.
   */
  static ImageMemory reserve(long bytes) {
    TaskContext c = TaskContext.get();
    if (c == null) {
      return null;
    }
    ImageMemory m = new ImageMemory(c.taskMemoryManager());
    // Less than asked only when other tasks hold the rest: the plan's check still bounds the
    // images.
    m.held = m.acquireMemory(bytes);
    return m;
  }

  @Override
  public long spill(long size, MemoryConsumer trigger) {
    return 0; // the image is being built: it cannot go to disk
  }

  @Override
  public void close() {
    freeMemory(held);
    held = 0;
  }
}
