package ventispark.write;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.spark.util.LongAccumulator;

/**
 * Positional writes into an index section (or bloom) partition: a local file or block device,
 * opened for writing without truncation through its {@link PlannedFile}, so a writer writes only
 * into the file the run planned, and only its own byte range. Offsets are partition offsets; the
 * partition's {@code :lo} range start is added here.
 */
public final class SectionWriter implements Closeable {
  /**
   * Bytes per positional write: large enough to stream, small enough for the JDK's direct buffers.
   * A write from the heap goes through a temporary direct buffer of its length, which the JDK then
   * keeps for the thread: a bloom slice written whole left 64 MiB of native memory in each task
   * thread.
   */
  public static final int WRITE_BYTES = 4 << 20;

  private final PlannedFile file;
  private final FileChannel channel;
  private final LongAccumulator firstWrites;
  private boolean wrote;

  /**
   * Opens {@code file}, checked against the plan; {@code firstWrites} (a {@link WriteLedger}'s, or
   * null for the driver's own writes, which it enters itself) gets 1 before the first write.
   */
  public SectionWriter(PlannedFile file, LongAccumulator firstWrites) {
    this.file = file;
    this.firstWrites = firstWrites;
    this.channel = file.open();
  }

  /** Writes {@code len} bytes of {@code b} from {@code bOff} at partition offset {@code off}. */
  public void write(long off, byte[] b, int bOff, int len) {
    if (!wrote && firstWrites != null) {
      firstWrites.add(1);
    }
    wrote = true;
    ByteBuffer bb = ByteBuffer.wrap(b, bOff, len);
    try {
      writeFully(channel, bb, file.ref().name().lo() + off);
    } catch (IOException e) {
      throw new UncheckedIOException(
          file.display()
              + " at offset 0x"
              + Long.toHexString(off + bb.position() - bOff)
              + ": write error: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Writes the rest of {@code b} at {@code pos} of {@code ch}, in writes of at most {@link
   * #WRITE_BYTES}, moving {@code b}'s position with each; returns the position after it.
   */
  public static long writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.write(b.slice(b.position(), Math.min(WRITE_BYTES, b.remaining())), pos);
      b.position(b.position() + n);
      pos += n;
    }
    return pos;
  }

  /** Forces written bytes to the device: a rebuild reports success only after this. */
  public void flush() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException(file.display() + ": flush failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(file.display() + ": close failed: " + e.getMessage(), e);
    }
  }
}
