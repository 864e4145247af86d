package ventispark.reverse;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;

/**
 * Records per address range, as counted by the tasks that made them, keyed by task partition: a
 * retried or speculative task reports the same counts again, which changes nothing. The driver sums
 * them into the offset of every range in the file before any range is written.
 */
public final class RangeCounts extends AccumulatorV2<Map<Integer, long[]>, Map<Integer, long[]>> {
  private static final long serialVersionUID = 1L;
  private final HashMap<Integer, long[]> byTask = new HashMap<>();

  @Override
  public boolean isZero() {
    return byTask.isEmpty();
  }

  @Override
  public AccumulatorV2<Map<Integer, long[]>, Map<Integer, long[]>> copy() {
    RangeCounts c = new RangeCounts();
    synchronized (this) {
      c.byTask.putAll(byTask);
    }
    return c;
  }

  @Override
  public synchronized void reset() {
    byTask.clear();
  }

  @Override
  public synchronized void add(Map<Integer, long[]> v) {
    byTask.putAll(v);
  }

  @Override
  public synchronized void merge(AccumulatorV2<Map<Integer, long[]>, Map<Integer, long[]>> other) {
    byTask.putAll(other.value());
  }

  @Override
  public synchronized Map<Integer, long[]> value() {
    // a snapshot: Spark's status listener reads it on its own thread; the counts are never changed
    return Map.copyOf(byTask);
  }

  /** Records per range, over every task. */
  public long[] totals(int ranges) {
    long[] t = new long[ranges];
    for (long[] c : value().values()) {
      for (int i = 0; i < ranges; i++) {
        t[i] += c[i];
      }
    }
    return t;
  }
}
