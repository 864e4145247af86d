package ventispark.write;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.util.Utils;
import ventispark.format.FormatException;
import ventispark.gate.DeviceMap;
import ventispark.gate.OpenFile;

/**
 * Whether the files a run rewrites in place can be written whole on their file systems. A section
 * or bloom filter that is a regular file may be sparse ({@code format isect} and {@code truncate}
 * make them so, {@code cp --sparse} keeps them so): its holes take blocks as the run writes every
 * bucket whole, and a file system that runs out in the middle fails the run with the index half
 * rewritten, and every rerun the same way. Devices never run out.
 *
 * <p>Per file system, the bytes still to allocate are at most each file's rewritten bytes less the
 * allocated blocks that can lie among them (all of its allocated bytes less its bytes outside the
 * rewritten range), plus {@link #MAP_SHARE} of them for the file system's own block maps; its
 * usable space ({@code statvfs}'s {@code f_bavail}) must hold that. The allocated blocks are only
 * measured ({@link OpenFile#allocated}) where the usable space is less than the rewritten bytes.
 */
final class SpaceCheck {
  /**
   * The share of newly allocated bytes kept for the file system's extent maps or indirect blocks.
   */
  static final int MAP_SHARE = 256;

  /** A file written in place, and how many of its bytes the run rewrites. */
  record Rewrite(PlannedFile file, long bytes) {}

  private SpaceCheck() {}

  /** Refuses (exit 3, nothing written) when some file system cannot allocate its rewrites. */
  static void check(List<Rewrite> rewrites) {
    Map<Object, FileSystem> byDevice = new LinkedHashMap<>();
    for (Rewrite r : rewrites) {
      try (FileChannel ch = r.file().open()) {
        Map<String, Object> st = OpenFile.stat(r.file().display(), ch);
        if (DeviceMap.isRegularFile(st)) {
          byDevice.computeIfAbsent(st.get("dev"), d -> FileSystem.of(r, ch)).files.add(r);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(r.file().display() + ": cannot read: " + e.getMessage(), e);
      }
    }
    byDevice.values().forEach(FileSystem::check);
  }

  /** The file system holding some of the rewritten files, and its usable bytes. */
  private record FileSystem(String name, long usable, List<Rewrite> files) {

    /**
     * The file system of {@code ch} (statvfs through the descriptor's link; named by the file's
     * path, for the message only).
     */
    static FileSystem of(Rewrite r, FileChannel ch) {
      try {
        long usable = Files.getFileStore(OpenFile.link(ch)).getUsableSpace();
        Path real = Files.readSymbolicLink(OpenFile.link(ch));
        String name;
        try {
          name = Files.getFileStore(real).toString();
        } catch (IOException e) {
          name = String.valueOf(real.getParent());
        }
        return new FileSystem(name, usable, new ArrayList<>());
      } catch (IOException e) {
        throw new UncheckedIOException(
            r.file().display() + ": cannot read its file system's free space: " + e.getMessage(),
            e);
      }
    }

    void check() {
      long rewritten = files.stream().mapToLong(Rewrite::bytes).sum();
      if (usable >= withMaps(rewritten)) {
        return; // fits even if every rewritten byte were a hole: nothing to measure
      }
      long holes = files.stream().mapToLong(SpaceCheck::holes).sum();
      long needed = withMaps(holes);
      if (needed <= usable) {
        return;
      }
      boolean one = files.size() == 1;
      throw new FormatException(
          files.stream().map(r -> r.file().display()).collect(Collectors.joining(", "))
              + ": "
              + (one ? "its" : "their")
              + " file system ("
              + name
              + ") has "
              + Utils.bytesToString(usable)
              + " free, but writing "
              + (one ? "it" : "them")
              + " whole needs up to "
              + Utils.bytesToString(needed)
              + " more ("
              + Utils.bytesToString(holes)
              + " of the "
              + Utils.bytesToString(rewritten)
              + " rewritten are holes); free space there or move "
              + (one ? "it" : "them")
              + " to a larger disk; nothing was written");
    }
  }

  /** The most bytes of {@code r}'s rewritten range that are holes now. */
  private static long holes(Rewrite r) {
    try (FileChannel ch = r.file().open()) {
      long allocated = OpenFile.allocated(r.file().display(), ch);
      long outside = Math.max(0, ch.size() - r.bytes());
      return r.bytes() - Math.min(r.bytes(), Math.max(0, allocated - outside));
    } catch (IOException e) {
      throw new UncheckedIOException(r.file().display() + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static long withMaps(long bytes) {
    return bytes + bytes / MAP_SHARE;
  }
}
