package ventispark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Spark settings of a cluster on this machine whose executors are separate JVMs: Spark's {@code
 * local-cluster[W,C,M]} master (a Master and W Workers in the driver's JVM, one executor of C cores
 * and M MiB each). A Worker starts an executor with Spark's launcher, which needs a Spark home: a
 * fake one (an empty RELEASE file and an empty jars/, {@code SPARK_HOME} and {@code
 * SPARK_SCALA_VERSION} set by failsafe, see job/pom.xml) is enough when the executor's class path
 * is given whole. For failsafe tests ({@code *IT}): the class path is the package phase's.
 */
public final class ClusterSpark {
  private ClusterSpark() {}

  public static final String MASTER = "local-cluster[2,1,1024]";

  /** The settings, for a SparkConf or a spark-defaults.conf. */
  public static Map<String, String> settings() {
    fakeHome();
    Path target = Launcher.repo().resolve("job/target");
    Map<String, String> s = new LinkedHashMap<>();
    try {
      // the test classes too: the executors' write tasks find the tests' WriteHooks
      // (TestWriteHooks)
      s.put(
          "spark.executor.extraClassPath",
          target.resolve("venti-spark-job.jar")
              + ":"
              + Files.readString(target.resolve("classpath.txt")).trim()
              + ":"
              + Launcher.testClasses());
      List<String> opens = Files.readAllLines(Launcher.repo().resolve("conf/java-module-options"));
      s.put(
          "spark.executor.extraJavaOptions",
          opens.stream()
              .map(String::trim)
              .filter(l -> !l.isEmpty())
              .collect(Collectors.joining(" ")));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "job/target/classpath.txt is written by mvn package: " + e.getMessage(), e);
    }
    s.put("spark.executor.memory", "1g");
    return s;
  }

  /**
   * Writes the settings (and {@code extra}) as {@code DIR/spark-defaults.conf}, for a child
   * process's SPARK_CONF_DIR.
   */
  public static Path confDir(Path dir, Map<String, String> extra) {
    Map<String, String> all = new LinkedHashMap<>(settings());
    all.putAll(extra);
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("spark-defaults.conf"),
          all.entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining("\n", "", "\n")));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Makes the fake Spark home that SPARK_HOME names. */
  static void fakeHome() {
    String home = System.getenv("SPARK_HOME");
    if (home == null || System.getenv("SPARK_SCALA_VERSION") == null) {
      throw new IllegalStateException(
          "set SPARK_HOME (a fake home is made there) and SPARK_SCALA_VERSION=2.13, as"
              + " failsafe does (job/pom.xml)");
    }
    try {
      Files.createDirectories(Path.of(home, "jars"));
      if (!Files.exists(Path.of(home, "RELEASE"))) {
        Files.createFile(Path.of(home, "RELEASE"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
