package ventispark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Real loop devices for the gate's tests, attached with {@code losetup} and always detached by
 * {@link #close} (call it from a finally block or an {@code @AfterAll}). Where the tests do not run
 * as root or {@code losetup} cannot attach a device, the test is skipped with a message (CI runs as
 * root and must not skip: there it fails).
 */
public final class LoopDevices implements AutoCloseable {
  private final List<Path> attached = new ArrayList<>();

  /** Skips the calling test unless a loop device can be attached here. */
  public static LoopDevices assumeAvailable(Path scratch) throws IOException {
    LoopDevices l = new LoopDevices();
    Path probe = scratch.resolve(".loop-probe.img");
    Files.write(probe, new byte[1 << 16]);
    Launcher.Run r = Launcher.exec(List.of("losetup", "-f", "--show", probe.toString()), Map.of());
    Files.delete(probe);
    if (r.status() == 0) {
      Launcher.exec(List.of("losetup", "-d", r.out().strip()), Map.of());
    } else if (System.getenv("CI") != null) {
      throw new AssertionError("CI: losetup cannot attach a loop device: " + r);
    }
    Assumptions.assumeTrue(r.status() == 0, "no loop devices here (not root, or no losetup): " + r);
    return l;
  }

  /**
   * A loop device over {@code file} from byte {@code offset}, at most {@code sizeLimit} bytes (0:
   * to the end).
   */
  public Path attach(Path file, long offset, long sizeLimit, String... more) {
    List<String> cmd =
        new ArrayList<>(List.of("losetup", "-f", "--show", "-o", Long.toString(offset)));
    if (sizeLimit > 0) {
      cmd.addAll(List.of("--sizelimit", Long.toString(sizeLimit)));
    }
    cmd.addAll(List.of(more));
    cmd.add(file.toString());
    Launcher.Run r = Launcher.exec(cmd, Map.of());
    if (r.status() != 0) {
      throw new AssertionError("losetup: " + r);
    }
    Path dev = Path.of(r.out().strip());
    attached.add(dev);
    return dev;
  }

  @Override
  public void close() {
    for (Path d : attached) {
      Launcher.exec(List.of("losetup", "-d", d.toString()), Map.of());
    }
    attached.clear();
  }
}
