package ventispark.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reciprocal is the division, for every kind of div and the hashes where a quotient changes. */
class IndexDivTest {
  @Test
  void reciprocalIsTheDivision() {
    Random r = new Random(13);
    List<Long> divs = new ArrayList<>(List.of(1L, 2L, 3L, 4L, 5L, 7L, 100L, 56_697L, 65_536L, 65_537L,
        (1L << 31) - 1, 1L << 31, (1L << 31) + 1, (1L << 32) - 1, 1L << 32, (1L << 32) + 1));
    for (long buckets : new long[] {1, 2, 3, 75_756, 757_560, 1 << 20, 10_000_019}) {
      divs.add(Bucket.divisor(buckets));
    }
    for (int i = 0; i < 200; i++) {
      divs.add(1 + (r.nextLong() >>> (31 + r.nextInt(33))));
    }
    long max = (1L << 32) - 1;
    for (long d : divs) {
      IndexDiv div = new IndexDiv(d);
      List<Long> hashes = new ArrayList<>(List.of(0L, 1L, max, max - 1, d - 1, d, d + 1, max / d * d,
          max / d * d - 1));
      for (int i = 0; i < 2_000; i++) {
        long q = (r.nextLong() >>> 1) % (max / d + 1);
        hashes.add(q * d);
        hashes.add(q * d - 1);
        hashes.add(r.nextLong() >>> 32);
      }
      for (long h : hashes) {
        if (h >= 0 && h <= max) {
          assertEquals(h / d, div.bucket(h), h + " / " + d);
        }
      }
    }
  }
}
