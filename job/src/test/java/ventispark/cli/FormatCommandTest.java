package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ventispark.format.ISectHeader;
import ventispark.format.ISectLayout;
import ventispark.format.Venti;
import ventispark.plan.IndexSizing;
import ventispark.testing.Cli;
import ventispark.testing.Cli.Run;
import ventispark.testing.Damage;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexBytes;
import ventispark.testing.IndexDiff;
import ventispark.testing.LocalSpark;

/**
 * {@code venti-spark format}: what it writes is what the C fmtisect and fmtindex wrote for the
 * reference archives (headers field by field but for the random bucket magic, the config text byte
 * for byte), the real rebuild accepts it and the independent checker verifies the result; bad input
 * is refused with one line naming the file, before anything is written.
 */
class FormatCommandTest {
  @BeforeAll
  static void spark() {
    LocalSpark.get();
  }

  /** A fresh directory under target/test-scratch. */
  static Path scratch(String name) {
    Path dir = Fixtures.scratch().resolve("format-command").resolve(name);
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Run run(String... args) {
    return Cli.run(args);
  }

  /** Runs a command that must succeed and print {@code lines} lines. */
  static Run ok(int lines, String... args) {
    Run r = run(args);
    assertEquals(0, r.status(), String.join(" ", args) + ": " + r.err());
    assertEquals(lines, r.out().lines().count(), r.out());
    return r;
  }

  /**
   * Runs a command that must fail with {@code status} and one line on stderr containing {@code
   * expected}.
   */
  static void fails(int status, String expected, String... args) {
    Run r = run(args);
    assertEquals(status, r.status(), String.join(" ", args) + ": " + r.err());
    if (status == ExitCode.BAD_INPUT.code) {
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
    String first = r.err().lines().findFirst().orElse("");
    assertTrue(first.contains(expected), String.join(" ", args) + ": " + first);
  }

  static List<String> confLines(Path conf, String directive) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(conf)) {
      String[] t = line.trim().split("\\s+");
      if (t.length == 2 && t[0].equals(directive)) {
        out.add(t[1]);
      }
    }
    return out;
  }

  static byte[] bytes(Path file, long off, int len) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      byte[] b = new byte[len];
      f.seek(off);
      f.readFully(b);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ISectHeader header(Path file) {
    return ISectHeader.decode(file.toString(), bytes(file, Venti.PART_BLANK, Venti.HEAD_SIZE));
  }

  /**
   * Every reference archive: its sections and bloom filter are made again with format (same names,
   * sizes, block sizes and versions as the C tools used), then compared with the state the C
   * fmtisect + fmtindex (+ fmtbloom) left, rebuilt, verified, and compared with the reference
   * index.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sample", "basic", "multi", "partial", "corrupt", "v1sect"})
  void formatsWhatTheCToolsFormatAndRebuilds(String name) throws IOException {
    Path ref = Fixtures.reference(name);
    Path work = Fixtures.workingCopy(name, scratch("reference-" + name));
    Path conf = work.resolve("venti.conf");
    List<String> sections = confLines(conf, "isect");
    for (String s : sections) {
      Path pre = ref.resolve(s.replace(".img", ".pre.img"));
      ISectHeader want = header(pre);
      Files.delete(work.resolve(s));
      ok(
          1,
          "format",
          "isect",
          "--version",
          "" + want.version(),
          "--block-size",
          "" + want.blockSize(),
          "--size",
          "" + Files.size(pre),
          want.name(),
          work.resolve(s).toString());
    }
    Run index = ok(sections.size() + 1, "format", "index", conf.toString());
    assertTrue(index.out().contains("index main: "), index.out());
    for (String s : sections) {
      Path pre = ref.resolve(s.replace(".img", ".pre.img"));
      Path made = work.resolve(s);
      ISectHeader want = header(pre);
      ISectHeader got = header(made);
      assertEquals(
          want,
          new ISectHeader(
              got.version(),
              got.name(),
              got.index(),
              got.blockSize(),
              got.blockBase(),
              got.blocks(),
              got.start(),
              got.stop(),
              want.bucketMagic()),
          s + " header");
      if (got.version() == 2) {
        assertNotEquals(0, got.bucketMagic(), s + " bucket magic");
      } else {
        assertEquals(0, got.bucketMagic(), s + " bucket magic");
      }
      byte[] wantBlock = bytes(pre, Venti.PART_BLANK, Venti.HEAD_SIZE);
      byte[] gotBlock = bytes(made, Venti.PART_BLANK, Venti.HEAD_SIZE);
      Arrays.fill(wantBlock, 156, 160, (byte) 0);
      Arrays.fill(gotBlock, 156, 160, (byte) 0);
      assertArrayEquals(wantBlock, gotBlock, s + " header block but the magic");
      assertArrayEquals(
          bytes(pre, want.tableBase(), want.tableSize()),
          bytes(made, got.tableBase(), got.tableSize()),
          s + " index config table");
      assertEquals(Files.size(pre), Files.size(made));
    }
    List<String> blooms = confLines(conf, "bloom");
    for (String b : blooms) {
      Path before =
          Files.exists(ref.resolve("bloom.pre.img"))
              ? ref.resolve("bloom.pre.img")
              : ref.resolve(b);
      Files.delete(work.resolve(b));
      ok(1, "format", "bloom", "--size", "" + Files.size(before), work.resolve(b).toString());
      assertArrayEquals(
          bytes(before, 0, Venti.BLOOM_HEAD_SIZE),
          bytes(work.resolve(b), 0, Venti.BLOOM_HEAD_SIZE),
          b);
    }

    Run build = run("buildindex", conf.toString());
    assertEquals(0, build.status(), build.err());
    IndexDiff.Result v = IndexDiff.verify(conf);
    assertEquals(0, v.status(), v.output());
    assertEquals(blooms.isEmpty() ? "none" : "ok", v.field("bloom"), v.output());
    IndexDiff.Result cmp = IndexDiff.compare(ref.resolve("venti.conf"), conf);
    assertEquals("0", cmp.field("mismatched_buckets"), cmp.output());
  }

  /**
   * Byte ranges of files (FORMAT.md 2.2): a section and a bloom filter inside larger files, for the
   * sample's arenas.
   */
  @Test
  void formatsByteRangesOfAFile() throws IOException {
    Path work = Fixtures.workingCopy("sample", scratch("ranges"));
    Files.delete(work.resolve("isect0.img"));
    Files.delete(work.resolve("bloom.img"));
    for (String f : List.of("sect.img", "filter.img")) {
      try (RandomAccessFile file = new RandomAccessFile(work.resolve(f).toFile(), "rw")) {
        file.setLength(23 << 20);
      }
    }
    Files.writeString(
        work.resolve("venti.conf"),
        "index main\narenas arenas0.img\nisect sect.img:1m-17m\nbloom filter.img:17m-22m\n");
    Run s = ok(1, "format", "isect", "isect0", work.resolve("sect.img") + ":1m-17m");
    assertTrue(s.out().contains("1,951 buckets of 215 entries"), s.out());
    Run b = ok(1, "format", "bloom", work.resolve("filter.img") + ":17m-22m");
    assertTrue(
        b.out()
            .contains(
                "bloom filter of 4,194,304 bytes, 32 hashes per score, best for up to 745,654 scores,"
                    + " using 4,194,304 of the partition's 5,242,880 bytes"),
        b.out());
    ok(2, "format", "index", work.resolve("venti.conf").toString());
    assertArrayEquals(
        new byte[1 << 20], bytes(work.resolve("sect.img"), 0, 1 << 20), "bytes before the section");
    assertArrayEquals(
        new byte[17 << 20],
        bytes(work.resolve("filter.img"), 0, 17 << 20),
        "bytes before the filter");
    assertEquals(0, run("buildindex", work.resolve("venti.conf").toString()).status());
    IndexDiff.Result v = IndexDiff.verify(work.resolve("venti.conf"));
    assertEquals(0, v.status(), v.output());
    assertEquals("ok", v.field("bloom"), v.output());
  }

  /**
   * Existing Venti data is never overwritten without --force; with it, the section is new and
   * usable.
   */
  @Test
  void refusesToOverwriteVentiDataWithoutForce() throws IOException {
    Path work = Fixtures.workingCopy("sample", scratch("overwrite"));
    Map<String, String> before = hashes(work);
    String isect = work.resolve("isect0.img").toString();
    fails(
        3,
        "isect0.img: already holds index section 'isect0' of index 'main'; use --force to overwrite it",
        "format",
        "isect",
        "isect0",
        isect);
    fails(
        3,
        "arenas0.img: already holds an arena partition",
        "format",
        "isect",
        "isect0",
        work.resolve("arenas0.img").toString());
    fails(
        3,
        "bloom.img: already holds a bloom filter; use --force",
        "format",
        "bloom",
        work.resolve("bloom.img").toString());
    fails(3, "isect0.img: already holds index section", "format", "bloom", isect);
    fails(
        3,
        "arenas0.img: already holds an arena partition",
        "format",
        "bloom",
        "--size",
        "1m",
        work.resolve("arenas0.img").toString());
    assertEquals(before, hashes(work));

    int oldMagic = header(work.resolve("isect0.img")).bucketMagic();
    ok(1, "format", "isect", "--force", "isect0", isect);
    ISectHeader fresh = header(work.resolve("isect0.img"));
    assertEquals("", fresh.index());
    assertEquals(0, fresh.stop());
    assertNotEquals(oldMagic, fresh.bucketMagic());
    ok(1, "format", "bloom", "--force", work.resolve("bloom.img").toString());
    ok(2, "format", "index", work.resolve("venti.conf").toString());
    assertEquals(0, run("buildindex", work.resolve("venti.conf").toString()).status());
    IndexDiff.Result v = IndexDiff.verify(work.resolve("venti.conf"));
    assertEquals(0, v.status(), v.output());
  }

  /** Each refusal of format index: exit 3, one line naming the file, no section touched. */
  @Test
  void formatIndexRefusesBeforeWriting() throws IOException {
    Path dir = scratch("index-refusals");
    Path work = Fixtures.workingCopy("sample", dir);
    Path conf = work.resolve("venti.conf");
    String isect1 = work.resolve("isect1.img").toString();
    Files.writeString(conf, "index main\narenas arenas0.img\nisect isect0.img\nisect isect1.img\n");
    // isect0.img is the C-formatted section of the one-section index.

    fails(
        3,
        "isect1.img: no such file (create it with venti-spark format isect",
        "format",
        "index",
        conf.toString());

    try (RandomAccessFile f = new RandomAccessFile(isect1, "rw")) {
      f.setLength(8 << 20);
    }
    refused(
        work,
        "isect1.img at offset 0x40000: not a formatted index section (format it first with venti-spark "
            + "format isect NAME isect1.img)");

    ok(1, "format", "isect", "--force", "--block-size", "4k", "isect1", isect1);
    refused(
        work,
        "isect1.img at offset 0x40000: cannot format index 'main': its block size 4096 differs from 8192 of"
            + " isect0.img");

    ok(1, "format", "isect", "--force", "isect0", isect1);
    refused(
        work,
        "isect1.img at offset 0x40000: cannot format index 'main': section name 'isect0' is also used by"
            + " isect0.img");

    ok(1, "format", "isect", "--force", "isect1", isect1);
    Files.writeString(conf, "index main\narenas arenas0.img\nisect isect1.img\nisect isect0.img\n");
    refused(
        work,
        "isect0.img at offset 0x40000: cannot format index 'main': it already holds buckets [0, 1951) of"
            + " index 'main'; the new index would give it [927, 2878) (reformat it with venti-spark format isect --force)");
    Files.writeString(conf, "index main\narenas arenas0.img\nisect isect0.img\nisect isect1.img\n");

    ok(1, "format", "isect", "--force", "isect0", work.resolve("isect0.img").toString());
    poke(
        work.resolve("isect1.img"),
        Venti.PART_BLANK + 72,
        "other".getBytes(StandardCharsets.US_ASCII));
    refused(
        work,
        "isect1.img at offset 0x40000: cannot format index 'main': it belongs to index 'other'");

    ok(1, "format", "isect", "--force", "isect1", isect1);
    try (RandomAccessFile f = new RandomAccessFile(isect1, "rw")) {
      f.setLength(4 << 20);
    }
    refused(
        work,
        "isect1.img at offset 0x40090: the header counts 927 blocks of 8192 bytes, which need 8388608 bytes,"
            + " but the partition has 4194304");

    ok(1, "format", "isect", "--force", "isect1", isect1);
    Map<String, String> before = hashes(work);
    fails(
        3,
        "venti.conf: says 'index main' but --name is other",
        "format",
        "index",
        "--name",
        "other",
        conf.toString());
    Damage.delete(work.resolve("arenas0.img"));
    fails(3, "arenas0.img: no such file", "format", "index", conf.toString());
    assertEquals(before.get("isect0.img"), hashes(work).get("isect0.img"));
    assertEquals(before.get("isect1.img"), hashes(work).get("isect1.img"));
  }

  /**
   * Venti's bucket limit (sparse sections of 512-byte buckets): sections of 42,949,673 buckets in
   * all make an index whose last bucket is the last a divisor of 100 reaches; one bucket more is
   * refused with one line (the limit, the buckets, how to fit) and nothing written.
   */
  @Test
  void formatIndexAtAndPastTheBucketLimit() throws IOException {
    Path dir = scratch("index-limit");
    Path work = Fixtures.workingCopy("sample", dir);
    Path conf = work.resolve("venti.conf");
    Files.writeString(conf, "index main\narenas arenas0.img\nisect big0.img\nisect big1.img\n");
    Path big0 = work.resolve("big0.img");
    Path big1 = work.resolve("big1.img");
    long first = IndexSizing.MAX_BUCKETS / 2;
    long second = IndexSizing.MAX_BUCKETS - first;
    ok(
        1,
        "format",
        "isect",
        "--block-size",
        "512",
        "--size",
        "" + ISectLayout.sizeFor(first, 512),
        "big0",
        big0.toString());
    ok(
        1,
        "format",
        "isect",
        "--block-size",
        "512",
        "--size",
        "" + ISectLayout.sizeFor(second + 1, 512),
        "big1",
        big1.toString());
    byte[] head0 = bytes(big0, 0, Venti.PART_BLANK + 8192);
    byte[] head1 = bytes(big1, 0, Venti.PART_BLANK + 8192);
    fails(
        3,
        "big0.img at offset 0x40000: cannot format index 'main': its 2 sections hold 42,949,674 buckets, more"
            + " than the 42,949,673 one Venti index can have (its bucket divisor may not fall below 100); fit it with"
            + " larger buckets (up to 64k), fewer or smaller sections",
        "format",
        "index",
        conf.toString());
    assertArrayEquals(head0, bytes(big0, 0, Venti.PART_BLANK + 8192));
    assertArrayEquals(head1, bytes(big1, 0, Venti.PART_BLANK + 8192));

    Files.delete(big1);
    ok(
        1,
        "format",
        "isect",
        "--block-size",
        "512",
        "--size",
        "" + ISectLayout.sizeFor(second, 512),
        "big1",
        big1.toString());
    Run r = ok(3, "format", "index", conf.toString());
    assertTrue(
        r.out().contains("big1.img: section big1 of index main, buckets [" + first + ", 42949673)"),
        r.out());
    assertEquals(IndexSizing.MAX_BUCKETS, header(big1).stop());
  }

  /**
   * format index on {@code work}/venti.conf is refused with {@code expected}, and no file changes.
   */
  private static void refused(Path work, String expected) {
    Map<String, String> before = hashes(work);
    fails(3, expected, "format", "index", work.resolve("venti.conf").toString());
    assertEquals(before, hashes(work), expected);
  }

  @Test
  void badIsectAndBloomInput() throws IOException {
    Path dir = scratch("bad-input");
    String missing = dir.resolve("new.img").toString();
    fails(
        3, "new.img: no such file; give --size SIZE to create it", "format", "isect", "s", missing);
    fails(
        3,
        "new.img: index section of 409600 bytes holds no buckets of 8192 bytes (at least 802816 bytes needed);"
            + " use a larger --size",
        "format",
        "isect",
        "--size",
        "400k",
        "s",
        missing);
    fails(
        3,
        "nodir/new.img: cannot create it: no directory",
        "format",
        "isect",
        "--size",
        "8m",
        "s",
        dir.resolve("nodir/new.img").toString());
    fails(
        3, "new.img:1m-9m: no such file (a byte range", "format", "isect", "s", missing + ":1m-9m");
    assertTrue(!Files.exists(dir.resolve("new.img")));

    Path small = dir.resolve("small.img");
    try (RandomAccessFile f = new RandomAccessFile(small.toFile(), "rw")) {
      f.setLength(512 << 10);
    }
    fails(
        3,
        "small.img: index section of 524288 bytes holds no buckets",
        "format",
        "isect",
        "s",
        small.toString());
    fails(
        3,
        "small.img: the partition has 524288 bytes, --size asks for 8388608",
        "format",
        "isect",
        "--size",
        "8m",
        "s",
        small.toString());
    fails(
        3,
        "small.img: bloom filter too small: the partition has 524288 bytes",
        "format",
        "bloom",
        small.toString());
    fails(
        3,
        "small.img: --size 1048576 is larger than the partition",
        "format",
        "bloom",
        "--size",
        "1m",
        small.toString());
    fails(3, "new.img: no such file; give --size SIZE to create it", "format", "bloom", missing);
    assertEquals(IndexBytes.sha256(small), sha256OfZeros(512 << 10));

    fails(
        2,
        "--version 3: index sections are version 1 or 2",
        "format",
        "isect",
        "--version",
        "3",
        "s",
        missing);
    fails(
        2,
        "--block-size 1000: a power of two from 512 to 64k",
        "format",
        "isect",
        "--block-size",
        "1000",
        "s",
        missing);
    fails(
        2,
        "--block-size 128k: a power of two",
        "format",
        "isect",
        "--block-size",
        "128k",
        "s",
        missing);
    fails(2, "--size: bad size '8q'", "format", "isect", "--size", "8q", "s", missing);
    fails(2, "format isect: bad NAME", "format", "isect", "--size", "8m", "x".repeat(64), missing);
    fails(2, "format isect: missing NAME and FILE", "format", "isect");
    fails(2, "missing FILE", "format", "isect", "s");
    fails(
        2,
        "--size 3145728: a bloom filter is a power of two from 1m to 512m",
        "format",
        "bloom",
        "--size",
        "3m",
        missing);
    fails(2, "--nhash 33: from 1 to 32", "format", "bloom", "--nhash", "33", missing);
    fails(2, "format: missing what to format (isect, index or bloom)", "format");
    fails(2, "format: unknown kind 'disk'", "format", "disk");
    fails(
        2,
        "format isect: unknown option --blocksize",
        "format",
        "isect",
        "--blocksize",
        "8k",
        "s",
        missing);
    assertTrue(!Files.exists(dir.resolve("new.img")));
  }

  /**
   * New files are sparse at the asked size; v1 zeroes an existing file's old bytes, as fmtisect
   * does.
   */
  @Test
  void createsSparseFilesAndZeroesVersionOneSections() throws IOException {
    Path dir = scratch("create");
    Run r =
        ok(1, "format", "isect", "--size", "16m", "isect0", dir.resolve("isect0.img").toString());
    assertTrue(
        r.out()
            .startsWith(
                dir.resolve("isect0.img").toString()
                    + ": index section isect0, version 2, 1,951 buckets of 215 entries (8,192-byte blocks), 524,288 bytes for"
                    + " index map, new sparse file of 16,777,216 bytes"),
        r.out());
    assertEquals(16 << 20, Files.size(dir.resolve("isect0.img")));
    Run b =
        ok(
            1,
            "format",
            "bloom",
            "--size",
            "1m",
            "--nhash",
            "5",
            dir.resolve("bloom.img").toString());
    assertTrue(
        b.out()
            .contains(
                "bloom filter of 1,048,576 bytes, 5 hashes per score, best for up to 1,198,372 scores,"
                    + " new sparse file"),
        b.out());
    assertArrayEquals(
        new byte[] {(byte) 0xb1, 0, 0x4e, (byte) 0xad, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0x10, 0, 0},
        bytes(dir.resolve("bloom.img"), 0, 16));

    Path old = dir.resolve("old.img");
    byte[] junk = new byte[2 << 20];
    Arrays.fill(junk, (byte) 0xA5);
    Files.write(old, junk);
    ok(1, "format", "isect", "--version", "1", "--block-size", "512", "v1", old.toString());
    ISectHeader h = header(old);
    assertEquals(1, h.version());
    assertEquals((2 << 20) / 512 - h.blockBase() / 512, h.blocks());
    assertArrayEquals(
        new byte[(2 << 20) - (int) h.blockBase()],
        bytes(old, h.blockBase(), (2 << 20) - (int) h.blockBase()));
    assertArrayEquals(
        Arrays.copyOf(junk, Venti.PART_BLANK),
        bytes(old, 0, Venti.PART_BLANK),
        "PartBlank untouched");
  }

  private static Map<String, String> hashes(Path dir) {
    Map<String, String> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files.sorted()::iterator) {
        if (p.getFileName().toString().endsWith(".img")) {
          out.put(p.getFileName().toString(), IndexBytes.sha256(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static String sha256OfZeros(int n) throws IOException {
    Path tmp = Files.createTempFile(Fixtures.scratch(), "zeros", ".img");
    try {
      Files.write(tmp, new byte[n]);
      return IndexBytes.sha256(tmp);
    } finally {
      Files.delete(tmp);
    }
  }

  static void poke(Path file, long off, byte[] b) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(off);
      f.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
