package ventispark.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.hadoop.conf.Configuration;
import ventispark.format.ClumpInfo;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.Arena;

/**
 * The I/O floor of a rebuild on this machine: the time to read every clump directory and to write
 * as many bytes as the index sections hold, sequentially, with plain file channels and one thread
 * each, then force them to the device. No rebuild can be faster than its I/O; the benchmark reports
 * its wall time against this. The section bytes go to a scratch file beside the archive, so the
 * index is left alone.
 */
public final class IoFloor {
  private IoFloor() {}

  public record Result(
      long directoryBytes, long directoryMillis, long sectionBytes, long writeMillis) {
    public long millis() {
      return directoryMillis + writeMillis;
    }
  }

  public static Result measure(Path config) throws IOException {
    Archive archive = new ArchiveLoader(new Configuration()).load(config.toString());
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    long t0 = System.nanoTime();
    long read = 0;
    for (Arena a : archive.arenas()) {
      long blocks = ClumpInfo.directoryBlocks(a.memStats().clumpCount(), a.blockSize());
      long from = a.stop() - (blocks + 1) * a.blockSize();
      Path file = archive.partitions().get(a.partition()).ref().localPath();
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        for (long pos = from; pos < a.stop() - a.blockSize(); ) {
          buf.clear().limit((int) Math.min(buf.capacity(), a.stop() - a.blockSize() - pos));
          int n = ch.read(buf, pos);
          if (n <= 0) {
            throw new IOException(file + ": short read at " + pos);
          }
          pos += n;
          read += n;
        }
      }
    }
    long t1 = System.nanoTime();
    long bytes =
        archive.sections().stream().mapToLong(s -> s.buckets() * s.header().blockSize()).sum();
    writeForced(config.resolveSibling("io-floor.scratch"), bytes);
    long t2 = System.nanoTime();
    return new Result(read, (t1 - t0) / 1_000_000, bytes, (t2 - t1) / 1_000_000);
  }

  /**
   * Writes {@code bytes} of zeros into a new scratch file {@code scratch} and forces them to the
   * device, then deletes it; returns the milliseconds taken.
   */
  public static long writeForced(Path scratch, long bytes) throws IOException {
    long t0 = System.nanoTime();
    try (FileChannel ch =
        FileChannel.open(
            scratch,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer zeros = ByteBuffer.allocateDirect(4 << 20);
      for (long pos = 0; pos < bytes; ) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - pos));
        pos += ch.write(zeros, pos);
      }
      ch.force(false);
    } finally {
      Files.deleteIfExists(scratch);
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
