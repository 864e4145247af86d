package ventispark.gate;

import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ventispark.format.FormatException;
import ventispark.read.ArenaPartition;
import ventispark.read.PartitionRef;

/**
 * The one way a command opens, creates or deletes a local file for writing. It knows the protected
 * bytes (every arena partition of the config, or for a command without one, the structures {@link
 * HeaderScan} finds before its target), resolves every target to its backing bytes ({@link
 * DeviceMap}) from the open descriptor, not the name ({@link OpenFile}), and refuses, as bad input
 * with nothing written (exit 3), a target that may share a byte with protected bytes. Serializable:
 * write tasks carry it to where they write.
 */
public final class Gate implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Protected bytes: what they are (for the message) and their extents. */
  public record Guarded(String what, String display, List<Extent> extents)
      implements Serializable {}

  private final List<Guarded> guarded;

  public Gate(List<Guarded> guarded) {
    this.guarded = List.copyOf(guarded);
  }

  /**
   * A gate that protects the arena partitions {@code parts} (local ones; others are not written
   * locally).
   */
  public static Gate ofArenas(List<ArenaPartition> parts) {
    List<Guarded> g = new ArrayList<>();
    for (ArenaPartition p : parts) {
      if (p.ref().isLocal()) {
        g.add(guard("arena partition", p.ref()));
      }
    }
    return new Gate(g);
  }

  /** The protected bytes of partition {@code ref} whole. */
  public static Guarded guard(String what, PartitionRef ref) {
    long lo = ref.name().lo();
    long hi = ref.name().hi() < 0 ? Long.MAX_VALUE : ref.name().hi();
    return new Guarded(what, ref.display(), DeviceMap.of(ref.display(), ref.localPath(), lo, hi));
  }

  /** This gate and {@code more}. */
  public Gate plus(List<Guarded> more) {
    List<Guarded> all = new ArrayList<>(guarded);
    all.addAll(more);
    return new Gate(all);
  }

  public List<Guarded> guarded() {
    return guarded;
  }

  /**
   * Refuses (exit 3, one line naming both) target bytes {@code extents} that may share a byte with
   * protected ones.
   */
  public void check(String display, List<Extent> extents) {
    for (Guarded g : guarded) {
      for (Extent p : g.extents()) {
        for (Extent t : extents) {
          if (t.overlaps(p)) {
            Extent exact = t.somewhere() ? p : t;
            String both =
                exact.display()
                    + " bytes [0x"
                    + Long.toHexString(Math.max(t.lo(), p.lo()))
                    + ", "
                    + end(Math.min(t.hi(), p.hi()))
                    + ")";
            throw new FormatException(
                display
                    + " ("
                    + t
                    + ") may overlap "
                    + g.what()
                    + " "
                    + g.display()
                    + " ("
                    + p
                    + "): both reach "
                    + both
                    + (t.somewhere() || p.somewhere() ? " (a file on that device)" : "")
                    + "; nothing was written");
          }
        }
      }
    }
  }

  private static String end(long hi) {
    return hi == Long.MAX_VALUE ? "end" : "0x" + Long.toHexString(hi);
  }

  /**
   * Opens an existing file or device to write its bytes {@code [lo, hi)} (file offsets): read-only
   * first, its descriptor resolved and checked, then the same open file for writing. Refuses (exit
   * 3) what may overlap protected bytes; nothing is opened for writing then.
   */
  public FileChannel openForWriting(String display, Path path, long lo, long hi)
      throws IOException {
    return openForWriting(display, path, lo, hi, false);
  }

  /**
   * As {@link #openForWriting(String, Path, long, long)}; with {@code scan}, what {@link
   * HeaderScan} finds before the target in the bytes the open descriptor reaches is protected too
   * (a command without a config).
   */
  public FileChannel openForWriting(String display, Path path, long lo, long hi, boolean scan)
      throws IOException {
    try (FileChannel ro = OpenFile.openReadOnly(path, false)) {
      Map<String, Object> st = checkOpen(display, ro, lo, hi, scan);
      FileChannel rw = OpenFile.reopenForWriting(ro);
      if (!OpenFile.same(st, OpenFile.stat(display, rw))) {
        rw.close();
        throw new FormatException(display + ": changed while it was opened; nothing was written");
      }
      return rw;
    }
  }

  /**
   * Only the check of {@link #openForWriting(String, Path, long, long, boolean)}: opens nothing for
   * writing.
   */
  public void check(String display, Path path, long lo, long hi, boolean scan) throws IOException {
    try (FileChannel ro = OpenFile.openReadOnly(path, false)) {
      checkOpen(display, ro, lo, hi, scan);
    }
  }

  private Map<String, Object> checkOpen(
      String display, FileChannel ro, long lo, long hi, boolean scan) throws IOException {
    Map<String, Object> st = OpenFile.stat(display, ro);
    List<Extent> target =
        DeviceMap.ofStat(
            display, Files.readSymbolicLink(OpenFile.link(ro)).toString(), st, lo, hi, 0);
    (scan ? plus(HeaderScan.before(target)) : this).check(display, target);
    return st;
  }

  /**
   * Creates a new file (never an existing name, never through a link) and returns it open for
   * writing.
   */
  public static FileChannel createNew(Path path) throws IOException {
    return FileChannel.open(
        path,
        StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ,
        StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Opens for writing a file this run created a moment ago: without following links, and only if
   * the open file is still a regular file with one name (no link planted in its place since).
   */
  public static FileChannel openOwn(String display, Path path) throws IOException {
    return openOwn(display, path, null);
  }

  /**
   * As {@link #openOwn(String, Path)}, and only if it is still the file {@link #identity} named
   * {@code created}.
   */
  public static FileChannel openOwn(String display, Path path, String created) throws IOException {
    try (FileChannel ro = OpenFile.openReadOnly(path, true)) {
      Map<String, Object> st = OpenFile.stat(display, ro);
      if (!DeviceMap.isRegularFile(st)
          || (Integer) st.get("nlink") != 1
          || created != null && !created.equals(identity(st))) {
        throw new FormatException(
            display
                + ": is no longer the file this run created (another file or a link was put"
                + " in its place); not written");
      }
      return OpenFile.reopenForWriting(ro);
    }
  }

  /** The identity ({@code dev:ino}) of the file {@code ch} has open. */
  public static String identity(String display, FileChannel ch) {
    return identity(OpenFile.stat(display, ch));
  }

  private static String identity(Map<String, Object> st) {
    return st.get("dev") + ":" + st.get("ino");
  }

  /**
   * What the tool checks before removing a file it wrote: given the file open read-only, whether it
   * is its own.
   */
  public interface Ours {
    /** Null if the open file is the tool's own; else why not. */
    String whyNot(FileChannel ro) throws IOException;
  }

  /**
   * Removes (or lets a rename replace) {@code path} only if it is a regular file with this one
   * name, overlaps no protected byte, and {@code ours} accepts its contents; refuses (exit 3)
   * otherwise, removing nothing. With {@code remove} false it only checks.
   */
  public void delete(String display, Path path, Ours ours, boolean remove) throws IOException {
    Map<String, Object> st;
    try (FileChannel ro = OpenFile.openReadOnly(path, true)) {
      st = OpenFile.stat(display, ro);
      String why =
          !DeviceMap.isRegularFile(st)
              ? "not a regular file"
              : (Integer) st.get("nlink") != 1
                  ? "has " + st.get("nlink") + " names (a hard link)"
                  : null;
      if (why == null) {
        check(display, DeviceMap.ofStat(display, path.toString(), st, 0, Long.MAX_VALUE, 0));
        why = ours.whyNot(ro);
      }
      if (why != null) {
        throw new FormatException(
            display
                + ": "
                + why
                + "; it is not one this tool wrote, so it is kept and nothing"
                + " was written");
      }
    } catch (IOException e) {
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      if (Files.isSymbolicLink(path)) {
        throw new FormatException(
            display + ": is a symbolic link, not a file this tool wrote; nothing was written");
      }
      throw e;
    }
    if (remove) {
      Map<String, Object> now =
          Files.readAttributes(path, "unix:dev,ino,rdev,mode,nlink,uid", LinkOption.NOFOLLOW_LINKS);
      if (!OpenFile.same(st, now)) {
        throw new FormatException(
            display + ": replaced while it was checked; kept, and nothing was written");
      }
      Files.delete(path);
    }
  }
}
