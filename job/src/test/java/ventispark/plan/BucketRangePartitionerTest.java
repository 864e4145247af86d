package ventispark.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The routing table finds, for every bucket, the range a linear search over the ranges finds. */
class BucketRangePartitionerTest {
  @Test
  void everyBucketRoutedAsByASearch() {
    Random r = new Random(13);
    List<long[][]> plans = new ArrayList<>();
    plans.add(new long[][] {{0}, {1}});
    plans.add(new long[][] {{5, 10, 30}, {10, 20, 31}}); // gaps before, between and after ranges
    plans.add(new long[][] {{0, 1, 2, 1000}, {1, 2, 1000, 100_000}}); // very uneven ranges
    for (int k = 0; k < 30; k++) {
      int n = 1 + r.nextInt(200);
      long[] start = new long[n];
      long[] stop = new long[n];
      long at = r.nextInt(3) == 0 ? r.nextInt(5000) : 0;
      for (int i = 0; i < n; i++) {
        start[i] = at;
        stop[i] = at + 1 + r.nextInt(r.nextBoolean() ? 10 : 3000);
        at = stop[i] + (r.nextInt(4) == 0 ? r.nextInt(500) : 0); // a section not rebuilt
      }
      plans.add(new long[][] {start, stop});
    }
    for (long[][] plan : plans) {
      long[] start = plan[0];
      long[] stop = plan[1];
      BucketRangePartitioner part = new BucketRangePartitioner(1, start, stop, new int[start.length]);
      for (long b = -2; b < stop[stop.length - 1] + 3; b++) {
        int expected = -1;
        for (int i = 0; i < start.length; i++) {
          if (b >= start[i] && b < stop[i]) {
            expected = i;
          }
        }
        assertEquals(expected, part.partitionOfBucket(b), "bucket " + b);
      }
    }
  }
}
