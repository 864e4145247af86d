package ventispark.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import ventispark.format.FormatException;

/**
 * The directory of {@link IndexLocks}' lock files: {@value #PROPERTY} (a system property, e.g.
 * {@code -Dventi.lockDir=DIR} in {@code VENTI_SPARK_JAVA_OPTS}), else the environment variable
 * {@value #ENV}, else {@code ~/.venti-spark/locks}. Created with mode 0700 when missing, and used
 * only if it is a directory owned by this process's user that no other user can write: anyone who
 * can write it could plant a link where a lock file is opened, or hold a rebuild off. Runs exclude
 * each other only if they use the same lock directory, so every run on one host (readers and
 * rebuilds alike) must use the same one: the default is per user.
 */
public final class LockDir {
  /** System property naming the lock directory. */
  public static final String PROPERTY = "venti.lockDir";

  /** Environment variable naming the lock directory when the property is not set. */
  public static final String ENV = "VENTI_LOCK_DIR";

  private LockDir() {}

  /** The lock directory, created if missing and checked. */
  public static Path get() {
    Path dir = configured();
    try {
      if (!Files.exists(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Path real = dir.toRealPath();
      Map<String, Object> a = Files.readAttributes(real, "unix:mode,uid");
      int mode = (Integer) a.get("mode");
      int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      String why =
          (mode & 0170000) != 0040000
              ? "is not a directory"
              : (Integer) a.get("uid") != me
                  ? "belongs to another user (uid " + a.get("uid") + ", this run is uid " + me + ")"
                  : (mode & 0022) != 0
                      ? String.format(
                          Locale.ROOT, "can be written by other users (mode %03o)", mode & 0777)
                      : null;
      if (why != null) {
        throw refused(dir + " " + why);
      }
      return real;
    } catch (IOException e) {
      throw refused(dir + ": " + e.getMessage());
    }
  }

  private static FormatException refused(String problem) {
    return new FormatException(
        "lock directory "
            + problem
            + "; nothing was written. Set "
            + PROPERTY
            + " or "
            + ENV
            + " to a directory only you can write (it is created with mode 0700)");
  }

  static Path configured() {
    String p = System.getProperty(PROPERTY);
    if (p == null || p.isEmpty()) {
      p = System.getenv(ENV);
    }
    return p == null || p.isEmpty()
        ? Path.of(System.getProperty("user.home"), ".venti-spark", "locks")
        : Path.of(p);
  }
}
