package ventispark.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.read.PartitionRef;
import ventispark.testing.DirectBuffers;

/**
 * A write larger than {@link SectionWriter#WRITE_BYTES} (a bloom slice written whole, a reverse
 * index's address range) lands byte for byte where it belongs, and leaves no temporary direct
 * buffer of its size behind in the writing thread.
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

  /** The channel form, as the reverse index writes its ranges (about 8 MiB each). */
  @Test
  void aBufferIsWrittenFullyInBoundedPiecesAtItsPosition() throws Exception {
    Path file = dir.resolve("reverse");
    byte[] b = new byte[(20 << 20) + 12345];
    new Random(11).nextBytes(b);
    int from = 777; // a buffer whose position is not 0
    long at = 3 * SectionWriter.WRITE_BYTES / 2 + 29;
    AtomicLong grown = new AtomicLong();
    AtomicLong end = new AtomicLong();
    AtomicLong consumed = new AtomicLong();
    Thread t =
        new Thread(
            () -> {
              long before = DirectBuffers.used();
              try (FileChannel ch =
                  FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(b).position(from);
                end.set(SectionWriter.writeFully(ch, buf, at));
                consumed.set(buf.position());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              // the JDK keeps a thread's temporary buffer while the thread lives
              grown.set(DirectBuffers.used() - before);
            });
    t.start();
    t.join();
    assertTrue(grown.get() <= SectionWriter.WRITE_BYTES, "direct buffers grew by " + grown.get());
    assertEquals(b.length, consumed.get(), "the buffer's position after the write");
    assertEquals(at + b.length - from, end.get());
    byte[] disk = Files.readAllBytes(file);
    assertEquals(end.get(), disk.length);
    assertArrayEquals(new byte[(int) at], Arrays.copyOfRange(disk, 0, (int) at));
    assertArrayEquals(
        Arrays.copyOfRange(b, from, b.length), Arrays.copyOfRange(disk, (int) at, disk.length));
  }
}
