package ventispark.write;

import java.io.Serializable;
import ventispark.format.BloomHeader;

/**
 * How a rebuild cuts the bloom filter into slices, one shuffle partition and one task each: a slice
 * is a power of two of at most {@code -M} bytes (at least {@link #MIN_SLICE_BYTES}), and small
 * enough that every core gets one. A slice task holds one slice, so the filter's memory per task is
 * bounded by {@code -M} whatever the filter's size (8.2 allows up to 512 MiB).
 *
 * @param withCorrupt mark corrupt-type entries too, as the C checkindex does (buildindex never
 *     does)
 */
public record BloomSlicing(BloomHeader header, int sliceBytes, boolean withCorrupt)
    implements Serializable {
  /** The smallest slice, so that a small {@code -M} does not make thousands of tiny tasks. */
  static final int MIN_SLICE_BYTES = 64 << 10;

  /**
   * The slicing of {@code header}'s filter for slices of at most {@code maxSliceBytes} over {@code
   * cores} cores.
   */
  public static BloomSlicing of(
      BloomHeader header, long maxSliceBytes, int cores, boolean withCorrupt) {
    long size = header.size();
    long perCore = Long.highestOneBit(Math.max(1, size / Math.max(1, cores)));
    long cap = Long.highestOneBit(Math.max(1, maxSliceBytes));
    long slice = Math.min(size, Math.max(MIN_SLICE_BYTES, Math.min(cap, perCore)));
    return new BloomSlicing(header, (int) slice, withCorrupt);
  }

  public int slices() {
    return header.size() / sliceBytes;
  }

  /**
   * log2 of the bits of a slice: bit {@code x} of the filter is in slice {@code x >>>
   * sliceShift()}.
   */
  int sliceShift() {
    return Integer.numberOfTrailingZeros(sliceBytes) + 3;
  }
}
