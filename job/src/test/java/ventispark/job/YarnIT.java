package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import ventispark.testing.Cli;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexBytes;
import ventispark.testing.IndexDiff;
import ventispark.testing.Launcher;

/**
 * The commands on YARN: a real ResourceManager and NodeManager in this JVM ({@code
 * MiniYARNCluster}, from hadoop-client-minicluster), the launcher submitting to it with the
 * cluster's yarn-site.xml in HADOOP_CONF_DIR as a user would, in both deploy modes. In cluster mode
 * the driver runs in the ApplicationMaster, where the exit status can only leave as the
 * application's final status, its diagnostics and the report. One cluster for the whole class.
 *
 * <p>Set up as Spark's own YARN tests do: the shaded minicluster has no capacity-scheduler.xml (the
 * root.default queue is configured here), the disk-health check would mark a full disk's node
 * unhealthy, the RM's port is known only once it has started, and {@code spark.yarn.jars} names an
 * empty jar so nothing of Spark is uploaded: the containers get the launcher's class path.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnIT {
  private static MiniYARNCluster yarn;
  private static YarnClient client;
  private static Path tmp;
  private static Path hadoopConf;
  private static Path sparkConf;
  private static Map<String, String> settings;

  /** The fixture rebuilt in cluster mode, read by the checkindex and data-source tests. */
  private static Path rebuilt;

  @BeforeAll
  static void cluster() throws Exception {
    tmp = Files.createDirectories(Fixtures.scratch().resolve("yarn-it"));
    YarnConfiguration conf = new YarnConfiguration();
    conf.set(
        "yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
    conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
    conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
    conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
    conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
    conf.set("yarn.resourcemanager.hostname", "127.0.0.1");
    conf.setInt("yarn.scheduler.minimum-allocation-mb", 256);
    conf.setInt("yarn.nodemanager.resource.memory-mb", 6144);
    conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
    conf.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
    // The host name resolves to an address that is not loopback here: the containers' Spark binds
    // to SPARK_LOCAL_IP, passed from this JVM's environment (failsafe sets it) through the
    // whitelist. (Set as the NodeManager's admin environment it reached the executors twice, since
    // Spark copies the AM's SPARK_* variables on to them, and they crashed.)
    conf.set(
        "yarn.nodemanager.env-whitelist",
        conf.get("yarn.nodemanager.env-whitelist", YarnConfiguration.DEFAULT_NM_ENV_WHITELIST)
            + ",SPARK_LOCAL_IP");
    yarn = new MiniYARNCluster("venti-spark-YarnIT", 1, 1, 1);
    yarn.init(conf);
    yarn.start();
    long until = System.currentTimeMillis() + 10_000;
    while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
      assertTrue(System.currentTimeMillis() < until, "the ResourceManager did not start");
      Thread.sleep(100);
    }
    client = YarnClient.createYarnClient();
    client.init(yarn.getConfig());
    client.start();

    hadoopConf = Files.createDirectories(tmp.resolve("hadoop-conf"));
    try (OutputStream out = Files.newOutputStream(hadoopConf.resolve("yarn-site.xml"))) {
      yarn.getConfig().writeXml(out);
    }
    Path emptyJar = tmp.resolve("empty.jar");
    new JarOutputStream(Files.newOutputStream(emptyJar)).close();
    Path target = Launcher.repo().resolve("job/target");
    String classPath =
        target.resolve("venti-spark-job.jar")
            + ":"
            + Files.readString(target.resolve("classpath.txt")).trim();
    settings = new LinkedHashMap<>();
    settings.put("spark.yarn.jars", "local:" + emptyJar);
    settings.put("spark.driver.extraClassPath", classPath);
    settings.put("spark.executor.extraClassPath", classPath);
    settings.put("spark.executor.instances", "1");
    settings.put("spark.executor.cores", "2");
    settings.put("spark.executor.memory", "768m");
    settings.put("spark.driver.memory", "768m");
    settings.put("spark.yarn.am.memory", "384m");
    settings.put("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    settings.put("spark.kryo.registrator", "ventispark.job.spark.VentiKryoRegistrator");
    sparkConf = Files.createDirectories(tmp.resolve("spark-conf"));
    Files.writeString(
        sparkConf.resolve("spark-defaults.conf"),
        settings.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining("\n", "", "\n")));
  }

  @AfterAll
  static void stop() {
    SparkSession.getActiveSession()
        .foreach(
            s -> {
              s.stop();
              return null;
            });
    if (client != null) {
      client.stop();
    }
    if (yarn != null) {
      yarn.stop();
    }
  }

  @Order(0)
  @Test
  void withoutAYarnConfigOneLineAndExit2AtOnce() {
    long start = System.nanoTime();
    Launcher.Run r =
        Launcher.run(
            Map.of("HADOOP_CONF_DIR", "", "YARN_CONF_DIR", ""),
            "--master",
            "yarn",
            "buildindex",
            "venti.conf");
    assertTrue(
        System.nanoTime() - start < 1_000_000_000L,
        "took " + (System.nanoTime() - start) / 1_000_000 + " ms");
    assertEquals(2, r.status(), r.toString());
    assertEquals(
        List.of(
            "venti-spark: --master yarn: set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the folder of the"
                + " cluster's yarn-site.xml"),
        r.errLines());
  }

  @Order(1)
  @Test
  void clientModeRebuildsWithExecutorsInContainers() throws Exception {
    Path work = Fixtures.workingCopy("basic", tmp.resolve("client"));
    Set<ApplicationId> before = applications();
    Launcher.Run r =
        submit(
            "client", "buildindex", "-b", "--progress", "1", work.resolve("venti.conf").toString());
    assertEquals(0, r.status(), r.toString());
    assertReference("basic", work);
    ApplicationId app = onlyNew(before);
    assertEquals(
        FinalApplicationStatus.SUCCEEDED,
        client.getApplicationReport(app).getFinalApplicationStatus());
    // The driver is the launcher's JVM: its progress lines and done line are on the launcher's
    // stderr.
    assertTrue(r.err().matches("(?s).*\\d{4}/\\d{4} [\\d:]{8} (read|write): .*"), r.toString());
    assertTrue(r.out().contains("done arenaentries="), r.toString());
    // The executor ran in a NodeManager container of that application (not the AM's, 000001).
    assertTrue(executorContainers(app) >= 1, "no executor container of " + app);
  }

  @Order(2)
  @Test
  void clusterModeSucceedsInOneAttemptWithItsReport() throws Exception {
    rebuilt = Fixtures.workingCopy("basic", tmp.resolve("cluster"));
    Path report = tmp.resolve("cluster-report.json");
    Set<ApplicationId> before = applications();
    Launcher.Run r =
        submit(
            "cluster",
            "--report",
            report.toString(),
            "buildindex",
            "-b",
            rebuilt.resolve("venti.conf").toString());
    assertEquals(0, r.status(), r.toString());
    ApplicationId app = onlyNew(before);
    ApplicationReport a = client.getApplicationReport(app);
    assertEquals(
        FinalApplicationStatus.SUCCEEDED, a.getFinalApplicationStatus(), a.getDiagnostics());
    assertEquals(1, client.getApplicationAttempts(app).size(), "attempts");
    JsonNode j = new ObjectMapper().readTree(report.toFile());
    assertEquals(0, j.get("exitCode").asInt(), j.toString());
    assertTrue(
        j.get("container").asText().contains(app.toString().substring("application_".length())),
        j.toString());
    assertReference("basic", rebuilt);
  }

  @Order(3)
  @Test
  void clusterModeRefusalFailsWithItsStatusAndASecondAttemptDoesNothing() throws Exception {
    Path work = Fixtures.workingCopy("overflow", tmp.resolve("overflow"));
    Map<String, String> sums = sha256(work);
    Path report = tmp.resolve("overflow-report.json");
    Set<ApplicationId> before = applications();
    Launcher.Run r =
        submit(
            "cluster",
            "--report",
            report.toString(),
            "buildindex",
            work.resolve("venti.conf").toString());
    assertEquals(1, r.status(), r.toString()); // spark-submit knows only FAILED
    ApplicationId app = onlyNew(before);
    ApplicationReport a = client.getApplicationReport(app);
    assertEquals(FinalApplicationStatus.FAILED, a.getFinalApplicationStatus());
    assertTrue(
        a.getDiagnostics().contains("exit status 4 (OVERFLOW): venti-spark: ")
            && a.getDiagnostics().contains("overflow"),
        a.getDiagnostics());
    // YARN's default of two attempts: the second ran nothing and ended with the first's status.
    assertEquals(2, client.getApplicationAttempts(app).size(), "attempts");
    assertTrue(
        a.getDiagnostics().contains("(attempt 2 of " + app + " did not run the command again)"),
        a.getDiagnostics());
    JsonNode j = new ObjectMapper().readTree(report.toFile());
    assertEquals(4, j.get("exitCode").asInt(), j.toString());
    assertTrue(j.get("message").asText().contains("overflow"), j.toString());
    assertTrue(j.get("container").asText().contains("_01_"), "written by the first attempt: " + j);
    assertEquals(sums, sha256(work), "the archive and its index are byte-identical");
  }

  @Order(4)
  @Test
  void checkindexAndADataSourceQueryOnYarn() {
    SparkSession.Builder b =
        SparkSession.builder()
            .master("yarn")
            .appName("venti-spark YarnIT")
            .config("spark.submit.deployMode", "client")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false");
    settings.forEach(b::config);
    // Client mode from a JVM of one's own: the cluster's settings as spark.hadoop.* instead of a
    // conf dir.
    yarn.getConfig().forEach(e -> b.config("spark.hadoop." + e.getKey(), e.getValue()));
    SparkSession spark = b.getOrCreate();
    try {
      String conf = rebuilt.resolve("venti.conf").toString();
      Cli.Run check = Cli.run("checkindex", conf);
      assertEquals(0, check.status(), check.err());
      long stored = spark.read().format("venti").option("table", "index").load(conf).count();
      long clumps =
          spark
              .read()
              .format("venti")
              .option("table", "clumps")
              .load(conf)
              .where("type != 'corrupt'")
              .count();
      assertTrue(stored > 0);
      assertEquals(clumps, stored, "every clump has its index entry");
      assertEquals("yarn", spark.sparkContext().master());
    } finally {
      spark.stop();
    }
  }

  private static Launcher.Run submit(String deployMode, String... command) {
    List<String> args = new ArrayList<>(List.of("--master", "yarn", "--deploy-mode", deployMode));
    args.addAll(List.of(command));
    return Launcher.run(
        Map.of("HADOOP_CONF_DIR", hadoopConf.toString(), "SPARK_CONF_DIR", sparkConf.toString()),
        args.toArray(String[]::new));
  }

  private static Set<ApplicationId> applications() throws IOException, YarnException {
    Set<ApplicationId> ids = new HashSet<>();
    client.getApplications().forEach(a -> ids.add(a.getApplicationId()));
    return ids;
  }

  private static ApplicationId onlyNew(Set<ApplicationId> before)
      throws IOException, YarnException {
    Set<ApplicationId> now = applications();
    now.removeAll(before);
    assertEquals(1, now.size(), "applications submitted: " + now);
    return now.iterator().next();
  }

  /**
   * Containers of {@code app} other than the ApplicationMaster's whose log shows a Spark executor.
   */
  private static long executorContainers(ApplicationId app) throws IOException {
    long n = 0;
    for (String dir :
        yarn.getNodeManager(0).getConfig().getTrimmedStrings(YarnConfiguration.NM_LOG_DIRS)) {
      Path logs = Path.of(dir.replaceFirst("^file:", "")).resolve(app.toString());
      if (!Files.isDirectory(logs)) {
        continue;
      }
      try (Stream<Path> containers = Files.list(logs)) {
        for (Path c : (Iterable<Path>) containers::iterator) {
          Path err = c.resolve("stderr");
          if (!c.getFileName().toString().endsWith("_000001")
              && Files.exists(err)
              && Files.readString(err).contains("CoarseGrainedExecutorBackend")) {
            n++;
          }
        }
      }
    }
    return n;
  }

  private static Map<String, String> sha256(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .sorted()
          .collect(
              Collectors.toMap(
                  f -> f.getFileName().toString(),
                  IndexBytes::sha256,
                  (x, y) -> x,
                  LinkedHashMap::new));
    }
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
  }
}
