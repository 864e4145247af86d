package ventispark.read;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Which file a partition is, whatever name reaches it (relative or absolute path, symbolic or hard
 * link): for a local file its device and inode; for a block or character device the device number
 * it stands for, a range that holds every file of a filesystem on that device; for a Hadoop file
 * its fully qualified URI. Two partitions can share bytes only if {@link #mayShareBytes} says so.
 *
 * @param scheme {@code local}, or the Hadoop filesystem's URI scheme and authority
 * @param device st_dev of a local file; st_rdev of a device; 0 for Hadoop
 * @param inode st_ino of a local file; -1 for a device (the whole device)
 * @param path the real path or qualified URI (for messages)
 */
public record FileIdentity(String scheme, long device, long inode, String path)
    implements Serializable {

  static final String LOCAL = "local";

  /** The identity of an existing local file or device, following links. */
  public static FileIdentity ofLocal(Path file) {
    try {
      Path real = file.toRealPath();
      Map<String, Object> a = Files.readAttributes(real, "unix:dev,ino,rdev,mode");
      int type = ((Integer) a.get("mode")) & 0170000;
      boolean device = type == 0060000 || type == 0020000; // S_IFBLK, S_IFCHR
      return device
          ? new FileIdentity(LOCAL, (Long) a.get("rdev"), -1, real.toString())
          : new FileIdentity(LOCAL, (Long) a.get("dev"), (Long) a.get("ino"), real.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot tell which file it is: " + e.getMessage(), e);
    }
  }

  /**
   * The identity of an open local file from its stat ({@code unix:dev,ino,rdev,mode}) and its real
   * path, as the gate reads them from the open descriptor.
   */
  public static FileIdentity ofStat(Map<String, Object> a, String real) {
    int type = ((Integer) a.get("mode")) & 0170000;
    boolean device = type == 0060000 || type == 0020000; // S_IFBLK, S_IFCHR
    return device
        ? new FileIdentity(LOCAL, (Long) a.get("rdev"), -1, real)
        : new FileIdentity(LOCAL, (Long) a.get("dev"), (Long) a.get("ino"), real);
  }

  /**
   * The identity of a partition's file: local files by device and inode, others by qualified URI.
   */
  public static FileIdentity of(PartitionRef ref, Configuration hadoop) {
    if (ref.isLocal()) {
      return ofLocal(ref.localPath());
    }
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(URI.create(ref.location()));
      FileSystem fs = p.getFileSystem(hadoop);
      org.apache.hadoop.fs.Path q = fs.resolvePath(fs.makeQualified(p));
      return new FileIdentity(
          q.toUri().getScheme() + "://" + q.toUri().getAuthority(), 0, 0, q.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(
          ref.display() + ": cannot tell which file it is: " + e.getMessage(), e);
    }
  }

  /** True for a whole device rather than one file. */
  public boolean isDevice() {
    return inode < 0;
  }

  /**
   * Whether bytes of this file may be bytes of {@code other}: the same file, or a device and a file
   * on a filesystem of that device (where in the device the file lies is not known).
   */
  public boolean mayShareBytes(FileIdentity other) {
    if (!scheme.equals(other.scheme)) {
      return false;
    }
    if (!scheme.equals(LOCAL)) {
      return path.equals(other.path);
    }
    if (device != other.device) {
      return false;
    }
    return inode == other.inode || isDevice() || other.isDevice();
  }

  /** Whether byte ranges of the two may be compared offset for offset (the same file or device). */
  public boolean sameFile(FileIdentity other) {
    return scheme.equals(other.scheme)
        && device == other.device
        && inode == other.inode
        && (scheme.equals(LOCAL) || path.equals(other.path));
  }
}
