package ventispark.read;

import java.io.Serializable;
import java.util.List;

/**
 * A unit of map-side work: a contiguous run of arenas of one arena partition. Large partitions are
 * cut into several splits so that read parallelism is not capped by the number of disks.
 *
 * @param id position in the plan, used to count each split exactly once
 * @param clumps Σ memstats.clumps of its arenas
 */
public record ArenaSplit(int id, PartitionRef partition, List<Arena> arenas, long clumps)
    implements Serializable {

  public String describe() {
    String first = arenas.get(0).name();
    String last = arenas.get(arenas.size() - 1).name();
    return partition.display() + " [" + (first.equals(last) ? first : first + ".." + last) + "]";
  }
}
