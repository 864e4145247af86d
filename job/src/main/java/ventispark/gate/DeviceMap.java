package ventispark.gate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import ventispark.format.FormatException;

/**
 * Where the bytes of a local file or device really are, on Linux, through sysfs ({@code
 * /sys/dev/block/MAJ:MIN}): a regular file is its own home (device and inode), and lies somewhere
 * in the disk range of the device its filesystem is on; a partition is a range of its whole disk
 * ({@code start} and {@code size}, in 512-byte sectors); a loop device is a range of its backing
 * file ({@code loop/backing_file}, {@code loop/offset}, {@code loop/sizelimit}), resolved again; a
 * device-mapper or md device may reach any byte of each of its {@code slaves} (its table is not
 * read); any other disk is its own home. A network block device (nbd, rbd, drbd), a character
 * device, a loop device whose backing file was deleted or a device sysfs does not know cannot be
 * resolved: the gate refuses to write it.
 */
public final class DeviceMap {
  static final Path SYS_BLOCK = Path.of("/sys/dev/block");
  private static final int MAX_DEPTH = 16;
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFBLK = 0060000;

  private DeviceMap() {}

  /** Whether {@code st} is the stat of a regular file (not a device). */
  public static boolean isRegularFile(Map<String, Object> st) {
    return ((Integer) st.get("mode") & S_IFMT) == S_IFREG;
  }

  /** The extents of bytes {@code [lo, hi)} of {@code file} (links followed). */
  public static List<Extent> of(String display, Path file, long lo, long hi) {
    return ofStat(display, file.toString(), stat(display, file), lo, hi, 0);
  }

  /** The extents of bytes {@code [lo, hi)} of a file whose stat is {@code st}. */
  public static List<Extent> ofStat(
      String display, String path, Map<String, Object> st, long lo, long hi, int depth) {
    if (depth > MAX_DEPTH) {
      throw unresolved(display, "devices stacked more than " + MAX_DEPTH + " deep");
    }
    int type = (Integer) st.get("mode") & S_IFMT;
    if (type == S_IFREG) {
      long dev = (Long) st.get("dev");
      List<Extent> out = new ArrayList<>();
      out.add(
          new Extent(
              "file " + major(dev) + ":" + minor(dev) + ":" + st.get("ino"), path, lo, hi, false));
      out.addAll(container(dev, depth));
      return out;
    }
    if (type == S_IFBLK) {
      long rdev = (Long) st.get("rdev");
      return block(display, major(rdev), minor(rdev), lo, hi, false, depth);
    }
    throw unresolved(display, "neither a regular file nor a block device");
  }

  /**
   * Where a file of the filesystem on device {@code dev} may lie; nothing when the filesystem has
   * no disk.
   */
  private static List<Extent> container(long dev, int depth) {
    if (!Files.isDirectory(SYS_BLOCK.resolve(major(dev) + ":" + minor(dev)))) {
      return List
          .of(); // tmpfs, overlay, btrfs subvolumes, NFS: no block device of this host holds its
      // bytes
    }
    try {
      return block(
          "device " + major(dev) + ":" + minor(dev),
          major(dev),
          minor(dev),
          0,
          Long.MAX_VALUE,
          true,
          depth + 1);
    } catch (FormatException e) {
      return List
          .of(); // a filesystem on a device it cannot resolve: writing that device is refused
      // anyway
    }
  }

  private static List<Extent> block(
      String display, long major, long minor, long lo, long hi, boolean somewhere, int depth) {
    if (depth > MAX_DEPTH) {
      throw unresolved(display, "devices stacked more than " + MAX_DEPTH + " deep");
    }
    Path sys = SYS_BLOCK.resolve(major + ":" + minor);
    try {
      if (!Files.isDirectory(sys)) {
        throw unresolved(
            display, "block device " + major + ":" + minor + " is not in " + SYS_BLOCK);
      }
      Path real = sys.toRealPath();
      String name = real.getFileName().toString();
      long size = number(real.resolve("size")) * 512;
      long end = Math.min(hi, size);
      if (Files.isDirectory(real.resolve("loop"))) {
        Path bf = real.resolve("loop/backing_file");
        if (!Files.exists(bf)) {
          throw unresolved(display, "loop device /dev/" + name + " has no backing file");
        }
        String backing = Files.readString(bf).strip();
        if (backing.endsWith("(deleted)")) {
          throw unresolved(display, "loop device /dev/" + name + "'s backing file was deleted");
        }
        long offset = number(real.resolve("loop/offset"));
        long limit = number(real.resolve("loop/sizelimit"));
        long stop = end == Long.MAX_VALUE ? Long.MAX_VALUE : offset + end;
        if (limit > 0) {
          stop = Math.min(stop, offset + limit);
        }
        List<Extent> out =
            ofStat(display, backing, stat(display, Path.of(backing)), offset + lo, stop, depth + 1);
        return somewhere ? out.stream().map(DeviceMap::somewhere).toList() : out;
      }
      if (Files.exists(real.resolve("partition"))) {
        long start = number(real.resolve("start")) * 512;
        String[] mm = Files.readString(real.getParent().resolve("dev")).strip().split(":");
        long stop = end == Long.MAX_VALUE ? start + size : start + end;
        return block(
            display,
            Long.parseLong(mm[0]),
            Long.parseLong(mm[1]),
            start + lo,
            stop,
            somewhere,
            depth + 1);
      }
      List<Path> slaves = slaves(real);
      if (!slaves.isEmpty()) {
        // device-mapper or md: its table is not read, so it may reach any byte of every device
        // under it
        List<Extent> out = new ArrayList<>();
        for (Path s : slaves) {
          String[] mm = Files.readString(s.resolve("dev")).strip().split(":");
          out.addAll(
              block(
                  display,
                  Long.parseLong(mm[0]),
                  Long.parseLong(mm[1]),
                  0,
                  Long.MAX_VALUE,
                  somewhere,
                  depth + 1));
        }
        return out;
      }
      if (name.matches("(nbd|rbd|drbd|loop)\\d+.*")) {
        throw unresolved(
            display, "/dev/" + name + " is a network or unbound device whose bytes live elsewhere");
      }
      return List.of(new Extent("disk " + major + ":" + minor, "/dev/" + name, lo, end, somewhere));
    } catch (IOException | RuntimeException e) {
      if (e instanceof FormatException f) {
        throw f;
      }
      throw unresolved(display, "cannot read " + sys + ": " + e.getMessage());
    }
  }

  private static Extent somewhere(Extent e) {
    return new Extent(e.home(), e.display(), e.lo(), e.hi(), true);
  }

  private static List<Path> slaves(Path real) throws IOException {
    Path dir = real.resolve("slaves");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(
              p -> {
                try {
                  return p.toRealPath();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .sorted()
          .toList();
    }
  }

  static Map<String, Object> stat(String display, Path file) {
    try {
      return Files.readAttributes(file, "unix:dev,ino,rdev,mode,nlink,uid");
    } catch (IOException e) {
      throw new FormatException(
          display + ": cannot tell which file it is: " + e.getMessage() + "; nothing was written",
          e);
    }
  }

  private static long number(Path p) throws IOException {
    return Files.exists(p) ? Long.parseLong(Files.readString(p).strip()) : 0;
  }

  static long major(long dev) {
    return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & 0xfffff000L);
  }

  static long minor(long dev) {
    return (dev & 0xff) | ((dev >>> 12) & 0xffffff00L);
  }

  private static FormatException unresolved(String display, String why) {
    return new FormatException(
        display
            + ": cannot tell which bytes it reaches ("
            + why
            + "), so it may hold arena"
            + " data; nothing was written");
  }
}
