package ventispark.create;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import ventispark.format.ISectHeader;
import ventispark.format.Venti;

/**
 * Formats an index section as fmtisect does (7.2): {@code blockbase = roundup(tabbase + 512 KiB,
 * bs)}, {@code blocks = floor(size / bs) − floor(blockbase / bs)}, empty bucket range, a random
 * non-zero bucket magic for version 2. The file is created (sparse, so zero) at the given size.
 */
public final class ISectFormatter {
  private ISectFormatter() {}

  public static ISectHeader format(Path file, long size, String name, int blockSize, int version, Random random)
      throws IOException {
    long tabBase = Venti.roundUp(Venti.PART_BLANK + Venti.HEAD_SIZE, blockSize);
    long blockBase = Venti.roundUp(tabBase + Venti.DEFAULT_TABLE_SIZE, blockSize);
    long blocks = size / blockSize - blockBase / blockSize;
    if (blocks <= 0) {
      throw new IllegalArgumentException("index section of " + size + " bytes holds no buckets");
    }
    int magic = 0;
    while (version == 2 && magic == 0) {
      magic = random.nextInt();
    }
    ISectHeader h = new ISectHeader(version, name, "", blockSize, blockBase, blocks, 0, 0, magic);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ArenaPartitionFormatter.write(ch, size - 1, new byte[1]);
      ArenaPartitionFormatter.write(ch, Venti.PART_BLANK, h.encode());
    }
    return h;
  }
}
