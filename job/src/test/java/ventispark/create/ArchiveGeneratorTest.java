package ventispark.create;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.format.BlockType;
import ventispark.format.Bytes;
import ventispark.format.ClumpInfo;
import ventispark.format.Venti;
import ventispark.format.Whack;
import ventispark.job.BuildIndexOptions;
import ventispark.job.BuildSummary;
import ventispark.job.build.BuildIndex;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.Arena;
import ventispark.read.PartitionReader;
import ventispark.testing.IndexBytes;
import ventispark.testing.IndexDiff;
import ventispark.testing.LocalSpark;

/**
 * The generator writes archives the independent checker and our rebuild accept, with exactly the
 * features asked for, real clump data, and the same bytes whatever the thread count.
 */
class ArchiveGeneratorTest {
  @TempDir Path tmp;

  @BeforeAll
  static void spark() {
    LocalSpark.get();
  }

  static GeneratorOptions everything() {
    GeneratorOptions o = new GeneratorOptions();
    o.clumps = 6_000;
    o.arenaPartitions = 3;
    o.arenas = 2;
    o.sizes = GeneratorOptions.sizes("512:4,8-100:1,8k-20k:1");
    o.types = GeneratorOptions.types("data:10,pointer1:3,pointer7:1,dir:2,root:1");
    o.compressed = 0.5;
    o.duplicates = 0.2;
    o.corrupt = 17;
    o.openArenas = 2;
    o.indexed = 0.3;
    o.sections = 3;
    o.bloom = 1 << 20;
    o.seed = 7;
    return o;
  }

  @Test
  void everyFeatureRebuildsAndVerifies() throws IOException {
    GeneratorOptions o = everything();
    ArchiveGenerator.Result r = new ArchiveGenerator(o, null).write(tmp.resolve("a"));
    assertEquals(6, r.arenas());

    BuildSummary s =
        new BuildIndex(LocalSpark.get(), BuildIndexOptions.defaults()).run(r.config().toString());
    assertEquals(6_000 - 17, s.arenaEntries());
    assertEquals(17, s.skipped());
    IndexDiff.Result v = IndexDiff.verify(r.config());
    assertEquals(0, v.status(), v.output());
    assertEquals("ok", v.field("bloom"), v.output());
    assertEquals("17", v.field("skipped"), v.output());
    assertEquals("6000", v.field("clumps"), v.output());
    // The last two arenas are open: diskstats cover 30% of the clumps, memstats all of them.
    String arenas = IndexDiff.run("arenas", r.config().toString()).output();
    assertEquals(2, arenas.split("memstats differ", -1).length - 1, arenas);
    assertEquals(4, arenas.split("sealed=1", -1).length - 1, arenas);
  }

  @Test
  void clumpsHoldRealDataOfTheAskedKinds() {
    GeneratorOptions o = everything();
    ArchiveGenerator.Result r = new ArchiveGenerator(o, null).write(tmp.resolve("a"));
    Archive archive = new ArchiveLoader(new Configuration()).load(r.config().toString());
    Log log = new Log();
    for (Arena a : archive.arenas()) {
      try (PartitionReader in =
          PartitionReader.open(
              archive.partitions().get(a.partition()).ref(), new Configuration())) {
        log.read(in, a);
      }
    }
    assertEquals(6_000, log.clumps);
    assertEquals(17, log.types.getOrDefault("corrupt", 0));
    // Half the blocks are text-like; nearly all of those (not the tiniest) shrink under whack.
    assertTrue(log.compressed > 2_600 && log.compressed < 3_300, "compressed " + log.compressed);
    // One clump in five outside the first arena is drawn as a repeat; a draw whose target is
    // itself a repeat stores a new block instead. Never twice in one arena.
    assertTrue(log.repeats > 600 && log.repeats < 1_100, "repeats " + log.repeats);
    assertEquals(0, log.repeatsInSameArena);
    assertTrue(log.types.get("data") > log.types.get("pointer1"), log.types.toString());
    assertTrue(log.types.get("pointer7") > 0 && log.types.get("root") > 0, log.types.toString());
    assertTrue(
        log.minSize >= 8 && log.maxSize <= 20 * 1024 && log.maxSize > 8 * 1024,
        log.minSize + " " + log.maxSize);
  }

  /** Walks an arena's log as a server would read it back: header, data, whack, SHA-1. */
  static final class Log {
    long clumps;
    long compressed;
    long repeats;
    long repeatsInSameArena;
    int minSize = Integer.MAX_VALUE;
    int maxSize;
    final Map<String, Integer> types = new HashMap<>();
    final Map<String, String> arenaOfScore = new HashMap<>();

    void read(PartitionReader in, Arena a) {
      long pos = a.start() + a.blockSize();
      byte[] unpacked = new byte[Venti.MAX_LUMP_SIZE];
      Set<String> seenHere = new HashSet<>();
      for (long i = 0; i < a.memStats().clumpCount(); i++) {
        byte[] h = in.read(pos, Venti.CLUMP_SIZE);
        assertEquals(a.clumpMagic(), Bytes.u32(h, 0));
        int type = h[4] & 0xFF;
        int size = Bytes.u16(h, 5);
        int uncsize = Bytes.u16(h, 7);
        byte[] data = in.read(pos + Venti.CLUMP_SIZE, size);
        if (h[29] == 2) {
          compressed++;
          assertEquals(uncsize, Whack.decompress(data, 0, size, unpacked, 0, uncsize));
          data = java.util.Arrays.copyOf(unpacked, uncsize);
        } else {
          assertEquals(1, h[29]);
          assertEquals(size, uncsize);
        }
        String score = Bytes.hex(h, 9, 20);
        assertEquals(score, Bytes.hex(sha1(data), 0, 20), "clump " + i + " of " + a.name());
        // The directory entry repeats the header's bytes 4..28.
        byte[] dir = in.read(ClumpInfo.position(a.stop(), a.blockSize(), i), Venti.CLUMP_INFO_SIZE);
        assertEquals(Bytes.hex(h, 4, 25), Bytes.hex(dir, 0, 25));
        types.merge(BlockType.name(type), 1, Integer::sum);
        String earlier = arenaOfScore.putIfAbsent(score, a.name());
        if (earlier != null) {
          repeats++;
          repeatsInSameArena += seenHere.contains(score) ? 1 : 0;
        }
        seenHere.add(score);
        minSize = Math.min(minSize, uncsize);
        maxSize = Math.max(maxSize, uncsize);
        clumps++;
        pos += Venti.CLUMP_SIZE + size;
      }
      assertEquals(a.start() + a.blockSize() + a.memStats().used(), pos, a.name());
    }
  }

  @Test
  void sameBytesWhateverTheThreadCount() throws IOException {
    GeneratorOptions one = everything();
    one.threads = 1;
    GeneratorOptions three = everything();
    three.threads = 3;
    Path a = new ArchiveGenerator(one, null).write(tmp.resolve("one")).config().getParent();
    Path b = new ArchiveGenerator(three, null).write(tmp.resolve("three")).config().getParent();
    List<String> files = names(a);
    assertEquals(files, names(b));
    for (String f : files) {
      assertEquals(IndexBytes.sha256(a.resolve(f)), IndexBytes.sha256(b.resolve(f)), f);
    }
    GeneratorOptions other = everything();
    other.seed = 8;
    Path c = new ArchiveGenerator(other, null).write(tmp.resolve("other")).config().getParent();
    assertNotEquals(
        IndexBytes.sha256(a.resolve("arenas0.img")), IndexBytes.sha256(c.resolve("arenas0.img")));
  }

  @Test
  void version4ArenasAndOneBlockSizeRebuild() {
    GeneratorOptions o = new GeneratorOptions();
    o.clumps = 3_000;
    o.version = 4;
    o.arenaBlockSize = 4096;
    o.bucketSize = 2048;
    o.sections = 1;
    o.arenas = 3;
    ArchiveGenerator.Result r = new ArchiveGenerator(o, null).write(tmp.resolve("v4"));
    new BuildIndex(LocalSpark.get(), BuildIndexOptions.defaults()).run(r.config().toString());
    IndexDiff.Result v = IndexDiff.verify(r.config());
    assertEquals(0, v.status(), v.output());
    assertTrue(IndexDiff.run("arenas", r.config().toString()).output().contains("version=4"));
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
