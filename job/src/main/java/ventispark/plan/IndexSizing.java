package ventispark.plan;

import java.util.Locale;
import ventispark.format.Bucket;
import ventispark.format.ISectLayout;
import ventispark.format.Venti;

/**
 * How full the buckets of an index geometry get, and the smallest geometry whose buckets overflow
 * only with a target probability. A rebuild fails when one bucket receives more entries than it
 * holds ({@code (blocksize − 6) / 38}, FORMAT.md 7.3), so the question for new disks is not the
 * mean fill but the fullest of many buckets.
 *
 * <p>Model. Scores are SHA-1 hashes, so their top 32 bits are uniform. A geometry is what fmtisect
 * and fmtindex make of {@code sections} equal sections (FORMAT.md 7.2, 6.2): {@code B} buckets and
 * divisor {@code div}; every bucket but the last covers {@code div} of the 2^32 hash values, the
 * last covers the rest (FORMAT.md 6.4). A bucket's fill is Binomial(n, share), approximated by
 * Poisson(λ = n·share). Buckets are taken as independent, so
 *
 * <pre>
 * P(any bucket overflows) = 1 − Π_b (1 − P(X_b > capacity))
 * E[fullest bucket]       = Σ_{k ≥ 0} P(max_b X_b > k) = Σ_k (1 − Π_b P(X_b ≤ k))
 * </pre>
 *
 * both evaluated in log space (log1p/expm1, tails as series relative to their first term) so that
 * probabilities far below 10^−308 stay exact; they are reported as base-10 logarithms. The model
 * errs on the safe side where it matters: above the mean a Poisson tail is heavier than the
 * binomial one, and for small probabilities the formula equals the union bound, which bounds the
 * real (multinomial) probability from above.
 *
 * <p>Spark-free and pure: used by {@code venti-spark size} and usable by any planner.
 */
public final class IndexSizing {
  private IndexSizing() {}

  /** Bucket size of a new index when none is asked for (fmtisect's). */
  public static final int DEFAULT_BLOCK_SIZE = ISectLayout.DEFAULT_BLOCK_SIZE;

  /** Sections of a new index when none is asked for. */
  public static final int DEFAULT_SECTIONS = 1;

  /** Accepted probability that some bucket overflows when the index is rebuilt. */
  public static final double DEFAULT_MAX_OVERFLOW = 1e-6;

  /** Headroom for clumps the arenas will gain: entries planned = clumps × growth. */
  public static final double DEFAULT_GROWTH = 1.0;

  /** Most buckets any index has: fmtindex never uses a divisor below 100 (FORMAT.md 6.2). */
  public static final long MAX_BUCKETS = Venti.MAX_BUCKETS;

  private static final double TWO32 = 4294967296.0;
  private static final double LN10 = Math.log(10);

  /**
   * An index geometry as fmtisect and fmtindex make it from equal sections.
   *
   * @param blocksPerSection bucket blocks in each section (fmtisect's {@code blocks})
   * @param buckets buckets the index uses ({@code ub} of FORMAT.md 6.2, at most the blocks)
   * @param div the bucket divisor; every bucket but the last covers {@code div} hash values
   */
  public record Geometry(
      int blockSize, int sections, long blocksPerSection, long buckets, long div) {
    /** Bytes of each section: header area, config table and bucket blocks. */
    public long sectionSize() {
      return ISectLayout.sizeFor(blocksPerSection, blockSize);
    }

    public int capacity() {
      return Bucket.capacity(blockSize);
    }

    /** Hash values of the last bucket: 2^32 − (buckets − 1)·div, between 1 and div. */
    public long lastBucketShare() {
      return (1L << 32) - (buckets - 1) * div;
    }
  }

  /** The geometry of {@code sections} sections of {@code sectionSize} bytes each. */
  public static Geometry ofSectionSize(int blockSize, int sections, long sectionSize) {
    long blocks = ISectLayout.blocks(sectionSize, blockSize);
    if (blocks <= 0) {
      throw new IllegalArgumentException(
          "a section of "
              + sectionSize
              + " bytes holds no buckets of "
              + blockSize
              + " bytes (at least "
              + ISectLayout.sizeFor(1, blockSize)
              + " bytes)");
    }
    return ofBlocks(blockSize, sections, blocks);
  }

  /**
   * The geometry fmtindex makes of {@code sections} sections of {@code blocksPerSection} blocks
   * (6.2 steps 2–4).
   */
  public static Geometry ofBlocks(int blockSize, int sections, long blocksPerSection) {
    if (sections < 1 || blocksPerSection < 1) {
      throw new IllegalArgumentException("an index needs at least one section and one bucket");
    }
    long nb = Math.min((long) sections * blocksPerSection, 0xFFFFFFFFL);
    long div = Math.max(100, Bucket.divisor(nb));
    return new Geometry(blockSize, sections, blocksPerSection, 0xFFFFFFFFL / div + 1, div);
  }

  /**
   * How {@code entries} index entries fill a geometry.
   *
   * @param meanFill entries per bucket
   * @param expectedMax expected entries in the fullest bucket, E[max_b X_b]
   * @param log10Overflow log10 of P(any bucket overflows); −Infinity when no entries
   */
  public record Fill(
      long entries, Geometry geometry, double meanFill, double expectedMax, double log10Overflow) {
    public int capacity() {
      return geometry.capacity();
    }

    /** Whether P(any bucket overflows) ≤ {@code maxOverflow}. */
    public boolean meets(double maxOverflow) {
      return log10Overflow <= Math.log10(maxOverflow);
    }

    /** P(any bucket overflows) as a double (0 when below 10^−308: use {@link #log10Overflow}). */
    public double overflowProbability() {
      return Math.pow(10, log10Overflow);
    }
  }

  public static Fill fill(long entries, Geometry g) {
    double lambda = entries * (g.div() / TWO32);
    double lambdaLast = entries * (g.lastBucketShare() / TWO32);
    long others = g.buckets() - 1;
    double lnAny =
        lnAnyExceeds(
            others, lnPoissonTail(lambda, g.capacity()), lnPoissonTail(lambdaLast, g.capacity()));
    return new Fill(
        entries,
        g,
        (double) entries / g.buckets(),
        expectedMax(others, lambda, lambdaLast),
        lnAny / LN10);
  }

  /**
   * The smallest sections (whole blocks, equal for every section) whose index holds {@code entries}
   * with P(any bucket overflows) ≤ {@code maxOverflow}.
   *
   * @throws IllegalArgumentException if not even the largest index of this bucket size does
   */
  public static Geometry recommend(long entries, int blockSize, int sections, double maxOverflow) {
    double lnTarget = Math.log(maxOverflow);
    long hi = MAX_BUCKETS / sections;
    if (lnOverflow(entries, ofBlocks(blockSize, sections, hi)) > lnTarget) {
      throw new IllegalArgumentException(
          "even the largest index ("
              + MAX_BUCKETS
              + " buckets of "
              + blockSize
              + " bytes) overflows with probability above "
              + maxOverflow
              + " for "
              + entries
              + " entries");
    }
    long lo = 1;
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      if (lnOverflow(entries, ofBlocks(blockSize, sections, mid)) <= lnTarget) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return ofBlocks(blockSize, sections, lo);
  }

  /**
   * The most entries the largest index of {@code blockSize} buckets ({@link #MAX_BUCKETS}) holds
   * with P(any bucket overflows) ≤ {@code maxOverflow}: an archive with more needs more than one
   * index.
   */
  public static long maxEntries(int blockSize, double maxOverflow) {
    Geometry largest = ofBlocks(blockSize, 1, MAX_BUCKETS);
    double lnTarget = Math.log(maxOverflow);
    long lo = 0;
    long hi = largest.buckets() * largest.capacity();
    while (lo < hi) {
      long mid = lo + (hi - lo + 1) / 2;
      if (lnOverflow(mid, largest) <= lnTarget) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** ln P(any bucket overflows) without the (slower) expected maximum. */
  static double lnOverflow(long entries, Geometry g) {
    double lambda = entries * (g.div() / TWO32);
    double lambdaLast = entries * (g.lastBucketShare() / TWO32);
    return lnAnyExceeds(
        g.buckets() - 1,
        lnPoissonTail(lambda, g.capacity()),
        lnPoissonTail(lambdaLast, g.capacity()));
  }

  /**
   * ln P(X > k) for X ~ Poisson(λ), accurate for tails far below the smallest double. Above the
   * mean the tail is summed as a series relative to its first term; below it, through the
   * complementary CDF, summed downwards the same way.
   */
  public static double lnPoissonTail(double lambda, long k) {
    if (k < 0) {
      return 0;
    }
    if (lambda <= 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (lambda < k + 1) {
      double s = 1;
      double t = 1;
      for (long j = k + 2; t > s * 1e-17; j++) {
        t *= lambda / j;
        s += t;
      }
      return lnPoissonPmf(lambda, k + 1) + Math.log(s);
    }
    double s = 1;
    double t = 1;
    for (long j = k; j >= 1 && t > s * 1e-17; j--) {
      t *= j / lambda;
      s += t;
    }
    double lnCdf = Math.min(0, lnPoissonPmf(lambda, k) + Math.log(s));
    return Math.log(-Math.expm1(lnCdf));
  }

  /** ln P(X = j) for X ~ Poisson(λ), λ > 0. */
  public static double lnPoissonPmf(double lambda, long j) {
    return -lambda + j * Math.log(lambda) - lnFactorial(j);
  }

  private static final double[] LN_FACT = new double[1024];

  static {
    for (int i = 1; i < LN_FACT.length; i++) {
      LN_FACT[i] = LN_FACT[i - 1] + Math.log(i);
    }
  }

  /** ln(n!): a table below 1024, Stirling's series above (relative error < 1e-16 there). */
  static double lnFactorial(long n) {
    if (n < LN_FACT.length) {
      return LN_FACT[(int) n];
    }
    double x = n;
    double inv = 1 / x;
    double inv2 = inv * inv;
    return x * Math.log(x)
        - x
        + 0.5 * Math.log(2 * Math.PI * x)
        + inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680)));
  }

  /**
   * ln P(any of {@code m} buckets with tail {@code q}, or one more with tail {@code qLast},
   * exceeds) = ln(1 − (1 − q)^m (1 − qLast)). When that is below 1e−13 it equals the union bound
   * {@code m·q + qLast} to double precision, which is kept in log space.
   */
  static double lnAnyExceeds(long m, double lnQ, double lnQLast) {
    double lnUnion = lnSumExp(m > 0 ? Math.log(m) + lnQ : Double.NEGATIVE_INFINITY, lnQLast);
    if (lnUnion < Math.log(1e-13)) {
      return lnUnion;
    }
    double lnNone = m * Math.log1p(-Math.exp(lnQ)) + Math.log1p(-Math.exp(lnQLast));
    return Math.log(-Math.expm1(lnNone));
  }

  private static double lnSumExp(double a, double b) {
    double hi = Math.max(a, b);
    if (hi == Double.NEGATIVE_INFINITY) {
      return hi;
    }
    return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
  }

  /**
   * E[fullest bucket] = Σ_{k≥0} P(max > k) for {@code m} buckets of mean λ and one of mean λ_last.
   * Walks k down from where P(max > k) is negligible (< 1e−17), carrying the tails as running sums
   * of the pmf, until P(max > k) is 1 to double precision; every smaller k adds 1.
   */
  static double expectedMax(long m, double lambda, double lambdaLast) {
    if (lambda <= 0 && lambdaLast <= 0) {
      return 0;
    }
    double lnNegligible = Math.log(1e-17);
    long step = Math.max(1, (long) Math.sqrt(Math.max(lambda, lambdaLast)) / 4);
    long top = (long) Math.ceil(Math.max(lambda, lambdaLast));
    while (lnAnyExceeds(m, lnPoissonTail(lambda, top), lnPoissonTail(lambdaLast, top))
        > lnNegligible) {
      top += step;
    }
    double tail = Math.exp(lnPoissonTail(lambda, top));
    double tailLast = Math.exp(lnPoissonTail(lambdaLast, top));
    double sum = 0;
    for (long k = top - 1; k >= 0; k--) {
      tail += lambda > 0 ? Math.exp(lnPoissonPmf(lambda, k + 1)) : 0;
      tailLast += lambdaLast > 0 ? Math.exp(lnPoissonPmf(lambdaLast, k + 1)) : 0;
      double pMax =
          -Math.expm1(m * Math.log1p(-Math.min(1, tail)) + Math.log1p(-Math.min(1, tailLast)));
      if (pMax >= 1 - 1e-16) {
        return sum + k + 1;
      }
      sum += pMax;
    }
    return sum;
  }

  /** A probability given as log10, readable at any size: "0.5", "3.2e-07", "4.1e-844". */
  public static String formatProbability(double log10) {
    if (log10 == Double.NEGATIVE_INFINITY) {
      return "0";
    }
    if (log10 >= -4) {
      return String.format(Locale.ROOT, "%.3g", Math.pow(10, log10));
    }
    double exponent = Math.floor(log10);
    double mantissa = Math.pow(10, log10 - exponent);
    if (mantissa >= 9.95) {
      mantissa = 1;
      exponent += 1;
    }
    return String.format(
        Locale.ROOT, "%.1fe%s%02d", mantissa, exponent < 0 ? "-" : "+", (long) Math.abs(exponent));
  }
}
