package ventispark.notebooks;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs notebooks as CI does: {@code jupyter nbconvert --to notebook --execute} with the Java kernel
 * {@code rapaio-jupyter-kernel} (copied from Maven Central into {@code udf/target/jupyter} by the
 * build) on this test's own class path, so the notebook sees venti-spark, Spark and XChart exactly
 * as the tests do. A failing cell fails the run with the cell and its error.
 *
 * <p>Without Jupyter on the machine the tests are skipped, except under CI ({@code CI=true}), where
 * {@code .ci/run} installs it and a missing Jupyter is an error.
 */
final class NotebookRunner {
  static final Path JUPYTER = Path.of("/usr/bin/jupyter");

  /**
   * The kernel name the notebooks' metadata asks for; notebooks/install-kernel installs the same.
   */
  static final String KERNEL_NAME = "venti-spark-java";

  static final ObjectMapper JSON = new ObjectMapper();

  private final Path work;

  private NotebookRunner(Path work) {
    this.work = work;
  }

  /**
   * A runner with a kernel spec in {@code work}; skips the test (fails under CI) without Jupyter.
   */
  static NotebookRunner create(Path work) throws IOException, InterruptedException {
    requireTool(
        Files.isExecutable(JUPYTER)
            && run(
                        List.of(JUPYTER.toString(), "nbconvert", "--version"),
                        Map.of(),
                        Duration.ofMinutes(1))
                    .exit()
                == 0,
        JUPYTER
            + " nbconvert is not installed (Debian: apt-get install --no-install-recommends jupyter-nbconvert)");
    Path kernelJar =
        Path.of(
            System.getProperty("venti.jupyter.kernel", "target/jupyter/rapaio-jupyter-kernel.jar"));
    requireTool(
        Files.isRegularFile(kernelJar),
        "the Java kernel "
            + kernelJar
            + " is missing: it is copied there by `mvn test` (maven-dependency-plugin, udf/pom.xml)");
    Path patch = Path.of(System.getProperty("venti.jupyter.patch", "target/jupyter/patch"));
    requireTool(
        Files.isRegularFile(patch.resolve("org/rapaio/jupyter/kernel/channels/LoopThread.class")),
        "the kernel's corrected channel loop is missing from "
            + patch
            + ": it is copied there by `mvn test`");
    NotebookRunner runner = new NotebookRunner(work);
    runner.writeKernelSpec(kernelJar, patch);
    return runner;
  }

  private static void requireTool(boolean present, String message) {
    if (!present && "true".equals(System.getenv("CI"))) {
      fail("CI must run the notebooks: " + message);
    }
    Assumptions.assumeTrue(present, message);
  }

  /**
   * The class path the tests run with. Surefire may start the test JVM with only a manifest jar on
   * java.class.path; it passes the real class path as surefire.test.class.path.
   */
  static List<String> testClassPath() {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> entries = new ArrayList<>();
    for (String e : cp.split(File.pathSeparator)) {
      if (!e.isBlank()) {
        entries.add(Path.of(e).toAbsolutePath().toString());
      }
    }
    return entries;
  }

  /** kernels/venti-spark-java/kernel.json under a private JUPYTER_PATH. */
  private void writeKernelSpec(Path kernelJar, Path patch) throws IOException {
    Path repo = Path.of(System.getProperty("venti.repo", "..")).toAbsolutePath().normalize();
    List<String> cp = testClassPath();
    if (cp.stream().noneMatch(e -> e.endsWith(Path.of("udf", "target", "classes").toString()))
        && cp.stream().noneMatch(e -> e.contains("venti-spark-udf"))) {
      fail("the test class path has no venti-spark udf classes: " + cp);
    }
    ObjectNode spec = JSON.createObjectNode();
    ArrayNode argv = spec.putArray("argv");
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Spark's JDK module opens, as the launcher and the tests use them.
    argv.add("@" + repo.resolve("conf/java-module-options"));
    argv.add("-Xmx1g");
    // Client compiler only: notebook cells are short, and this halves their run time.
    argv.add("-XX:TieredStopAtLevel=1");
    argv.add("-Djava.awt.headless=true");
    argv.add("-Dlog4j2.configurationFile=" + repo.resolve("conf/log4j2.properties"));
    // The corrected LoopThread before the kernel's own (see
    // org.rapaio.jupyter.kernel.channels.LoopThread).
    argv.add("-cp");
    argv.add(patch.toAbsolutePath() + File.pathSeparator + kernelJar.toAbsolutePath());
    argv.add("org.rapaio.jupyter.kernel.MainApp");
    argv.add("{connection_file}");
    spec.put("display_name", "Java (venti-spark)");
    spec.put("language", "java");
    spec.put("interrupt_mode", "message");
    ObjectNode env = spec.putObject("env");
    // The kernel splits its class path at ';'.
    env.put("RJK_CLASSPATH", String.join(";", cp));
    env.put("RJK_COMPILER_OPTIONS", "");
    env.put("RJK_INIT_SCRIPT", "");
    env.put("RJK_TIMEOUT_MILLIS", "-1");
    env.put("RJK_MIMA_CACHE", work.resolve("mima_cache").toString());
    Path dir = work.resolve("jupyter/kernels").resolve(KERNEL_NAME);
    Files.createDirectories(dir);
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("kernel.json").toFile(), spec);
  }

  /**
   * Executes {@code notebook} with nbconvert into {@code out} and returns the executed notebook.
   * Fails with the failing cell's source and error when a cell fails, and on a time-out.
   */
  JsonNode execute(Path notebook, Path out, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    Files.createDirectories(out.getParent());
    Files.deleteIfExists(out);
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("JUPYTER_PATH", work.resolve("jupyter").toString());
    all.put("JUPYTER_CONFIG_DIR", work.resolve("jupyter-config").toString());
    all.put("JUPYTER_RUNTIME_DIR", work.resolve("jupyter-runtime").toString());
    all.put("SPARK_LOCAL_IP", "127.0.0.1");
    Result r =
        run(
            List.of(
                JUPYTER.toString(),
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=" + timeout.toSeconds(),
                "--ExecutePreprocessor.startup_timeout=120",
                "--output-dir",
                out.getParent().toString(),
                "--output",
                out.getFileName().toString(),
                notebook.toString()),
            all,
            timeout.plusMinutes(1));
    Path log = out.resolveSibling(out.getFileName() + ".log");
    Files.writeString(log, r.output(), StandardCharsets.UTF_8);
    if (r.exit() != 0) {
      fail(
          notebook.getFileName()
              + " failed (jupyter nbconvert exit "
              + r.exit()
              + "; its output: "
              + log
              + "):\n"
              + cellError(r.output()));
    }
    JsonNode executed = JSON.readTree(out.toFile());
    for (JsonNode cell : executed.get("cells")) {
      for (JsonNode o : cell.path("outputs")) {
        if ("error".equals(o.path("output_type").asText())) {
          fail(
              notebook.getFileName()
                  + ": cell "
                  + cell.path("id").asText()
                  + " failed: "
                  + o.path("ename").asText()
                  + ": "
                  + o.path("evalue").asText());
        }
      }
      if ("code".equals(cell.path("cell_type").asText()) && cell.path("execution_count").isNull()) {
        fail(notebook.getFileName() + ": cell " + cell.path("id").asText() + " was not executed");
      }
    }
    return executed;
  }

  /**
   * nbclient's report of the failing cell (its source, then the kernel's error), without colours.
   */
  static String cellError(String output) {
    String plain = output.replaceAll("\u001B\\[[0-9;]*m", "");
    int at = plain.indexOf("CellExecutionError");
    if (at >= 0) {
      return plain.substring(at);
    }
    List<String> lines = plain.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  record Result(int exit, String output) {}

  /** Runs a command, output and errors merged; kills it and everything it started on a time-out. */
  static Result run(List<String> command, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path log = Files.createTempFile("notebook-run", ".log");
    try {
      pb.redirectOutput(log.toFile());
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        fail(
            String.join(" ", command)
                + ": no result after "
                + timeout
                + "; output:\n"
                + cellError(Files.readString(log, StandardCharsets.UTF_8)));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
