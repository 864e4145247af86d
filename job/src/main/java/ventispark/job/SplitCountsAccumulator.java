package ventispark.job;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;
import ventispark.read.SplitCounts;

/**
 * Collects the per-split C counters. Keyed by split id, so a split counted twice (a retried or
 * speculative task, a recomputed stage) still counts once: the counters stay exact.
 */
public final class SplitCountsAccumulator extends AccumulatorV2<SplitCounts, Map<Integer, SplitCounts>> {
  private static final long serialVersionUID = 1L;

  private final HashMap<Integer, SplitCounts> counts = new HashMap<>();

  @Override
  public boolean isZero() {
    return counts.isEmpty();
  }

  @Override
  public AccumulatorV2<SplitCounts, Map<Integer, SplitCounts>> copy() {
    SplitCountsAccumulator c = new SplitCountsAccumulator();
    c.counts.putAll(counts);
    return c;
  }

  @Override
  public void reset() {
    counts.clear();
  }

  @Override
  public void add(SplitCounts v) {
    counts.put(v.split(), v);
  }

  @Override
  public void merge(AccumulatorV2<SplitCounts, Map<Integer, SplitCounts>> other) {
    counts.putAll(other.value());
  }

  @Override
  public Map<Integer, SplitCounts> value() {
    return counts;
  }

  public long arenaEntries() {
    return counts.values().stream().mapToLong(SplitCounts::arenaEntries).sum();
  }

  public long indexed() {
    return counts.values().stream().mapToLong(SplitCounts::indexed).sum();
  }

  public long skipped() {
    return counts.values().stream().mapToLong(SplitCounts::skipped).sum();
  }
}
