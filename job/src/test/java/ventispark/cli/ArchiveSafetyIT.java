package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ventispark.format.BloomHeader;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.Arena;
import ventispark.read.IndexSection;
import ventispark.testing.Damage;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexBytes;
import ventispark.testing.IndexDiff;
import ventispark.testing.Launcher;
import ventispark.testing.LoopDevices;
import ventispark.testing.WriteFaults;

/**
 * The archive is never harmed, and every exit status tells the truth, as a user sees it: the
 * launcher run as a child process on copies of the {@code basic} fixture (one arena partition of
 * seven 8 MiB arenas, the last two empty; one section; a bloom filter), asserting the exit status,
 * the process's whole standard error (progress lines, then exactly one error line) and the arena
 * partition's SHA-256 afterwards.
 *
 * <p>Races (a file changed between planning and writing) are made deterministic with the driver's
 * test-only pause before its first write ({@code -Dventi.test.beforeWrite=DIR}).
 */
class ArchiveSafetyIT {
  /** A progress line of the launcher's log configuration: a Venti-style timestamp, then text. */
  static final Pattern PROGRESS = Pattern.compile("\\d{4}/\\d{4} \\d\\d:\\d\\d:\\d\\d [^\\t]*");

  static final long MIB = 1 << 20;

  @TempDir static Path tmp;

  /** The fifth arena (empty: its data area is free space) of the fixture. */
  static Arena empty;

  static List<Arena> arenas;
  static long arenaPartitionSize;
  static IndexSection section;

  @BeforeAll
  static void layout() {
    Archive a =
        new ArchiveLoader(new Configuration())
            .load(Fixtures.reference("basic").resolve("venti.conf").toString());
    empty = a.arenas().get(5);
    arenas = a.arenas();
    assertEquals(0, empty.memStats().clumpCount());
    arenaPartitionSize = a.partitions().get(0).size();
    section = a.sections().get(0);
  }

  /** A fresh working copy of {@code basic} in its pre-buildindex state. */
  static Path copy(String name) {
    return Fixtures.workingCopy("basic", tmp.resolve(name));
  }

  /** Replaces the config's {@code bloom} line. */
  static void bloomLine(Path dir, String line) throws IOException {
    Path conf = dir.resolve("venti.conf");
    Files.writeString(conf, Files.readString(conf).replace("bloom bloom.img", "bloom " + line));
  }

  /**
   * Writes a valid bloom header for a filter of {@code size} bytes at {@code off} of {@code file}.
   */
  static void plantBloomHeader(Path file, long off, int size) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(off);
      f.write(new BloomHeader(4, size).encode());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeAt(Path file, long off, byte[] b) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(off);
      f.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts the whole standard error: progress lines only, then {@code last}. */
  static void assertStderr(Launcher.Run r, Pattern last) {
    List<String> lines = r.errLines();
    assertTrue(!lines.isEmpty(), r.toString());
    for (String l : lines.subList(0, lines.size() - 1)) {
      assertTrue(
          PROGRESS.matcher(l).matches() && !l.contains("Exception") && !l.contains("WARN"),
          "not a progress line: " + l + "\n" + r);
    }
    assertTrue(
        last.matcher(lines.get(lines.size() - 1)).matches(), "last line: want " + last + "\n" + r);
  }

  static void assertStderr(Launcher.Run r, String last) {
    assertStderr(r, Pattern.compile(Pattern.quote(last)));
  }

  /** Every progress line is one: a successful run prints no warning, trace or foreign line. */
  static void assertOnlyProgress(Launcher.Run r) {
    for (String l : r.errLines()) {
      assertTrue(
          PROGRESS.matcher(l).matches() && !l.contains("Exception"),
          "not a progress line: " + l + "\n" + r);
    }
  }

  static Map<String, String> sums(Path dir, String... files) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String f : files) {
      out.put(f, IndexBytes.sha256(dir.resolve(f)));
    }
    return out;
  }

  static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  /** The one line the write plan prints for a bloom filter over the arena partition. */
  static String overlapsArenas(Path dir, String bloom, long lo, long hi) throws IOException {
    return "venti-spark: "
        + bloom
        + " bytes ["
        + hex(lo)
        + ", "
        + hex(hi)
        + ") (bloom filter, written) overlaps "
        + "arenas0.img bytes [0x0, "
        + hex(arenaPartitionSize)
        + ") (arena partition, read): both are "
        + dir.resolve("arenas0.img").toRealPath()
        + "; the run would overwrite it, so nothing was written";
  }

  @Test
  void bloomInAnArenasFreeSpaceIsRefusedUnderEveryName() throws Exception {
    long lo = empty.start() + MIB;
    int size = (int) MIB;
    Path dir = copy("free-space");
    plantBloomHeader(dir.resolve("arenas0.img"), lo, size);
    Files.createSymbolicLink(dir.resolve("link.img"), dir.resolve("arenas0.img"));
    Files.createLink(dir.resolve("hard.img"), dir.resolve("arenas0.img"));
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img", "bloom.img");
    String range = ":" + lo + "-" + (lo + size);
    for (String name :
        List.of(
            "arenas0.img",
            dir.resolve("arenas0.img").toString(),
            "link.img",
            "hard.img",
            "./sub/../arenas0.img")) {
      Files.createDirectories(dir.resolve("sub"));
      Path conf = dir.resolve("venti.conf");
      String text = Files.readString(conf).replaceAll("(?m)^bloom .*$", "bloom " + name + range);
      Files.writeString(conf, text);
      Launcher.Run r = Launcher.run("buildindex", conf.toString());
      assertEquals(3, r.status(), r.toString());
      assertStderr(r, overlapsArenas(dir, name + range, lo, lo + size));
      assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"), name);
    }
  }

  @Test
  void bloomOverAClumpDirectoryAndTheNextArenaHeaderIsRefused() throws Exception {
    // starts in the free space of the empty arena, runs over its directory, trailer and the next
    // header
    long lo = empty.stop() - MIB;
    int size = (int) (2 * MIB);
    Path dir = copy("directory");
    plantBloomHeader(dir.resolve("arenas0.img"), lo, size);
    String name = "arenas0.img:" + lo + "-" + (lo + size);
    bloomLine(dir, name);
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img");
    Launcher.Run r = Launcher.run("buildindex", "-b", dir.resolve("venti.conf").toString());
    assertEquals(3, r.status(), r.toString());
    assertStderr(r, overlapsArenas(dir, name, lo, lo + size));
    assertEquals(before, sums(dir, "arenas0.img", "isect0.img"));
  }

  @Test
  void bloomInsideTheSectionsBucketsIsRefused() throws Exception {
    Path dir = copy("in-section");
    long lo = 8 * MIB;
    int size = (int) MIB;
    plantBloomHeader(dir.resolve("isect0.img"), lo, size);
    String name = "isect0.img:" + lo + "-" + (lo + size);
    bloomLine(dir, name);
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img");
    Launcher.Run r = Launcher.run("buildindex", dir.resolve("venti.conf").toString());
    assertEquals(3, r.status(), r.toString());
    assertStderr(
        r,
        "venti-spark: isect0.img bytes ["
            + hex(section.header().blockBase())
            + ", "
            + hex(section.offsetOf(section.header().stop()))
            + ") (index section "
            + section.name()
            + " buckets, written)"
            + " overlaps "
            + name
            + " bytes ["
            + hex(lo)
            + ", "
            + hex(lo + size)
            + ") (bloom filter, written): both are "
            + dir.resolve("isect0.img").toRealPath()
            + "; the run would overwrite it, so nothing was written");
    assertEquals(before, sums(dir, "arenas0.img", "isect0.img"));
  }

  @Test
  void aReportThatWouldReplaceTheArenaPartitionIsRefused() throws Exception {
    Path dir = copy("report-over-arenas");
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img", "bloom.img");
    Launcher.Run r =
        Launcher.run(
            "--report",
            dir.resolve("arenas0.img").toString(),
            "buildindex",
            dir.resolve("venti.conf").toString());
    assertEquals(3, r.status(), r.toString());
    assertEquals(
        List.of(
            "venti-spark: --report "
                + dir.resolve("arenas0.img")
                + ": exists and is not a venti-spark"
                + " report; name a new file or an earlier report; nothing was written"),
        r.errLines());
    assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
  }

  @Test
  void aReportIntoAMissingDirectoryIsRefusedBeforeAnything() throws Exception {
    Path dir = copy("report-missing");
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img", "bloom.img");
    Path report = dir.resolve("no/such/dir/run.json");
    Launcher.Run r =
        Launcher.run(
            "--report", report.toString(), "buildindex", dir.resolve("venti.conf").toString());
    assertEquals(3, r.status(), r.toString());
    assertEquals(
        List.of(
            "venti-spark: --report "
                + report
                + ": its directory "
                + report.getParent()
                + " does not exist; nothing was written"),
        r.errLines());
    assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
  }

  @Test
  void aReportThatCannotBeWrittenAtTheEndLeavesTheStatusOfTheWork() throws Exception {
    Path dir = copy("report-gone");
    Path reports = Files.createDirectories(dir.resolve("reports"));
    Path hook = Files.createDirectories(dir.resolve("hook"));
    Launcher.Started run =
        Launcher.start(
            pause(hook),
            "--report",
            reports.resolve("run.json").toString(),
            "buildindex",
            dir.resolve("venti.conf").toString());
    awaitPause(hook, run);
    Files.delete(reports); // the report's directory goes away while the rebuild works
    Files.writeString(hook.resolve("go"), "");
    Launcher.Run r = run.await();
    assertEquals(0, r.status(), r.toString());
    assertStderr(
        r,
        Pattern.compile(
            Pattern.quote(
                    "venti-spark: --report "
                        + reports.resolve("run.json")
                        + ": cannot write the report: ")
                + ".*"
                + Pattern.quote("; the exit status (0) is the command's")));
    assertTrue(r.out().contains("done arenaentries=10,000 indexed=10,000"), r.toString());
  }

  @Test
  void aReverseIndexDirectoryThatIsAFileIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path dir = copy("reverse-file");
    Files.writeString(dir.resolve("notadir"), "x");
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img", "bloom.img");
    Launcher.Run r =
        Launcher.run(
            "buildindex",
            "--reverse-index",
            dir.resolve("notadir").toString(),
            dir.resolve("venti.conf").toString());
    assertEquals(3, r.status(), r.toString());
    assertStderr(
        r,
        "venti-spark: "
            + dir.resolve("notadir")
            + ": is a file, not a directory; nothing was written");
    assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
  }

  /**
   * A bloom filter changed while the sections are being written: the sections are written, the
   * filter is not; exit 1, one line naming the sections and saying the filter is stale.
   */
  @Test
  void aBloomFilterChangedDuringTheWriteIsExitOneNamingTheSectionsAndTheStaleFilter()
      throws Exception {
    Path dir = copy("bloom-late");
    Path hook = Files.createDirectories(dir.resolve("hook"));
    Map<String, String> arenas = sums(dir, "arenas0.img");
    Launcher.Started run =
        Launcher.start(
            Map.of("VENTI_SPARK_JAVA_OPTS", "-D" + WriteFaults.DURING_WRITE + "=" + hook),
            "buildindex",
            dir.resolve("venti.conf").toString());
    awaitFile(hook.resolve("written"), run);
    // Half of a section range is written; the rest follows, then the bloom filter, whose write
    // task finds its file is no longer the one planned.
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("bloom.img").toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    Files.writeString(hook.resolve("go"), "");
    Launcher.Run r = run.await();
    assertEquals(1, r.status(), r.toString());
    assertStderr(
        r,
        Pattern.compile(
            "venti-spark: failed: bloom\\.img.*; may be partly rewritten: isect0\\.img; the bloom filter"
                + " bloom\\.img is stale: a Venti server consults it before the index, so it would report a"
                + " block the filter lacks as missing although the block is there"
                + Pattern.quote(" (run it again: a rerun rewrites them whole)")
                + " \\(Spark's report: /\\S+\\.log\\)"));
    assertEquals(arenas, sums(dir, "arenas0.img"));
  }

  /**
   * A bloom filter changed after the read, before the first write: every file written in place is
   * checked again then, so nothing is written; exit 3.
   */
  @Test
  void aBloomFilterChangedBeforeTheFirstWriteIsRefusedWithNothingWritten() throws Exception {
    Path dir = copy("bloom-before");
    Path hook = Files.createDirectories(dir.resolve("hook"));
    Launcher.Started run =
        Launcher.start(pause(hook), "buildindex", dir.resolve("venti.conf").toString());
    awaitPause(hook, run);
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("bloom.img").toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img", "bloom.img");
    Files.writeString(hook.resolve("go"), "");
    Launcher.Run r = run.await();
    assertEquals(3, r.status(), r.toString());
    assertStderr(
        r,
        "venti-spark: bloom.img: is 524288 bytes long, was 1048576 since the run planned its writes"
            + " (changed or replaced while the run was working); nothing was written to it");
    assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
  }

  @Test
  void aSectionTruncatedBetweenPlanningAndWritingIsNeverWritten() throws Exception {
    Path dir = copy("truncated-section");
    Path hook = Files.createDirectories(dir.resolve("hook"));
    Map<String, String> arenas = sums(dir, "arenas0.img");
    Launcher.Started run =
        Launcher.start(pause(hook), "buildindex", dir.resolve("venti.conf").toString());
    awaitPause(hook, run);
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("isect0.img").toFile(), "rw")) {
      f.setLength(0);
    }
    Files.writeString(hook.resolve("go"), "");
    Launcher.Run r = run.await();
    assertEquals(3, r.status(), r.toString());
    assertStderr(
        r,
        "venti-spark: isect0.img: is 0 bytes long, was 16777216 since the run planned its writes"
            + " (changed or replaced while the run was working); nothing was written to it");
    assertEquals(0, Files.size(dir.resolve("isect0.img")));
    assertEquals(arenas, sums(dir, "arenas0.img"));
  }

  @Test
  void aSectionReplacedByAnotherIndexsSectionIsNeverWritten() throws Exception {
    Path dir = copy("swapped-section");
    Path other = copy("other-index");
    Path hook = Files.createDirectories(dir.resolve("hook"));
    Files.move(other.resolve("isect0.img"), other.resolve("foreign.img"));
    Map<String, String> foreign = sums(other, "foreign.img");
    Launcher.Started run =
        Launcher.start(pause(hook), "buildindex", dir.resolve("venti.conf").toString());
    awaitPause(hook, run);
    Files.move(
        other.resolve("foreign.img"),
        dir.resolve("isect0.img"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(hook.resolve("go"), "");
    Launcher.Run r = run.await();
    assertEquals(3, r.status(), r.toString());
    assertStderr(
        r,
        Pattern.compile(
            Pattern.quote("venti-spark: isect0.img: is another file (")
                + ".*"
                + Pattern.quote(
                    ") since the run planned its writes (changed or replaced while the run was working);"
                        + " nothing was written to it")));
    assertEquals(foreign.get("foreign.img"), IndexBytes.sha256(dir.resolve("isect0.img")));
  }

  @Test
  void aCleanRebuildPrintsOnlyProgressAndAKilledOneIsRepairedByARerun() throws Exception {
    Path dir = copy("clean");
    Map<String, String> arenas = sums(dir, "arenas0.img");
    Launcher.Run r = Launcher.run("buildindex", dir.resolve("venti.conf").toString());
    assertEquals(0, r.status(), r.toString());
    assertOnlyProgress(r);
    assertEquals(arenas, sums(dir, "arenas0.img"));
    Map<String, String> clean = sums(dir, "isect0.img", "bloom.img");

    Path killed = copy("killed");
    Path hook = Files.createDirectories(killed.resolve("hook"));
    Launcher.Started run =
        Launcher.start(pause(hook), "buildindex", killed.resolve("venti.conf").toString());
    awaitPause(hook, run);
    Files.writeString(hook.resolve("go"), "");
    Thread.sleep(300); // into the write stage
    run.process().descendants().forEach(ProcessHandle::destroyForcibly);
    run.process().destroyForcibly(); // SIGKILL: no handler, no cleanup
    run.process().waitFor();
    Launcher.Run again = Launcher.run("buildindex", killed.resolve("venti.conf").toString());
    assertEquals(0, again.status(), again.toString());
    assertEquals(clean, sums(killed, "isect0.img", "bloom.img"));
    assertEquals(arenas, sums(killed, "arenas0.img"));
  }

  @Test
  void badInputFoundByAReadTaskIsOneLine() throws Exception {
    Path dir = copy("read-task");
    Arena first = arenas.get(0);
    // entry 0 of the first arena's directory (block 0, just below the trailer): its size's high
    // byte
    Damage.poke(dir.resolve("arenas0.img"), first.stop() - 2L * first.blockSize() + 1, 0x7F);
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img", "bloom.img");
    Launcher.Run r = Launcher.run("buildindex", dir.resolve("venti.conf").toString());
    assertEquals(3, r.status(), r.toString());
    assertStderr(
        r,
        Pattern.compile(
            Pattern.quote(
                    "venti-spark: arenas0.img: arena arenas0: clump miscalculation: "
                        + "the directory's clump sizes exceed ")
                + "\\d+ bytes, memstats\\.used says \\d+"));
    assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
  }

  @Test
  void aReadOnlyIndexMountIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path dir = copy("read-only");
    onTmpfs(
        dir,
        "64m",
        mnt -> {
          Files.copy(dir.resolve("isect0.img"), mnt.resolve("isect0.img"));
          editConf(dir, "isect isect0.img", "isect mnt/isect0.img");
          remountReadOnly(mnt);
          Map<String, String> before = sums(dir, "arenas0.img", "mnt/isect0.img", "bloom.img");
          Launcher.Run r = Launcher.run("buildindex", dir.resolve("venti.conf").toString());
          assertEquals(3, r.status(), r.toString());
          assertStderr(
              r,
              "venti-spark: mnt/isect0.img: cannot open for writing: "
                  + mnt.resolve("isect0.img")
                  + ": Read-only file system; nothing was written");
          assertEquals(before, sums(dir, "arenas0.img", "mnt/isect0.img", "bloom.img"));
        });
  }

  /**
   * {@code copy}'s section, copied sparse (its empty buckets holes) onto a tmpfs of {@code size} at
   * {@code dir/mnt}, named there by the config; runs {@code body} with the mount, unmounted after.
   */
  static void sparseSectionOnTmpfs(Path dir, String size, OnMount body) throws Exception {
    onTmpfs(
        dir,
        size,
        mnt -> {
          Launcher.Run cp =
              Launcher.exec(
                  List.of(
                      "cp",
                      "--sparse=always",
                      dir.resolve("isect0.img").toString(),
                      mnt.resolve("isect0.img").toString()),
                  Map.of());
          assertEquals(0, cp.status(), cp.toString());
          editConf(dir, "isect isect0.img", "isect mnt/isect0.img");
          body.run(mnt);
        });
  }

  /** Fills the file system of {@code mnt} with a file of zeros, to its last free block. */
  static void fill(Path mnt) throws IOException {
    byte[] zeros = new byte[64 << 10];
    try (var out = Files.newOutputStream(mnt.resolve("filler"))) {
      while (true) {
        out.write(zeros);
      }
    } catch (IOException e) {
      assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
    }
  }

  /** The one line that refuses a sparse {@code mnt/isect0.img} its file system cannot hold. */
  static Pattern noRoomFor(Path mnt) {
    return Pattern.compile(
        Pattern.quote("venti-spark: mnt/isect0.img: its file system (" + mnt + " (tmpfs)) has ")
            + "[0-9.]+ [KM]?i?B"
            + Pattern.quote(" free, but writing it whole needs up to ")
            + "[0-9.]+ MiB"
            + Pattern.quote(" more (")
            + "[0-9.]+ MiB"
            + Pattern.quote(
                " of the 15.2 MiB rewritten are holes); free space there or move it to a")
            + Pattern.quote(" larger disk; nothing was written"));
  }

  /**
   * A sparse section whose holes its file system cannot hold once its buckets are written whole:
   * refused before the arenas are read, one line, exit 3, nothing written.
   */
  @Test
  void aSparseSectionItsFileSystemCannotHoldIsRefusedBeforeTheRead() throws Exception {
    Path dir = copy("enospc-before");
    sparseSectionOnTmpfs(
        dir,
        "12m",
        mnt -> {
          Map<String, String> before = sums(dir, "arenas0.img", "mnt/isect0.img", "bloom.img");
          Launcher.Run r =
              Launcher.run("buildindex", "--partitions", "1", dir.resolve("venti.conf").toString());
          assertEquals(3, r.status(), r.toString());
          assertStderr(r, noRoomFor(mnt));
          assertEquals("", r.out(), r.toString());
          assertEquals(before, sums(dir, "arenas0.img", "mnt/isect0.img", "bloom.img"));
        });
  }

  /**
   * The free space is checked again after the read, which can take hours: a disk filled meanwhile
   * is refused before the first write, exit 3, nothing written.
   */
  @Test
  void aDiskFilledDuringTheReadIsRefusedBeforeTheFirstWrite() throws Exception {
    Path dir = copy("enospc-read");
    sparseSectionOnTmpfs(
        dir,
        "20m",
        mnt -> {
          Map<String, String> before = sums(dir, "arenas0.img", "mnt/isect0.img", "bloom.img");
          Path hook = Files.createDirectories(dir.resolve("hook"));
          Launcher.Started run =
              Launcher.start(
                  pause(hook),
                  "buildindex",
                  "--partitions",
                  "1",
                  dir.resolve("venti.conf").toString());
          awaitPause(hook, run);
          fill(mnt);
          Files.writeString(hook.resolve("go"), "");
          Launcher.Run r = run.await();
          assertEquals(3, r.status(), r.toString());
          assertStderr(r, noRoomFor(mnt));
          assertEquals(before, sums(dir, "arenas0.img", "mnt/isect0.img", "bloom.img"));
        });
  }

  /**
   * A disk that fills in the middle of the write (another program took the space the check saw):
   * exit 1, one line naming the file and offset, and that the section may be partly rewritten.
   */
  @Test
  void aDiskFilledDuringTheWriteIsExitOneNamingTheFileAndOffset() throws Exception {
    Path dir = copy("enospc-write");
    sparseSectionOnTmpfs(
        dir,
        "20m",
        mnt -> {
          Map<String, String> arenas = sums(dir, "arenas0.img");
          Path hook = Files.createDirectories(dir.resolve("hook"));
          Launcher.Started run =
              Launcher.start(
                  Map.of("VENTI_SPARK_JAVA_OPTS", "-D" + WriteFaults.DURING_WRITE + "=" + hook),
                  "buildindex",
                  "--partitions",
                  "1",
                  dir.resolve("venti.conf").toString());
          awaitFile(hook.resolve("written"), run);
          fill(mnt);
          Files.writeString(hook.resolve("go"), "");
          Launcher.Run r = run.await();
          assertEquals(1, r.status(), r.toString());
          assertStderr(
              r,
              Pattern.compile(
                  Pattern.quote("venti-spark: failed: mnt/isect0.img at offset 0x")
                      + "[0-9a-f]+"
                      + Pattern.quote(
                          ": write error: No space left on device; may be partly rewritten: mnt/isect0.img (run it"
                              + " again: a rerun rewrites them whole)")
                      + " \\(Spark's report: /\\S+\\.log\\)"));
          assertEquals(arenas, sums(dir, "arenas0.img"));
        });
  }

  // ---- the write gate: devices, races, deletes, commands outside the plan, locks (issue 17) ----

  /**
   * Copies {@code basic}'s arena partition to {@code to}: a second, sole-named arena partition to
   * plant.
   */
  static Path foreignArenas(String name, Path to) throws IOException {
    Files.copy(copy(name).resolve("arenas0.img"), to);
    return to;
  }

  /**
   * The whole-line pattern of a gate refusal: {@code target} may overlap {@code what}, nothing
   * written.
   */
  static Pattern mayOverlap(String target, String what) {
    return Pattern.compile(
        Pattern.quote("venti-spark: " + target + " (")
            + ".*"
            + Pattern.quote(") may overlap " + what)
            + ".*"
            + Pattern.quote("; nothing was written"));
  }

  @Test
  void aBloomFilterOnALoopDeviceOverTheArenaPartitionIsRefused() throws Exception {
    Path dir = copy("loop-bloom");
    Path arenas = dir.resolve("arenas0.img");
    long lo = empty.start() + MIB;
    plantBloomHeader(arenas, lo, (int) MIB);
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img", "bloom.img");
    try (LoopDevices loops = LoopDevices.assumeAvailable(dir)) {
      Path dev = loops.attach(arenas, 0, 0);
      String range = dev + ":" + lo + "-" + (lo + MIB);
      // a command without a config: the arena partition's header lies before the range
      Launcher.Run r =
          Launcher.run(
              "format", "bloom", "--force", range); // --force: the planted header is no refusal
      assertEquals(3, r.status(), r.toString());
      assertStderr(
          r,
          Pattern.compile(
              Pattern.quote(
                      "venti-spark: "
                          + range
                          + " ("
                          + arenas
                          + " bytes ["
                          + hex(lo)
                          + ", "
                          + hex(lo + MIB)
                          + ")) may overlap arena partition "
                          + arenas
                          + " at byte 0 ("
                          + arenas
                          + " bytes [0x0, ")
                  + "0x[0-9a-f]+"
                  + Pattern.quote(
                      ")): both reach "
                          + arenas
                          + " bytes ["
                          + hex(lo)
                          + ", "
                          + hex(lo + MIB)
                          + "); nothing was written")));
      assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
      // a rebuild whose bloom line names it
      bloomLine(dir, range);
      r = Launcher.run("buildindex", dir.resolve("venti.conf").toString());
      assertEquals(3, r.status(), r.toString());
      assertStderr(
          r,
          "venti-spark: "
              + range
              + " bytes ["
              + hex(lo)
              + ", "
              + hex(lo + MIB)
              + ") (bloom filter, written)"
              + " overlaps arenas0.img bytes [0x0, "
              + hex(arenaPartitionSize)
              + ") (arena partition, read): both reach "
              + arenas
              + " bytes ["
              + hex(lo)
              + ", "
              + hex(lo + MIB)
              + "); the run would overwrite it, so nothing was written");
      assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
    }
  }

  @Test
  void twoLoopDevicesOverOneFileAndAnOffsetLoopDeviceAreTheSameBytes() throws Exception {
    Path dir = copy("two-loops");
    Path arenas = dir.resolve("arenas0.img");
    long lo = empty.start() + MIB;
    plantBloomHeader(arenas, lo, (int) MIB);
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img", "bloom.img");
    try (LoopDevices loops = LoopDevices.assumeAvailable(dir)) {
      Path a = loops.attach(arenas, 0, 0);
      Path b = loops.attach(arenas, 0, 0);
      editConf(dir, "arenas arenas0.img", "arenas " + a);
      bloomLine(dir, b + ":" + lo + "-" + (lo + MIB));
      Launcher.Run r = Launcher.run("buildindex", dir.resolve("venti.conf").toString());
      assertEquals(3, r.status(), r.toString());
      assertStderr(
          r,
          "venti-spark: "
              + b
              + ":"
              + lo
              + "-"
              + (lo + MIB)
              + " bytes ["
              + hex(lo)
              + ", "
              + hex(lo + MIB)
              + ") (bloom filter, written) overlaps "
              + a
              + " bytes [0x0, "
              + hex(arenaPartitionSize)
              + ") (arena partition,"
              + " read): both reach "
              + arenas
              + " bytes ["
              + hex(lo)
              + ", "
              + hex(lo + MIB)
              + "); the run would overwrite it,"
              + " so nothing was written");
      assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
      // an offset loop device starting in the empty arena's free space: its byte 0 is past the
      // partition's header
      Path offset = loops.attach(arenas, lo, MIB);
      r = Launcher.run("format", "bloom", "--force", offset.toString());
      assertEquals(3, r.status(), r.toString());
      assertStderr(r, mayOverlap(offset.toString(), "arena partition " + arenas + " at byte 0"));
      r = Launcher.run("format", "isect", "--force", "isect9", offset.toString());
      assertEquals(3, r.status(), r.toString());
      assertStderr(r, mayOverlap(offset.toString(), "arena partition " + arenas + " at byte 0"));
      assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
    }
  }

  @Test
  void aWholeDiskAndItsPartitionAreTheSameBytes() throws Exception {
    Path dir = copy("disk");
    Path disk = dir.resolve("disk.img");
    long start = 2048 * 512L;
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(start + arenaPartitionSize + MIB);
      // an MBR with one Linux partition from sector 2048 holding the arena partition (what sfdisk
      // would write)
      byte[] mbr = new byte[512];
      mbr[446 + 4] = (byte) 0x83;
      java.nio.ByteBuffer.wrap(mbr, 446 + 8, 8)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .putInt(2048)
          .putInt((int) (arenaPartitionSize / 512));
      mbr[510] = 0x55;
      mbr[511] = (byte) 0xAA;
      f.write(mbr);
      f.seek(start);
      f.write(Files.readAllBytes(dir.resolve("arenas0.img")));
    }
    try (LoopDevices loops = LoopDevices.assumeAvailable(dir)) {
      Path whole = loops.attach(disk, 0, 0, "-P");
      Path part = Path.of(whole + "p1");
      if (!Files.exists(part)) {
        Launcher.exec(
            List.of("partx", "-a", whole.toString()),
            Map.of()); // where the kernel did not scan it itself
      }
      for (int i = 0; i < 40 && !Files.exists(part); i++) {
        Thread.sleep(50);
      }
      Assumptions.assumeTrue(
          Files.exists(part),
          "no partition devices for loop devices here (losetup -P made no " + part + ")");
      editConf(dir, "arenas arenas0.img", "arenas " + part);
      long lo = start + empty.start() + MIB;
      plantBloomHeader(disk, lo, (int) MIB);
      Map<String, String> before = sums(dir, "disk.img");
      bloomLine(dir, whole + ":" + lo + "-" + (lo + MIB));
      Launcher.Run r = Launcher.run("buildindex", dir.resolve("venti.conf").toString());
      assertEquals(3, r.status(), r.toString());
      assertStderr(
          r,
          Pattern.compile(
              Pattern.quote("venti-spark: " + whole + ":" + lo + "-" + (lo + MIB) + " bytes [")
                  + ".*"
                  + Pattern.quote("(bloom filter, written) overlaps " + part + " bytes [0x0, ")
                  + ".*"
                  + Pattern.quote(
                      "(arena partition, read): both reach "
                          + disk
                          + " bytes ["
                          + hex(lo)
                          + ", "
                          + hex(lo + MIB)
                          + "); the run would overwrite it, so nothing was written")));
      assertEquals(before, sums(dir, "disk.img"));
    }
  }

  @Test
  void anArenaPartitionRenamedOverTheSectionBetweenPlanAndOpenIsNeverWritten() throws Exception {
    Path dir = copy("rename-race");
    Path hook = Files.createDirectories(dir.resolve("hook"));
    Map<String, String> arenas = sums(dir, "arenas0.img");
    Launcher.Started run =
        Launcher.start(pause(hook), "buildindex", dir.resolve("venti.conf").toString());
    awaitPause(hook, run);
    // one rename: the section's name now reaches the arena partition
    Files.createLink(dir.resolve("swap.img"), dir.resolve("arenas0.img"));
    Files.move(
        dir.resolve("swap.img"),
        dir.resolve("isect0.img"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Files.writeString(hook.resolve("go"), "");
    Launcher.Run r = run.await();
    assertEquals(3, r.status(), r.toString());
    // (the open file's path is the name it was opened by: isect0.img, now a name of the arena
    // partition)
    assertStderr(
        r,
        Pattern.compile(
            Pattern.quote(
                    "venti-spark: isect0.img: is another file ("
                        + dir.resolve("isect0.img").toRealPath()
                        + ", device ")
                + "\\d+ inode \\d+, was device \\d+ inode \\d+"
                + Pattern.quote(
                    ") since the run"
                        + " planned its writes (changed or replaced while the run was working); nothing was written to it")));
    assertEquals(arenas, sums(dir, "arenas0.img"));
  }

  @Test
  void aStageDirectoryHoldingAnArenaPartitionIsRefusedAndNothingIsRemoved() throws Exception {
    Path dir = copy("stage-planted");
    Path stage = dir.resolve("stage");
    Launcher.Run r =
        Launcher.run(
            "buildindex", "--stage", stage.toString(), dir.resolve("venti.conf").toString());
    assertEquals(0, r.status(), r.toString());
    Path range;
    try (var files = Files.list(stage)) {
      range = files.filter(f -> f.toString().endsWith(".buckets")).findFirst().orElseThrow();
    }
    // an arena partition, its only name now the name of a staged range
    Files.delete(range);
    foreignArenas("stage-planted-other", range);
    String planted = IndexBytes.sha256(range);
    r =
        Launcher.run(
            "buildindex", "--stage", stage.toString(), dir.resolve("venti.conf").toString());
    assertEquals(3, r.status(), r.toString());
    assertStderr(
        r,
        "venti-spark: --stage "
            + stage
            + ": holds '"
            + range.getFileName()
            + "', which is not part of a"
            + " stage (its contents differ from the stage manifest's); nothing was removed or written. Name a new or empty"
            + " directory");
    assertEquals(planted, IndexBytes.sha256(range));
    assertTrue(Files.exists(stage.resolve("venti-stage.json")));
    // without a manifest, nothing in the directory is the tool's
    Files.delete(stage.resolve("venti-stage.json"));
    r =
        Launcher.run(
            "buildindex", "--stage", stage.toString(), dir.resolve("venti.conf").toString());
    assertEquals(3, r.status(), r.toString());
    assertStderr(
        r,
        Pattern.compile(
            Pattern.quote("venti-spark: --stage " + stage + ": holds '")
                + "[^']+"
                + Pattern.quote(
                    "', which is not part of a stage (no stage manifest lists it); nothing was removed or written."
                        + " Name a new or empty directory")));
    assertEquals(planted, IndexBytes.sha256(range));
  }

  @Test
  void aReverseIndexNameHoldingAForeignFileIsNeverReplaced() throws Exception {
    Path dir = copy("reverse-foreign");
    Path rev = Files.createDirectories(dir.resolve("rev"));
    String index =
        new ArchiveLoader(new Configuration())
            .load(dir.resolve("venti.conf").toString())
            .indexName();
    Path foreign =
        foreignArenas("reverse-foreign-other", rev.resolve(index + "-" + "0".repeat(64) + ".vrev"));
    String sum = IndexBytes.sha256(foreign);
    Launcher.Run r =
        Launcher.run("reverse", "build", rev.toString(), dir.resolve("venti.conf").toString());
    assertEquals(3, r.status(), r.toString());
    assertStderr(
        r,
        Pattern.compile(
            Pattern.quote("venti-spark: " + foreign + ": not a reverse index (")
                + ".*"
                + Pattern.quote(
                    "); it is not one this tool wrote, so it is kept and nothing was written")));
    assertEquals(sum, IndexBytes.sha256(foreign));
    r =
        Launcher.run(
            "buildindex", "--reverse-index", rev.toString(), dir.resolve("venti.conf").toString());
    assertEquals(3, r.status(), r.toString());
    assertStderr(
        r,
        Pattern.compile(
            Pattern.quote("venti-spark: " + foreign + ": not a reverse index (") + ".*"));
    assertEquals(sum, IndexBytes.sha256(foreign));
  }

  @Test
  void aLockFilePlantedAsAHardLinkOfTheArenaPartitionIsRefused() throws Exception {
    Path dir = copy("lock-link");
    Path locks = dir.resolve("locks");
    Files.createDirectories(
        locks,
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    Path lock;
    System.setProperty(ventispark.write.LockDir.PROPERTY, locks.toString());
    try {
      lock = ventispark.write.IndexLocks.lockFile(dir.resolve("isect0.img"));
    } finally {
      System.clearProperty(ventispark.write.LockDir.PROPERTY);
    }
    Files.createLink(lock, dir.resolve("arenas0.img"));
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img", "bloom.img");
    Launcher.Run r =
        Launcher.run(
            Map.of("VENTI_LOCK_DIR", locks.toString()),
            "buildindex",
            dir.resolve("venti.conf").toString());
    assertEquals(3, r.status(), r.toString());
    assertStderr(
        r,
        "venti-spark: isect0.img: its lock file "
            + lock.toRealPath()
            + " has 2 names (a hard link, perhaps"
            + " of an arena partition or index file), so it is not one this tool made; it was not opened for writing and"
            + " nothing was written. Remove it, or set venti.lockDir to another directory");
    assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
  }

  @Test
  void formatIsectAndIndexNeverWriteIntoAnArenaPartition() throws Exception {
    Path dir = copy("format-over-arenas");
    Path arenas = dir.resolve("arenas0.img");
    long lo = empty.start() + MIB;
    long hi = empty.stop() - MIB;
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img", "bloom.img");
    Launcher.Run r = Launcher.run("format", "isect", "isect9", arenas + ":" + lo + "-" + hi);
    assertEquals(3, r.status(), r.toString());
    assertStderr(
        r, mayOverlap(arenas + ":" + lo + "-" + hi, "arena partition " + arenas + " at byte 0"));
    assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
    // format index over a section that lies inside the config's arena partition (its header planted
    // there)
    byte[] h =
        new ventispark.format.ISectHeader(
                2,
                "isect9",
                "",
                8192,
                ventispark.format.ISectLayout.blockBase(8192),
                100,
                0,
                0,
                0x5eed)
            .encode();
    writeAt(arenas, lo + ventispark.format.Venti.PART_BLANK, h);
    before = sums(dir, "arenas0.img", "isect0.img", "bloom.img");
    editConf(dir, "isect isect0.img", "isect arenas0.img:" + lo + "-" + hi);
    r = Launcher.run("format", "index", dir.resolve("venti.conf").toString());
    assertEquals(3, r.status(), r.toString());
    assertStderr(r, mayOverlap("arenas0.img:" + lo + "-" + hi, "arena partition arenas0.img"));
    assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
  }

  /**
   * Tries to break the gate at random (seeded; the seed is printed, and {@code -Dventi.test.seed=N}
   * replays it): targets made of byte ranges, hard links, symbolic links and loop devices (with
   * offsets and size limits) over the arena partition or over scratch files, given to every writing
   * command. Whatever the target, no arena byte changes, and the exit status tells the truth: 3
   * when the target reaches arena bytes, 0 when it does not. Bounded to about 100 s.
   */
  @Test
  void randomTargetsNeverReachTheArenas() throws Exception {
    long seed = Long.getLong("venti.test.seed", System.nanoTime());
    System.out.println("randomTargetsNeverReachTheArenas: seed " + seed);
    java.util.Random rnd = new java.util.Random(seed);
    Path dir = copy("random");
    Path arenas = dir.resolve("arenas0.img");
    Map<String, String> before = sums(dir, "arenas0.img");
    long deadline = System.currentTimeMillis() + 100_000;
    int steps = 0;
    try (LoopDevices loops = LoopDevices.assumeAvailable(dir)) {
      for (int i = 0; System.currentTimeMillis() < deadline && i < 40; i++, steps++) {
        boolean onArenas = rnd.nextBoolean();
        Path file = arenas;
        if (!onArenas) {
          file = dir.resolve("scratch" + i + ".img");
          try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(8 * MIB);
          }
        }
        // the arena partition's free space: the empty arenas' data areas, where no header would
        // stop a write
        long size = 2 * MIB;
        long lo = onArenas ? empty.start() + MIB * (1 + rnd.nextInt(4)) : MIB * rnd.nextInt(4);
        String target;
        String name;
        switch (rnd.nextInt(4)) {
          case 0 -> target = file + ":" + lo + "-" + (lo + size);
          case 1 -> {
            name = "hard" + i + ".img";
            Files.createLink(dir.resolve(name), file);
            target = dir.resolve(name) + ":" + lo + "-" + (lo + size);
          }
          case 2 -> {
            name = "sym" + i + ".img";
            Files.createSymbolicLink(dir.resolve(name), file);
            target = dir.resolve(name) + ":" + lo + "-" + (lo + size);
          }
          default -> {
            long off = rnd.nextBoolean() ? 0 : lo;
            Path dev = loops.attach(file, off, off == lo && rnd.nextBoolean() ? size : 0);
            target = dev + ":" + (lo - off) + "-" + (lo - off + size);
          }
        }
        List<String> cmd =
            switch (rnd.nextInt(3)) {
              case 0 -> List.of("format", "bloom", "--force", target);
              case 1 ->
                  List.of("format", "isect", "--force", "--block-size", "512", "isect" + i, target);
              default ->
                  List.of(
                      "buildindex",
                      "-b",
                      "--partitions",
                      "1",
                      configWithBloom(dir, i, target).toString());
            };
        if (cmd.get(0).equals("buildindex")) {
          plantBloomHeader(file, lo, (int) size);
          before = sums(dir, "arenas0.img");
        }
        Launcher.Run r = Launcher.run(cmd.toArray(String[]::new));
        String what = "seed " + seed + ", step " + i + ": " + cmd + "\n" + r;
        assertEquals(onArenas ? 3 : 0, r.status(), what);
        assertEquals(before, sums(dir, "arenas0.img"), what);
        if (onArenas) {
          assertEquals(
              1, r.errLines().stream().filter(l -> !PROGRESS.matcher(l).matches()).count(), what);
        }
      }
    }
    System.out.println(
        "randomTargetsNeverReachTheArenas: seed " + seed + ", " + steps + " commands");
  }

  /** A copy of the config whose bloom line is {@code target}. */
  static Path configWithBloom(Path dir, int i, String target) throws IOException {
    Path conf = dir.resolve("venti" + i + ".conf");
    Files.writeString(
        conf,
        Files.readString(dir.resolve("venti.conf"))
            .replaceAll("(?m)^bloom .*$", "bloom " + target));
    return conf;
  }

  interface OnMount {
    void run(Path mnt) throws Exception;
  }

  /** Runs {@code body} with a tmpfs of {@code size} mounted at {@code dir/mnt}, unmounted after. */
  static void onTmpfs(Path dir, String size, OnMount body) throws Exception {
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    assumeMounted(mnt, size);
    try {
      body.run(mnt);
    } finally {
      unmount(mnt);
    }
  }

  static void editConf(Path dir, String from, String to) throws IOException {
    Path conf = dir.resolve("venti.conf");
    String text = Files.readString(conf);
    assertTrue(text.contains(from), text);
    Files.writeString(conf, text.replace(from, to));
  }

  /**
   * Mounts a tmpfs of {@code size} at {@code dir}; skips the test where this machine lets no one
   * mount (never in CI).
   */
  static void assumeMounted(Path dir, String size) {
    Launcher.Run r =
        Launcher.exec(
            List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()),
            Map.of());
    if (r.status() != 0 && System.getenv("CI") != null) {
      throw new AssertionError("CI: cannot mount a tmpfs: " + r);
    }
    Assumptions.assumeTrue(r.status() == 0, "cannot mount a tmpfs here: " + r);
  }

  static void remountReadOnly(Path dir) {
    Launcher.Run r = Launcher.exec(List.of("mount", "-o", "remount,ro", dir.toString()), Map.of());
    assertEquals(0, r.status(), r.toString());
  }

  static void unmount(Path dir) {
    Launcher.exec(List.of("umount", dir.toString()), Map.of());
  }

  /**
   * The environment that makes the driver pause before its first write until {@code hook/go}
   * exists.
   */
  static Map<String, String> pause(Path hook) {
    return Map.of("VENTI_SPARK_JAVA_OPTS", "-Dventi.test.beforeWrite=" + hook);
  }

  static void awaitPause(Path hook, Launcher.Started run) throws InterruptedException {
    for (int i = 0; i < 1200 && !Files.exists(hook.resolve("ready")); i++) {
      if (!run.process().isAlive()) {
        throw new AssertionError("ended before pausing: " + run.await());
      }
      Thread.sleep(50);
    }
    assertTrue(Files.exists(hook.resolve("ready")), "the run did not pause before writing");
  }

  // Class 5: signals

  /**
   * SIGTERM while the driver waits before its first write (planning done, locks held): exit 1, one
   * line saying the index was not written, the report written, the locks released, nothing changed.
   */
  @Test
  void sigtermBeforeTheFirstWriteIsExitOneAndTheIndexUntouched() throws Exception {
    Path dir = copy("sigterm-before");
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img", "bloom.img");
    Path hook = Files.createDirectories(dir.resolve("hook"));
    Path report = dir.resolve("report.json");
    Launcher.Started run =
        Launcher.start(
            pause(hook),
            "--report",
            report.toString(),
            "buildindex",
            dir.resolve("venti.conf").toString());
    awaitPause(hook, run);
    signal(run, "TERM");
    Launcher.Run r = run.await();
    assertEquals(1, r.status(), r.toString());
    String line = "venti-spark: failed: stopped by SIGTERM; the index was not written";
    assertStderr(r, line);
    assertReport(report, line);
    assertEquals(before, sums(dir, "arenas0.img", "isect0.img", "bloom.img"));
    assertRerunRebuilds(dir, before.get("arenas0.img"));
  }

  /**
   * A signal while a write task has written half its range (the test hook holds it there until it
   * is killed): exit 1, one line naming the section as possibly partly rewritten (it is), the
   * report written, the locks released (a rerun is not refused as locked, and repairs the index).
   */
  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT", "HUP"})
  void aSignalDuringTheWriteIsExitOneNamingWhatMayBePartlyRewritten(String signal)
      throws Exception {
    Path dir = copy("sig" + signal + "-during");
    Map<String, String> before = sums(dir, "arenas0.img", "isect0.img");
    Path hook = Files.createDirectories(dir.resolve("hook"));
    Path report = dir.resolve("report.json");
    Launcher.Started run =
        Launcher.start(
            Map.of("VENTI_SPARK_JAVA_OPTS", "-D" + WriteFaults.DURING_WRITE + "=" + hook),
            "--report",
            report.toString(),
            "buildindex",
            dir.resolve("venti.conf").toString());
    awaitFile(hook.resolve("written"), run);
    signal(run, signal);
    Launcher.Run r = run.await();
    assertEquals(1, r.status(), r.toString());
    String line =
        "venti-spark: failed: stopped by SIG"
            + signal
            + "; may be partly rewritten: isect0.img (run it"
            + " again: a rerun rewrites them whole)";
    assertStderr(r, Pattern.compile(Pattern.quote(line) + " \\(Spark's report: /\\S+\\.log\\)"));
    assertReport(report, r.errLines().get(r.errLines().size() - 1));
    assertNotEquals(
        before.get("isect0.img"),
        IndexBytes.sha256(dir.resolve("isect0.img")),
        "half a range written");
    assertEquals(before.get("arenas0.img"), IndexBytes.sha256(dir.resolve("arenas0.img")));
    assertRerunRebuilds(dir, before.get("arenas0.img"));
  }

  /**
   * SIGSTOP for longer than Spark's network timeout, then SIGCONT (a laptop's lid, a swapping host,
   * a debugger): at most one line beyond venti-spark's own (Spark's note of the lost heartbeats),
   * no trace, and a correct index. The timeouts are shortened so that the pause lasts seconds.
   */
  @Test
  void aLongPauseCostsAtMostOneLineAndTheRunCompletes() throws Exception {
    Path dir = copy("sigstop");
    String arenas = IndexBytes.sha256(dir.resolve("arenas0.img"));
    Path conf = Files.createDirectories(dir.resolve("spark-conf"));
    Files.writeString(
        conf.resolve("spark-defaults.conf"),
        "spark.network.timeout 3s\n"
            + "spark.executor.heartbeatInterval 1s\nspark.network.timeoutInterval 1s\n"
            + "spark.storage.blockManagerHeartbeatTimeoutMs 3s\n");
    Path hook = Files.createDirectories(dir.resolve("hook"));
    Map<String, String> env = new LinkedHashMap<>(pause(hook));
    env.put("SPARK_CONF_DIR", conf.toString());
    Launcher.Started run = Launcher.start(env, "buildindex", dir.resolve("venti.conf").toString());
    awaitPause(hook, run);
    signal(run, "STOP");
    Thread.sleep(8_000);
    signal(run, "CONT");
    Thread.sleep(3_000); // the heartbeats found late
    Files.writeString(hook.resolve("go"), "");
    Launcher.Run r = run.await();
    assertEquals(0, r.status(), r.toString());
    assertOnlyProgress(r);
    List<String> foreign =
        r.errLines().stream().filter(l -> !VENTI_LINE.matcher(l).matches()).toList();
    assertTrue(foreign.size() <= 1, "more than one line beyond progress: " + foreign + "\n" + r);
    assertEquals(0, IndexDiff.verify(dir.resolve("venti.conf")).status());
    assertEquals(arenas, IndexBytes.sha256(dir.resolve("arenas0.img")));
  }

  /**
   * venti-spark's own lines of a rebuild: its log lines (plan, sections written, done) and
   * progress.
   */
  static final Pattern VENTI_LINE =
      Pattern.compile(
          "\\d{4}/\\d{4} \\d\\d:\\d\\d:\\d\\d (?:[\\d,]+ clumps, .*|plan: .*"
              + "|\\S+: .* written|\\S+: bloom filter written, .*|done arenaentries=.*|(?:read|check|write|bloom)[^:]*: .*)");

  /** Sends SIG{@code name} to the run: its JVM, which the launcher execs. */
  static void signal(Launcher.Started run, String name) {
    Launcher.Run k =
        Launcher.exec(List.of("kill", "-s", name, Long.toString(run.process().pid())), Map.of());
    assertEquals(0, k.status(), k.toString());
  }

  static void awaitFile(Path file, Launcher.Started run) throws InterruptedException {
    for (int i = 0; i < 1200 && !Files.exists(file); i++) {
      if (!run.process().isAlive()) {
        throw new AssertionError("ended before " + file + ": " + run.await());
      }
      Thread.sleep(50);
    }
    assertTrue(Files.exists(file), "no " + file);
  }

  /** The report says the run failed with {@code line}. */
  static void assertReport(Path report, String line) throws IOException {
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertEquals(1, json.get("exitCode").asInt(), json.toString());
    assertEquals("failed", json.get("status").asText(), json.toString());
    assertEquals(line, json.get("message").asText(), json.toString());
  }

  /** A rerun is not refused (the signalled run released its locks) and leaves a correct index. */
  static void assertRerunRebuilds(Path dir, String arenas) {
    Launcher.Run again = Launcher.run("buildindex", dir.resolve("venti.conf").toString());
    assertEquals(0, again.status(), again.toString());
    assertEquals(0, IndexDiff.verify(dir.resolve("venti.conf")).status());
    assertEquals(arenas, IndexBytes.sha256(dir.resolve("arenas0.img")));
  }
}
