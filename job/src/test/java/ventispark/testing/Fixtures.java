package ventispark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The reference archives of ../shared/fixtures, decompressed once per test run into
 * target/test-scratch/reference/NAME, and working copies in the state before the reference
 * buildindex ran (each X.img replaced by its X.pre.img).
 */
public final class Fixtures {
  private Fixtures() {}

  public static final List<String> REBUILDABLE =
      List.of("sample", "basic", "multi", "partial", "corrupt", "v1sect");

  public static Path shared() {
    return Path.of(System.getProperty("venti.shared", "../../shared")).toAbsolutePath().normalize();
  }

  public static Path scratch() {
    return Path.of(System.getProperty("venti.scratch", "target/test-scratch")).toAbsolutePath();
  }

  /** The decompressed reference folder of a fixture (arenas and the reference index). */
  public static synchronized Path reference(String name) {
    Path out = scratch().resolve("reference").resolve(name);
    Path done = out.resolve(".done");
    if (Files.exists(done)) {
      return out;
    }
    try {
      Path src = shared().resolve("fixtures").resolve(name);
      Files.createDirectories(out);
      try (Stream<Path> files = Files.list(src)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String fn = f.getFileName().toString();
          if (fn.endsWith(".zst")) {
            run(
                List.of(
                    "zstd",
                    "-d",
                    "-q",
                    "-f",
                    f.toString(),
                    "-o",
                    out.resolve(fn.substring(0, fn.length() - 4)).toString()));
          } else {
            Files.copy(f, out.resolve(fn), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      Files.writeString(done, "");
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh working copy in the pre-buildindex state, in a new folder under {@code dir}. */
  public static Path workingCopy(String name, Path dir) {
    Path ref = reference(name);
    Path out = dir.resolve(name);
    try {
      Files.createDirectories(out);
      try (Stream<Path> files = Files.list(ref)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String fn = f.getFileName().toString();
          if (fn.endsWith(".pre.img") || fn.startsWith(".")) {
            continue;
          }
          Path pre = ref.resolve(fn.replace(".img", ".pre.img"));
          Files.copy(
              fn.endsWith(".img") && Files.exists(pre) ? pre : f,
              out.resolve(fn),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).inheritIO().start();
      assertEquals(0, p.waitFor(), "command failed: " + cmd);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
