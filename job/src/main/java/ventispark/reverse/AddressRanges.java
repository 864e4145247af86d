package ventispark.reverse;

import org.apache.spark.Partitioner;
import ventispark.format.Venti;
import ventispark.read.Archive;
import ventispark.read.Arena;

/**
 * Equal slices of the index address space (the log), one reduce partition of the reverse index
 * each, so that the parts written in partition order are in log order. The shuffle key is the slice
 * number, computed by {@link #of}.
 */
public final class AddressRanges extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final long base;
  private final long end;
  private final int parts;

  private AddressRanges(long base, long end, int parts) {
    this.base = base;
    this.end = Math.max(end, base + 1);
    this.parts = parts;
  }

  public static AddressRanges of(Archive archive, int parts) {
    long end = Venti.INDEX_BASE;
    for (Arena a : archive.arenas()) {
      end = Math.max(end, a.indexStart() + a.dataSize());
    }
    return new AddressRanges(Venti.INDEX_BASE, end, Math.max(1, parts));
  }

  public int of(long addr) {
    double share = (double) (addr - base) / (end - base);
    return (int) Math.max(0, Math.min(parts - 1, (long) (share * parts)));
  }

  @Override
  public int numPartitions() {
    return parts;
  }

  @Override
  public int getPartition(Object key) {
    return (Integer) key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddressRanges r && r.base == base && r.end == end && r.parts == parts;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(base) * 31 + Long.hashCode(end) * 17 + parts;
  }
}
