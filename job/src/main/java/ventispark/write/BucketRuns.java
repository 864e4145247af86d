package ventispark.write;

import java.util.Iterator;
import ventispark.format.IEntry;

/**
 * Walks sorted packed entries as runs of equal bucket, in ascending bucket order, handing each run
 * to a {@link Sink} without copying entries. Runs are passed in a reused buffer that grows to the
 * largest run.
 */
public final class BucketRuns {
  private BucketRuns() {}

  /** Receives one bucket's entries: {@code n} packed entries at {@code buf[0 .. 38n)}. */
  public interface Sink {
    void run(long bucket, byte[] buf, int n);
  }

  public static void walk(Iterator<byte[]> sorted, long div, Sink sink) {
    byte[] buf = new byte[64 * IEntry.SIZE];
    int n = 0;
    long bucket = -1;
    while (sorted.hasNext()) {
      byte[] e = sorted.next();
      long b = IEntry.hash32(e, 0) / div;
      if (b != bucket) {
        if (n > 0) {
          sink.run(bucket, buf, n);
        }
        if (b < bucket) {
          throw new IllegalStateException("entries not sorted: bucket " + b + " after " + bucket);
        }
        bucket = b;
        n = 0;
      }
      if ((n + 1) * IEntry.SIZE > buf.length) {
        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
      }
      System.arraycopy(e, 0, buf, n * IEntry.SIZE, IEntry.SIZE);
      n++;
    }
    if (n > 0) {
      sink.run(bucket, buf, n);
    }
  }
}
