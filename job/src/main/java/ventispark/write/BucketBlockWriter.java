package ventispark.write;

import java.util.Arrays;
import ventispark.format.Bucket;
import ventispark.format.IEntry;
import ventispark.read.IndexSection;

/**
 * Writes a contiguous range of buckets of one section completely: every bucket gets its header
 * ({@code n}, the section's bucketmagic), its entries, and zeros to the end of the block; buckets
 * without entries are written empty. The range goes out in large sequential writes of a reused,
 * zeroed buffer, so the bytes depend only on the entries, never on earlier disk contents.
 */
public final class BucketBlockWriter implements BucketRuns.Sink, AutoCloseable {
  /** Bytes per positional write. */
  static final int WRITE_BYTES = 4 << 20;

  private final IndexSection section;
  private final SectionWriter out;
  private final int blockSize;
  private final int capacity;
  private final int magic;
  private final long stop;
  private final byte[] buf;
  private final int bucketsPerBuf;
  private long bufStart;
  private long next;
  private long entries;

  /** Writes buckets {@code [start, stop)} of {@code section}. */
  public BucketBlockWriter(IndexSection section, SectionWriter out, long start, long stop) {
    this.section = section;
    this.out = out;
    this.blockSize = section.header().blockSize();
    this.capacity = section.header().bucketCapacity();
    this.magic = section.header().bucketMagic();
    this.stop = stop;
    this.bucketsPerBuf = (int) Math.max(1, Math.min(stop - start, WRITE_BYTES / blockSize));
    this.buf = new byte[bucketsPerBuf * blockSize];
    this.bufStart = start;
    this.next = start;
  }

  @Override
  public void run(long bucket, byte[] entries, int n) {
    if (bucket < next || bucket >= stop) {
      throw new IllegalStateException("bucket " + bucket + " outside the writer's range [" + next + ", " + stop + ")");
    }
    if (n > capacity) {
      throw new IllegalStateException(section.ref().display() + ": bucket " + bucket + " overflows: " + n
          + " entries, capacity " + capacity);
    }
    emptyUpTo(bucket);
    int off = slot(bucket);
    Bucket.putHeader(buf, off, n, magic);
    System.arraycopy(entries, 0, buf, off + 6, n * IEntry.SIZE);
    this.entries += n;
    next = bucket + 1;
  }

  /** Writes the rest of the range and flushes it to the device; returns the entries written. */
  public long finish() {
    emptyUpTo(stop);
    if (next > bufStart) {
      drain();
    }
    out.flush();
    return entries;
  }

  private void emptyUpTo(long bucket) {
    while (next < bucket) {
      Bucket.putHeader(buf, slot(next), 0, magic);
      next++;
    }
  }

  private int slot(long bucket) {
    if (bucket - bufStart >= bucketsPerBuf) {
      drain();
    }
    return (int) (bucket - bufStart) * blockSize;
  }

  private void drain() {
    int len = (int) (next - bufStart) * blockSize;
    out.write(section.offsetOf(bufStart), buf, 0, len);
    Arrays.fill(buf, 0, len, (byte) 0);
    bufStart = next;
  }

  @Override
  public void close() {
    out.close();
  }
}
