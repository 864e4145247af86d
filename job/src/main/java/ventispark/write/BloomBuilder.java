package ventispark.write;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.LongAccumulator;
import ventispark.format.Bytes;
import ventispark.format.Venti;
import ventispark.read.HadoopConf;
import ventispark.read.PartitionReader;
import ventispark.read.PartitionRef;

/**
 * Rebuilds the bloom filter bit-identically to the C tool (FORMAT.md 8.2, 8.4) from the one read of
 * the arenas: the map tasks of the entry shuffle mark every non-corrupt entry of every indexed
 * arena, whatever sections are rebuilt, and ship the bits to the filter's slices ({@link
 * BloomMarks}, {@link BloomSlicing}); each slice task ORs its slice's records and writes the slice,
 * header included in slice 0, positionally (or, for a staged rebuild, puts it into the stage as a
 * file: {@link #stage}). A task holds its slice and at most as many bytes of records ({@link
 * BloomMarks#orAll}): {@link #MEMORY_COPIES} slices.
 */
public final class BloomBuilder {
  /**
   * A slice task's memory, in slices: the slice and the records it holds to OR them a window at a
   * time.
   */
  public static final int MEMORY_COPIES = 2;

  private BloomBuilder() {}

  /** Called by each slice task before its first write (tests inject faults here); serializable. */
  public interface SliceHook extends java.io.Serializable {
    void beforeWrite(int slice);
  }

  /**
   * Builds the filter from {@code records} (partition {@code s}: the records of slice {@code s})
   * and writes it into {@code bloom}, the planned file of the archive's filter, entering the writes
   * in {@code ledger}; returns the number of bits set after the header.
   */
  public static long build(
      JavaRDD<byte[]> records,
      BloomSlicing slicing,
      PlannedFile bloom,
      WriteLedger ledger,
      SliceHook hook) {
    LongAccumulator firstWrites = ledger.firstWrites();
    RangeAction<Long> write =
        (s, first, range, ones) -> {
          hook.beforeWrite(s);
          try (SectionWriter out = new SectionWriter(bloom, firstWrites)) {
            out.write(first, range, 0, range.length);
            out.flush();
          }
          return ones;
        };
    return ledger
        .writes(slices(records, slicing, write), List.of(bloom.display()))
        .collect()
        .stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  /**
   * Builds the filter and puts it into a stage instead of the bloom partition, one file per slice
   * (header included in the first); returns the slices, each with its bits set.
   */
  public static List<StagedRange> stage(
      JavaRDD<byte[]> records, BloomSlicing slicing, StageDir dir) {
    return slices(
            records,
            slicing,
            (s, first, range, ones) -> {
              String name = StagedRange.bloomFile(first, first + range.length);
              String sha = dir.put(name, range, 0, range.length);
              return new StagedRange(
                  name, first, first + range.length, first, range.length, sha, ones);
            })
        .collect();
  }

  /**
   * Compares the filter on disk with the one the arenas give, without writing; returns {missing
   * bits (expected, not on disk), spurious bits (on disk, not expected), expected bits}.
   */
  public static long[] check(
      JavaRDD<byte[]> records, BloomSlicing slicing, PartitionRef bloom, HadoopConf conf) {
    List<long[]> results =
        slices(
                records,
                slicing,
                (s, first, range, ones) -> {
                  byte[] disk;
                  try (PartitionReader in = PartitionReader.open(bloom, conf.get())) {
                    disk = in.read(first, range.length);
                  }
                  long missing = 0;
                  long spurious = 0;
                  for (int i = first == 0 ? Venti.BLOOM_HEAD_SIZE : 0; i < range.length; i++) {
                    missing += Integer.bitCount(range[i] & ~disk[i] & 0xFF);
                    spurious += Integer.bitCount(disk[i] & ~range[i] & 0xFF);
                  }
                  return new long[] {missing, spurious, ones};
                })
            .collect();
    long[] sum = new long[3];
    for (long[] r : results) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += r[i];
      }
    }
    return sum;
  }

  /**
   * What to do with slice {@code s} of the expected filter, its bytes from {@code first} (header
   * included at 0) with {@code ones} bits set past the header.
   */
  interface RangeAction<R> extends java.io.Serializable {
    R apply(int s, long first, byte[] range, long ones);
  }

  /** Each slice built from its records, and {@code action}'s result of it. */
  private static <R> JavaRDD<R> slices(
      JavaRDD<byte[]> records, BloomSlicing slicing, RangeAction<R> action) {
    if (records.getNumPartitions() != slicing.slices()) {
      throw new IllegalStateException(
          records.getNumPartitions() + " bloom partitions for " + slicing.slices() + " slices");
    }
    return records.mapPartitionsWithIndex(
        (s, it) -> {
          byte[] slice = new byte[slicing.sliceBytes()];
          long ones = BloomMarks.orAll(slice, it, slicing.sliceBytes());
          if (s == 0) {
            // the header's bytes are not the table's: their bits are not counted
            ones -= Bytes.bitCount(slice, 0, Venti.BLOOM_HEAD_SIZE);
            System.arraycopy(slicing.header().encode(), 0, slice, 0, Venti.BLOOM_HEAD_SIZE);
          }
          return List.of(action.apply(s, (long) s * slicing.sliceBytes(), slice, ones)).iterator();
        },
        true);
  }
}
