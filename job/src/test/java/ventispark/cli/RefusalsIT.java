package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.create.ArchiveGenerator;
import ventispark.create.GeneratorOptions;
import ventispark.testing.Damage;
import ventispark.testing.Fixtures;
import ventispark.testing.HoldIndexLock;
import ventispark.testing.Launcher;
import ventispark.write.IndexLocks;

/**
 * Refusals as a user sees them, through {@code job/bin/venti-spark} in a child process: the exit
 * status, the whole of standard error (every line accounted for; the driver's own timestamped plan
 * lines matched by pattern), and every file of the archive byte-identical afterwards.
 */
class RefusalsIT {
  @TempDir static Path tmp;

  /** A plan line the driver logs before it locks the index (timestamped). */
  static final String PLAN_LINES = "\\d{4}/\\d{4} \\d\\d:\\d\\d:\\d\\d .*";

  /** Each line of standard error matches the pattern at its position, and there are no others. */
  static void assertErr(Launcher.Run r, int status, String... lines) {
    assertEquals(status, r.status(), r.toString());
    List<String> got = r.errLines();
    assertEquals(lines.length, got.size(), r.toString());
    for (int i = 0; i < lines.length; i++) {
      assertTrue(
          Pattern.matches(lines[i], got.get(i)),
          "line " + i + " does not match " + lines[i] + "\n" + r);
    }
  }

  static String literal(String line) {
    return Pattern.quote(line);
  }

  static Path sample(String name) {
    return Fixtures.workingCopy("sample", tmp.resolve(name));
  }

  @Test
  void generateAndExampleNeverOverwriteAnArchive() throws IOException {
    GeneratorOptions o = new GeneratorOptions();
    o.clumps = 200;
    o.arenas = 1;
    Path dir = new ArchiveGenerator(o, null).write(tmp.resolve("generated")).config().getParent();
    Map<String, String> before = CheckIndexCommandTest.sums(dir);
    assertErr(
        Launcher.run("generate", "--clumps", "100", dir.toString()),
        3,
        literal(
            "venti-spark: "
                + dir
                + "/arenas0.img: already exists; nothing was written (use --force to overwrite the archive's files in "
                + dir
                + ", or name another directory)"));
    assertEquals(before, CheckIndexCommandTest.sums(dir));

    // A DIR holding only one of the example's files (a config of someone's) is refused too.
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("venti.conf"), "index main\n");
    assertErr(
        Launcher.run("example", other.toString()),
        3,
        literal(
            "venti-spark: "
                + other
                + "/venti.conf: already exists; nothing was written (use --force to overwrite the archive's files in "
                + other
                + ", or name another directory)"));
    assertEquals("index main\n", Files.readString(other.resolve("venti.conf")));
    assertEquals(
        List.of("venti.conf"), Files.list(other).map(p -> p.getFileName().toString()).toList());
  }

  @Test
  void badNumbersAndMastersAreUsageErrors() {
    Path work = sample("usage");
    Map<String, String> before = CheckIndexCommandTest.sums(work);
    String conf = work.resolve("venti.conf").toString();
    assertErr(
        Launcher.run("buildindex", "--partitions", "0", conf),
        2,
        literal(
            "venti-spark: --partitions: 0 is out"
                + " of range (1 to 2147483647) (usage: venti-spark buildindex --help)"));
    assertErr(
        Launcher.run("--master", "nonsense", "buildindex", conf),
        2,
        literal(
            "venti-spark: --master 'nonsense':"
                + " not a Spark master URL (local, local[N], local[*], local[N,RETRIES], spark://HOST:PORT, yarn, k8s://URL)"));
    assertEquals(before, CheckIndexCommandTest.sums(work));
  }

  @Test
  void aFifoAsConfigIsRefusedAtOnce() {
    Path fifo = tmp.resolve("fifo.conf");
    Damage.mkfifo(fifo);
    assertErr(
        Launcher.run("checkindex", fifo.toString()),
        3,
        literal(
            "venti-spark: "
                + fifo
                + ": is a FIFO (named pipe), not a file or device ("
                + fifo
                + ")"));
  }

  @Test
  void controlCharactersFromAConfigNeverReachTheTerminal() throws IOException {
    Path work = sample("control");
    Path conf = work.resolve("venti.conf");
    Files.writeString(
        conf,
        Files.readString(conf).replace("arenas arenas0.img", "arenas \u001b]2;owned\u0007x.img"));
    Map<String, String> before = CheckIndexCommandTest.sums(work);
    assertErr(
        Launcher.run("buildindex", conf.toString()),
        3,
        literal(
            "venti-spark: \\x1b]2;owned\\x07x.img: no such file ("
                + work
                + "/\\x1b]2;owned\\x07x.img)"));
    assertEquals(before, CheckIndexCommandTest.sums(work));
  }

  /**
   * checkindex during a rebuild (another process holds the section's exclusive lock): exit 5, not a
   * torn report.
   */
  @Test
  void checkindexDuringARebuildIsRefused() throws Exception {
    Path work = sample("reader");
    Map<String, String> before = CheckIndexCommandTest.sums(work);
    Process rebuild = HoldIndexLock.start(work.resolve("isect0.img"), false);
    try {
      assertErr(
          Launcher.run("checkindex", work.resolve("venti.conf").toString()),
          5,
          PLAN_LINES,
          PLAN_LINES,
          literal(
              "venti-spark: isect0.img: locked by another run writing this index (a rebuild of the same section is"
                  + " under way); nothing was read. Wait for it to finish, or stop it."));
    } finally {
      rebuild.getOutputStream().close();
      rebuild.waitFor();
    }
    assertEquals(before, CheckIndexCommandTest.sums(work));
  }

  /**
   * A lock file that is a link to an arena partition is neither opened nor written through: exit 3.
   */
  @Test
  void aLockFileLinkedToAnArenaIsRefused() throws IOException {
    Path work = sample("link");
    Map<String, String> before = CheckIndexCommandTest.sums(work);
    Path lock = IndexLocks.lockFile(work.resolve("isect0.img"));
    Files.deleteIfExists(lock);
    Files.createSymbolicLink(lock, work.resolve("arenas0.img"));
    try {
      assertErr(
          Launcher.run("buildindex", work.resolve("venti.conf").toString()),
          3,
          PLAN_LINES,
          PLAN_LINES,
          literal(
              "venti-spark: isect0.img: its lock file "
                  + lock
                  + " is not a plain file (a symbolic link, a directory"
                  + " or a device); it was not opened and nothing was written. Remove it, or set venti.lockDir to another"
                  + " directory"));
    } finally {
      Files.delete(lock);
    }
    assertEquals(before, CheckIndexCommandTest.sums(work));
  }

  /**
   * The launcher execs java: SIGTERM to the launcher's process reaches the JVM, and nothing is left
   * running.
   */
  @Test
  void sigtermToTheLauncherStopsTheJvm() throws Exception {
    Path out = tmp.resolve("sigterm");
    ProcessBuilder pb =
        new ProcessBuilder(
                Launcher.repo().resolve("job/bin/venti-spark").toString(),
                "generate",
                "--clumps",
                "5000000",
                out.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("sigterm.log").toFile());
    pb.environment().put("VENTI_SPARK_CDS", "0");
    Process p = pb.start();
    List<ProcessHandle> children = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(out.resolve("arenas0.img"))
          && System.nanoTime() < deadline
          && p.isAlive()) {
        Thread.sleep(100);
      }
      children.addAll(p.descendants().toList());
      assertTrue(p.isAlive(), Files.readString(tmp.resolve("sigterm.log")));
      assertTrue(
          p.info().command().orElse("").endsWith("/java"),
          "the launcher's process is " + p.info().command());
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIGTERM");
      for (ProcessHandle c : children) {
        c.onExit().get(30, TimeUnit.SECONDS);
      }
      assertFalse(children.stream().anyMatch(ProcessHandle::isAlive));
    } finally {
      children.forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
