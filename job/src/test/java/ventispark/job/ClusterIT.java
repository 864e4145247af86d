package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import ventispark.job.spark.SparkSettings;
import ventispark.testing.Cli;
import ventispark.testing.ClusterSpark;
import ventispark.testing.Damage;
import ventispark.testing.ExecutorLoss;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexBytes;
import ventispark.testing.IndexDiff;
import ventispark.testing.Launcher;

/**
 * The commands on a Spark cluster whose executors are separate JVMs with their own working
 * directories ({@link ClusterSpark}: two Workers of one core on loopback), as users run them with
 * spark-submit: rebuilds equal to the reference, relative paths resolved on the driver, an executor
 * lost in the write stage (its shuffle output with it) recovered with the same bytes, a run that
 * may not retry failing with one line and repaired by a rerun, and the progress shown at the
 * driver. One cluster for the whole class: starting one costs most of the test's time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static JavaSparkContext sc;
  private static Path tmp;

  /**
   * SHA-256 of each file of the first clean rebuild of a fixture: later runs must leave the same
   * bytes.
   */
  private static final Map<String, String> clean = new java.util.HashMap<>();

  @BeforeAll
  static void cluster() throws IOException {
    tmp = Files.createDirectories(Fixtures.scratch().resolve("cluster-it"));
    SparkConf conf =
        new SparkConf()
            .setAppName("venti-spark ClusterIT")
            .setMaster(ClusterSpark.MASTER)
            // Lost shuffle output must be recomputed, not read from the dead executor's disk.
            .set("spark.shuffle.readHostLocalDisk", "false");
    ClusterSpark.settings().forEach(conf::set);
    sc = JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(SparkSettings.apply(conf)));
    // local-cluster returns before the executors have registered.
    long until = System.currentTimeMillis() + 60_000;
    while (sc.sc().getExecutorIds().size() < 2 && System.currentTimeMillis() < until) {
      sleep(200);
    }
    assertEquals(2, sc.sc().getExecutorIds().size(), "executors registered");
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.stop();
    }
  }

  @Order(1)
  @Test
  void rebuildsFixturesEqualToTheReference() throws IOException {
    for (String name : List.of("basic", "sample", "multi")) {
      Path work = Fixtures.workingCopy(name, tmp.resolve("b"));
      boolean bloom = Files.exists(work.resolve("bloom.img"));
      if (bloom && !Files.exists(Fixtures.reference(name).resolve("bloom.pre.img"))) {
        Damage.scribbleOverBloomTable(work.resolve("bloom.img"));
      }
      Cli.Run r =
          bloom
              ? Cli.run("buildindex", "-b", work.resolve("venti.conf").toString())
              : Cli.run("buildindex", work.resolve("venti.conf").toString());
      assertEquals(0, r.status(), r.err());
      assertReference(name, work);
      long[] c = FixtureRebuildTest.referenceCounters(name);
      if (c != null) {
        assertTrue(
            r.out()
                .contains(
                    String.format(Locale.ROOT, "done arenaentries=%,d indexed=%,d", c[0], c[1])),
            r.out());
      }
      for (String f : files(work)) {
        clean.put(name + "/" + f, IndexBytes.sha256(work.resolve(f)));
      }
    }
    // Every task ran in an executor JVM: the driver has none of its own on a cluster.
    assertEquals(2, sc.sc().getExecutorIds().size());
  }

  @Order(2)
  @Test
  void resolvesRelativeReverseIndexAndStageDirsOnTheDriver() throws IOException {
    Path work = Fixtures.workingCopy("basic", tmp.resolve("rel"));
    String conf = work.resolve("venti.conf").toString();
    // Relative to this JVM's working directory; the executors run in the Workers' work folders.
    Path here = Path.of("").toAbsolutePath();
    String reverse = here.relativize(work.resolve("reverse")).toString();
    String stage = here.relativize(work.resolve("stage")).toString();
    assertTrue(!Path.of(reverse).isAbsolute() && !Path.of(stage).isAbsolute());

    Cli.Run built = Cli.run("buildindex", "--reverse-index", reverse, conf);
    assertEquals(0, built.status(), built.err());
    assertTrue(built.out().contains("reverse index: " + work.resolve("reverse")), built.out());
    Cli.Run verified = Cli.run("reverse", "verify", reverse, conf);
    assertEquals(0, verified.status(), verified.out() + verified.err());
    assertReference("basic", work);

    Path again = Fixtures.workingCopy("basic", tmp.resolve("rel-stage"));
    String conf2 = again.resolve("venti.conf").toString();
    String stage2 = here.relativize(again.resolve("stage")).toString();
    Cli.Run staged = Cli.run("buildindex", "--stage", stage2, conf2);
    assertEquals(0, staged.status(), staged.err());
    assertEquals(0, Cli.run("stage", "verify", stage2, conf2).status());
    Cli.Run applied = Cli.run("stage", "apply", stage2, conf2);
    assertEquals(0, applied.status(), applied.err());
    assertReference("basic", again);
    assertTrue(Files.exists(again.resolve("stage")), stage);
  }

  @Order(3)
  @Test
  void recoversFromAnExecutorLostInTheWriteStage() throws IOException {
    Path work = Fixtures.workingCopy("multi", tmp.resolve("lost"));
    Path report = work.resolve("report.json");
    sc.setLocalProperty(ExecutorLoss.PROPERTY, "1");
    Cli.Run r;
    try {
      r =
          Cli.run(
              "--report",
              report.toString(),
              "buildindex",
              "--partitions",
              "6",
              "--split-clumps",
              "3000",
              "--progress",
              "1",
              work.resolve("venti.conf").toString());
    } finally {
      sc.setLocalProperty(ExecutorLoss.PROPERTY, null);
    }
    assertEquals(0, r.status(), r.err());
    assertReference("multi", work);
    // The write stage lost a task with its executor, and the lost map output was read again.
    JsonNode stages = new ObjectMapper().readTree(report.toFile()).get("stages");
    List<JsonNode> all = StreamSupport.stream(stages.spliterator(), false).toList();
    assertTrue(
        all.stream()
            .anyMatch(
                s ->
                    s.get("job").asText().startsWith("sort and write")
                        && s.get("failedTasks").asInt() > 0),
        stages.toString());
    assertTrue(
        all.stream().filter(s -> s.get("job").asText().startsWith("read ")).count() >= 2,
        stages.toString());
    // The write stage lasts seconds (an executor relaunched, lost output read again): progress
    // lines,
    // each count out of the plan's totals (the time left is unknown until a bucket is written),
    // then
    // the done line.
    assertTrue(
        r.err()
            .matches(
                "(?s).*\\d{4}/\\d{4} [\\d:]{8} write: isect0.img [\\d,]+/671 buckets [^\n]*"
                    + " left( unknown)?\n.*"),
        r.err());
    assertTrue(
        r.err()
            .contains(
                "write done: isect0.img 671/671 buckets 5.5 MB/5.5 MB, isect1.img 671/671 buckets"
                    + " 5.5 MB/5.5 MB, isect2.img 671/671 buckets 5.5 MB/5.5 MB; in "),
        r.err());
  }

  @Order(4)
  @Test
  void failsWithOneLineWhenTheLostTaskMayNotRetryAndARerunRepairs() throws IOException {
    Path work = Fixtures.workingCopy("multi", tmp.resolve("no-retry"));
    String conf = work.resolve("venti.conf").toString();
    Path confDir =
        ClusterSpark.confDir(
            tmp.resolve("no-retry-conf"),
            Map.of(
                "spark.task.maxFailures",
                "1",
                ExecutorLoss.PROPERTY,
                "1",
                "spark.shuffle.readHostLocalDisk",
                "false"));
    Launcher.Run r =
        Launcher.run(
            Map.of("SPARK_CONF_DIR", confDir.toString()),
            "--master",
            ClusterSpark.MASTER,
            "buildindex",
            "--partitions",
            "6",
            "--split-clumps",
            "3000",
            "--progress",
            "1",
            conf);
    assertEquals(1, r.status(), r.toString());
    // One error line, last, naming what may be partly rewritten (the lost task was writing); before
    // it only the driver's progress lines: Spark's reports of the lost executor go to the task log.
    List<String> lines = r.errLines();
    String last = lines.get(lines.size() - 1);
    assertTrue(
        last.matches(
            "venti-spark: failed: Task 1 in stage \\S+ failed 1 times, most recent failure: .*"
                + "ExecutorLostFailure.*; may be partly rewritten: isect0\\.img, isect1\\.img, isect2\\.img \\(run it again:"
                + " a rerun rewrites them whole\\) \\(Spark's report: /\\S+\\.log\\)"),
        r.toString());
    for (String l : lines.subList(0, lines.size() - 1)) {
      assertTrue(
          l.matches("\\d{4}/\\d{4} \\d\\d:\\d\\d:\\d\\d \\S.*")
              && !l.contains("Lost ")
              && !l.contains("Exception"),
          "not a progress line: " + l + "\n" + r);
    }
    assertTrue(
        r.err().contains(" read: ") || r.err().contains(" write: "),
        "progress lines at the driver\n" + r);

    Cli.Run rerun = Cli.run("buildindex", conf);
    assertEquals(0, rerun.status(), rerun.err());
    assertReference("multi", work);
  }

  private static void assertReference(String name, Path work) throws IOException {
    IndexDiff.Result cmp =
        IndexDiff.compare(
            Fixtures.reference(name).resolve("venti.conf"), work.resolve("venti.conf"));
    assertEquals(0, cmp.status(), cmp.output());
    assertEquals("0", cmp.field("mismatched_buckets"), cmp.output());
    for (String section : FixtureRebuildTest.sections(work)) {
      assertNull(IndexBytes.firstDirtyBucket(work.resolve(section)), section);
    }
    for (String f : files(work)) {
      String want = clean.get(name + "/" + f);
      if (want != null) {
        assertEquals(
            want,
            IndexBytes.sha256(work.resolve(f)),
            f + " differs from the first clean rebuild's");
      }
    }
  }

  /** The files a rebuild writes: the sections and the bloom filter. */
  private static List<String> files(Path work) throws IOException {
    List<String> out = new java.util.ArrayList<>(FixtureRebuildTest.sections(work));
    if (Files.exists(work.resolve("bloom.img"))) {
      out.add("bloom.img");
    }
    return out;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
