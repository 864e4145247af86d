package ventispark.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.testing.DirectBuffers;

/**
 * A read larger than {@link PartitionReader#READ_BYTES} (a bloom slice checked by {@code checkindex
 * -b}) returns the partition's bytes from its range, and leaves no temporary direct buffer of its
 * size behind in the reading thread.
 */
class PartitionReaderTest {
  @TempDir Path dir;

  @Test
  void largeReadsGoInBoundedPieces() throws Exception {
    byte[] file = new byte[24 << 20];
    new Random(3).nextBytes(file);
    Files.write(dir.resolve("bloom.img"), file);
    int lo = 12345; // the partition is the file's range [lo, 24 MiB)
    PartitionRef ref =
        PartitionRef.resolve(
            "bloom.img:" + lo + "-" + file.length, dir.resolve("venti.conf").toString());
    long off = 3 * PartitionReader.READ_BYTES / 2 + 7;
    int len = (16 << 20) + 999;
    AtomicReference<byte[]> read = new AtomicReference<>();
    AtomicLong grown = new AtomicLong();
    Thread t =
        new Thread(
            () -> {
              long before = DirectBuffers.used();
              try (PartitionReader in = PartitionReader.open(ref, new Configuration(false))) {
                read.set(in.read(off, len));
              }
              // the JDK keeps a thread's temporary buffer while the thread lives
              grown.set(DirectBuffers.used() - before);
            });
    t.start();
    t.join();
    assertTrue(grown.get() <= PartitionReader.READ_BYTES, "direct buffers grew by " + grown.get());
    int at = (int) (lo + off);
    assertArrayEquals(Arrays.copyOfRange(file, at, at + len), read.get());
  }
}
