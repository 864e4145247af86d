package ventispark.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The routing table finds, for every bucket, the range a linear search over the ranges finds; write
 * tasks share the ranges in order.
 */
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
      BucketRangePartitioner part =
          new BucketRangePartitioner(1, start, stop, new int[start.length]);
      for (long b = -2; b < stop[stop.length - 1] + 3; b++) {
        int expected = -1;
        for (int i = 0; i < start.length; i++) {
          if (b >= start[i] && b < stop[i]) {
            expected = i;
          }
        }
        assertEquals(expected, part.partitionOfBucket(b), "bucket " + b);
        assertEquals(expected < 0 ? -1 : 0, part.covers(b), "bucket " + b);
      }
    }
  }

  /**
   * Write tasks take consecutive ranges, each at least one, as equal in count as can be, all of
   * them.
   */
  @Test
  void writeTasksShareTheRangesInOrder() {
    Random r = new Random(19);
    for (int k = 0; k < 200; k++) {
      int n = 1 + r.nextInt(k < 100 ? 50 : 50_000);
      long[] start = new long[n];
      long[] stop = new long[n];
      for (int i = 0; i < n; i++) {
        start[i] = i * 10L;
        stop[i] = i * 10L + 10;
      }
      int tasks = 1 + r.nextInt(n);
      BucketRangePartitioner part = new BucketRangePartitioner(1, start, stop, new int[n], tasks);
      assertEquals(tasks, part.tasks());
      assertEquals(0, part.firstRange(0));
      assertEquals(n, part.firstRange(tasks));
      for (int t = 0; t < tasks; t++) {
        int size = part.firstRange(t + 1) - part.firstRange(t);
        assertTrue(
            size == n / tasks || size == n / tasks + 1, size + " ranges of " + n + " in task " + t);
      }
      for (int p = 0; p < n; p += 1 + r.nextInt(Math.max(1, n / 100))) {
        int t = part.taskOfRange(p);
        assertTrue(
            part.firstRange(t) <= p && p < part.firstRange(t + 1), "range " + p + " in task " + t);
      }
    }
    assertEquals(7, new BucketRangePartitioner(1, new long[7], new long[7], new int[7]).tasks());
    assertThrows(
        IllegalArgumentException.class,
        () -> new BucketRangePartitioner(1, new long[3], new long[3], new int[3], 4));
  }
}
