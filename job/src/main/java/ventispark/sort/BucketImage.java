package ventispark.sort;

import java.util.Arrays;
import ventispark.format.Bucket;
import ventispark.format.IEntry;
import ventispark.format.Venti;

/**
 * The reduce side of the shuffle: the exact bytes of a contiguous range of buckets, built in
 * memory. Entries arrive in batches in any order and are placed straight into their bucket's block;
 * {@link #seal()} then sorts each bucket in the C order ({@link IEntry#compare}: score, type code,
 * address descending) and writes the bucket headers. Every byte of every block is determined by the
 * entries alone (the tails stay zero), so the image, and the section written from it, are the same
 * whatever the batching, partitioning or task attempt. Memory is the range's bytes, which the plan
 * bounds.
 */
public final class BucketImage {
  private final long start;
  private final long stop;
  private final long div;
  private final int blockSize;
  private final int capacity;
  private final byte[] image;
  private final int[] count;
  private long entries;
  private long dropped;

  public BucketImage(long start, long stop, long div, int blockSize) {
    long bytes = (stop - start) * blockSize;
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "bucket range ["
              + start
              + ", "
              + stop
              + ") of "
              + bytes
              + " bytes is too large for one task: lower -M");
    }
    this.start = start;
    this.stop = stop;
    this.div = div;
    this.blockSize = blockSize;
    this.capacity = Bucket.capacity(blockSize);
    this.image = new byte[(int) bytes];
    this.count = new int[(int) (stop - start)];
  }

  /** Places every entry of a batch ({@link ShuffleEntry} records back to back) into its bucket. */
  public void add(byte[] batch) {
    int end = addRun(batch, 0);
    if (end < batch.length) {
      throw outside(ShuffleEntry.hash32(batch, end) / div);
    }
  }

  private IllegalStateException outside(long bucket) {
    return new IllegalStateException(
        "entry for bucket " + bucket + " outside the range [" + start + ", " + stop + ")");
  }

  /**
   * Places the entries of {@code batch} from offset {@code off} into their buckets while they are
   * in this range, and returns the offset of the first that is not (or the batch's end): a batch in
   * bucket order holds a run of each range it touches.
   */
  public int addRun(byte[] batch, int off) {
    int from = off;
    for (; off < batch.length; off += ShuffleEntry.SIZE) {
      long b = ShuffleEntry.hash32(batch, off) / div;
      if (b >= stop) {
        break;
      }
      if (b < start) {
        throw outside(b);
      }
      int i = (int) (b - start);
      int n = count[i];
      if (n == capacity) {
        // The fill check runs before any write; reaching this means the two disagree.
        throw new IllegalStateException("bucket " + b + " overflows its " + capacity + " entries");
      }
      // A fresh slot: its wtime and train bytes are still zero.
      ShuffleEntry.toZeroedEntry(
          batch, off, image, i * blockSize + Venti.BUCKET_HEAD_SIZE + n * IEntry.SIZE);
      count[i] = n + 1;
    }
    entries += (off - from) / ShuffleEntry.SIZE;
    return off;
  }

  /** The range's end: its first bucket past the last. */
  public long stop() {
    return stop;
  }

  /** Sorts every bucket and writes its header ({@code n}, {@code bucketMagic}). */
  public void seal(int bucketMagic) {
    seal(bucketMagic, false);
  }

  /**
   * Sorts every bucket and writes its header. With {@code dropDuplicates}, only the first entry of
   * each run of equal score and type stays: in the C order, the copy with the highest address (the
   * multi-pack-index rule, and what the C checkindex expects); the bytes freed are zeroed.
   */
  public void seal(int bucketMagic, boolean dropDuplicates) {
    EntrySort sort = new EntrySort(capacity);
    for (int i = 0; i < count.length; i++) {
      int off = i * blockSize;
      int first = off + Venti.BUCKET_HEAD_SIZE;
      sort.sort(image, first, count[i]);
      if (dropDuplicates && count[i] > 1) {
        int kept = 1;
        for (int j = 1; j < count[i]; j++) {
          int prev = first + (kept - 1) * IEntry.SIZE;
          int at = first + j * IEntry.SIZE;
          if (Arrays.equals(image, prev, prev + Venti.SCORE_SIZE, image, at, at + Venti.SCORE_SIZE)
              && IEntry.type(image, prev) == IEntry.type(image, at)) {
            continue;
          }
          System.arraycopy(image, at, image, first + kept * IEntry.SIZE, IEntry.SIZE);
          kept++;
        }
        Arrays.fill(image, first + kept * IEntry.SIZE, first + count[i] * IEntry.SIZE, (byte) 0);
        dropped += count[i] - kept;
        entries -= count[i] - kept;
        count[i] = kept;
      }
      Bucket.putHeader(image, off, count[i], bucketMagic);
    }
  }

  /** Copies dropped by {@link #seal(int, boolean)}. */
  public long dropped() {
    return dropped;
  }

  public byte[] bytes() {
    return image;
  }

  public long start() {
    return start;
  }

  public long entries() {
    return entries;
  }
}
