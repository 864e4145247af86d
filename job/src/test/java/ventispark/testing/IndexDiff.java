package ventispark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the independent checker ../shared/tools/venti-index-diff. */
public final class IndexDiff {
  private IndexDiff() {}

  /** Exit status and combined output of one run. */
  public record Result(int status, String output) {
    /** The value of {@code key=} in the summary line, or null. */
    public String field(String key) {
      for (String tok : output.split("\\s+")) {
        if (tok.startsWith(key + "=")) {
          return tok.substring(key.length() + 1);
        }
      }
      return null;
    }
  }

  public static Result compare(Path confA, Path confB) {
    return run("compare", confA.toString(), confB.toString());
  }

  public static Result verify(Path conf) {
    return run("verify", conf.toString());
  }

  public static Result run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("python3");
    cmd.add(Fixtures.shared().resolve("tools/venti-index-diff").toString());
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(p.waitFor(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
