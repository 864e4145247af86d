package ventispark.write;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import ventispark.read.PartitionRef;

/**
 * Positional writes into an index section (or bloom) partition: a local file or block device,
 * opened for writing without truncation, so a task writes only its own byte range. Offsets are
 * partition offsets; the partition's {@code :lo} range start is added here.
 */
public final class SectionWriter implements Closeable {
  private final PartitionRef ref;
  private final FileChannel channel;

  public SectionWriter(PartitionRef ref) {
    if (!ref.isLocal()) {
      throw new IllegalArgumentException(ref.display() + ": index sections and bloom filters are written with positional"
          + " writes and must be local files or devices (a shared mount on a cluster), not " + ref.location());
    }
    this.ref = ref;
    try {
      this.channel = FileChannel.open(ref.localPath(), StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(ref.display() + ": cannot open for writing: " + e.getMessage(), e);
    }
  }

  public void write(long off, byte[] b, int bOff, int len) {
    ByteBuffer bb = ByteBuffer.wrap(b, bOff, len);
    long pos = ref.name().lo() + off;
    try {
      while (bb.hasRemaining()) {
        channel.write(bb, pos + bb.position() - bOff);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(ref.display() + " at offset 0x" + Long.toHexString(off) + ": write error: "
          + e.getMessage(), e);
    }
  }

  /** Forces written bytes to the device: a rebuild reports success only after this. */
  public void flush() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException(ref.display() + ": flush failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
