package ventispark.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.create.ArchiveGenerator;
import ventispark.create.GeneratorOptions;

/**
 * The packaged {@code venti-spark.jar} as a cluster sees it: run by spark-submit's own main class
 * in a separate JVM whose class path holds only the jar and the provided Spark, Hadoop and SLF4J
 * jars, it rebuilds a generated archive's index (checked by the independent checker) and serves the
 * data source and the SQL functions.
 */
class ShadedJarIT {
  static final int CLUMPS = 4_000;

  @TempDir static Path tmp;
  static Path jar;
  static String provided;
  static Path conf;

  @BeforeAll
  static void archive() throws IOException {
    jar = Path.of(System.getProperty("venti.jar"));
    provided = Files.readString(Path.of(System.getProperty("venti.providedClasspath"))).trim();
    GeneratorOptions o = new GeneratorOptions();
    o.clumps = CLUMPS;
    o.sections = 2;
    conf = new ArchiveGenerator(o, null).write(tmp.resolve("archive")).config();
  }

  @Test
  void holdsOursAndLeavesOutWhatTheClusterProvides() throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      assertEquals(
          "ventispark.cli.VentiSpark", j.getManifest().getMainAttributes().getValue("Main-Class"));
      for (String c :
          List.of(
              "ventispark/cli/VentiSpark.class",
              "ventispark/sql/VentiDataSource.class",
              "ventispark/udf/VentiUdfs.class",
              "ventispark/format/Whack.class")) {
        assertTrue(j.getEntry(c) != null, c);
      }
      ZipEntry services =
          j.getEntry("META-INF/services/org.apache.spark.sql.sources.DataSourceRegister");
      assertTrue(
          new String(j.getInputStream(services).readAllBytes(), StandardCharsets.UTF_8)
              .contains("ventispark.sql.VentiDataSource"));
      List<String> foreign =
          Collections.list(j.entries()).stream()
              .map(ZipEntry::getName)
              .filter(n -> n.endsWith(".class") && !n.startsWith("ventispark/"))
              .limit(5)
              .toList();
      assertTrue(
          foreign.isEmpty(), "classes the cluster provides, or that are not ours: " + foreign);
    }
  }

  @Test
  void rebuildsThroughSparkSubmitThenServesSqlAndFunctions() throws Exception {
    Result submit =
        java(
            jar.toString(),
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.driver.bindAddress=127.0.0.1",
            "--class",
            "ventispark.cli.VentiSpark",
            jar.toString(),
            "buildindex",
            conf.toString());
    assertEquals(0, submit.exit(), submit.out());
    assertTrue(
        submit
            .out()
            .replace(",", "")
            .contains("done arenaentries=" + CLUMPS + " indexed=" + CLUMPS),
        submit.out());

    Result verify =
        run(
            "python3",
            Path.of(System.getProperty("venti.shared"), "tools", "venti-index-diff").toString(),
            "verify",
            conf.toString());
    assertEquals(0, verify.exit(), verify.out());
    long buckets = -1;
    Result entries =
        run(
            "python3",
            Path.of(System.getProperty("venti.shared"), "tools", "venti-index-diff").toString(),
            "entries",
            conf.toString());
    for (String l : entries.out().split("\n")) {
      if (l.startsWith("index ")) {
        buckets = Long.parseLong(l.replaceAll(".* buckets=(\\d+).*", "$1"));
      }
    }
    assertTrue(buckets > 0, entries.out());

    Result query =
        java(
            jar + java.io.File.pathSeparator + System.getProperty("venti.testClasses"),
            ShadedJarQuery.class.getName(),
            conf.toString(),
            Long.toString(buckets));
    assertEquals(0, query.exit(), query.out());
    String want =
        "entries="
            + CLUMPS
            + " buckets_agree="
            + CLUMPS
            + " blocks_agree="
            + CLUMPS
            + " types="
            + CLUMPS;
    assertTrue(query.out().contains(want), "want " + want + " in:\n" + query.out());
    assertFalse(query.out().contains("ClassNotFoundException"), query.out());
  }

  record Result(int exit, String out) {}

  /**
   * A JVM with {@code classPath} and the provided jars, as spark-submit on a cluster would start
   * it.
   */
  private static Result java(String classPath, String main, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + System.getProperty("venti.moduleOptions"),
                "-Xmx1g",
                "-cp",
                classPath + java.io.File.pathSeparator + provided,
                main));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  private static Result run(String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out);
  }
}
