package ventispark.write;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import ventispark.format.FormatException;
import ventispark.job.IndexBusyException;
import ventispark.read.PartitionRef;

/**
 * Exclusive locks on the index sections and bloom filter a run writes, held by the driver from
 * before the first write until the run ends, so two rebuilds of the same section cannot
 * interleave their writes. Each is a POSIX record lock ({@link FileChannel#tryLock}, which the
 * kernel drops when the process dies and NFS carries to other hosts) on the partition's byte
 * range of a lock file beside it, {@code .NAME.venti-lock}: not on the section itself, because a
 * process loses its POSIX locks on a file as soon as it closes any descriptor of it, which every
 * local-mode write task does. For a device or a file in a read-only directory, the lock file is
 * in {@code java.io.tmpdir}, named after the device's real path (one host only). Advisory: it
 * only excludes other venti-spark runs. Lock files are left in place, empty.
 */
public final class IndexLocks implements AutoCloseable {
  private final List<FileChannel> channels = new ArrayList<>();
  private final List<FileLock> locks = new ArrayList<>();

  private IndexLocks() {}

  /** Locks every file or throws {@link IndexBusyException}, holding none. */
  public static IndexLocks acquire(List<PartitionRef> files) {
    IndexLocks l = new IndexLocks();
    try {
      for (PartitionRef ref : files) {
        l.lock(ref);
      }
      return l;
    } catch (RuntimeException e) {
      l.close();
      throw e;
    }
  }

  /** The lock file of a section or bloom file. */
  static Path lockFile(Path file) throws IOException {
    Path real = file.toRealPath();
    Path dir = real.getParent();
    if (Files.isRegularFile(real) && Files.isWritable(dir)) {
      return dir.resolve("." + real.getFileName() + ".venti-lock");
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "venti-lock" + real.toString().replace('/', '_'));
  }

  private void lock(PartitionRef ref) {
    if (!ref.isLocal()) {
      throw new FormatException(ref.display() + ": index sections and bloom filters are written with positional writes"
          + " and must be local files or devices (a shared mount on a cluster), not " + ref.location());
    }
    FileLock lock;
    try {
      FileChannel ch = FileChannel.open(lockFile(ref.localPath()), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      channels.add(ch);
      long lo = ref.name().lo();
      long size = ref.name().hi() < 0 ? Long.MAX_VALUE - lo : ref.name().hi() - lo;
      try {
        // Only the partition's byte range: a section and a bloom filter may share one file.
        lock = ch.tryLock(lo, size, false);
      } catch (OverlappingFileLockException e) {
        lock = null; // held by another run in this JVM
      }
    } catch (IOException e) {
      throw new UncheckedIOException(ref.display() + ": cannot take its lock: " + e.getMessage(), e);
    }
    if (lock == null) {
      throw new IndexBusyException(ref.display() + ": locked by another run writing this index (a rebuild of the same "
          + "section is under way); nothing was written. Wait for it to finish, or stop it.");
    }
    locks.add(lock);
  }

  @Override
  public void close() {
    for (FileLock lock : locks) {
      try {
        lock.release();
      } catch (IOException e) {
        // closing the channel releases it anyway
      }
    }
    for (FileChannel ch : channels) {
      try {
        ch.close();
      } catch (IOException e) {
        // nothing left to release
      }
    }
  }
}
