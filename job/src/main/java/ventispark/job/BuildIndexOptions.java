package ventispark.job;

import java.io.Serializable;
import java.util.List;

/**
 * Options of a rebuild. Each has a documented default; the CLI flag is given in brackets.
 *
 * @param sections names of the sections to rebuild ({@code -i NAME}, repeatable); empty = all
 * @param bloom rebuild the bloom filter even when {@code -i} is given ({@code -b}); without {@code
 *     -i}, a configured bloom filter is always rebuilt, as in the C tool
 * @param partitionBytes the most index bytes (a bucket range) one write task builds in memory
 *     ({@code -M SIZE}, default {@link #DEFAULT_PARTITION_BYTES}, at most 1g): a task's memory
 * @param partitions an exact reduce partition count ({@code --partitions N}, default 0 = size by
 *     {@code partitionBytes}); at least one per rebuilt section
 * @param reverseIndexDir also write the reverse index into this directory ({@code --reverse-index
 *     DIR}, default none); write ranges are then aligned to the index checksum's chunks
 * @param dropDuplicates keep one entry per score and type, the copy with the highest address
 *     ({@code --drop-duplicates}, default off: every copy, as the C tool)
 * @param splitClumps clumps per map-side split of an arena partition ({@code --split-clumps N},
 *     default 0 = about eight splits per core for balance, at least 250,000 clumps each; arenas are
 *     never cut)
 * @param stageDir stage the rebuild in this directory, any Hadoop URI or a local path ({@code
 *     --stage DIR}, default none = write the sections in place): write tasks put their range images
 *     there and the driver a manifest; the sections (and bloom filter) are only read and not
 *     locked, and {@code venti-spark stage apply DIR CONF} writes them later on the host that owns
 *     the index disks. Not with {@code reverseIndexDir}, which is not with {@code sections}.
 */
public record BuildIndexOptions(
    List<String> sections,
    boolean bloom,
    long partitionBytes,
    int partitions,
    long splitClumps,
    String reverseIndexDir,
    boolean dropDuplicates,
    String stageDir)
    implements Serializable {

  public static final long DEFAULT_PARTITION_BYTES = 64L << 20;

  /**
   * The one place of the options that cannot go together; the command line reports them as usage
   * errors (exit 2), before anything is read.
   *
   * @throws IllegalArgumentException naming the options and what to run instead
   */
  public BuildIndexOptions {
    if (stageDir != null && reverseIndexDir != null) {
      throw new IllegalArgumentException(
          "--stage and --reverse-index cannot go together: the reverse index is made"
              + " from the written index (after stage apply, run: venti-spark reverse build DIR CONF)");
    }
    if (reverseIndexDir != null && !sections.isEmpty()) {
      throw new IllegalArgumentException(
          "--reverse-index cannot go with -i: the reverse index covers the whole"
              + " index (rebuild the sections, then run: venti-spark reverse build DIR CONF)");
    }
  }

  /** Options without a reverse index. */
  public BuildIndexOptions(
      List<String> sections, boolean bloom, long partitionBytes, int partitions, long splitClumps) {
    this(sections, bloom, partitionBytes, partitions, splitClumps, null, false);
  }

  /** Options that write in place (no stage). */
  public BuildIndexOptions(
      List<String> sections,
      boolean bloom,
      long partitionBytes,
      int partitions,
      long splitClumps,
      String reverseIndexDir,
      boolean dropDuplicates) {
    this(
        sections,
        bloom,
        partitionBytes,
        partitions,
        splitClumps,
        reverseIndexDir,
        dropDuplicates,
        null);
  }

  /** These options, staged in {@code dir} (null: in place). */
  public BuildIndexOptions withStage(String dir) {
    return new BuildIndexOptions(
        sections,
        bloom,
        partitionBytes,
        partitions,
        splitClumps,
        reverseIndexDir,
        dropDuplicates,
        dir);
  }

  public static BuildIndexOptions defaults() {
    return new BuildIndexOptions(List.of(), false, DEFAULT_PARTITION_BYTES, 0, 0);
  }
}
