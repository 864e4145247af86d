package ventispark.job;

import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import scala.Tuple2;
import ventispark.plan.BucketRangePartitioner;
import ventispark.sort.GroupBatches;

/**
 * A write task's bucket ranges, one after another, each with its entries, from the task's share of
 * the entry shuffle, which comes sorted by range group ({@link EntryShuffle#batches()}): one
 * range's image, and one range group's batches where a group has several ranges, are in memory at a
 * time, however many ranges the task builds. Every range of the task is visited, an empty one too
 * (its buckets are written empty).
 */
public final class TaskRanges {
  private TaskRanges() {}

  /**
   * What a task does with one range and its entries: {@link GroupBatches#addTo} adds them to the
   * range's image (they are dropped if it does not).
   */
  public interface RangeWork<T> {
    T apply(int range, GroupBatches entries);
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
      private GroupBatches group;

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
        int g = part.groupOfRange(p);
        if (group == null || part.firstRangeOfGroup(g) == p) {
          boolean several = part.firstRangeOfGroup(g + 1) - p > 1;
          group = new GroupBatches(part.div(), new OfGroup(in, g), several);
        }
        T out;
        try (ImageMemory m = ImageMemory.reserve(WriteMemory.rangeBytes(plan, p))) {
          out = work.apply(p, group);
        }
        group.skipTo(part.stop(p));
        if (part.firstRangeOfGroup(g + 1) == p + 1 && !group.isEmpty()) {
          throw new IllegalStateException(
              "write task " + task + " got entries of group " + g + " outside its ranges");
        }
        if (!hasNext() && in.hasNext()) {
          throw new IllegalStateException(
              "write task "
                  + task
                  + " got entries of range group "
                  + in.peek()._1()
                  + ", which is not one of its groups");
        }
        return out;
      }
    };
  }

  /** The batches of one range group: those at the head of the sorted input with its key. */
  private static final class OfGroup implements Iterator<byte[]> {
    private final Peeking in;
    private final int group;

    OfGroup(Peeking in, int group) {
      this.in = in;
      this.group = group;
    }

    @Override
    public boolean hasNext() {
      if (!in.hasNext()) {
        return false;
      }
      int k = in.peek()._1();
      if (k < group) {
        throw new IllegalStateException(
            "entries of range group " + k + " after group " + group + "'s: not sorted");
      }
      return k == group;
    }

    @Override
    public byte[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return in.next()._2();
    }
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
