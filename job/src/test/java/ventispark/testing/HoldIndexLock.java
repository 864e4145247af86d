package ventispark.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import ventispark.read.PartitionRef;
import ventispark.write.IndexLocks;

/**
 * A second process for lock tests: takes the lock of one index file (exclusive, as a rebuild does,
 * or shared with a second argument {@code shared}, as a reader does), says so, holds it until stdin
 * closes.
 */
public final class HoldIndexLock {
  private HoldIndexLock() {}

  public static void main(String[] args) throws Exception {
    List<PartitionRef> file = List.of(PartitionRef.resolve(args[0], args[0]));
    boolean shared = args.length > 1 && args[1].equals("shared");
    try (IndexLocks locks = shared ? IndexLocks.acquireShared(file) : IndexLocks.acquire(file)) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until the test closes our stdin
      }
    }
  }

  /**
   * Starts a holder of {@code file}'s lock and waits until it holds it; close its stdin to end it.
   */
  public static Process start(Path file, boolean shared) throws IOException {
    // the module options as every venti-spark JVM has them: the lock files are checked through
    // their descriptors
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Launcher.repo().resolve("conf/java-module-options"),
                "-cp",
                System.getProperty("java.class.path"),
                HoldIndexLock.class.getName(),
                file.toString(),
                shared ? "shared" : "exclusive")
            .redirectErrorStream(true)
            .start();
    String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
    if (!"locked".equals(line)) {
      p.destroyForcibly();
      throw new AssertionError("lock holder failed: " + line);
    }
    return p;
  }
}
