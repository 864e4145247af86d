package ventispark.write;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;
import ventispark.format.BloomBits;
import ventispark.format.BloomHeader;
import ventispark.format.Venti;
import ventispark.read.ArenaSplit;
import ventispark.read.Archive;
import ventispark.read.ClumpEntries;
import ventispark.read.HadoopConf;
import ventispark.read.PartitionReader;

/**
 * Rebuilds the bloom filter bit-identically to the C tool (FORMAT.md 8.2, 8.4): every non-corrupt
 * entry of every indexed arena is marked, whatever sections are rebuilt. Each map task marks one
 * private copy of the filter and ships it as {@link #SLICE_BYTES} slices (all-zero slices are
 * skipped); each reduce task ORs the slices of its own range and writes the range, header included,
 * positionally (or, for a staged rebuild, puts it into the stage as a file: {@link #stage}).
 * No task holds more than one copy of the filter.
 */
public final class BloomBuilder {
  /** Granularity of the shuffle and of the writes. */
  static final int SLICE_BYTES = 1 << 20;

  private BloomBuilder() {}

  /**
   * Builds the filter and writes it into {@code bloom}, the planned file of the archive's filter,
   * entering the writes in {@code ledger}; returns the number of bits set after the header.
   */
  public static long build(JavaRDD<Integer> splitIds, List<ArenaSplit> splits, int mapTasks, Archive archive,
      HadoopConf conf, PlannedFile bloom, WriteLedger ledger) {
    LongAccumulator firstWrites = ledger.firstWrites();
    RangeAction<Long> write = (first, range) -> {
      try (SectionWriter out = new SectionWriter(bloom, firstWrites)) {
        out.write(first, range, 0, range.length);
        out.flush();
      }
      return ones(range, first);
    };
    return expected(splitIds, splits, mapTasks, archive, conf, false, write,
        rdd -> ledger.writes(rdd, List.of(bloom.display()))).stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Builds the filter and puts it into a stage instead of the bloom partition, one file per reduce
   * range (header included in the first); returns the ranges, each with its bits set.
   */
  public static List<StagedRange> stage(JavaRDD<Integer> splitIds, List<ArenaSplit> splits, int mapTasks,
      Archive archive, HadoopConf conf, StageDir dir) {
    return expected(splitIds, splits, mapTasks, archive, conf, false, (first, range) -> {
      String name = StagedRange.bloomFile(first, first + range.length);
      String sha = dir.put(name, range, 0, range.length);
      return new StagedRange(name, first, first + range.length, first, range.length, sha, ones(range, first));
    });
  }

  /**
   * Compares the filter on disk with the one the arenas give, without writing; returns
   * {missing bits (expected, not on disk), spurious bits (on disk, not expected), expected bits}.
   *
   * @param withCorrupt mark corrupt-type entries too, as the C checkindex does
   */
  public static long[] check(JavaRDD<Integer> splitIds, List<ArenaSplit> splits, int mapTasks, Archive archive,
      HadoopConf conf, boolean withCorrupt) {
    List<long[]> results = expected(splitIds, splits, mapTasks, archive, conf, withCorrupt, (first, range) -> {
      byte[] disk;
      try (PartitionReader in = PartitionReader.open(archive.bloom(), conf.get())) {
        disk = in.read(first, range.length);
      }
      long missing = 0;
      long spurious = 0;
      for (int i = first == 0 ? Venti.BLOOM_HEAD_SIZE : 0; i < range.length; i++) {
        missing += Integer.bitCount(range[i] & ~disk[i] & 0xFF);
        spurious += Integer.bitCount(disk[i] & ~range[i] & 0xFF);
      }
      return new long[] {missing, spurious, ones(range, first)};
    });
    long[] sum = new long[3];
    for (long[] r : results) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += r[i];
      }
    }
    return sum;
  }

  /** What to do with one reducer's byte range of the expected filter (header included at 0). */
  interface RangeAction<R> extends java.io.Serializable {
    R apply(long first, byte[] range);
  }

  private static <R> List<R> expected(JavaRDD<Integer> splitIds, List<ArenaSplit> splits, int mapTasks,
      Archive archive, HadoopConf conf, boolean withCorrupt, RangeAction<R> action) {
    return expected(splitIds, splits, mapTasks, archive, conf, withCorrupt, action, rdd -> rdd);
  }

  /**
   * Builds the expected filter range by range and applies {@code action}; returns its results.
   * {@code mark} sees the RDD of the actions before it runs (the ledger marks writing RDDs).
   */
  private static <R> List<R> expected(JavaRDD<Integer> splitIds, List<ArenaSplit> splits, int mapTasks,
      Archive archive, HadoopConf conf, boolean withCorrupt, RangeAction<R> action,
      java.util.function.UnaryOperator<JavaRDD<R>> mark) {
    BloomHeader h = archive.bloomHeader();
    int size = h.size();
    int slice = Math.min(size, SLICE_BYTES);
    int slices = size / slice;
    int reducers = Math.max(1, Math.min(slices, mapTasks));
    JavaRDD<R> results = splitIds.coalesce(Math.max(1, mapTasks))
        .mapPartitionsToPair(it -> markedSlices(it, splits, archive, conf, h, slice, withCorrupt))
        .partitionBy(new SlicePartitioner(reducers, slices))
        .mapPartitionsWithIndex((p, it) -> {
          int first = firstSliceOf(p, reducers, slices);
          byte[] range = orRange(first, firstSliceOf(p + 1, reducers, slices), slice, it, h);
          return List.of(action.apply((long) first * slice, range)).iterator();
        }, true);
    return mark.apply(results).collect();
  }

  private static Iterator<Tuple2<Integer, byte[]>> markedSlices(Iterator<Integer> ids, List<ArenaSplit> splits,
      Archive archive, HadoopConf conf, BloomHeader h, int slice, boolean withCorrupt) {
    byte[] table = new byte[h.size()];
    while (ids.hasNext()) {
      try (ClumpEntries entries = new ClumpEntries(splits.get(ids.next()), conf.get(), archive.div(), b -> -1,
          (dir, off) -> BloomBits.mark(table, h.size(), h.nhash(), dir, off))) {
        entries.visitCorrupt(withCorrupt);
        while (entries.advance()) {
          // the visitor marks every entry
        }
      }
    }
    // Slices are copied lazily, one at a time, as the shuffle writer consumes them.
    return IntStream.range(0, h.size() / slice)
        .mapToObj(i -> new Tuple2<>(i, Arrays.copyOfRange(table, i * slice, (i + 1) * slice)))
        .filter(t -> !allZero(t._2())).iterator();
  }

  /** ORs the marked slices of slices {@code [first, last)}; the header goes in front of slice 0. */
  private static byte[] orRange(int first, int last, int slice, Iterator<Tuple2<Integer, byte[]>> it, BloomHeader h) {
    byte[] range = new byte[(last - first) * slice];
    while (it.hasNext()) {
      Tuple2<Integer, byte[]> t = it.next();
      int base = (t._1() - first) * slice;
      byte[] s = t._2();
      for (int i = 0; i < slice; i++) {
        range[base + i] |= s[i];
      }
    }
    if (first == 0) {
      System.arraycopy(h.encode(), 0, range, 0, Venti.BLOOM_HEAD_SIZE);
    }
    return range;
  }

  private static long ones(byte[] range, long first) {
    long ones = 0;
    for (int i = first == 0 ? Venti.BLOOM_HEAD_SIZE : 0; i < range.length; i++) {
      ones += Integer.bitCount(range[i] & 0xFF);
    }
    return ones;
  }

  /** The first slice {@code s} with {@code s * reducers / slices >= p}. */
  static int firstSliceOf(int p, int reducers, int slices) {
    return (int) (((long) p * slices + reducers - 1) / reducers);
  }

  /** Slice {@code s} goes to reducer {@code floor(s · reducers / slices)}: contiguous slice ranges. */
  static final class SlicePartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int reducers;
    private final int slices;

    SlicePartitioner(int reducers, int slices) {
      this.reducers = reducers;
      this.slices = slices;
    }

    @Override
    public int numPartitions() {
      return reducers;
    }

    @Override
    public int getPartition(Object key) {
      return (int) ((long) (Integer) key * reducers / slices);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SlicePartitioner other && reducers == other.reducers && slices == other.slices;
    }

    @Override
    public int hashCode() {
      return 31 * reducers + slices;
    }
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
