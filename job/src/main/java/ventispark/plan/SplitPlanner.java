package ventispark.plan;

import java.util.ArrayList;
import java.util.List;
import ventispark.read.Archive;
import ventispark.read.Arena;
import ventispark.read.ArenaSplit;
import ventispark.read.PartitionRef;

/**
 * Cuts the indexed arenas into map-side splits: each split is a contiguous run of arenas of one
 * partition holding at most about {@code targetClumps} clumps (an arena is never cut: its addresses
 * are counted back from its end). Empty arenas cost one trailer read and ride along.
 */
public final class SplitPlanner {
  private SplitPlanner() {}

  public static List<ArenaSplit> plan(Archive archive, long targetClumps) {
    List<ArenaSplit> out = new ArrayList<>();
    List<Arena> run = new ArrayList<>();
    long runClumps = 0;
    int runPartition = -1;
    for (Arena a : archive.arenas()) {
      long c = a.memStats().clumpCount();
      boolean full = !run.isEmpty() && runClumps > 0 && runClumps + c > targetClumps;
      if (a.partition() != runPartition || full) {
        flush(archive, out, run, runClumps, runPartition);
        run = new ArrayList<>();
        runClumps = 0;
        runPartition = a.partition();
      }
      run.add(a);
      runClumps += c;
    }
    flush(archive, out, run, runClumps, runPartition);
    return out;
  }

  private static void flush(
      Archive archive, List<ArenaSplit> out, List<Arena> run, long clumps, int partition) {
    if (!run.isEmpty()) {
      PartitionRef ref = archive.partitions().get(partition).ref();
      out.add(new ArenaSplit(out.size(), ref, List.copyOf(run), clumps));
    }
  }
}
