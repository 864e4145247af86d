package ventispark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code job/bin/venti-spark} as a user does: a child process with its own JVM, its own Spark
 * and the launcher's log configuration, so a test sees the process's whole standard error (Spark's
 * log lines included), not only what the command printed. For failsafe tests ({@code *IT}), which
 * run after the package phase has built the launcher's jar and class path.
 */
public final class Launcher {
  private Launcher() {}

  /** How long one command may take before the test fails it (a hang is a failure, not a wait). */
  static final long TIMEOUT_SECONDS = 180;

  /** Exit status, standard output, standard error. */
  public record Run(int status, String out, String err) {
    /** Standard error's lines. */
    public List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }

    @Override
    public String toString() {
      return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  public static Path repo() {
    return Path.of(System.getProperty("venti.repo", "..")).toAbsolutePath().normalize();
  }

  /** The compiled test classes (with their resources), for a child's class path. */
  public static Path testClasses() {
    return repo().resolve("job/target/test-classes");
  }

  public static Run run(String... args) {
    return run(Map.of(), args);
  }

  /** Runs the launcher with extra environment variables (e.g. VENTI_SPARK_JAVA_OPTS). */
  public static Run run(Map<String, String> env, String... args) {
    return start(env, args).await();
  }

  /** Runs any command the same way (stdin from /dev/null, both streams captured). */
  public static Run exec(List<String> cmd, Map<String, String> env) {
    return exec(null, cmd, env);
  }

  /** Runs any command in the working directory {@code dir} (null: this one). */
  public static Run exec(Path dir, List<String> cmd, Map<String, String> env) {
    return start(dir, cmd, env).await();
  }

  /** Starts the launcher; {@link Started#await} collects it. */
  public static Started start(Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(repo().resolve("job/bin/venti-spark").toString());
    cmd.addAll(List.of(args));
    return start(null, cmd, env);
  }

  static Started start(Path dir, List<String> cmd, Map<String, String> env) {
    try {
      Path out = Files.createTempFile("launcher", ".out");
      Path err = Files.createTempFile("launcher", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .directory(dir == null ? null : dir.toFile());
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      pb.environment().put("VENTI_SPARK_CDS", "0"); // no class-data archive training run in tests
      // the tests' WriteHooks (TestWriteHooks): a test may ask the run to pause, tear or lose an
      // executor
      pb.environment().put("VENTI_SPARK_TEST_CLASSPATH", testClasses().toString());
      pb.environment().putAll(env);
      return new Started(cmd, pb.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A running command whose output goes to files. */
  public record Started(List<String> cmd, Process process, Path out, Path err) {
    /** Waits for the command (at most {@link #TIMEOUT_SECONDS}) and returns what it did. */
    public Run await() {
      try {
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          throw new AssertionError(
              "timed out after "
                  + TIMEOUT_SECONDS
                  + " s: "
                  + cmd
                  + "\n"
                  + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Run(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      } finally {
        try {
          Files.deleteIfExists(out);
          Files.deleteIfExists(err);
        } catch (IOException ignored) {
          // temporary files of a test
        }
      }
    }
  }
}
