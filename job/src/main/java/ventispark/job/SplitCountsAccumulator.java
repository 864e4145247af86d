package ventispark.job;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;
import ventispark.read.SplitCounts;

/**
 * Collects the per-split C counters. Keyed by split id, so a split counted twice (a retried or
 * speculative task, a recomputed stage) still counts once: the counters stay exact. The value is an
 * immutable snapshot, replaced whole under the lock: Spark's status listener reads it on its own
 * thread while tasks' updates are merged.
 */
public final class SplitCountsAccumulator
    extends AccumulatorV2<SplitCounts, Map<Integer, SplitCounts>> {
  private static final long serialVersionUID = 1L;

  private Map<Integer, SplitCounts> counts = Map.of();

  @Override
  public synchronized boolean isZero() {
    return counts.isEmpty();
  }

  @Override
  public synchronized AccumulatorV2<SplitCounts, Map<Integer, SplitCounts>> copy() {
    SplitCountsAccumulator c = new SplitCountsAccumulator();
    c.counts = counts;
    return c;
  }

  @Override
  public synchronized void reset() {
    counts = Map.of();
  }

  @Override
  public void add(SplitCounts v) {
    putAll(Map.of(v.split(), v));
  }

  @Override
  public void merge(AccumulatorV2<SplitCounts, Map<Integer, SplitCounts>> other) {
    putAll(other.value());
  }

  private synchronized void putAll(Map<Integer, SplitCounts> more) {
    HashMap<Integer, SplitCounts> next = new HashMap<>(counts);
    next.putAll(more);
    counts = Map.copyOf(next);
  }

  @Override
  public synchronized Map<Integer, SplitCounts> value() {
    return counts;
  }

  public long arenaEntries() {
    return value().values().stream().mapToLong(SplitCounts::arenaEntries).sum();
  }

  public long indexed() {
    return value().values().stream().mapToLong(SplitCounts::indexed).sum();
  }

  public long skipped() {
    return value().values().stream().mapToLong(SplitCounts::skipped).sum();
  }
}
