package ventispark.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.read.PartitionRef;
import ventispark.testing.DirectBuffers;

/**
 * A write larger than {@link SectionWriter#WRITE_BYTES} (a bloom slice written whole) lands byte
 * for byte where it belongs in the partition's range, and leaves no temporary direct buffer of its
 * size behind in the writing thread.
 */
class SectionWriterTest {
  @TempDir Path dir;

  @Test
  void largeWritesGoInBoundedPiecesToTheirPlace() throws Exception {
    Path file = dir.resolve("bloom.img");
    long lo = 1 << 20; // the partition is the file's range [1 MiB, 40 MiB)
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(40 << 20);
    }
    PartitionRef ref =
        PartitionRef.resolve(
            "bloom.img:" + lo + "-" + (40 << 20), dir.resolve("venti.conf").toString());
    PlannedFile planned = PlannedFile.of(ref, 0, 0);
    byte[] b = new byte[(32 << 20) + 12345];
    new Random(7).nextBytes(b);
    int bOff = 4321;
    int len = b.length - bOff - 99;
    long off = 3 * SectionWriter.WRITE_BYTES / 2 + 17; // chunks not aligned with the writes
    AtomicLong grown = new AtomicLong();
    Thread t =
        new Thread(
            () -> {
              long before = DirectBuffers.used();
              try (SectionWriter out = new SectionWriter(planned, null)) {
                out.write(off, b, bOff, len);
                out.flush();
              }
              // the JDK keeps a thread's temporary buffer while the thread lives
              grown.set(DirectBuffers.used() - before);
            });
    t.start();
    t.join();
    assertTrue(grown.get() <= SectionWriter.WRITE_BYTES, "direct buffers grew by " + grown.get());
    byte[] disk = Files.readAllBytes(file);
    int at = (int) (lo + off);
    assertArrayEquals(
        Arrays.copyOfRange(b, bOff, bOff + len), Arrays.copyOfRange(disk, at, at + len));
    // nothing written outside
    assertArrayEquals(new byte[at], Arrays.copyOfRange(disk, 0, at));
    assertArrayEquals(
        new byte[disk.length - at - len], Arrays.copyOfRange(disk, at + len, disk.length));
  }
}
