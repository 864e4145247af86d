package ventispark.write;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import ventispark.format.FormatException;
import ventispark.job.IndexBusyException;
import ventispark.read.PartitionRef;

/**
 * Exclusive locks on the index sections and bloom filter a run writes, held by the driver from
 * before the first write until the run ends, so two rebuilds of the same section cannot
 * interleave their writes. They are POSIX record locks on the files themselves ({@code fcntl},
 * through {@link FileChannel#tryLock}), which the kernel drops when the process dies, and which
 * NFS carries to other hosts. Advisory: they only exclude other venti-spark runs.
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

  private void lock(PartitionRef ref) {
    if (!ref.isLocal()) {
      throw new FormatException(ref.display() + ": index sections and bloom filters are written with positional writes"
          + " and must be local files or devices (a shared mount on a cluster), not " + ref.location());
    }
    FileLock lock;
    try {
      FileChannel ch = FileChannel.open(ref.localPath(), StandardOpenOption.WRITE);
      channels.add(ch);
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by another run in this JVM
      }
    } catch (IOException e) {
      throw new UncheckedIOException(ref.display() + ": cannot open for locking: " + e.getMessage(), e);
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
