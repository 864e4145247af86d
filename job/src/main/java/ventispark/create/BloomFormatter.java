package ventispark.create;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import ventispark.format.BloomHeader;
import ventispark.format.Venti;

/** Formats an empty bloom filter as fmtbloom does (8.3): header at offset 0, zero table. */
public final class BloomFormatter {
  private BloomFormatter() {}

  public static BloomHeader format(Path file, int size, int nhash) throws IOException {
    if (!Venti.isPowerOfTwo(size) || size > Venti.MAX_BLOOM_SIZE) {
      throw new IllegalArgumentException("bloom filter size " + size + " is not a power of two up to 2^29");
    }
    BloomHeader h = new BloomHeader(nhash, size);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ArenaPartitionFormatter.write(ch, size - 1, new byte[1]);
      ArenaPartitionFormatter.write(ch, 0, h.encode());
    }
    return h;
  }
}
