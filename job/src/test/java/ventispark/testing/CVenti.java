package ventispark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import ventispark.testing.Launcher.Run;

/**
 * The reference C Venti of ../shared/tools/venti-c (plan9port's server, clients and tools), the
 * oracle no one here wrote. Tools run in the directory of the config they are given, because the C
 * tools resolve the config's relative partition names against the working directory.
 */
public final class CVenti {
  private CVenti() {}

  /**
   * Scratch partition size for checkindex's sorted entry list (ample for the archives of the
   * tests).
   */
  static final long CHECKINDEX_SCRATCH_BYTES = 64L << 20;

  /** The only lines {@code checkarenas -a} prints for an arena whose clumps all check out. */
  static final Pattern CHECKARENAS_PROGRESS =
      Pattern.compile("arena \\S+: fix=0 flush=0 [\\d>\\- ]+");

  public static Path bin() {
    return Fixtures.shared().resolve("tools/venti-c/bin");
  }

  public static Path tool(String name) {
    return bin().resolve(name);
  }

  /** Skips the calling test where the C tools are absent; fails instead under CI (CI=true). */
  public static void require() {
    boolean present = Files.isExecutable(tool("venti")) && Files.isExecutable(tool("checkindex"));
    String message = "the reference C Venti is missing: " + bin();
    if (!present && "true".equals(System.getenv("CI"))) {
      fail("CI must run the C Venti oracle tests: " + message);
    }
    Assumptions.assumeTrue(present, message);
  }

  /** Runs a C tool with {@code dir} as its working directory. */
  public static Run run(Path dir, String tool, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(tool(tool).toString());
    cmd.addAll(List.of(args));
    return exec(dir, cmd);
  }

  /** Runs a C tool and fails the test unless it exits 0. */
  public static Run ok(Path dir, String tool, String... args) {
    Run r = run(dir, tool, args);
    assertEquals(0, r.status(), tool + " " + String.join(" ", args) + " in " + dir + "\n" + r);
    return r;
  }

  /**
   * The C {@code checkindex CONF SCRATCH}, read-only. Exit 0 with "checkindex: index is correct";
   * otherwise exit 1, "errors found", and the differences on standard output.
   */
  public static Run checkIndex(Path conf) {
    Path scratch;
    try {
      scratch = Files.createTempFile("checkindex", ".scratch");
      try (RandomAccessFile f = new RandomAccessFile(scratch.toFile(), "rw")) {
        f.setLength(CHECKINDEX_SCRATCH_BYTES);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return run(conf.getParent(), "checkindex", conf.getFileName().toString(), scratch.toString());
    } finally {
      scratch.toFile().delete();
    }
  }

  /** Fails unless {@code checkindex} calls the index correct. */
  public static void assertIndexCorrect(Path conf) {
    Run r = checkIndex(conf);
    if (r.status() != 0 || !r.err().contains("checkindex: index is correct")) {
      fail("C checkindex rejects " + conf + "\n" + r);
    }
  }

  /**
   * The C {@code checkarenas -a} of one arena partition: every clump read, decompressed and hashed
   * against its score, and the arena's statistics recounted. It exits 0 whatever it finds, so the
   * lines it prints are the verdict: anything but its per-run progress lines is an error.
   */
  public static List<String> arenaErrors(Path partition) {
    Run r = run(partition.getParent(), "checkarenas", "-a", partition.getFileName().toString());
    assertEquals(0, r.status(), "checkarenas " + partition + "\n" + r);
    return (r.out() + r.err())
        .lines()
        .filter(l -> !l.isBlank() && !CHECKARENAS_PROGRESS.matcher(l).matches())
        .toList();
  }

  static Run exec(Path dir, List<String> cmd) {
    return Launcher.exec(dir, cmd, Map.of());
  }
}
