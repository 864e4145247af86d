package ventispark.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ventispark.create.IndexFormatter;
import ventispark.format.ISectHeader;

/**
 * The sizing model against numbers computed another way: Poisson and binomial tails summed exactly
 * in BigDecimal, fmtindex's geometry from the spec's worked examples and from {@link
 * IndexFormatter}, and bucket fills simulated with real 32-bit hashes and the index's own divisor.
 */
class IndexSizingTest {
  private static final MathContext MC = new MathContext(60);

  /**
   * ln P(X > k), X ~ Poisson(λ), as Σ_{j>k} λ^j/j! over Σ_j λ^j/j!, in exact decimal arithmetic.
   */
  static double exactLnPoissonTail(double lambda, int k) {
    BigDecimal l = new BigDecimal(lambda);
    BigDecimal term = BigDecimal.ONE;
    BigDecimal all = BigDecimal.ONE;
    BigDecimal tail = BigDecimal.ZERO;
    BigDecimal tiny = new BigDecimal("1e-70");
    for (int j = 1; ; j++) {
      term = term.multiply(l, MC).divide(BigDecimal.valueOf(j), MC);
      all = all.add(term, MC);
      if (j > k) {
        tail = tail.add(term, MC);
        if (term.compareTo(tail.multiply(tiny)) < 0 && j > lambda) {
          break;
        }
      }
    }
    return ln(tail.divide(all, MC));
  }

  /**
   * ln P(X > k), X ~ Binomial(n, p), exactly: pmf(j+1) = pmf(j)·(n−j)/(j+1)·p/(1−p) from (1−p)^n.
   */
  static double exactLnBinomialTail(int n, BigDecimal p, int k) {
    BigDecimal q = BigDecimal.ONE.subtract(p);
    BigDecimal ratio = p.divide(q, MC);
    BigDecimal pmf = q.pow(n, MC);
    BigDecimal tail = BigDecimal.ZERO;
    BigDecimal tiny = new BigDecimal("1e-70");
    for (int j = 0; j < n; j++) {
      pmf =
          pmf.multiply(BigDecimal.valueOf(n - j), MC)
              .multiply(ratio, MC)
              .divide(BigDecimal.valueOf(j + 1), MC);
      if (j + 1 > k) {
        tail = tail.add(pmf, MC);
        if (pmf.compareTo(tail.multiply(tiny)) < 0) {
          break;
        }
      }
    }
    return ln(tail);
  }

  static double ln(BigDecimal x) {
    BigInteger u = x.unscaledValue();
    int shift = Math.max(0, u.bitLength() - 60);
    return Math.log(u.shiftRight(shift).doubleValue())
        + shift * Math.log(2)
        - x.scale() * Math.log(10);
  }

  @ParameterizedTest
  @CsvSource({
    "4.13, 13",
    "0.5, 215",
    "0.001, 13",
    "150, 215",
    "300, 215",
    "7.47, 13",
    "20, 20",
    "20.5, 20",
    "21, 20",
    "1.1, 13",
    "2000, 1724",
    "1700, 1724",
    "5, 0",
    "0.2, 0"
  })
  void poissonTailMatchesAnExactSum(double lambda, int k) {
    double want = exactLnPoissonTail(lambda, k);
    double got = IndexSizing.lnPoissonTail(lambda, k);
    assertEquals(want, got, 1e-9 * Math.max(1, Math.abs(want)), "λ=" + lambda + " k=" + k);
  }

  @Test
  void tailsFarBelowTheSmallestDoubleStayFinite() {
    double ln = IndexSizing.lnPoissonTail(0.01, 215);
    assertTrue(ln < -1900 && ln > -2100, "ln " + ln);
    IndexSizing.Fill f = IndexSizing.fill(10, IndexSizing.ofBlocks(65536, 1, 1000));
    assertTrue(
        f.log10Overflow() < -5000 && Double.isFinite(f.log10Overflow()),
        "log10 " + f.log10Overflow());
    assertEquals(0.0, f.overflowProbability());
    assertTrue(f.meets(1e-300));
    assertEquals(
        Double.NEGATIVE_INFINITY,
        IndexSizing.fill(0, IndexSizing.ofBlocks(8192, 1, 10)).log10Overflow());
    assertEquals(0.0, IndexSizing.fill(0, IndexSizing.ofBlocks(8192, 1, 10)).expectedMax());
  }

  /**
   * Above the mean the Poisson tail is the heavier one (so the model errs safe), and close for
   * small shares.
   */
  @Test
  void poissonTailBoundsTheExactBinomialOne() {
    // 40 entries in 8 buckets: λ = 5, capacity 13.
    double binomial = exactLnBinomialTail(40, new BigDecimal("0.125"), 13);
    double poisson = IndexSizing.lnPoissonTail(5, 13);
    assertTrue(poisson > binomial, poisson + " vs " + binomial);
    assertTrue(poisson - binomial < Math.log(20), poisson + " vs " + binomial);
    // 100,000 entries in 10,000 buckets: λ = 10, capacity 30; within 1%.
    double b2 = exactLnBinomialTail(100_000, new BigDecimal("0.0001"), 30);
    double p2 = IndexSizing.lnPoissonTail(10, 30);
    assertTrue(p2 > b2 && p2 - b2 < 0.01, p2 + " vs " + b2);
  }

  @Test
  void anyOverflowIsOneMinusTheProductOfNoOverflows() {
    double q = 0.01;
    double qLast = 0.003;
    double want = 1 - Math.pow(1 - q, 100) * (1 - qLast);
    assertEquals(
        Math.log(want), IndexSizing.lnAnyExceeds(100, Math.log(q), Math.log(qLast)), 1e-12);
    // Tiny: the union bound, kept in log space.
    assertEquals(
        Math.log(1e6) - 3000,
        IndexSizing.lnAnyExceeds(1_000_000, -3000, Double.NEGATIVE_INFINITY),
        1e-9);
    assertEquals(0.0, IndexSizing.lnAnyExceeds(3, 0, 0), 0.0);
  }

  @Test
  void geometryIsFmtisectAndFmtindexMath() {
    // FORMAT.md 11.2: a 16 MiB section of 8 KiB buckets.
    IndexSizing.Geometry g = IndexSizing.ofSectionSize(8192, 1, 16 << 20);
    assertEquals(1951, g.blocksPerSection());
    assertEquals(1951, g.buckets());
    assertEquals(2201419, g.div());
    assertEquals(16 << 20, g.sectionSize());
    assertEquals(215, g.capacity());
    // FORMAT.md 6.2: 3,000,001 blocks use div 1432 and 2,999,279 buckets.
    IndexSizing.Geometry big = IndexSizing.ofBlocks(8192, 1, 3_000_001);
    assertEquals(1432, big.div());
    assertEquals(2_999_279, big.buckets());
    assertEquals((1L << 32) - 2_999_278L * 1432, big.lastBucketShare());
    // Beyond 2^32/100 buckets fmtindex keeps div at 100.
    IndexSizing.Geometry max = IndexSizing.ofBlocks(512, 4, 1L << 30);
    assertEquals(100, max.div());
    assertEquals(IndexSizing.MAX_BUCKETS, max.buckets());
    // The same as the index formatter, for several equal sections.
    for (int sections : new int[] {1, 2, 3, 7}) {
      for (long blocks : new long[] {1, 671, 1_500_001, 20_000_000}) {
        IndexSizing.Geometry s = IndexSizing.ofBlocks(8192, sections, blocks);
        List<ISectHeader> headers = new ArrayList<>();
        for (int i = 0; i < sections; i++) {
          headers.add(new ISectHeader(2, "s" + i, "", 8192, 794624, blocks, 0, 0, 1));
        }
        IndexFormatter.Plan plan = IndexFormatter.plan("main", headers, List.of());
        assertEquals(
            plan.headers().get(sections - 1).stop(), s.buckets(), sections + " x " + blocks);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> IndexSizing.ofSectionSize(8192, 1, 794624));
  }

  /** Real hashes, the index's own bucket function: the model's probability and expected maximum. */
  @ParameterizedTest
  @CsvSource({"512, 1, 1000, 5000", "512, 3, 333, 5000", "1024, 2, 100, 2800"})
  void monteCarloAgreesWithTheModel(int blockSize, int sections, long blocks, int entries) {
    IndexSizing.Geometry g = IndexSizing.ofBlocks(blockSize, sections, blocks);
    IndexSizing.Fill f = IndexSizing.fill(entries, g);
    Random random = new Random(20261123);
    int trials = 4000;
    int[] counts = new int[(int) g.buckets()];
    int overflowed = 0;
    long maxSum = 0;
    for (int t = 0; t < trials; t++) {
      Arrays.fill(counts, 0);
      int max = 0;
      for (int i = 0; i < entries; i++) {
        long hash = random.nextInt() & 0xFFFFFFFFL;
        max = Math.max(max, ++counts[(int) (hash / g.div())]);
      }
      maxSum += max;
      overflowed += max > g.capacity() ? 1 : 0;
    }
    double p = (double) overflowed / trials;
    double sigma = Math.sqrt(f.overflowProbability() * (1 - f.overflowProbability()) / trials);
    assertTrue(p > 0.01 && p < 0.99, "test geometry should overflow sometimes: " + p);
    assertEquals(
        f.overflowProbability(), p, 4 * sigma + 0.03 * f.overflowProbability(), "P(any overflow)");
    assertEquals(f.expectedMax(), (double) maxSum / trials, 0.1, "E[fullest bucket]");
    assertTrue(f.overflowProbability() >= p - 4 * sigma, "the model should not be optimistic");
  }

  /**
   * The sample archive's real index: 8,056 entries in 1,951 buckets, fullest bucket 13 (FORMAT.md
   * 11.2).
   */
  @Test
  void predictsTheFullestBucketOfARealIndex() {
    IndexSizing.Fill f = IndexSizing.fill(8056, IndexSizing.ofSectionSize(8192, 1, 16 << 20));
    assertEquals(13, f.expectedMax(), 1.0);
    assertEquals(8056.0 / 1951, f.meanFill(), 1e-12);
  }

  @ParameterizedTest
  @CsvSource({
    "65000, 512, 1, 1e-6",
    "65000, 512, 3, 1e-6",
    "8056, 8192, 1, 1e-6",
    "8056, 8192, 2, 1e-12",
    "1000000000, 8192, 4, 1e-6",
    "0, 8192, 1, 1e-6",
    "1, 512, 1, 0.5"
  })
  void recommendationIsTheSmallestThatMeetsTheTarget(
      long entries, int blockSize, int sections, double target) {
    IndexSizing.Geometry g = IndexSizing.recommend(entries, blockSize, sections, target);
    assertTrue(IndexSizing.fill(entries, g).meets(target), g.toString());
    if (g.blocksPerSection() > 1) {
      IndexSizing.Geometry smaller =
          IndexSizing.ofBlocks(blockSize, sections, g.blocksPerSection() - 1);
      assertTrue(!IndexSizing.fill(entries, smaller).meets(target), smaller.toString());
    }
    assertEquals(0, g.sectionSize() % blockSize);
  }

  @Test
  void recommendationRefusesWhatNoIndexHolds() {
    assertThrows(
        IllegalArgumentException.class, () -> IndexSizing.recommend(1L << 40, 512, 1, 1e-6));
  }

  @Test
  void probabilitiesPrintAtAnySize() {
    assertEquals("2.5e-844", IndexSizing.formatProbability(-843.6));
    assertEquals("1.0e-06", IndexSizing.formatProbability(-6));
    assertEquals("0.501", IndexSizing.formatProbability(Math.log10(0.501)));
    assertEquals("0", IndexSizing.formatProbability(Double.NEGATIVE_INFINITY));
  }
}
