package ventispark.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.format.BlockType;
import ventispark.testing.CVenti;
import ventispark.testing.Cli;
import ventispark.testing.IndexBytes;
import ventispark.testing.Launcher;
import ventispark.testing.LocalSpark;
import ventispark.testing.VentiServer;
import ventispark.testing.VentiServer.Block;

/**
 * The operator's recovery drill, with the real C Venti server as the oracle: an archive formatted
 * by the C tools and written by the server, its index lost (sections and bloom filter overwritten
 * with random bytes and formatted anew), rebuilt by venti-spark (direct, staged, one section at a
 * time), then every block read back through the server on the rebuilt index and the index checked
 * by the C checkindex. Last, the mistake operators make: serving on the empty index before the
 * rebuild, so that blocks written again are stored twice.
 */
class RecoveryDrillTest {
  /** Distinct blocks (score and type) the server stores in the first session. */
  static final int BLOCKS = 2400;

  static final String CONF =
      String.join(
          "\n",
          "index main",
          "arenas arenas0.img",
          "arenas arenas1.img",
          "isect isect0.img",
          "isect isect1.img",
          "bloom bloom.img",
          "mem 16m",
          "bcmem 16m",
          "icmem 16m",
          "");

  /** Partitions and sizes: the blocks fill the first arena partition and part of the second. */
  static final Map<String, Long> FILES =
      Map.of(
          "arenas0.img",
          10L << 20,
          "arenas1.img",
          24L << 20,
          "isect0.img",
          2L << 20,
          "isect1.img",
          2L << 20,
          "bloom.img",
          1L << 20);

  static final List<String> INDEX_FILES = List.of("isect0.img", "isect1.img", "bloom.img");

  @TempDir static Path tmp;

  /** The archive as the server left it (arenas and its own index). */
  static Path written;

  /** Every block stored, once per score and type. */
  static List<Block> stored;

  /**
   * The written archive with its index lost: sections and bloom filter overwritten with random
   * bytes, then formatted anew by the C tools (once: fmtisect's bucket magic is random, and the
   * rebuilds of this state must be byte-identical).
   */
  static Path lost;

  static Path direct;

  @BeforeAll
  static void serverWritesTheArchive() throws IOException {
    CVenti.require();
    written = Files.createDirectories(tmp.resolve("written"));
    Files.writeString(written.resolve("venti.conf"), CONF);
    for (Map.Entry<String, Long> f : FILES.entrySet()) {
      try (var raf = new java.io.RandomAccessFile(written.resolve(f.getKey()).toFile(), "rw")) {
        raf.setLength(f.getValue());
      }
    }
    CVenti.ok(written, "fmtarenas", "-a", "4M", "arenas0-", "arenas0.img");
    CVenti.ok(written, "fmtarenas", "-a", "4M", "arenas1-", "arenas1.img");
    formatIndexWithC(written);

    Map<String, Block> distinct = new LinkedHashMap<>();
    List<Block> sent = new ArrayList<>();
    Random rnd = new Random(14);
    while (distinct.size() < BLOCKS) {
      Block b = randomBlock(rnd);
      sent.add(b);
      distinct.putIfAbsent(b.key(), b);
      if (distinct.size() % 25 == 0) {
        sent.add(b); // written twice in one session: the server keeps one copy
      }
      if (distinct.size() % 40 == 0 && b.type() != BlockType.DIR) {
        Block dir =
            new Block(
                BlockType.DIR, b.data()); // the same bytes under a second type: a second clump
        sent.add(dir);
        distinct.putIfAbsent(dir.key(), dir);
      }
    }
    stored = List.copyOf(distinct.values());
    assertTrue(
        sent.size() > stored.size() + BLOCKS / 25,
        "blocks sent twice: " + (sent.size() - stored.size()));
    try (VentiServer server = VentiServer.start(written.resolve("venti.conf"))) {
      assertScores(sent, server.write(sent));
      server.flush();
    }
    lost = copyOf(written, "lost");
    overwriteWithRandomBytes(lost);
    formatIndexWithC(lost);
  }

  /**
   * The C server's own fault, on its own index after a restart: the blocks with a bloom bit in the
   * filter's header are found only with the bloom filter ignored (VentiServer.readAll).
   */
  @Test
  void theServersOwnIndexLosesTheBlocksOfTheBloomHeader() {
    Path own = copyOf(written, "own");
    byte[] header = VentiServer.bloomHeader(own.resolve("venti.conf"));
    List<Block> blind =
        stored.stream().filter(b -> VentiServer.lostToTheBloomHeader(header, b.score())).toList();
    assertFalse(
        blind.isEmpty(), "this archive has blocks with a bloom bit in the header (one in 2,300)");
    try (VentiServer server = VentiServer.start(own.resolve("venti.conf"))) {
      assertEquals(List.of(), server.readBack(blind));
      assertEquals(blind.size(), server.bloomBlind());
    }
  }

  @Test
  void directRebuildServesEveryBlock() {
    Path dir = directRebuild();
    assertServed(dir, stored);
    CVenti.assertIndexCorrect(dir.resolve("venti.conf"));
    assertEquals(
        keys(stored), clumpKeys(dir), "the data source's clumps are the blocks the server stored");
  }

  @Test
  void stagedRebuildServesEveryBlock() {
    Path dir = copyOf(lost, "staged");
    String stage = tmp.resolve("stage").toString();
    Cli.Run r = Cli.run("buildindex", "--stage", stage, conf(dir));
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains(doneLine(stored.size(), stored.size())), r.out());
    Cli.Run apply = Cli.run("stage", "apply", stage, conf(dir));
    assertEquals(0, apply.status(), apply.err());
    assertSameIndex(directRebuild(), dir);
    assertServed(dir, sample(stored));
    CVenti.assertIndexCorrect(dir.resolve("venti.conf"));
  }

  /**
   * {@code -i} one section at a time, the bloom filter ({@code -b}) with the first. Between the
   * two, the server serves only the blocks of the rebuilt section: the reads do see a missing
   * section.
   */
  @Test
  void sectionBySectionRebuildServesEveryBlock() {
    Path dir = copyOf(lost, "sections");
    Cli.Run first = Cli.run("buildindex", "-i", "isect0", "-b", conf(dir));
    assertEquals(0, first.status(), first.err());
    List<Block> probe = stored.subList(0, 100);
    try (VentiServer server = VentiServer.start(dir.resolve("venti.conf"))) {
      int notServed = server.readBack(probe).size();
      assertTrue(
          notServed > 20 && notServed < 80,
          notServed + " of " + probe.size() + " not served with one section rebuilt");
    }
    Cli.Run second = Cli.run("buildindex", "-i", "isect1", conf(dir));
    assertEquals(0, second.status(), second.err());
    long[] a = counters(first.out());
    long[] b = counters(second.out());
    assertEquals(stored.size(), a[0]);
    assertEquals(stored.size(), b[0]);
    assertEquals(stored.size(), a[1] + b[1], "entries of the two sections");
    assertSameIndex(directRebuild(), dir);
    assertServed(dir, sample(stored));
    CVenti.assertIndexCorrect(dir.resolve("venti.conf"));
  }

  /**
   * The index is lost and formatted anew (by venti-spark's format), but the server is started on it
   * before the rebuild: it serves none of the old blocks, and stores the blocks written again a
   * second time. The rebuild indexes every copy (the C checkindex calls each extra copy an error);
   * with --drop-duplicates it keeps one per score and type, and the C checkindex is satisfied.
   */
  @Test
  void blocksStoredTwiceAfterTheLossAreIndexedAndCanBeDropped() {
    Path dir = copyOf(written, "duplicates");
    overwriteWithRandomBytes(dir);
    for (String s : List.of("isect0", "isect1")) {
      Cli.Run f = Cli.run("format", "isect", s, dir.resolve(s + ".img").toString());
      assertEquals(0, f.status(), f.err());
    }
    Cli.Run fb = Cli.run("format", "bloom", dir.resolve("bloom.img").toString());
    assertEquals(0, fb.status(), fb.err());
    Cli.Run fi = Cli.run("format", "index", conf(dir));
    assertEquals(0, fi.status(), fi.err());

    List<Block> again = new ArrayList<>();
    List<Block> notAgain = new ArrayList<>();
    for (int i = 0; i < stored.size(); i++) {
      (i % 8 == 3 ? again : notAgain).add(stored.get(i));
    }
    Random rnd = new Random(15);
    Map<String, Block> fresh = new LinkedHashMap<>();
    Set<String> old = keys(stored);
    while (fresh.size() < 200) {
      Block b = randomBlock(rnd);
      if (!old.contains(b.key())) {
        fresh.putIfAbsent(b.key(), b);
      }
    }
    List<Block> secondSession = new ArrayList<>(again);
    secondSession.addAll(fresh.values());
    try (VentiServer server = VentiServer.start(dir.resolve("venti.conf"))) {
      List<Block> probe = notAgain.subList(0, 50);
      assertEquals(
          probe.size(), server.readBack(probe).size(), "blocks served from an index that was lost");
      assertScores(secondSession, server.write(secondSession));
      assertEquals(
          List.of(),
          server.readBack(secondSession),
          "blocks written into venti-spark's formatted index");
      server.flush();
    }

    List<Block> all = new ArrayList<>(stored);
    all.addAll(fresh.values());
    int copies = stored.size() + secondSession.size();
    Cli.Run every = Cli.run("buildindex", conf(dir));
    assertEquals(0, every.status(), every.err());
    assertTrue(every.out().contains(doneLine(copies, copies)), every.out());
    assertServed(dir, all);
    Launcher.Run check = CVenti.checkIndex(dir.resolve("venti.conf"));
    assertEquals(1, check.status(), check.toString());
    assertTrue(check.err().contains("errors found"), check.toString());
    List<String> extra = check.out().lines().filter(l -> l.startsWith("< ")).toList();
    List<String> missing = check.out().lines().filter(l -> l.startsWith("> ")).toList();
    assertEquals(List.of(), missing, "entries the C checkindex misses");
    assertEquals(
        again.size(),
        extra.size(),
        "entries the C checkindex calls extra: one per block stored twice");
    Set<String> extraScores =
        extra.stream().map(l -> l.split("\\s+")[1]).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(
        again.stream().map(Block::score).collect(Collectors.toCollection(TreeSet::new)),
        extraScores);

    Cli.Run dropped = Cli.run("buildindex", "--drop-duplicates", conf(dir));
    assertEquals(0, dropped.status(), dropped.err());
    List<Block> changed = new ArrayList<>(again);
    changed.addAll(fresh.values());
    changed.addAll(sample(notAgain));
    assertServed(dir, changed);
    CVenti.assertIndexCorrect(dir.resolve("venti.conf"));
  }

  /** The direct rebuild of the lost index, made once. */
  static synchronized Path directRebuild() {
    if (direct == null) {
      Path dir = copyOf(lost, "direct");
      Cli.Run r = Cli.run("buildindex", conf(dir));
      assertEquals(0, r.status(), r.err());
      assertTrue(r.out().contains(doneLine(stored.size(), stored.size())), r.out());
      direct = dir;
    }
    return direct;
  }

  /** Every eighth block: the other rebuilds are byte-identical to the direct one, read in full. */
  static List<Block> sample(List<Block> blocks) {
    List<Block> s = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i += 8) {
      s.add(blocks.get(i));
    }
    return s;
  }

  static void assertSameIndex(Path expected, Path actual) {
    for (String f : INDEX_FILES) {
      assertEquals(IndexBytes.sha256(expected.resolve(f)), IndexBytes.sha256(actual.resolve(f)), f);
    }
  }

  static void formatIndexWithC(Path dir) {
    CVenti.ok(dir, "fmtisect", "isect0", "isect0.img");
    CVenti.ok(dir, "fmtisect", "isect1", "isect1.img");
    CVenti.ok(dir, "fmtbloom", "bloom.img");
    CVenti.ok(dir, "fmtindex", "venti.conf");
  }

  static Path copyOf(Path archive, String name) {
    try {
      Path dir = Files.createDirectories(tmp.resolve(name));
      Files.copy(archive.resolve("venti.conf"), dir.resolve("venti.conf"));
      for (String f : FILES.keySet()) {
        Files.copy(archive.resolve(f), dir.resolve(f));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void overwriteWithRandomBytes(Path dir) {
    Random rnd = new Random(dir.getFileName().toString().hashCode());
    for (String f : INDEX_FILES) {
      byte[] junk = new byte[Math.toIntExact(FILES.get(f))];
      rnd.nextBytes(junk);
      try {
        Files.write(dir.resolve(f), junk);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Starts the server on the archive, reads every block back and stops it. */
  static void assertServed(Path dir, List<Block> blocks) {
    try (VentiServer server = VentiServer.start(dir.resolve("venti.conf"))) {
      List<String> wrong = server.readBack(blocks);
      assertEquals(
          List.of(),
          wrong.subList(0, Math.min(20, wrong.size())),
          wrong.size() + " of " + blocks.size() + " blocks not served as written");
    }
  }

  static void assertScores(List<Block> sent, List<String> scores) {
    for (int i = 0; i < sent.size(); i++) {
      assertEquals(sent.get(i).score(), scores.get(i), "score of block " + i);
    }
  }

  /**
   * Sizes from 1 byte to 56 KiB (most small, as file systems write them), every block type, half
   * text-like (the server stores it whack-compressed), half random bytes.
   */
  static Block randomBlock(Random rnd) {
    int p = rnd.nextInt(100);
    int size =
        p < 3
            ? 1
            : p < 5
                ? 56 << 10
                : p < 70
                    ? 1 + rnd.nextInt(4096)
                    : p < 92 ? 4096 + rnd.nextInt(12 << 10) : (16 << 10) + rnd.nextInt(40 << 10);
    size = Math.min(size, 56 << 10);
    byte[] data = new byte[size];
    if (rnd.nextBoolean()) {
      rnd.nextBytes(data);
    } else {
      String[] words = {
        "venti ", "arena ", "clump ", "score ", "bucket ", "index ", "section ", "bloom "
      };
      for (int i = 0; i < size; i++) {
        String w = words[(i / 7 + rnd.nextInt(2)) % words.length];
        data[i] = (byte) w.charAt(i % w.length());
      }
    }
    int t = rnd.nextInt(10);
    int type =
        t < 6
            ? BlockType.DATA
            : t == 6
                ? BlockType.DIR
                : t == 7 ? BlockType.ROOT : t == 8 ? 1 + rnd.nextInt(7) : 9 + rnd.nextInt(7);
    return new Block(type, data);
  }

  static Set<String> keys(List<Block> blocks) {
    return blocks.stream().map(Block::key).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Score and on-disk type of every clump, as the venti data source's clumps table lists them. */
  static Set<String> clumpKeys(Path dir) {
    LocalSpark.get();
    List<Row> rows =
        SparkSession.builder()
            .getOrCreate()
            .read()
            .format("venti")
            .option("table", "clumps")
            .load(conf(dir))
            .select("score", "type_code")
            .collectAsList();
    Set<String> keys = new TreeSet<>();
    for (Row r : rows) {
      keys.add(HexFormat.of().formatHex((byte[]) r.get(0)) + "/" + r.getInt(1));
    }
    assertEquals(rows.size(), keys.size(), "clumps stored twice");
    return keys;
  }

  static String conf(Path dir) {
    return dir.resolve("venti.conf").toString();
  }

  static String doneLine(long arenaEntries, long indexed) {
    return String.format(
        Locale.ROOT, "done arenaentries=%,d indexed=%,d (nskip=0)", arenaEntries, indexed);
  }

  /** {arenaentries, indexed} of a summary. */
  static long[] counters(String out) {
    Matcher m = Pattern.compile("done arenaentries=([\\d,]+) indexed=([\\d,]+)").matcher(out);
    assertTrue(m.find(), out);
    return new long[] {
      Long.parseLong(m.group(1).replace(",", "")), Long.parseLong(m.group(2).replace(",", ""))
    };
  }
}
