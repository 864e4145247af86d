package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import ventispark.format.Bucket;
import ventispark.format.Bytes;
import ventispark.format.ISectHeader;
import ventispark.format.Venti;
import ventispark.testing.Cli;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexDiff;
import ventispark.testing.LocalSpark;

/**
 * checkindex against the reference indexes the C buildindex made (correct, untouched), with the C
 * tool's quirks as options, and against damaged copies, reported bucket by bucket.
 */
class CheckIndexCommandTest {
  @TempDir Path tmp;

  static final List<String> FIXTURES = Fixtures.REBUILDABLE;
  static final Pattern COUNTS =
      Pattern.compile(
          "(\\d[\\d,]*) buckets differ: ([\\d,]+) entries on disk and not "
              + "expected \\(<\\), ([\\d,]+) expected and missing");

  @BeforeAll
  static void spark() {
    LocalSpark.get();
  }

  @ParameterizedTest
  @FieldSource("FIXTURES")
  void referenceIndexesAreCorrectAndUntouched(String name) {
    Path ref = Fixtures.reference(name);
    Map<String, String> before = sums(ref);
    Cli.Run r = Cli.run("checkindex", ref.resolve("venti.conf").toString());
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("checkindex: index is correct"), r.out());
    assertEquals(before, sums(ref));
  }

  @Test
  void collapsedDuplicatesReportEveryExtraCopyAsTheCToolDoes() {
    Path conf = Fixtures.reference("multi").resolve("venti.conf");
    Cli.Run r =
        Cli.run("checkindex", "--collapse-duplicates", "--max-report", "3", conf.toString());
    assertEquals(6, r.status(), r.out());
    // Independently: the entries the arenas give, minus one per distinct (score, type).
    List<String> entries =
        IndexDiff.run("entries", conf.toString())
            .output()
            .lines()
            .filter(l -> l.startsWith(" "))
            .toList();
    long distinct =
        entries.stream()
            .map(l -> String.join(" ", Arrays.copyOfRange(l.trim().split(" +"), 0, 2)))
            .distinct()
            .count();
    long[] c = counts(r.out());
    assertEquals(entries.size() - distinct, c[1]);
    assertEquals(0, c[2]);
    assertEquals(3, r.out().lines().filter(l -> l.contains(" block 0x")).count(), r.out());
    assertTrue(r.out().startsWith("# diff actual correct\n"), r.out());
  }

  @Test
  void bloomWithCorruptEntriesFailsOnlyUnderTheCRule() {
    Path conf = Fixtures.reference("corrupt").resolve("venti.conf");
    Cli.Run plain = Cli.run("checkindex", conf.toString());
    assertTrue(plain.out().contains("bloom filter: correct"), plain.out());
    Cli.Run c = Cli.run("checkindex", "--bloom-with-corrupt", conf.toString());
    assertEquals(6, c.status(), c.out());
    Matcher m =
        Pattern.compile("bloom filter: (\\d+) missing bits, 0 spurious bits").matcher(c.out());
    assertTrue(m.find(), c.out());
    // Six corrupt entries, 32 bits each, a few shared with other scores.
    int missing = Integer.parseInt(m.group(1));
    assertTrue(missing > 150 && missing <= 6 * 32, c.out());
  }

  @Test
  void damagedCopiesAreReportedPrecisely() throws IOException {
    Path work = Fixtures.workingCopy("basic", tmp);
    Path conf = work.resolve("venti.conf");
    Cli.Run build = Cli.run("buildindex", conf.toString());
    assertEquals(0, build.status(), build.err());
    Path isect = work.resolve("isect0.img");
    ISectHeader h = header(isect);
    int bs = h.blockSize();

    // 1. One entry's address changed: one bucket, one < (on disk) and one > (expected).
    long flipped = h.blockBase() + 5L * bs;
    byte[] block = read(isect, flipped, bs);
    int n = Bucket.count(block, 0, h.bucketMagic());
    assertTrue(n > 1);
    int addr = Venti.BUCKET_HEAD_SIZE + 38 + 26 + 7;
    block[addr] ^= 0x40;
    write(isect, flipped, block);
    // 2. A whole bucket zeroed: every entry missing.
    long zeroed = h.blockBase() + 17L * bs;
    int lost = Bucket.count(read(isect, zeroed, bs), 0, h.bucketMagic());
    write(isect, zeroed, new byte[bs]);
    // 3. The bloom filter's bits dropped (header kept).
    Path bloom = work.resolve("bloom.img");
    long bits =
        Long.parseLong(
            build.out().replaceAll("(?s).*bloom: ([\\d,]+) bits set.*", "$1").replace(",", ""));
    write(bloom, Venti.BLOOM_HEAD_SIZE, new byte[(int) Files.size(bloom) - Venti.BLOOM_HEAD_SIZE]);

    Cli.Run r = Cli.run("checkindex", conf.toString());
    assertEquals(6, r.status(), r.out());
    long[] c = counts(r.out());
    assertEquals(2, c[0], r.out());
    assertEquals(1, c[1], r.out());
    assertEquals(1 + lost, c[2], r.out());
    assertTrue(
        r.out().contains(String.format(Locale.ROOT, "isect0.img block 0x%x (bucket 5)", flipped)),
        r.out());
    assertTrue(
        r.out().contains(String.format(Locale.ROOT, "isect0.img block 0x%x (bucket 17)", zeroed)),
        r.out());
    String scoreOfFlipped = Bytes.hex(block, Venti.BUCKET_HEAD_SIZE + 38, 20);
    assertEquals(
        2,
        r.out()
            .lines()
            .filter(l -> l.startsWith("< " + scoreOfFlipped) || l.startsWith("> " + scoreOfFlipped))
            .count(),
        r.out());
    assertTrue(
        r.out()
            .contains(
                "bloom filter: "
                    + String.format(Locale.ROOT, "%,d", bits)
                    + " missing bits, 0 spurious bits"),
        r.out());
    // The independent checker agrees on the buckets.
    IndexDiff.Result v = IndexDiff.run("verify", "--no-bloom", conf.toString());
    assertEquals("2", v.field("mismatched_buckets"), v.output());
  }

  static long[] counts(String out) {
    Matcher m = COUNTS.matcher(out);
    assertTrue(m.find(), out);
    return new long[] {
      Long.parseLong(m.group(1).replace(",", "")),
      Long.parseLong(m.group(2).replace(",", "")),
      Long.parseLong(m.group(3).replace(",", ""))
    };
  }

  static ISectHeader header(Path isect) throws IOException {
    return ISectHeader.decode(isect.toString(), read(isect, Venti.PART_BLANK, Venti.HEAD_SIZE));
  }

  static byte[] read(Path f, long at, int len) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
      byte[] b = new byte[len];
      raf.seek(at);
      raf.readFully(b);
      return b;
    }
  }

  static void write(Path f, long at, byte[] b) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.seek(at);
      raf.write(b);
    }
  }

  static Map<String, String> sums(Path dir) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith("."))
          .forEach(
              f -> out.put(f.getFileName().toString(), ventispark.testing.IndexBytes.sha256(f)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }
}
