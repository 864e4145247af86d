package ventispark.write;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ventispark.format.FormatException;
import ventispark.gate.DeviceMap;
import ventispark.gate.Extent;
import ventispark.gate.Gate;
import ventispark.gate.OpenFile;
import ventispark.read.PartitionRef;

/**
 * Locks on the index sections and bloom filter of a run, held by the driver for the whole run: a
 * rebuild holds them exclusive from before its first write, a reader ({@code checkindex}, {@code
 * plan}, {@code reverse build}) holds them shared, so no reader sees a half-rebuilt index and two
 * rebuilds of one section never interleave their writes.
 *
 * <p>Each is a POSIX record lock ({@link FileChannel#tryLock}, dropped by the kernel when the
 * process dies) on the partition's byte range, where its bytes really are ({@link DeviceMap}: a
 * loop device's backing file, a partition's whole disk), of a lock file named after that backing
 * file or disk, so every name of the same bytes (a relative or absolute path, a symbolic or hard
 * link, a loop device, a partition and its disk) takes the same lock. The lock files live in the
 * {@link LockDir lock directory}, which only its owner can write; an existing one is opened
 * read-only without following symbolic links and used only if it is a regular file of this user
 * with one name (a planted hard link of an arena partition is refused, never opened for writing).
 * The lock is on a separate file because a process loses its POSIX locks on a file as soon as it
 * closes any descriptor of it, which every local-mode write task does; for the same reason this JVM
 * opens each lock file once, however many runs in it lock it. Advisory: it only excludes other
 * venti-spark runs, on this host. Lock files are left in place, empty.
 */
public final class IndexLocks implements AutoCloseable {
  /** The open lock files of this JVM, by path; guarded by itself. */
  private static final Map<Path, LockFile> OPEN = new HashMap<>();

  private final List<Held> held = new ArrayList<>();

  private IndexLocks() {}

  /** Locks every file exclusively (a rebuild) or throws, holding none. */
  public static IndexLocks acquire(List<PartitionRef> files) {
    return acquire(files, false);
  }

  /**
   * Locks every local file shared (a reader) or throws, holding none. Others are never written by a
   * rebuild.
   */
  public static IndexLocks acquireShared(List<PartitionRef> files) {
    return acquire(files.stream().filter(PartitionRef::isLocal).toList(), true);
  }

  private static IndexLocks acquire(List<PartitionRef> files, boolean shared) {
    IndexLocks l = new IndexLocks();
    try {
      for (PartitionRef ref : files) {
        l.held.addAll(lock(ref, shared));
      }
      return l;
    } catch (RuntimeException e) {
      l.close();
      throw e;
    }
  }

  /**
   * The lock file of a local section, bloom filter or device: named after its (first) backing file
   * or disk.
   */
  public static Path lockFile(Path file) {
    return lockFile(extents(file.toString(), file, 0, Long.MAX_VALUE).get(0));
  }

  private static Path lockFile(Extent e) {
    return LockDir.get().resolve(e.home().replaceAll("[^A-Za-z0-9]+", "-") + ".venti-lock");
  }

  /** Where the bytes are: the exact extents (not the disk range a file's filesystem lies in). */
  private static List<Extent> extents(String display, Path file, long lo, long hi) {
    return DeviceMap.of(display, file, lo, hi).stream().filter(e -> !e.somewhere()).toList();
  }

  /** One lock file opened once in this JVM, with the ranges locked through it. */
  private static final class LockFile {
    final Path path;
    final FileChannel channel;
    final List<Held> held = new ArrayList<>();

    LockFile(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }
  }

  /** One locked byte range; shared ones of the same range are reused by readers of this JVM. */
  private static final class Held {
    final LockFile file;
    final long lo;
    final long size;
    final FileLock lock;
    int users = 1;

    Held(LockFile file, long lo, long size, FileLock lock) {
      this.file = file;
      this.lo = lo;
      this.size = size;
      this.lock = lock;
    }

    boolean overlaps(long lo2, long size2) {
      return lo < lo2 + size2 && lo2 < lo + size;
    }
  }

  private static List<Held> lock(PartitionRef ref, boolean shared) {
    if (!ref.isLocal()) {
      throw new FormatException(
          ref.display()
              + ": index sections and bloom filters are written with positional writes"
              + " and must be local files or devices (a shared mount on a cluster), not "
              + ref.location());
    }
    long hi = ref.name().hi() < 0 ? Long.MAX_VALUE : ref.name().hi();
    List<Held> out = new ArrayList<>();
    try {
      for (Extent e : extents(ref.display(), ref.localPath(), ref.name().lo(), hi)) {
        long size = e.hi() == Long.MAX_VALUE ? Long.MAX_VALUE - e.lo() : e.hi() - e.lo();
        out.add(lock(ref, lockFile(e), e.lo(), size, shared));
      }
      return out;
    } catch (RuntimeException ex) {
      IndexLocks partial = new IndexLocks();
      partial.held.addAll(out);
      partial.close();
      throw ex;
    }
  }

  private static Held lock(PartitionRef ref, Path path, long lo, long size, boolean shared) {
    synchronized (OPEN) {
      LockFile f = open(ref, path);
      try {
        for (Held h : f.held) {
          if (h.overlaps(lo, size)) {
            if (shared && h.lock.isShared() && h.lo == lo && h.size == size) {
              h.users++;
              return h;
            }
            throw busy(ref, shared, h.lock.isShared());
          }
        }
        FileLock lock = tryLock(f, lo, size, shared);
        if (lock == null) {
          // Held by another process: a shared lock that can be had says the holder only reads.
          FileLock probe = shared ? null : tryLock(f, lo, size, true);
          release(probe);
          throw busy(ref, shared, probe != null);
        }
        Held h = new Held(f, lo, size, lock);
        f.held.add(h);
        return h;
      } finally {
        if (f.held.isEmpty()) {
          closeFile(f);
        }
      }
    }
  }

  private static FileLock tryLock(LockFile f, long lo, long size, boolean shared) {
    try {
      return f.channel.tryLock(lo, size, shared);
    } catch (OverlappingFileLockException e) {
      return null; // not from OPEN's bookkeeping: cannot happen, but is a held lock if it does
    } catch (IOException e) {
      throw new FormatException(
          f.path + ": cannot lock it: " + e.getMessage() + "; nothing was written");
    }
  }

  private static IndexBusyException busy(PartitionRef ref, boolean shared, boolean heldByReader) {
    String holder =
        heldByReader
            ? "reading this index (checkindex, plan or reverse build)"
            : "writing this index (a rebuild of the same section is under way)";
    String self = shared ? "nothing was read" : "nothing was written";
    return new IndexBusyException(
        ref.display()
            + ": locked by another run "
            + holder
            + "; "
            + self
            + ". Wait for it to finish, or stop it.");
  }

  /**
   * The JVM's lock file {@code path} of {@code ref}, opened without following links (refused if it
   * is one).
   */
  private static LockFile open(PartitionRef ref, Path path) {
    LockFile f = OPEN.get(path);
    if (f != null) {
      return f;
    }
    if (Files.isSymbolicLink(path)
        || Files.exists(path, LinkOption.NOFOLLOW_LINKS)
            && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new FormatException(
          ref.display()
              + ": its lock file "
              + path
              + " is not a plain file (a symbolic link,"
              + " a directory or a device); it was not opened and nothing was written. Remove it, or set "
              + LockDir.PROPERTY
              + " to another directory");
    }
    try {
      f = new LockFile(path, openChecked(ref, path));
      OPEN.put(path, f);
      return f;
    } catch (IOException e) {
      throw new FormatException(
          ref.display()
              + ": cannot open its lock file "
              + path
              + ": "
              + e.getMessage()
              + "; nothing was written");
    }
  }

  /**
   * A new lock file, or an existing one opened read-only (O_NOFOLLOW: a link made after the check
   * above fails rather than being followed) and reopened for writing through its descriptor only
   * once the open file is a regular file of this user with one name.
   */
  private static FileChannel openChecked(PartitionRef ref, Path path) throws IOException {
    try {
      return Gate.createNew(path);
    } catch (FileAlreadyExistsException e) {
      // an earlier run's: checked below
    }
    try (FileChannel ro = OpenFile.openReadOnly(path, true)) {
      Map<String, Object> st = OpenFile.stat(ref.display(), ro);
      int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      String why =
          !DeviceMap.isRegularFile(st)
              ? "is not a plain file"
              : (Integer) st.get("uid") != me
                  ? "belongs to another user (uid " + st.get("uid") + ")"
                  : (Integer) st.get("nlink") != 1
                      ? "has "
                          + st.get("nlink")
                          + " names (a hard link, perhaps of an arena"
                          + " partition or index file)"
                      : null;
      if (why != null) {
        throw new FormatException(
            ref.display()
                + ": its lock file "
                + path
                + " "
                + why
                + ", so it is not one this"
                + " tool made; it was not opened for writing and nothing was written. Remove it, or set "
                + LockDir.PROPERTY
                + " to another directory");
      }
      return OpenFile.reopenForWriting(ro);
    }
  }

  private static void closeFile(LockFile f) {
    OPEN.remove(f.path);
    try {
      f.channel.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }

  private static void release(FileLock lock) {
    if (lock != null) {
      try {
        lock.release();
      } catch (IOException e) {
        // closing the channel releases it anyway
      }
    }
  }

  @Override
  public void close() {
    synchronized (OPEN) {
      for (Held h : held) {
        if (--h.users == 0) {
          release(h.lock);
          h.file.held.remove(h);
          if (h.file.held.isEmpty()) {
            closeFile(h.file);
          }
        }
      }
      held.clear();
    }
  }
}
