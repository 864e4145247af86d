package ventispark.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import ventispark.format.ClumpInfo;
import ventispark.format.IEntry;
import ventispark.plan.SplitPlanner;
import ventispark.read.Archive;
import ventispark.read.Arena;
import ventispark.read.ArenaSplit;
import ventispark.read.ClumpEntries;
import ventispark.testing.SmallArchive;

/**
 * Clump directory entries: fuzzed bytes replace an arena's whole directory in a real archive and
 * the arena is read as a rebuild reads it. Every entry produced must lie in the arena; anything
 * wrong (sizes that do not add up to memstats.used) must be refused with a FormatException.
 */
class ClumpDirectoryFuzzTest {
  private static Archive archive;
  private static Path partition;
  private static Arena arena;

  private static synchronized void setUp() {
    if (archive != null) {
      return;
    }
    try {
      Path dir = Files.createTempDirectory("venti-fuzz-directory");
      archive = SmallArchive.oneArena(dir, 300, "1-2000");
      partition = dir.resolve("arenas0.img");
      arena = archive.arenas().get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void directory(FuzzedDataProvider data) throws IOException {
    setUp();
    long clumps = arena.memStats().clumpCount();
    int perBlock = ClumpInfo.perBlock(arena.blockSize());
    long blocks = ClumpInfo.directoryBlocks(clumps, arena.blockSize());
    byte[] dir = new byte[(int) (blocks * arena.blockSize())];
    byte[] fuzz = data.consumeRemainingAsBytes();
    System.arraycopy(fuzz, 0, dir, 0, Math.min(fuzz.length, dir.length));
    try (RandomAccessFile f = new RandomAccessFile(partition.toFile(), "rw")) {
      // Directory block k lies at stop - (k + 2) * blocksize.
      for (long k = 0; k < blocks; k++) {
        f.seek(arena.stop() - (k + 2) * arena.blockSize());
        f.write(dir, (int) (k * arena.blockSize()), arena.blockSize());
      }
    }
    ArenaSplit split = SplitPlanner.plan(archive, Long.MAX_VALUE).get(0);
    Allowed.formatException(
        () -> {
          try (ClumpEntries entries =
              new ClumpEntries(split, new Configuration(), archive.div(), b -> 0, null)) {
            while (entries.advance()) {
              long addr = IEntry.addr(entries.entry(), 0);
              assertTrue(
                  addr >= arena.indexStart() && addr < arena.indexStart() + arena.memStats().used(),
                  "address " + addr + " outside the arena");
            }
          }
        });
    assertTrue(perBlock > 0);
  }
}
