package ventispark.format;

import java.io.Serializable;

/**
 * The index's {@code div} as a reciprocal: {@link #bucket} is {@code floor(hash32 / div)}, the
 * global bucket of a hash ({@link Bucket#of}), by a multiply instead of a 64-bit division, which
 * costs tens of cycles per entry on the hot paths (routing every entry on the map side, placing it
 * on the reduce side).
 *
 * <p>With {@code m = floor((2^64 - 1) / div) + 1}, {@code m = 2^64 / div + e} for some
 * {@code 0 <= e <= 1}, so {@code hash * m / 2^64 = hash / div + hash * e / 2^64}; the error is
 * below {@code 2^-32 <= 1 / div} for every hash below {@code 2^32}, too small to carry the
 * quotient past the next integer. For {@code div >= 3}, {@code m < 2^63}: a signed high multiply of
 * two non-negative numbers. The few others (below 3, or above 2^32, an index of one bucket) divide.
 */
public final class IndexDiv implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long div;
  private final long magic;

  public IndexDiv(long div) {
    if (div < 1) {
      throw new IllegalArgumentException("div " + div + " is not positive");
    }
    this.div = div;
    this.magic = div < 3 || div > 1L << 32 ? 0 : Long.divideUnsigned(-1L, div) + 1;
  }

  /** {@code floor(hash32 / div)} for {@code 0 <= hash32 < 2^32}. */
  public long bucket(long hash32) {
    return magic == 0 ? hash32 / div : Math.multiplyHigh(hash32, magic);
  }
}
