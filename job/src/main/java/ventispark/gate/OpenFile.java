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

/**
 * What a descriptor has open, not what a name points to: the stat of {@code /proc/self/fd/N}, whose
 * magic link follows the open file even after a rename. A file is opened read-only first, checked
 * through its descriptor, and only then opened for writing through that same link, so a name
 * swapped between the check and the open can never make the run write another file, and a file that
 * fails the check is never opened for writing.
 */
public final class OpenFile {
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
