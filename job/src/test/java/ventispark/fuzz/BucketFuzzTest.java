package ventispark.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import ventispark.check.RangeCheck;
import ventispark.format.Bucket;
import ventispark.reverse.IndexChecksum;
import ventispark.sort.BucketImage;

/**
 * Bucket blocks as read from disk: checkindex's comparison and the index checksum take any bytes (a
 * garbage count, a wrong magic, unsorted or duplicate entries) without failing, and the comparison
 * counts every on-disk entry it reports.
 */
class BucketFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void bucketsOnDisk(FuzzedDataProvider data) {
    int blockSize = 512 << data.consumeInt(0, 4);
    int buckets = data.consumeInt(1, 4);
    int magic = data.consumeBoolean() ? 0 : data.consumeInt();
    byte[] disk = Arrays.copyOf(data.consumeRemainingAsBytes(), buckets * blockSize);
    BucketImage expected = new BucketImage(0, buckets, (1L << 32) / buckets + 1, blockSize);
    expected.seal(magic);
    RangeCheck.Result r =
        new RangeCheck("isect0.img", 0, 0, blockSize, magic, false, 10)
            .compare(expected.bytes(), disk);
    assertEquals(
        r.entriesOnDisk(), r.extra(), "nothing is expected, so every entry on disk is extra");
    assertTrue(r.entriesOnDisk() <= (long) buckets * Bucket.capacity(blockSize));
    IndexChecksum sum = new IndexChecksum();
    for (int i = 0; i < buckets; i++) {
      sum.bucket(disk, i * blockSize, blockSize, magic);
    }
    assertEquals(32, sum.chunk().length);
  }
}
