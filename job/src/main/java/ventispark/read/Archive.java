package ventispark.read;

import java.io.Serializable;
import java.util.List;
import ventispark.format.BloomHeader;

/**
 * Everything a rebuild needs to know before reading clump directories: the arena partitions and
 * their arenas (those in the index's arena map carry their index start), the index geometry, and
 * the bloom filter header. Immutable and small: it is shipped to executors.
 *
 * @param arenas the arenas of the index's arena map, in map order (the order of the log)
 * @param buckets total global buckets ({@code stop} of the last section)
 * @param div the bucket divisor, ceil(2^32 / buckets)
 * @param bloom the bloom partition, or null
 */
public record Archive(
    String config,
    String indexName,
    List<ArenaPartition> partitions,
    List<Arena> arenas,
    List<IndexSection> sections,
    int blockSize,
    long buckets,
    long div,
    PartitionRef bloom,
    BloomHeader bloomHeader)
    implements Serializable {

  /** Σ memstats.clumps over the indexed arenas: the directory entries a rebuild reads. */
  public long clumps() {
    return arenas.stream().mapToLong(a -> a.memStats().clumpCount()).sum();
  }

  /** Index of the section holding global bucket {@code b}: the last with start ≤ b. */
  public int sectionOf(long b) {
    int lo = 0;
    int hi = sections.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (sections.get(mid).header().start() <= b) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
