package ventispark.job.reverse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import ventispark.testing.DirectBuffers;
import ventispark.write.SectionWriter;

/**
 * An address range's records, written larger than {@link SectionWriter#WRITE_BYTES}, land byte for
 * byte at their offset and leave no temporary direct buffer of their size in the writing thread.
 */
class ReverseIndexOutputTest {
  @TempDir Path dir;

  @Test
  void aLargeRangeIsWrittenInBoundedPiecesToItsPlace() throws Exception {
    Path file = dir.resolve("reverse");
    byte[] b = new byte[(20 << 20) + 12345];
    new Random(11).nextBytes(b);
    int from = 777; // a buffer whose position is not 0, as a range's slice may be
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
                end.set(ReverseIndexOutput.writeFully(ch, buf, at));
                consumed.set(buf.position());
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
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
