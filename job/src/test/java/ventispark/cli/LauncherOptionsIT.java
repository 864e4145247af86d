package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.testing.Launcher;

/**
 * The launcher's own options and choices, seen in the java command line it runs: a JAVA_HOME whose
 * {@code bin/java} prints its arguments stands in for the JDK, so nothing of Spark starts.
 */
class LauncherOptionsIT {
  @TempDir Path tmp;

  /** The arguments the launcher gives java, one per line. */
  private List<String> javaArgs(String... args) throws IOException {
    Path java = Files.createDirectories(tmp.resolve("jdk/bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    assertTrue(java.toFile().setExecutable(true));
    Launcher.Run r = Launcher.run(Map.of("JAVA_HOME", tmp.resolve("jdk").toString()), args);
    assertEquals(0, r.status(), r.toString());
    return r.out().lines().toList();
  }

  @Test
  void honoursJavaHomeAndPassesTheCommandWhole() throws IOException {
    List<String> a = javaArgs("--master", "local[2]", "checkindex", "--master", "x", "venti.conf");
    // only the options before the command word are the launcher's
    assertEquals(
        List.of("--master", "local[2]", "--deploy-mode", "client"),
        a.subList(
            a.indexOf("org.apache.spark.deploy.SparkSubmit") + 1,
            a.indexOf("org.apache.spark.deploy.SparkSubmit") + 5));
    assertEquals(
        List.of("checkindex", "--master", "x", "venti.conf"), a.subList(a.size() - 4, a.size()));
  }

  @Test
  void theJitChoiceFollowsTheCommandWord() throws IOException {
    String client = "-XX:TieredStopAtLevel=1";
    assertTrue(
        javaArgs("checkindex", "-i", "stage", "venti.conf").contains(client),
        "an argument named stage");
    assertTrue(
        javaArgs("--report", "stage", "plan", "venti.conf").contains(client),
        "a report named stage");
    assertFalse(javaArgs("stage", "verify", "dir", "venti.conf").contains(client));
    assertFalse(
        javaArgs("--report", "r.json", "buildindex", "--stage", "dir", "venti.conf")
            .contains(client));
    assertFalse(javaArgs("generate", "dir").contains(client));
  }

  @Test
  void refusesABadDeployModeWithOneLine() {
    Launcher.Run r = Launcher.run("--deploy-mode", "remote", "buildindex", "venti.conf");
    assertEquals(2, r.status());
    assertEquals(List.of("venti-spark: --deploy-mode 'remote': client or cluster"), r.errLines());
    Launcher.Run local = Launcher.run("--deploy-mode", "cluster", "buildindex", "venti.conf");
    assertEquals(2, local.status());
    assertEquals(1, local.errLines().size(), local.toString());
  }
}
