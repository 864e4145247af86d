package ventispark.reverse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import ventispark.format.FormatException;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.testing.Cli;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexBytes;
import ventispark.testing.IndexDiff;
import ventispark.testing.LocalSpark;

/**
 * The reverse index of every reference index: every record round-trips (rank → entry → address →
 * rank), the addresses are exactly those the independent checker derives from the arenas, and a
 * stale, renamed or corrupted reverse index is refused.
 */
class ReverseIndexTest {
  @TempDir Path tmp;

  static final List<String> FIXTURES = Fixtures.REBUILDABLE;

  @BeforeAll
  static void spark() {
    LocalSpark.get();
  }

  @ParameterizedTest
  @FieldSource("FIXTURES")
  void everyRecordRoundTrips(String name) {
    Path conf = Fixtures.reference(name).resolve("venti.conf");
    Path dir = tmp.resolve("rev");
    assertEquals(0, Cli.run("reverse", "build", dir.toString(), conf.toString()).status());
    Archive archive = new ArchiveLoader(new Configuration()).load(conf.toString());
    Path file = ReverseIndexFile.find(dir, archive.indexName()).get(0);

    // The addresses are those of the entries the independent checker expects, in log order.
    List<Long> expected =
        IndexDiff.run("entries", conf.toString())
            .output()
            .lines()
            .filter(l -> l.startsWith(" "))
            .map(l -> Long.parseLong(l.trim().split(" +")[3]))
            .sorted(Long::compareUnsigned)
            .toList();
    try (ReverseIndexFile rev = new ReverseIndexFile(file)) {
      assertTrue(rev.fileSumHolds());
      assertEquals(expected.size(), rev.entries());
      ReverseLookup lookup = new ReverseLookup(archive, rev, new Configuration());
      List<Long> addrs = new ArrayList<>();
      long step = Math.max(1, rev.entries() / 500);
      for (long r = 0; r < rev.entries(); r++) {
        addrs.add(rev.record(r).addr());
        if (r % step == 0 || r == rev.entries() - 1) {
          ReverseLookup.Clump c =
              lookup.byRank(r); // checks the entry at (bucket, slot) has this address
          assertEquals(r, lookup.byAddress(c.addr()).rank());
          assertTrue(c.onDiskSize() >= 38 && c.onDiskSize() <= 38 + 57344, c.describe());
          assertEquals(c, lookup.containing(c.addr() + c.onDiskSize() - 1));
        }
      }
      assertEquals(expected, addrs);
    }
  }

  @Test
  void aRebuildWritesTheSameReverseIndexWhateverItsPartitioning() throws IOException {
    Path work = Fixtures.workingCopy("multi", tmp);
    String conf = work.resolve("venti.conf").toString();
    List<String> sums = new ArrayList<>();
    for (String parts : List.of("1", "7", "40")) {
      Path dir = tmp.resolve("rev-" + parts);
      Cli.Run r =
          Cli.run("buildindex", "--partitions", parts, "--reverse-index", dir.toString(), conf);
      assertEquals(0, r.status(), r.err());
      assertTrue(r.out().contains("reverse index: " + dir), r.out());
      sums.add(
          ReverseIndexFile.find(dir, "main").get(0).getFileName()
              + " "
              + IndexBytes.sha256(ReverseIndexFile.find(dir, "main").get(0)));
    }
    // The same file as a scan of the finished index makes.
    Path scanned = tmp.resolve("scanned");
    assertEquals(0, Cli.run("reverse", "build", scanned.toString(), conf).status());
    Path file = ReverseIndexFile.find(scanned, "main").get(0);
    sums.add(file.getFileName() + " " + IndexBytes.sha256(file));
    assertEquals(1, sums.stream().distinct().count(), sums.toString());
    Cli.Run v = Cli.run("reverse", "verify", tmp.resolve("rev-7").toString(), conf);
    assertEquals(0, v.status(), v.out() + v.err());

    Cli.Run partial =
        Cli.run("buildindex", "-i", "isect0", "--reverse-index", tmp.resolve("x").toString(), conf);
    assertEquals(2, partial.status()); // a command-line error
    assertTrue(partial.err().contains("cannot go with -i"), partial.err());
  }

  @Test
  void dropDuplicatesKeepsTheHighestAddressOfEachScoreAndType() {
    Path work = Fixtures.workingCopy("multi", tmp);
    String conf = work.resolve("venti.conf").toString();
    List<String[]> entries =
        IndexDiff.run("entries", conf)
            .output()
            .lines()
            .filter(l -> l.startsWith(" "))
            .map(l -> l.trim().split(" +"))
            .toList();
    long distinct = entries.stream().map(e -> e[0] + " " + e[1]).distinct().count();
    Path dir = tmp.resolve("rev");
    Cli.Run r = Cli.run("buildindex", "--drop-duplicates", "--reverse-index", dir.toString(), conf);
    assertEquals(0, r.status(), r.err());
    assertTrue(
        r.out()
            .contains(
                String.format(
                    Locale.ROOT, "dropped %,d duplicate copies", entries.size() - distinct)),
        r.out());
    // What the C checkindex expects: one copy per score and type.
    Cli.Run c = Cli.run("checkindex", "--collapse-duplicates", conf);
    assertEquals(0, c.status(), c.out());
    Cli.Run plain = Cli.run("checkindex", conf);
    assertEquals(6, plain.status(), plain.out());
    assertTrue(
        plain
            .out()
            .contains(
                String.format(
                    Locale.ROOT,
                    "0 entries on disk and not expected (<), %,d expected and missing",
                    entries.size() - distinct)),
        plain.out());
    // The kept copy is the highest address of each (score, type).
    java.util.Map<String, Long> highest = new java.util.HashMap<>();
    entries.forEach(e -> highest.merge(e[0] + " " + e[1], Long.parseLong(e[3]), Math::max));
    Archive archive = new ArchiveLoader(new Configuration()).load(conf);
    try (ReverseIndexFile rev = new ReverseIndexFile(ReverseIndexFile.find(dir, "main").get(0))) {
      assertEquals(distinct, rev.entries());
      ReverseLookup lookup = new ReverseLookup(archive, rev, new Configuration());
      java.util.Set<Long> kept = new java.util.HashSet<>(highest.values());
      for (long i = 0; i < rev.entries(); i++) {
        assertTrue(kept.contains(lookup.byRank(i).addr()));
      }
    }
  }

  @Test
  void sqlTableOverTheReverseIndexJoinsTheClumps() {
    Path conf = Fixtures.reference("multi").resolve("venti.conf");
    Path dir = tmp.resolve("rev");
    assertEquals(0, Cli.run("reverse", "build", dir.toString(), conf.toString()).status());
    org.apache.spark.sql.SparkSession spark =
        org.apache.spark.sql.SparkSession.builder().getOrCreate();
    var rev =
        spark
            .read()
            .format("venti")
            .option("table", "reverse")
            .option("reverse_index", dir.toString())
            .load(conf.toString());
    var clumps =
        spark
            .read()
            .format("venti")
            .option("table", "clumps")
            .load(conf.toString())
            .where("type != 'corrupt'");
    long n = clumps.count();
    assertEquals(n, rev.count());
    // Every record's address is a clump's, in the same arena, and ranks follow addresses.
    assertEquals(
        n,
        rev.join(
                clumps,
                rev.col("address")
                    .equalTo(clumps.col("address"))
                    .and(rev.col("arena").equalTo(clumps.col("arena"))))
            .count());
    var w = org.apache.spark.sql.expressions.Window.orderBy("address");
    assertEquals(
        0,
        rev.withColumn("r", org.apache.spark.sql.functions.row_number().over(w))
            .where("r - 1 != rank")
            .count());
  }

  @Test
  void duplicatesAcrossArenasEachHaveTheirRecordAndSizesAddUp() {
    Path conf = Fixtures.reference("multi").resolve("venti.conf");
    Path dir = tmp.resolve("rev");
    assertEquals(0, Cli.run("reverse", "build", dir.toString(), conf.toString()).status());
    Archive archive = new ArchiveLoader(new Configuration()).load(conf.toString());
    try (ReverseIndexFile rev = new ReverseIndexFile(ReverseIndexFile.find(dir, "main").get(0))) {
      ReverseLookup lookup = new ReverseLookup(archive, rev, new Configuration());
      // Every arena's clumps tile its log: on-disk sizes add up to memstats.used.
      for (var arena : archive.arenas()) {
        long first = rev.lowerBound(arena.indexStart());
        long last = rev.lowerBound(arena.indexStart() + arena.dataSize());
        long sum = 0;
        for (long r = first; r < last; r++) {
          sum += lookup.byRank(r).onDiskSize();
        }
        assertEquals(arena.memStats().used(), sum, arena.name());
        assertEquals(arena.memStats().clumpCount(), last - first, arena.name());
      }
    }
  }

  @Test
  void staleRenamedAndCorruptedReverseIndexesAreRefused() throws IOException {
    Path work = Fixtures.workingCopy("basic", tmp);
    String conf = work.resolve("venti.conf").toString();
    assertEquals(0, Cli.run("buildindex", conf).status());
    Path dir = tmp.resolve("rev");
    assertEquals(0, Cli.run("reverse", "build", dir.toString(), conf).status());
    Cli.Run ok = Cli.run("reverse", "verify", dir.toString(), conf);
    assertEquals(0, ok.status(), ok.out() + ok.err());
    Path file = ReverseIndexFile.find(dir, "main").get(0);
    String built = IndexBytes.sha256(file);
    assertEquals(0, Cli.run("reverse", "build", tmp.resolve("again").toString(), conf).status());
    assertEquals(
        built, IndexBytes.sha256(ReverseIndexFile.find(tmp.resolve("again"), "main").get(0)));

    // Another index: one bucket's entries gone. By name: the index checksum is not the file's.
    byte[] zero = new byte[8192];
    try (RandomAccessFile f = new RandomAccessFile(work.resolve("isect0.img").toFile(), "rw")) {
      f.seek(794624 + 8192L * 3);
      byte[] old = new byte[8192];
      f.readFully(old);
      assertTrue(old[1] != 0 || old[0] != 0, "bucket 3 should hold entries");
      f.seek(794624 + 8192L * 3);
      f.write(zero);
    }
    Cli.Run stale = Cli.run("reverse", "verify", dir.toString(), conf);
    assertEquals(6, stale.status(), stale.out());
    assertTrue(stale.out().contains("is stale"), stale.out());
    // Lookups through it catch the moved entries too.
    Archive archive = new ArchiveLoader(new Configuration()).load(conf);
    try (ReverseIndexFile rev = new ReverseIndexFile(file)) {
      ReverseLookup lookup = new ReverseLookup(archive, rev, new Configuration());
      FormatException e =
          assertThrows(
              FormatException.class,
              () -> {
                for (long r = 0; r < rev.entries(); r++) {
                  if (rev.record(r).bucket() == 3) {
                    lookup.byRank(r);
                  }
                }
              });
      assertTrue(e.getMessage().contains("stale or corrupt reverse index"), e.getMessage());
    }

    // By checksum: the stale file renamed to the current index's name.
    Path fresh = tmp.resolve("fresh");
    assertEquals(0, Cli.run("reverse", "build", fresh.toString(), conf).status());
    Path current = ReverseIndexFile.find(fresh, "main").get(0);
    Files.delete(current);
    Files.copy(file, current);
    Cli.Run renamed = Cli.run("reverse", "verify", fresh.toString(), conf);
    assertEquals(6, renamed.status(), renamed.out());
    assertTrue(
        renamed.out().contains("index checksum is not the one its name carries"), renamed.out());
    Cli.Run lookupRenamed = Cli.run("reverse", "lookup", "--rank", "0", fresh.toString(), conf);
    assertEquals(3, lookupRenamed.status(), lookupRenamed.err());

    // Corrupted: one record byte flipped in a reverse index of the current index.
    Path good = tmp.resolve("good");
    assertEquals(0, Cli.run("reverse", "build", good.toString(), conf).status());
    Path g = ReverseIndexFile.find(good, "main").get(0);
    try (RandomAccessFile f = new RandomAccessFile(g.toFile(), "rw")) {
      f.seek(ReverseIndexFile.HEADER_SIZE + 16L * 100 + 7);
      int b = f.read();
      f.seek(ReverseIndexFile.HEADER_SIZE + 16L * 100 + 7);
      f.write(b ^ 1);
    }
    Cli.Run corrupt = Cli.run("reverse", "verify", good.toString(), conf);
    assertEquals(6, corrupt.status(), corrupt.out());
    assertTrue(corrupt.out().contains("file checksum does not hold"), corrupt.out());
    assertNotNull(built);
  }
}
