package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.format.Bucket;
import ventispark.format.ISectHeader;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexBytes;
import ventispark.testing.IndexDiff;

/**
 * The Airflow DAG ({@code conf/airflow/venti_index_dag.py}) as a scheduler runs it, without Airflow
 * (it cannot be installed here): the DAG file loaded against a stub of the Airflow names it uses,
 * every templated field rendered with Debian's Jinja2 in strict mode, each task's spark-submit
 * command line built from a Spark connection as Airflow's Spark provider builds it, and those
 * commands run (Spark's own SparkSubmit, local master) on small archives: a correct index, a
 * damaged one, one that would overflow. What is asserted is which branch runs and what each task
 * ends with.
 */
class AirflowDagTest {
  static final Path DAG =
      Path.of("../conf/airflow/venti_index_dag.py").toAbsolutePath().normalize();
  static final Path STUB = Path.of("src/test/resources/airflow-stub").toAbsolutePath();

  /** Debian's python3 with python3-jinja2 (.ci/run installs it). */
  static final String PYTHON = "/usr/bin/python3";

  @TempDir static Path tmp;
  private static Path jar;
  private static Path bin;

  /**
   * The deploy jar stands in for udf/target/venti-spark.jar (not built before this module's tests).
   */
  @BeforeAll
  static void sparkSubmit() throws IOException {
    jar = tmp.resolve("venti-spark.jar");
    Path classes = Path.of("target/classes").toAbsolutePath();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString()));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    // spark-submit on PATH, as the provider expects: Spark's SparkSubmit on this module's class
    // path.
    bin = Files.createDirectories(tmp.resolve("bin"));
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path script = bin.resolve("spark-submit");
    Files.writeString(
        script,
        "#!/bin/sh\nexec java @"
            + Path.of("../conf/java-module-options").toAbsolutePath().normalize()
            + " -Xmx1g -XX:TieredStopAtLevel=1 -cp '"
            + classPath
            + "' org.apache.spark.deploy.SparkSubmit"
            + " --conf spark.ui.enabled=false \"$@\"\n");
    assertTrue(script.toFile().setExecutable(true));
  }

  @Test
  void dagCompilesAndItsGraphIsTheScheduledCheckAndTheRebuildBranch() throws Exception {
    Path pyc = Files.createTempFile(tmp, "venti-dag", ".pyc");
    assertEquals(
        "",
        python(
            Map.of(),
            "-c",
            "import py_compile; py_compile.compile('"
                + DAG
                + "', cfile='"
                + pyc
                + "', doraise=True)"));
    String graph =
        python(
            Map.of(),
            "-c",
            String.join(
                "\n",
                "import runpy",
                "dag = runpy.run_path('" + DAG + "')['dag']",
                "print(dag.kwargs['schedule'], {k: p.value for k, p in dag.params.items()})",
                "for t in dag.tasks:",
                "    print(t.task_id, t.retries, ','.join(t.downstream), getattr(t, 'conf', {}).get('spark.yarn.maxAppAttempts'))"));
    assertEquals(
        List.of(
            "@daily {'rebuild': False}",
            "checkindex 2 decide 1",
            "decide 0 index_ok,plan None",
            "index_ok 0  None",
            "plan 2 buildindex 1",
            "buildindex 1 verify 1",
            "verify 2  1"),
        graph.lines().toList());
  }

  @Test
  void aCorrectIndexIsCheckedAndNothingElseRuns() throws Exception {
    Path work = referenceCopy("basic", tmp.resolve("correct"));
    Map<String, String> before = sha256(work);
    JsonNode r = runDag(work, Map.of(), "20260102T000000");
    assertTask(r, "checkindex", "success", 1, 0);
    assertEquals("index_ok", r.get("decide").get("return").asText());
    assertEquals("success", r.get("index_ok").get("state").asText());
    for (String t : List.of("plan", "buildindex", "verify")) {
      assertEquals("skipped", r.get(t).get("state").asText(), t);
    }
    assertEquals(
        before,
        withoutReports(sha256(work)),
        "a scheduled run that finds no differences writes nothing");
    // The command line as the provider builds it from the connection, every template rendered.
    List<String> cmd = new ArrayList<>();
    r.get("checkindex").get("command").forEach(a -> cmd.add(a.asText()));
    assertEquals(
        List.of(
            "spark-submit",
            "--master",
            "local[2]",
            "--conf",
            "spark.serializer=org.apache.spark.serializer.KryoSerializer",
            "--conf",
            "spark.kryo.registrator=ventispark.job.spark.VentiKryoRegistrator",
            "--conf",
            "spark.task.maxFailures=4",
            "--conf",
            "spark.yarn.maxAppAttempts=1",
            "--name",
            "venti-checkindex",
            "--class",
            "ventispark.cli.VentiSpark",
            "--queue",
            "venti",
            "--deploy-mode",
            "client",
            jar.toString(),
            "--report",
            work.resolve("reports/20260102T000000-checkindex.json").toString(),
            "checkindex",
            work.resolve("venti.conf").toString()),
        cmd);
  }

  @Test
  void aDamagedIndexIsRebuiltAfterThePlanAndVerified() throws Exception {
    Path work = referenceCopy("basic", tmp.resolve("damaged"));
    // A bucket with entries zeroed: its entries are missing from the index.
    Path isect = work.resolve("isect0.img");
    ISectHeader h = CheckIndexCommandTest.header(isect);
    long zeroed = h.blockBase() + 17L * h.blockSize();
    assertTrue(
        Bucket.count(CheckIndexCommandTest.read(isect, zeroed, h.blockSize()), 0, h.bucketMagic())
            > 0);
    CheckIndexCommandTest.write(isect, zeroed, new byte[h.blockSize()]);
    JsonNode r = runDag(work, Map.of(), "20260103T000000");
    assertTask(r, "checkindex", "success", 1, 6);
    assertEquals("plan", r.get("decide").get("return").asText());
    assertEquals("skipped", r.get("index_ok").get("state").asText());
    assertTask(r, "plan", "success", 1, 0);
    assertTask(r, "buildindex", "success", 1, 0);
    assertTask(r, "verify", "success", 1, 0);
    IndexDiff.Result cmp =
        IndexDiff.compare(
            Fixtures.reference("basic").resolve("venti.conf"), work.resolve("venti.conf"));
    assertEquals(0, cmp.status(), cmp.output());
  }

  @Test
  void anArchiveThatOutgrewItsIndexFailsTheCheckWithoutRetriesAndNothingElseRuns()
      throws Exception {
    Path work = Fixtures.workingCopy("overflow", tmp.resolve("overflow"));
    Map<String, String> before = sha256(work);
    // Also by hand with rebuild=true: an index that cannot hold the arenas is not rebuilt.
    JsonNode r = runDag(work, Map.of("rebuild", true), "20260104T000000");
    // The check may be retried twice, but not after exit status 4: a retry would only refuse again.
    JsonNode check = r.get("checkindex");
    assertEquals("failed", check.get("state").asText(), r.toString());
    assertEquals(1, check.get("tries").asInt(), r.toString());
    assertTrue(
        check.get("error").asText().startsWith("venti-spark exit status 4 (bucket overflow"),
        r.toString());
    for (String t : List.of("decide", "index_ok", "plan", "buildindex", "verify")) {
      assertEquals("upstream_failed", r.get(t).get("state").asText(), t);
    }
    assertEquals(
        4,
        new ObjectMapper()
            .readTree(work.resolve("reports/20260104T000000-checkindex.json").toFile())
            .get("exitCode")
            .asInt());
    assertEquals(
        before, withoutReports(sha256(work)), "the archive and its index are byte-identical");
  }

  private static Map<String, String> withoutReports(Map<String, String> sums) {
    sums.keySet().removeIf(f -> f.startsWith("reports/"));
    return sums;
  }

  /**
   * The branch alone (no Spark run): a manual trigger with rebuild=true rebuilds a correct index.
   */
  @Test
  void aManualRunWithRebuildRebuildsACorrectIndex() throws Exception {
    Path report = tmp.resolve("check.json");
    Files.writeString(report, "{\"version\": 1, \"command\": \"checkindex\", \"exitCode\": 0}");
    String code =
        "import runpy\nchoose = runpy.run_path('"
            + DAG
            + "')['choose']\n"
            + "print(choose('"
            + report
            + "', 'True'), choose('"
            + report
            + "', 'False'), choose('"
            + tmp.resolve("none")
            + "', 'False'))";
    assertEquals("plan index_ok index_ok\n", python(Map.of(), "-c", code));
  }

  private static void assertTask(JsonNode r, String task, String state, int tries, int status) {
    JsonNode t = r.get(task);
    assertEquals(state, t.get("state").asText(), task + ": " + r);
    assertEquals(tries, t.get("tries").asInt(), task + ": " + r);
    assertEquals(status, t.get("return").asInt(), task + ": " + r);
  }

  /**
   * One scheduled (or, with {@code conf}, manual) run of the DAG on the archive in {@code work}.
   */
  private static JsonNode runDag(Path work, Map<String, Object> conf, String ts) throws Exception {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put(
        "variables",
        Map.of(
            "venti_spark_jar",
            jar.toString(),
            "venti_conf",
            work.resolve("venti.conf").toString(),
            "venti_reports",
            work.resolve("reports").toString()));
    run.put("conf", conf);
    run.put("ts_nodash", ts);
    Files.createDirectories(work.resolve("reports"));
    String out =
        python(
            Map.of(
                "PATH",
                bin + ":" + System.getenv("PATH"),
                "AIRFLOW_CONN_VENTI_SPARK",
                "{\"conn_type\": \"spark\", \"host\": \"local[2]\","
                    + " \"extra\": {\"deploy-mode\": \"client\", \"queue\": \"venti\"}}"),
            STUB.resolve("dag_run.py").toString(),
            DAG.toString(),
            new ObjectMapper().writeValueAsString(run));
    List<String> lines = out.lines().toList();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }

  /** A fixture with its reference (correct) index. */
  private static Path referenceCopy(String name, Path dir) throws IOException {
    Path out = Files.createDirectories(dir.resolve(name));
    try (Stream<Path> files = Files.list(Fixtures.reference(name))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String fn = f.getFileName().toString();
        if (!fn.contains(".pre.") && !fn.startsWith(".")) {
          Files.copy(f, out.resolve(fn), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return out;
  }

  private static Map<String, String> sha256(Path dir) throws IOException {
    Map<String, String> m = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        m.put(dir.relativize(f).toString(), IndexBytes.sha256(f));
      }
    }
    return m;
  }

  private static String python(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(PYTHON));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    pb.environment().put("PYTHONPATH", STUB.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }
}
