package ventispark.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import ventispark.format.FormatException;
import ventispark.plan.BucketRangePartitioner;
import ventispark.plan.PartitionPlanner;
import ventispark.plan.SplitPlanner;
import ventispark.read.Archive;
import ventispark.read.ArenaSplit;
import ventispark.read.IndexSection;
import ventispark.read.PartitionRef;
import ventispark.reverse.IndexChecksum;
import ventispark.sort.ShuffleEntry;
import ventispark.write.BloomMarks;

/**
 * What a run over an archive will do, decided on the driver from the options and the loaded archive
 * alone: the sections to rebuild (or check), whether the bloom filter is included, the map-side
 * splits and the reduce-side bucket ranges. Shared by {@code buildindex}, {@code plan} and {@code
 * checkindex}, so all three read and route entries the same way.
 */
public record RebuildPlan(
    Archive archive,
    List<Integer> sections,
    boolean bloom,
    List<ArenaSplit> splits,
    BucketRangePartitioner partitioner)
    implements Serializable {

  /** Default splits hold at least this many clumps: a task costs ~15 ms to schedule and start. */
  static final long MIN_SPLIT_CLUMPS = 250_000;

  /**
   * The plan of a run over {@code archive} on {@code cores} task slots, whose read tasks may each
   * hold {@code mapTaskBytes} of shuffle output before Spark spills it ({@link
   * WriteMemory#mapTaskBytes}).
   */
  public static RebuildPlan make(
      Archive archive, BuildIndexOptions options, int cores, long mapTaskBytes) {
    List<Integer> sections = selectSections(archive, options.sections());
    boolean bloom = bloomEnabled(archive, options);
    long splitClumps =
        options.splitClumps() > 0
            ? options.splitClumps()
            : defaultSplitClumps(
                archive.clumps(), cores, mapTaskBytes, shippedPerClump(archive, bloom));
    List<ArenaSplit> splits = SplitPlanner.plan(archive, splitClumps);
    BucketRangePartitioner partitioner =
        PartitionPlanner.plan(
            archive,
            sections,
            options.partitionBytes(),
            cores,
            options.partitions(),
            options.reverseIndexDir() == null ? 1 : IndexChecksum.CHUNK_BUCKETS,
            archive.clumps() * ShuffleEntry.SIZE);
    return new RebuildPlan(archive, List.copyOf(sections), bloom, List.copyOf(splits), partitioner);
  }

  /**
   * About 8 read tasks per core, at least {@link #MIN_SPLIT_CLUMPS} clumps each, and none whose
   * shuffle output ({@code shippedPerClump} a clump) outgrows {@code mapTaskBytes}: Spark's
   * map-side sorter holds a task's whole output and spills what does not fit, then merges the
   * spills, which writes the shuffle twice (the 100M archive with a 7-hash filter, 18 tasks of 320
   * MB in shares of about 200 MB: the read took 2.4 times as long as without the filter).
   */
  static long defaultSplitClumps(long clumps, int cores, long mapTaskBytes, long shippedPerClump) {
    long byCores = clumps / (8L * cores);
    return Math.max(MIN_SPLIT_CLUMPS, Math.min(byCores, mapTaskBytes / shippedPerClump));
  }

  /**
   * Shuffle bytes a read task ships per clump: its entry and, with the bloom filter, its bit
   * positions ({@link BloomMarks#BYTES_PER_POSITION} each).
   */
  static long shippedPerClump(Archive archive, boolean bloom) {
    return ShuffleEntry.SIZE
        + (bloom ? (long) BloomMarks.BYTES_PER_POSITION * archive.bloomHeader().nhash() : 0);
  }

  /** For Spark's UI and logs: {@code 20 arenas of arenas0.img, arenas1.img in 20 read tasks}. */
  public String describeRead() {
    String parts =
        archive.partitions().stream()
            .map(p -> p.ref().display())
            .distinct()
            .collect(java.util.stream.Collectors.joining(", "));
    return String.format(
        Locale.ROOT,
        "%d arenas of %s in %d read tasks",
        archive.arenas().size(),
        parts,
        splits.size());
  }

  /** For Spark's UI and logs: {@code isect0.img, isect1.img in 10 bucket ranges}. */
  public String describeSections() {
    String names =
        sections.stream()
            .map(s -> archive.sections().get(s).ref().display())
            .collect(java.util.stream.Collectors.joining(", "));
    return names + " in " + partitioner.numPartitions() + " bucket ranges";
  }

  /** The files a rebuild writes: the rebuilt sections, and the bloom filter when included. */
  public List<PartitionRef> writtenFiles() {
    List<PartitionRef> out = new ArrayList<>();
    sections.forEach(s -> out.add(archive.sections().get(s).ref()));
    if (bloom) {
      out.add(archive.bloom());
    }
    return out;
  }

  private static List<Integer> selectSections(Archive archive, List<String> names) {
    List<Integer> out = new ArrayList<>();
    for (String name : names) {
      int found = -1;
      for (int i = 0; i < archive.sections().size(); i++) {
        if (archive.sections().get(i).name().equals(name)) {
          found = i;
        }
      }
      if (found < 0) {
        throw new FormatException(
            "-i "
                + name
                + ": no index section of that name in "
                + archive.config()
                + " (sections: "
                + archive.sections().stream().map(IndexSection::name).toList()
                + ")");
      }
      if (!out.contains(found)) {
        out.add(found);
      }
    }
    if (out.isEmpty()) {
      for (int i = 0; i < archive.sections().size(); i++) {
        out.add(i);
      }
    }
    out.sort(null);
    return out;
  }

  private static boolean bloomEnabled(Archive archive, BuildIndexOptions options) {
    if (options.bloom() && archive.bloom() == null) {
      throw new FormatException(
          "-b: " + archive.config() + " names no bloom filter (add a 'bloom FILE' line)");
    }
    return archive.bloom() != null && (options.sections().isEmpty() || options.bloom());
  }
}
