package ventispark.gate;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.apache.hadoop.util.Shell.ShellCommandExecutor;
import ventispark.format.FormatException;

/**
 * What a descriptor has open, not what a name points to: the stat of {@code /proc/self/fd/N}, whose
 * magic link follows the open file even after a rename. A file is opened read-only first, checked
 * through its descriptor, and only then opened for writing through that same link, so a name
 * swapped between the check and the open can never make the run write another file, and a file that
 * fails the check is never opened for writing.
 */
public final class OpenFile {
  private static final long STAT_TIMEOUT_MILLIS = 30_000;

  private OpenFile() {}

  /** The descriptor number of a channel (JDK internals, opened by conf/java-module-options). */
  public static int fd(FileChannel ch) {
    try {
      Field f = ch.getClass().getDeclaredField("fd");
      f.setAccessible(true);
      FileDescriptor d = (FileDescriptor) f.get(ch);
      Field n = FileDescriptor.class.getDeclaredField("fd");
      n.setAccessible(true);
      return n.getInt(d);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot see which file a channel has open ("
              + e
              + "); start the JVM with the"
              + " options of conf/java-module-options",
          e);
    }
  }

  /** The {@code /proc/self/fd} link of the channel's descriptor. */
  public static Path link(FileChannel ch) {
    return Path.of("/proc/self/fd/" + fd(ch));
  }

  /** The stat of what the channel has open: {@code dev, ino, rdev, mode, nlink, uid}. */
  public static Map<String, Object> stat(String display, FileChannel ch) {
    return DeviceMap.stat(display, link(ch));
  }

  /**
   * The bytes the file system has allocated to what {@code ch} has open ({@code st_blocks} times
   * its unit), which the JDK does not report: from coreutils' stat(1), run on this process's link
   * to the descriptor, so it is the open file that is measured, whatever its name points to now.
   */
  public static long allocated(String display, FileChannel ch) {
    String link = "/proc/" + ProcessHandle.current().pid() + "/fd/" + fd(ch);
    ShellCommandExecutor stat =
        new ShellCommandExecutor(
            new String[] {"stat", "--dereference", "--format=%b %B", link},
            null,
            null,
            STAT_TIMEOUT_MILLIS);
    try {
      stat.execute();
      String[] blocks = stat.getOutput().strip().split(" ");
      return Math.multiplyExact(Long.parseLong(blocks[0]), Long.parseLong(blocks[1]));
    } catch (IOException | RuntimeException e) {
      throw new FormatException(
          display
              + ": cannot tell how much of it its file system has allocated (stat: "
              + (e.getMessage() == null ? e.toString() : e.getMessage().strip())
              + "); nothing was written",
          e);
    }
  }

  /**
   * Opens {@code path} read-only; with {@code noFollow}, a symbolic link is refused by the kernel.
   */
  public static FileChannel openReadOnly(Path path, boolean noFollow) throws IOException {
    OpenOption[] o =
        noFollow
            ? new OpenOption[] {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS}
            : new OpenOption[] {StandardOpenOption.READ};
    return FileChannel.open(path, o);
  }

  /** Opens the very file {@code ro} has open, for reading and writing. */
  public static FileChannel reopenForWriting(FileChannel ro) throws IOException {
    return FileChannel.open(link(ro), StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /** Whether two stats are of the same file or device. */
  public static boolean same(Map<String, Object> a, Map<String, Object> b) {
    return a.get("dev").equals(b.get("dev"))
        && a.get("ino").equals(b.get("ino"))
        && a.get("rdev").equals(b.get("rdev"))
        && a.get("mode").equals(b.get("mode"));
  }
}
