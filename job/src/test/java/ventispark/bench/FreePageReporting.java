package ventispark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Memory the kernel of a VM has handed back to its host (free page reporting, virtio balloon). The
 * first touch of such a page faults on the host, so a run that writes new pages into the page cache
 * (shuffle files, the I/O floor's scratch file) pays about ten times as much system time as on
 * memory the VM kept: on this project's VMs, 3 GB written with fsync took 7.5 s cold against 2.1 to
 * 2.5 s warm. The benchmarks print how much was handed back during their runs, since their ratios
 * and floors move with it (job/docs/benchmarks.md).
 */
final class FreePageReporting {
  private static final Path REPORTED =
      Path.of("/sys/module/page_reporting/parameters/reported_kib");

  private FreePageReporting() {}

  /** KiB reported to the host since boot, or -1 where the kernel does not report free pages. */
  static long reportedKiB() {
    try {
      return Long.parseLong(Files.readString(REPORTED).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /**
   * A line saying how much memory went back to the host since {@code beforeKiB} was read, or an
   * empty string where the kernel does not report.
   */
  static String since(long beforeKiB) {
    long now = reportedKiB();
    if (beforeKiB < 0 || now < 0) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "free page reporting: %,d MiB of memory handed back to the host while the benchmark ran (pages"
            + " touched again fault on the host: page-cache writes and the I/O floor run slower)%n",
        (now - beforeKiB) >> 10);
  }
}
