package ventispark.write;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import ventispark.read.FileIdentity;
import ventispark.read.PartitionRef;

/**
 * A file the run writes in place (an index section, a bloom filter), as the driver found it when
 * planning: which file it is, its length, and a checksum of the header bytes that say what it
 * holds (section header and index config, or bloom header). Every writer opens it through
 * {@link #open}, which refuses the file, before the first byte is written, if it is no longer the
 * one planned: replaced (another inode behind the name), truncated or grown, or its header
 * rewritten. Shipped to the write tasks, so the check happens where the write happens.
 *
 * @param headerLo first partition offset of the guarded header bytes
 * @param headerHi end of the guarded header bytes
 */
public record PlannedFile(PartitionRef ref, FileIdentity identity, long length, long headerLo, long headerHi,
    long headerCrc) implements Serializable {

  /** Plans {@code ref} as it is now; its header is the partition's bytes {@code [headerLo, headerHi)}. */
  public static PlannedFile of(PartitionRef ref, long headerLo, long headerHi) {
    if (!ref.isLocal()) {
      throw new ventispark.format.FormatException(ref.display() + ": index sections and bloom filters are written with"
          + " positional writes and must be local files or devices (a shared mount on a cluster), not "
          + ref.location());
    }
    FileIdentity id = FileIdentity.ofLocal(ref.localPath());
    try (FileChannel ch = FileChannel.open(ref.localPath(), StandardOpenOption.READ)) {
      return new PlannedFile(ref, id, ch.size(), headerLo, headerHi, crc(ch, ref, headerLo, headerHi));
    } catch (IOException e) {
      throw new UncheckedIOException(ref.display() + ": cannot read: " + e.getMessage(), e);
    }
  }

  public String display() {
    return ref.display();
  }

  /**
   * Opens the file for positional writes, checked to be the planned one; a {@link FileChangedException}
   * (nothing written) otherwise.
   */
  public FileChannel open() {
    FileChannel ch;
    try {
      ch = FileChannel.open(ref.localPath(), StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(ref.display() + ": cannot open for writing: " + e.getMessage(), e);
    }
    String changed;
    try {
      changed = changes(ch);
    } catch (IOException e) {
      closeQuietly(ch, e);
      throw new UncheckedIOException(ref.display() + ": cannot read: " + e.getMessage(), e);
    }
    if (changed != null) {
      FileChangedException e = new FileChangedException(ref.display() + ": " + changed + " since the run planned its"
          + " writes (changed or replaced while the run was working); nothing was written to it");
      closeQuietly(ch, e);
      throw e;
    }
    return ch;
  }

  private static void closeQuietly(FileChannel ch, Exception failure) {
    try {
      ch.close();
    } catch (IOException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }

  /** What differs from the plan, or null. The name is looked up after opening: a swap between the two is seen. */
  private String changes(FileChannel ch) throws IOException {
    FileIdentity now;
    try {
      now = FileIdentity.ofLocal(ref.localPath());
    } catch (UncheckedIOException e) {
      return "is gone";
    }
    if (!now.sameFile(identity)) {
      return "is another file (" + now.path() + ", " + describe(now) + ", was " + describe(identity) + ")";
    }
    long size = ch.size();
    if (size != length) {
      return "is " + size + " bytes long, was " + length;
    }
    if (crc(ch, ref, headerLo, headerHi) != headerCrc) {
      return "has a different header (bytes " + headerLo + " to " + headerHi + ")";
    }
    return null;
  }

  private static String describe(FileIdentity f) {
    return f.isDevice() ? "device " + f.device() : "device " + f.device() + " inode " + f.inode();
  }

  private static long crc(FileChannel ch, PartitionRef ref, long lo, long hi) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(0, hi - lo)));
    long base = ref.name().lo();
    for (long at = lo; at < hi; ) {
      b.clear().limit((int) Math.min(b.capacity(), hi - at));
      int n = ch.read(b, base + at);
      if (n < 0) {
        return -1; // shorter than its header: the length check says so first
      }
      b.flip();
      crc.update(b);
      at += n;
    }
    return crc.getValue();
  }
}
