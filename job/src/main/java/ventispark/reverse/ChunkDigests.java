package ventispark.reverse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * The index checksum's chunk digests, gathered from the tasks that read the index. Keyed by chunk
 * number: a retried or speculative task adds the same digest again, which changes nothing.
 */
public final class ChunkDigests extends AccumulatorV2<Map<Long, byte[]>, Map<Long, byte[]>> {
  private static final long serialVersionUID = 1L;
  private final TreeMap<Long, byte[]> digests = new TreeMap<>();

  @Override
  public boolean isZero() {
    return digests.isEmpty();
  }

  @Override
  public AccumulatorV2<Map<Long, byte[]>, Map<Long, byte[]>> copy() {
    ChunkDigests c = new ChunkDigests();
    synchronized (this) {
      c.digests.putAll(digests);
    }
    return c;
  }

  @Override
  public synchronized void reset() {
    digests.clear();
  }

  @Override
  public synchronized void add(Map<Long, byte[]> v) {
    digests.putAll(v);
  }

  @Override
  public synchronized void merge(AccumulatorV2<Map<Long, byte[]>, Map<Long, byte[]>> other) {
    digests.putAll(other.value());
  }

  @Override
  public synchronized Map<Long, byte[]> value() {
    // a snapshot: Spark's status listener reads it on its own thread; the digests are never changed
    return Collections.unmodifiableSortedMap(new TreeMap<>(digests));
  }

  /** Every chunk's digest in order; fails if one is missing. */
  public List<byte[]> inOrder(long chunks) {
    Map<Long, byte[]> v = value();
    List<byte[]> out = new ArrayList<>();
    for (long k = 0; k < chunks; k++) {
      byte[] d = v.get(k);
      if (d == null) {
        throw new IllegalStateException("no digest for index chunk " + k + " of " + chunks);
      }
      out.add(d);
    }
    return out;
  }
}
