package ventispark.write;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import ventispark.gate.DeviceMap;
import ventispark.gate.Extent;
import ventispark.gate.OpenFile;
import ventispark.read.FileIdentity;
import ventispark.read.PartitionRef;

/**
 * A file the run writes in place (an index section, a bloom filter), as the driver found it when
 * planning: which file it is (the identity the write plan checked), where its bytes really are
 * ({@link DeviceMap}, so a loop device pointed elsewhere is seen), its length, and a checksum of
 * the header bytes that say what it holds (section header and index config, or bloom header). Every
 * writer opens it through {@link #open}, which opens it read-only, checks the open descriptor (not
 * the name) against the plan, and only then opens that same open file for writing; a file that is
 * no longer the one planned (replaced, renamed over, truncated or grown, its header rewritten) is
 * refused before the first byte is written, and never opened for writing. Shipped to the write
 * tasks, so the check happens where the write happens.
 *
 * @param whole the extents of the whole file when planned
 * @param headerLo first partition offset of the guarded header bytes
 * @param headerHi end of the guarded header bytes
 */
public record PlannedFile(
    PartitionRef ref,
    FileIdentity identity,
    List<Extent> whole,
    long length,
    long headerLo,
    long headerHi,
    long headerCrc)
    implements Serializable {

  /**
   * Plans {@code ref} as it is now; its header is the partition's bytes {@code [headerLo,
   * headerHi)}.
   */
  public static PlannedFile of(PartitionRef ref, long headerLo, long headerHi) {
    return of(ref, null, headerLo, headerHi);
  }

  /**
   * Plans {@code ref}, which must still be {@code checked} (the identity the write plan checked;
   * null: whatever it is now); its header is the partition's bytes {@code [headerLo, headerHi)}.
   */
  public static PlannedFile of(
      PartitionRef ref, FileIdentity checked, long headerLo, long headerHi) {
    if (!ref.isLocal()) {
      throw new ventispark.format.FormatException(
          ref.display()
              + ": index sections and bloom filters are written with"
              + " positional writes and must be local files or devices (a shared mount on a cluster), not "
              + ref.location());
    }
    try (FileChannel ch = OpenFile.openReadOnly(ref.localPath(), false)) {
      Map<String, Object> st = OpenFile.stat(ref.display(), ch);
      String real = Files.readSymbolicLink(OpenFile.link(ch)).toString();
      FileIdentity id = FileIdentity.ofStat(st, real);
      if (checked != null && !id.sameFile(checked)) {
        throw new FileChangedException(
            ref.display()
                + ": is another file ("
                + real
                + ", "
                + describe(id)
                + ", was "
                + describe(checked)
                + ") since the run planned its writes (changed or replaced while the run was"
                + " working); nothing was written to it");
      }
      List<Extent> whole = DeviceMap.ofStat(ref.display(), real, st, 0, Long.MAX_VALUE, 0);
      return new PlannedFile(
          ref, id, whole, ch.size(), headerLo, headerHi, crc(ch, ref, headerLo, headerHi));
    } catch (IOException e) {
      throw new UncheckedIOException(ref.display() + ": cannot read: " + e.getMessage(), e);
    }
  }

  public String display() {
    return ref.display();
  }

  /**
   * Opens the file for positional writes, checked to be the planned one; a {@link
   * FileChangedException} (nothing written, never opened for writing) otherwise.
   */
  public FileChannel open() {
    FileChannel ro;
    try {
      ro = OpenFile.openReadOnly(ref.localPath(), false);
    } catch (IOException e) {
      throw new UncheckedIOException(
          ref.display() + ": cannot open for writing: " + e.getMessage(), e);
    }
    try (ro) {
      String changed = changes(ro);
      if (changed != null) {
        throw new FileChangedException(
            ref.display()
                + ": "
                + changed
                + " since the run planned its writes (changed"
                + " or replaced while the run was working); nothing was written to it");
      }
      FileChannel rw;
      try {
        rw = OpenFile.reopenForWriting(ro);
      } catch (IOException e) {
        throw new UncheckedIOException(
            ref.display() + ": cannot open for writing: " + ref.localPath() + ": " + reason(e), e);
      }
      if (!OpenFile.same(OpenFile.stat(ref.display(), ro), OpenFile.stat(ref.display(), rw))) {
        FileChangedException e =
            new FileChangedException(
                ref.display() + ": changed while it was opened; nothing" + " was written to it");
        closeQuietly(rw, e);
        throw e;
      }
      return rw;
    } catch (IOException e) {
      throw new UncheckedIOException(ref.display() + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The kernel's reason alone (a reopen through /proc names the link, not the file). */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage();
  }

  private static void closeQuietly(FileChannel ch, Exception failure) {
    try {
      ch.close();
    } catch (IOException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }

  /**
   * What differs from the plan, or null: read from the open descriptor, whatever its name points to
   * now.
   */
  private String changes(FileChannel ch) throws IOException {
    Map<String, Object> st = OpenFile.stat(ref.display(), ch);
    String real = Files.readSymbolicLink(OpenFile.link(ch)).toString();
    FileIdentity now = FileIdentity.ofStat(st, real);
    if (!now.sameFile(identity)) {
      return "is another file ("
          + now.path()
          + ", "
          + describe(now)
          + ", was "
          + describe(identity)
          + ")";
    }
    List<Extent> nowWhole = DeviceMap.ofStat(ref.display(), real, st, 0, Long.MAX_VALUE, 0);
    if (!nowWhole.equals(whole)) {
      return "reaches other bytes (" + nowWhole.get(0) + ", was " + whole.get(0) + ")";
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
