package ventispark.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.format.ClumpInfo;
import ventispark.format.Venti;
import ventispark.testing.SmallArchive;

/**
 * Walking a directory downwards (the shortcut without division) finds the entries random access
 * finds.
 */
class ClumpDirectoryTest {
  @Test
  void descendingWalkMatchesRandomAccessAcrossBlocksAndChunks(@TempDir Path tmp) {
    Archive archive = SmallArchive.oneArena(tmp, 100_000, "64");
    Arena arena = archive.arenas().get(0);
    long clumps = arena.memStats().clumpCount();
    // More entries than one read chunk holds, so the walk crosses chunks as well as blocks.
    assertTrue(
        clumps / ClumpInfo.perBlock(arena.blockSize()) * arena.blockSize()
            > ClumpDirectory.CHUNK_BYTES,
        clumps + " clumps");
    try (PartitionReader in =
        PartitionReader.open(archive.partitions().get(0).ref(), new Configuration())) {
      ClumpDirectory walk = new ClumpDirectory(in, arena);
      for (long i = clumps - 1; i >= 0; i--) {
        assertArrayEquals(expected(in, arena, i), entry(walk, i), "entry " + i);
        if (i % 1000 == 7) {
          // A jump back up starts a new walk: it must not take the shortcut.
          assertArrayEquals(expected(in, arena, i + 5), entry(walk, i + 5), "entry " + (i + 5));
          walk.locate(i);
        }
      }
    }
  }

  private static byte[] entry(ClumpDirectory d, long i) {
    int at = d.locate(i);
    return Arrays.copyOfRange(d.buffer(), at, at + Venti.CLUMP_INFO_SIZE);
  }

  /**
   * Entry {@code i} read on its own, where the format puts it: directory block k at stop −
   * (k+2)·blocksize.
   */
  private static byte[] expected(PartitionReader in, Arena a, long i) {
    int perBlock = ClumpInfo.perBlock(a.blockSize());
    long block = a.stop() - (i / perBlock + 2) * a.blockSize();
    return in.read(block + (i % perBlock) * Venti.CLUMP_INFO_SIZE, Venti.CLUMP_INFO_SIZE);
  }
}
