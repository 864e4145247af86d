package ventispark.job;

import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import scala.Tuple2;
import ventispark.plan.BucketRangePartitioner;

/**
 * A write task's bucket ranges, one after another, each with its batches, from the task's share of
 * the entry shuffle, which comes sorted by range ({@link EntryShuffle#batches()}): one range is in
 * memory at a time, however many the task builds. Every range of the task is visited, an empty one
 * too (its buckets are written empty).
 */
public final class TaskRanges {
  private TaskRanges() {}

  /** What a task does with one range and its batches. */
  public interface RangeWork<T> {
    T apply(int range, Iterator<byte[]> batches);
  }

  /**
   * The results of {@code work} on each range of write task {@code task}, computed as they are
   * asked for.
   */
  public static <T> Iterator<T> map(
      RebuildPlan plan, int task, Iterator<Tuple2<Integer, byte[]>> sorted, RangeWork<T> work) {
    BucketRangePartitioner part = plan.partitioner();
    Peeking in = new Peeking(sorted);
    return new Iterator<>() {
      private int range = part.firstRange(task);

      @Override
      public boolean hasNext() {
        return range < part.firstRange(task + 1);
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int p = range++;
        OfRange batches = new OfRange(in, p);
        T out;
        try (ImageMemory m = ImageMemory.reserve(WriteMemory.rangeBytes(plan, p))) {
          out = work.apply(p, batches);
        }
        while (batches.hasNext()) {
          batches.next();
        }
        if (!hasNext() && in.hasNext()) {
          throw new IllegalStateException(
              "write task "
                  + task
                  + " got entries of range "
                  + in.peek()._1()
                  + ", which is not one of its ranges");
        }
        return out;
      }
    };
  }

  /**
   * The concatenated results of {@code work} on each range of write task {@code task}, a range at a
   * time.
   */
  public static <T> Iterator<T> flatMap(
      RebuildPlan plan,
      int task,
      Iterator<Tuple2<Integer, byte[]>> sorted,
      RangeWork<Iterator<T>> work) {
    Iterator<Iterator<T>> each = map(plan, task, sorted, work);
    return new Iterator<>() {
      private Iterator<T> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && each.hasNext()) {
          current = each.next();
        }
        return current.hasNext();
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** The batches of one range: those at the head of the sorted input with its key. */
  private static final class OfRange implements Iterator<byte[]> {
    private final Peeking in;
    private final int range;

    OfRange(Peeking in, int range) {
      this.in = in;
      this.range = range;
    }

    @Override
    public boolean hasNext() {
      if (!in.hasNext()) {
        return false;
      }
      int k = in.peek()._1();
      if (k < range) {
        throw new IllegalStateException(
            "entries of range " + k + " after range " + range + "'s: not sorted");
      }
      return k == range;
    }

    @Override
    public byte[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return in.next()._2();
    }
  }

  private static final class Peeking implements Iterator<Tuple2<Integer, byte[]>> {
    private final Iterator<Tuple2<Integer, byte[]>> in;
    private Tuple2<Integer, byte[]> head;

    Peeking(Iterator<Tuple2<Integer, byte[]>> in) {
      this.in = in;
    }

    Tuple2<Integer, byte[]> peek() {
      if (head == null) {
        head = in.next();
      }
      return head;
    }

    @Override
    public boolean hasNext() {
      return head != null || in.hasNext();
    }

    @Override
    public Tuple2<Integer, byte[]> next() {
      Tuple2<Integer, byte[]> h = peek();
      head = null;
      return h;
    }
  }
}
