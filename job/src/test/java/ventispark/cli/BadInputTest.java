package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ventispark.testing.Damage.delete;
import static ventispark.testing.Damage.mkdir;
import static ventispark.testing.Damage.poke;
import static ventispark.testing.Damage.truncate;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ventispark.testing.Cli;
import ventispark.testing.Damage;
import ventispark.testing.Fixtures;
import ventispark.testing.LocalSpark;

/**
 * Every class of bad input, through buildindex, plan and checkindex: a non-zero exit, one line on
 * standard error naming the file and the offset or line, and every index section, bloom filter and
 * arena partition byte-identical afterwards.
 *
 * <p>Offsets are those of the {@code sample} fixture: arena partition header at 0x40000, arena map
 * at 0x42000, arena {@code arenas00} from 794624 to 9183232 (trailer at 9175040), index config text
 * at 0x42000 of {@code isect0.img}.
 */
class BadInputTest {
  @TempDir static Path tmp;

  @BeforeAll
  static void spark() {
    LocalSpark.get();
  }

  record Case(
      String name,
      String fixture,
      Consumer<Path> damage,
      String expected,
      int status,
      List<String> options) {
    Case(String name, Consumer<Path> damage, String expected, String... options) {
      this(name, "sample", damage, expected, 3, List.of(options));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final long TRAILER = 9183232 - 8192;

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "missing file", w -> delete(w.resolve("arenas0.img")), "arenas0.img: no such file"),
        new Case(
            "unreadable file (a directory)",
            w -> {
              delete(w.resolve("arenas0.img"));
              mkdir(w.resolve("arenas0.img"));
            },
            "arenas0.img: is a directory, not a file or device"),
        new Case(
            "a FIFO as arena partition",
            w -> Damage.mkfifo(w.resolve("arenas0.img")),
            "arenas0.img: is a FIFO (named pipe), not a file or device"),
        new Case(
            "bad arena partition magic",
            w -> poke(w.resolve("arenas0.img"), 0x40000, 0),
            "arenas0.img at offset 0x40000: bad arena partition magic"),
        new Case(
            "unknown arena partition version",
            w -> poke(w.resolve("arenas0.img"), 0x40007, 9),
            "arenas0.img at offset 0x40004"),
        new Case(
            "bad arena header magic",
            w -> poke(w.resolve("arenas0.img"), 794624, 0),
            "bad arena header magic"),
        new Case(
            "bad arena trailer magic",
            w -> poke(w.resolve("arenas0.img"), TRAILER, 0),
            "bad arena trailer magic"),
        new Case(
            "unknown arena version",
            w -> poke(w.resolve("arenas0.img"), TRAILER + 7, 9),
            "unknown arena version 9"),
        new Case(
            "truncated partition",
            w -> truncate(w.resolve("arenas0.img"), 20 << 20),
            "truncated partition?"),
        new Case(
            "arena map out of bounds",
            w -> replace(w.resolve("arenas0.img"), 0x42000, "9183232\n", "99183232\n"),
            "arena map"),
        new Case(
            "arena map overlapping",
            w ->
                replace(
                    w.resolve("arenas0.img"), 0x42000, "arenas01\t9183232", "arenas01\t9175040"),
            "arenas01"),
        new Case(
            "clump directory beyond the arena",
            w -> poke(w.resolve("arenas0.img"), TRAILER + 72 + 1, 0x7F),
            "arenas00"),
        new Case(
            "memstats larger than the arena",
            w -> poke(w.resolve("arenas0.img"), TRAILER + 92 + 4, 0x7F),
            "arenas00"),
        new Case(
            "bad index section magic",
            w -> poke(w.resolve("isect0.img"), 0x40000, 0),
            "isect0.img at offset 0x40000: bad index section magic"),
        new Case(
            "unknown index section version",
            w -> poke(w.resolve("isect0.img"), 0x40007, 9),
            "unknown index section version 9"),
        new Case(
            "index config mismatch between sections",
            w -> poke(w.resolve("isect0.img"), 0x40000 + 155, 0x9e),
            "index sections disagree"),
        new Case(
            "arenas missing from the index's arena map",
            w -> {
              replace(w.resolve("isect0.img"), 0x42000, "\n8\narenas00", "\n7\narenas00");
              replace(w.resolve("isect0.img"), 0x42000, "arenas07\t59654144\t67231744\n", "");
            },
            "arenas07"),
        new Case(
            "index arena map overlapping",
            w ->
                replace(
                    w.resolve("isect0.img"),
                    0x42000,
                    "arenas01\t9420800\t17793024",
                    "arenas01\t5000000\t13372224"),
            "isect0.img: index arena map entry 'arenas01' [5000000, 13372224) overlaps or precedes arena 'arenas00' at"
                + " [1048576, 9420800)"),
        new Case(
            "index arena map range of the wrong size",
            w ->
                replace(
                    w.resolve("isect0.img"),
                    0x42000,
                    "arenas07\t59654144\t67231744",
                    "arenas07\t59654144\t67300000"),
            "isect0.img: index arena map entry 'arenas07' [59654144, 67300000) is 7645856 bytes long, but the arena of"
                + " that name in arenas0.img has a 7577600-byte data area"),
        new Case(
            "index arena map below IndexBase",
            w ->
                replace(
                    w.resolve("isect0.img"),
                    0x42000,
                    "arenas00\t1048576\t9420800",
                    "arenas00\t0\t8372224"),
            "isect0.img: index arena map entry 'arenas00' [0, 8372224) starts below the index address space's base"),
        new Case(
            "index section too small",
            w -> truncate(w.resolve("isect0.img"), (16 << 20) - 100 * 8192),
            "isect0.img"),
        new Case(
            "bad bloom magic",
            w -> poke(w.resolve("bloom.img"), 0, 0),
            "bloom.img at offset 0x0: bad bloom"),
        new Case(
            "config syntax error",
            w -> append(w.resolve("venti.conf"), "isect\n"),
            "venti.conf line 5: illegal line 'isect'"),
        new Case(
            "-b without a bloom filter",
            w -> editText(w.resolve("venti.conf"), "bloom bloom.img\n", ""),
            "-b: ",
            "-b"),
        new Case(
            "-i naming an unknown section",
            w -> {},
            "-i nosuch: no index section of that name",
            "-i",
            "nosuch"),
        new Case(
            "bucket overflow", "overflow", w -> {}, "isect0.img: bucket overflow", 4, List.of()));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void refusedWithOneLineAndNothingWritten(Case c) throws IOException {
    for (String command : List.of("buildindex", "plan", "checkindex")) {
      if (command.equals("plan") && c.options().contains("-b")) {
        continue; // plan has no -b
      }
      Path work =
          Fixtures.workingCopy(
              c.fixture(), tmp.resolve(c.name().replaceAll("\\W", "-") + "-" + command));
      c.damage().accept(work);
      Map<String, String> before = CheckIndexCommandTest.sums(work);
      List<String> args = new ArrayList<>(List.of(command));
      args.addAll(c.options());
      args.add(work.resolve("venti.conf").toString());
      Cli.Run r = Cli.run(args.toArray(String[]::new));
      String what = c.name() + " (" + command + "): ";
      assertEquals(c.status(), r.status(), what + r.out() + r.err());
      assertEquals(1, r.err().strip().lines().count(), what + r.err());
      assertTrue(
          r.err().startsWith("venti-spark: ") && r.err().contains(c.expected()), what + r.err());
      assertEquals(before, CheckIndexCommandTest.sums(work), what + "a file changed");
    }
  }

  /**
   * Replaces {@code from} in the 4 KiB of a binary file at {@code off}; a shorter text is padded
   * with NULs.
   */
  static void replace(Path p, long off, String from, String to) {
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      byte[] b = new byte[4096];
      f.seek(off);
      f.readFully(b);
      String s = new String(b, StandardCharsets.ISO_8859_1);
      assertTrue(s.contains(from), "no '" + from + "' at " + off + " of " + p);
      byte[] out =
          Arrays.copyOf(s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1), b.length);
      f.seek(off);
      f.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void editText(Path p, String from, String to) {
    try {
      String s = Files.readString(p);
      assertTrue(s.contains(from), "no '" + from + "' in " + p);
      Files.writeString(p, s.replace(from, to));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void append(Path p, String text) {
    try {
      Files.writeString(p, text, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
