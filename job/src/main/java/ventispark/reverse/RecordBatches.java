package ventispark.reverse;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import scala.Tuple2;
import ventispark.format.IEntry;
import ventispark.format.Venti;

/**
 * Reverse-index records of a bucket range, batched per address range: the map side of the reverse
 * index's shuffle. Also digests the range's chunks for the index checksum.
 */
public final class RecordBatches {
  private final AddressRanges ranges;

  /** Per address range, its records so far as longs: address, then bucket, slot and zero. */
  private final long[][] out;

  private final int[] fill;
  private final IndexChecksum sum = new IndexChecksum();
  private final java.util.Map<Long, byte[]> chunkSums = new java.util.HashMap<>();

  private final int firstCapacity;

  /**
   * @param expectedRecords about how many records will be added (sizes the buffers; 0 if unknown)
   */
  public RecordBatches(AddressRanges ranges, long expectedRecords) {
    this.ranges = ranges;
    this.out = new long[ranges.numPartitions()][];
    this.fill = new int[out.length];
    long perRange = expectedRecords / out.length;
    this.firstCapacity = (int) Math.min(1 << 24, Math.max(1024, perRange + perRange / 8 + 64)) * 2;
  }

  /**
   * Adds buckets {@code [from, to)} of one section, whose blocks start at {@code blocks[0]}; {@code
   * from} must start a chunk of the section.
   *
   * @param firstChunk the ordinal of the section's first chunk
   */
  public void add(
      byte[] blocks,
      int blockSize,
      int magic,
      long from,
      long to,
      long sectionStart,
      long sectionStop,
      long firstChunk) {
    for (long bucket = from; bucket < to; bucket++) {
      int off = (int) ((bucket - from) * blockSize);
      int n = sum.bucket(blocks, off, blockSize, magic);
      for (int slot = 0; slot < n; slot++) {
        long addr = IEntry.addr(blocks, off + Venti.BUCKET_HEAD_SIZE + slot * IEntry.SIZE);
        int p = ranges.of(addr);
        if (out[p] == null || fill[p] == out[p].length) {
          out[p] =
              out[p] == null ? new long[firstCapacity] : Arrays.copyOf(out[p], out[p].length * 2);
        }
        out[p][fill[p]] = addr;
        out[p][fill[p] + 1] = ReverseIndexFile.recordTail(bucket, slot);
        fill[p] += 2;
      }
      if (IndexChecksum.endsChunk(bucket, sectionStart, sectionStop)) {
        chunkSums.put(
            firstChunk + (bucket - sectionStart) / IndexChecksum.CHUNK_BUCKETS, sum.chunk());
      }
    }
  }

  /** The digests of the chunks completed so far, by ordinal. */
  public java.util.Map<Long, byte[]> chunkSums() {
    return chunkSums;
  }

  /** Records per address range so far. */
  public long[] counts() {
    long[] c = new long[fill.length];
    for (int p = 0; p < c.length; p++) {
      c[p] = fill[p] / 2;
    }
    return c;
  }

  /** The batches, one per address range with records. */
  public List<Tuple2<Integer, byte[]>> batches() {
    List<Tuple2<Integer, byte[]>> batches = new ArrayList<>();
    for (int p = 0; p < out.length; p++) {
      if (fill[p] > 0) {
        byte[] b = new byte[fill[p] * Long.BYTES];
        ByteBuffer.wrap(b).asLongBuffer().put(out[p], 0, fill[p]); // big-endian, in bulk
        batches.add(new Tuple2<>(p, b));
      }
    }
    return batches;
  }
}
