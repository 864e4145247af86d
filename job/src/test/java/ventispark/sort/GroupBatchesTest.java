package ventispark.sort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A range group's batches, each in bucket order and touching any of the group's ranges, build each
 * range's image as the range's own entries do, whatever ranges are skipped; one range's batches
 * stream, and an entry outside it is refused.
 */
class GroupBatchesTest {
  private static final long DIV = 1L << 20;
  private static final int BLOCK = 1024;

  /** Ranges of 40 buckets from bucket 100, and entries in them, a few per bucket. */
  private static final long[] STARTS = {100, 140, 180, 220};

  private static List<byte[]> entries(Random random, int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] score = new byte[20];
      random.nextBytes(score);
      long bucket = STARTS[0] + random.nextInt((int) (STARTS[3] + 40 - STARTS[0]));
      long hash = bucket * DIV + random.nextInt((int) DIV);
      for (int j = 0; j < 4; j++) {
        score[j] = (byte) (hash >>> (24 - 8 * j));
      }
      byte[] e = new byte[ShuffleEntry.SIZE];
      ShuffleEntry.pack(e, 0, score, 0, random.nextLong() >>> 20, 100, 1, 1);
      out.add(e);
    }
    return out;
  }

  private static long bucket(byte[] e) {
    return ShuffleEntry.hash32(e, 0) / DIV;
  }

  /** The entries cut into batches at random, each batch sorted by bucket. */
  private static List<byte[]> batches(Random random, List<byte[]> entries) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); ) {
      int n = Math.min(entries.size() - i, 1 + random.nextInt(60));
      List<byte[]> part = new ArrayList<>(entries.subList(i, i + n));
      part.sort(Comparator.comparingLong(GroupBatchesTest::bucket));
      byte[] b = new byte[n * ShuffleEntry.SIZE];
      for (int j = 0; j < n; j++) {
        System.arraycopy(part.get(j), 0, b, j * ShuffleEntry.SIZE, ShuffleEntry.SIZE);
      }
      out.add(b);
      i += n;
    }
    return out;
  }

  private static byte[] image(long start, List<byte[]> entries) {
    BucketImage image = new BucketImage(start, start + 40, DIV, BLOCK);
    for (byte[] e : entries) {
      if (bucket(e) >= start && bucket(e) < start + 40) {
        image.add(e);
      }
    }
    image.seal(7);
    return image.bytes();
  }

  @Test
  void eachRangeGetsItsOwnEntriesFromEveryBatch() {
    Random random = new Random(3);
    List<byte[]> entries = entries(random, 2_000);
    List<byte[]> batches = batches(random, entries);
    // Range 1 is skipped, as a task that drops a range's work would.
    GroupBatches group = new GroupBatches(DIV, batches.iterator(), true);
    for (int r = 0; r < STARTS.length; r++) {
      if (r != 1) {
        BucketImage image = new BucketImage(STARTS[r], STARTS[r] + 40, DIV, BLOCK);
        group.addTo(image);
        image.seal(7);
        assertArrayEquals(image(STARTS[r], entries), image.bytes(), "range " + r);
      }
      assertFalse(group.isEmpty() && r < STARTS.length - 1);
      group.skipTo(STARTS[r] + 40);
    }
    assertTrue(group.isEmpty());
  }

  @Test
  void oneRangeStreamsItsBatchesAndRefusesOthersEntries() {
    Random random = new Random(4);
    List<byte[]> entries = new ArrayList<>(entries(random, 500));
    List<byte[]> first = new ArrayList<>();
    for (byte[] e : entries) {
      if (bucket(e) < STARTS[1]) {
        first.add(e);
      }
    }
    BucketImage image = new BucketImage(STARTS[0], STARTS[0] + 40, DIV, BLOCK);
    new GroupBatches(DIV, batches(random, first).iterator(), false).addTo(image);
    image.seal(7);
    assertArrayEquals(image(STARTS[0], entries), image.bytes());
    assertEquals(first.size(), image.entries());

    BucketImage other = new BucketImage(STARTS[0], STARTS[0] + 40, DIV, BLOCK);
    GroupBatches all = new GroupBatches(DIV, batches(random, entries).iterator(), false);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> all.addTo(other));
    assertTrue(e.getMessage().endsWith("outside the range [100, 140)"), e.getMessage());
  }
}
