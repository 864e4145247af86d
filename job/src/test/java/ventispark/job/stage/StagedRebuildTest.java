package ventispark.job.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ventispark.testing.Damage.delete;
import static ventispark.testing.Damage.truncate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import ventispark.job.BuildIndexOptions;
import ventispark.job.PlanIndex;
import ventispark.job.RebuildPlan;
import ventispark.read.PartitionRef;
import ventispark.testing.Cli;
import ventispark.testing.Damage;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexBytes;
import ventispark.testing.IndexDiff;
import ventispark.testing.LocalSpark;
import ventispark.testing.MiniHdfs;
import ventispark.testing.WriteFaults;
import ventispark.write.IndexLocks;
import ventispark.write.StageDir;
import ventispark.write.StagedRange;

/**
 * The staged rebuild ({@code buildindex --stage DIR}, then {@code stage apply DIR CONF}) on local
 * and real in-process HDFS stage directories: the index is untouched until the apply, which leaves
 * sections and bloom filter byte-identical to a direct rebuild; bad, partial or foreign stages and
 * held locks are refused with the index untouched; failed and duplicate task attempts leave a whole
 * stage.
 */
class StagedRebuildTest {
  @TempDir static Path tmp;

  @TempDir static Path hdfsBase;

  static MiniDFSCluster cluster;

  /** The files a rebuild of each fixture writes. */
  static final Map<String, List<String>> WRITTEN =
      Map.of(
          "basic", List.of("isect0.img", "bloom.img"),
          "sample", List.of("isect0.img", "bloom.img"),
          "multi", List.of("isect0.img", "isect1.img", "isect2.img"));

  static final Map<String, Map<String, String>> DIRECT = new HashMap<>();

  @BeforeAll
  static void start() throws IOException {
    LocalSpark.get();
    cluster = MiniHdfs.start(hdfsBase);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @ParameterizedTest
  @CsvSource({"basic, local", "multi, local", "sample, local", "basic, hdfs", "multi, hdfs"})
  void stagedThenAppliedIsByteIdenticalToADirectRebuild(String fixture, String where) {
    Path work = copy(fixture, "staged-" + where);
    String conf = work.resolve("venti.conf").toString();
    String stage =
        where.equals("hdfs")
            ? hdfs("/stage/" + fixture)
            : tmp.resolve("stage-" + fixture).toString();
    Map<String, String> before = sums(work);

    Cli.Run s = Cli.run("buildindex", "--partitions", "5", "--stage", stage, conf);
    assertEquals(0, s.status(), s.err());
    assertTrue(s.out().contains("run: venti-spark stage apply " + stage + " " + conf), s.out());
    // Nothing in the archive was written, and nothing was locked (no lock file beside a section).
    assertEquals(before, sums(work));
    assertFalse(Files.exists(work.resolve(".isect0.img.venti-lock")));

    Cli.Run a = Cli.run("stage", "apply", stage, conf);
    assertEquals(0, a.status(), a.err());
    Map<String, String> applied = sums(work, WRITTEN.get(fixture));
    assertEquals(direct(fixture), applied);
    for (String f : WRITTEN.get(fixture)) {
      assertNotEquals(before.get(f), applied.get(f), f + " was not rewritten");
    }
    assertEquals(0, IndexDiff.verify(work.resolve("venti.conf")).status());

    // Idempotent: applying again writes the same bytes.
    assertEquals(0, Cli.run("stage", "apply", stage, conf).status());
    assertEquals(direct(fixture), sums(work, WRITTEN.get(fixture)));
  }

  @Test
  void onlyTheNamedSectionIsStagedAndApplied() {
    Path work = copy("multi", "one-section");
    String conf = work.resolve("venti.conf").toString();
    String stage = tmp.resolve("stage-one-section").toString();
    Map<String, String> before = sums(work);
    assertEquals(0, Cli.run("buildindex", "-i", "isect1", "--stage", stage, conf).status());
    Cli.Run a = Cli.run("stage", "apply", stage, conf);
    assertEquals(0, a.status(), a.err());
    assertTrue(a.out().startsWith("wrote isect1.img from "), a.out());
    Map<String, String> after = sums(work);
    assertEquals(direct("multi").get("isect1.img"), after.get("isect1.img"));
    assertNotEquals(before.get("isect1.img"), after.get("isect1.img"));
    after.remove("isect1.img");
    before.remove("isect1.img");
    assertEquals(before, after);
  }

  /** One way of spoiling a good stage of {@code basic}, and the start of the error it must give. */
  record Bad(String name, Consumer<Path> damage, String fixture, String expected) {
    Bad(String name, Consumer<Path> damage, String expected) {
      this(name, damage, "basic", expected);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> badStages() {
    return Stream.of(
        new Bad("missing range file", s -> delete(rangeFiles(s, ".buckets").get(1)), "is missing"),
        new Bad(
            "corrupted range file",
            s -> flipByte(rangeFiles(s, ".buckets").get(0), 1000),
            "differs from the manifest's"),
        new Bad(
            "truncated range file",
            s -> truncate(rangeFiles(s, ".buckets").get(2), 4096),
            "the manifest says"),
        new Bad(
            "corrupted bloom range",
            s -> flipByte(rangeFiles(s, ".bytes").get(0), 100),
            "differs from the manifest's"),
        new Bad(
            "range left out of the manifest",
            s ->
                editManifest(
                    s, m -> ((ArrayNode) m.get("sections").get(0).get("ranges")).remove(1)),
            "are in no range (a missing range)"),
        new Bad(
            "range listed twice",
            s ->
                editManifest(
                    s,
                    m -> {
                      ArrayNode ranges = (ArrayNode) m.get("sections").get(0).get("ranges");
                      ranges.add(ranges.get(0).deepCopy());
                    }),
            "overlaps another range"),
        new Bad(
            "no manifest (an unfinished stage)",
            s -> delete(s.resolve(StageDir.MANIFEST)),
            "venti-stage.json is missing"),
        new Bad(
            "manifest not JSON",
            s -> write(s.resolve(StageDir.MANIFEST), "{\"format\": "),
            "not a venti-spark stage manifest"),
        new Bad(
            "stage of another index",
            s -> editManifest(s, m -> m.put("index", "other")),
            "a stage of index 'other'"),
        new Bad("stage of another archive", s -> {}, "multi", "built for another index config"),
        new Bad(
            "section of another geometry",
            s ->
                editManifest(
                    s,
                    m -> {
                      ObjectNode h = (ObjectNode) m.get("sections").get(0).get("header");
                      h.put("blocks", h.get("blocks").asLong() + 1);
                    }),
            "(different geometry)"));
  }

  @ParameterizedTest
  @MethodSource("badStages")
  void aBadStageIsRefusedAndTheIndexIsUntouched(Bad bad) {
    Path stage =
        copyTree(goodStage(), tmp.resolve("stage-bad-" + bad.name().replaceAll("\\W", "-")));
    bad.damage().accept(stage);
    Path work = copy(bad.fixture(), "bad-" + bad.name().replaceAll("\\W", "-"));
    Map<String, String> before = sums(work);
    for (String sub : List.of("verify", "apply")) {
      Cli.Run r = Cli.run("stage", sub, stage.toString(), work.resolve("venti.conf").toString());
      assertEquals(3, r.status(), bad + " (" + sub + "): " + r.out() + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(
          r.err().startsWith("venti-spark: ") && r.err().contains(bad.expected()),
          bad + ": " + r.err());
      assertEquals(before, sums(work), bad + " (" + sub + "): the index changed");
    }
  }

  @Test
  void verifyAcceptsAGoodStageAndWritesNothing() {
    Path work = copy("basic", "verify-good");
    Map<String, String> before = sums(work);
    Cli.Run r =
        Cli.run("stage", "verify", goodStage().toString(), work.resolve("venti.conf").toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(
        r.out().contains("a whole stage of isect0.img, bloom.img")
            && r.out().contains("nothing was written"),
        r.out());
    assertEquals(before, sums(work));
  }

  @Test
  void aHeldLockExitsFiveAndWritesNothing() {
    Path work = copy("basic", "locked");
    String conf = work.resolve("venti.conf").toString();
    Map<String, String> before = sums(work);
    Path report = tmp.resolve("locked.json");
    try (IndexLocks held = IndexLocks.acquire(List.of(PartitionRef.resolve("bloom.img", conf)))) {
      Cli.Run r =
          Cli.run("--report", report.toString(), "stage", "apply", goodStage().toString(), conf);
      assertEquals(5, r.status(), r.out() + r.err());
      assertTrue(r.err().startsWith("venti-spark: bloom.img: locked by another run"), r.err());
      assertEquals(before, sums(work));
      assertEquals(5, json(report).get("exitCode").asInt());
    }
    Cli.Run r =
        Cli.run("--report", report.toString(), "stage", "apply", goodStage().toString(), conf);
    assertEquals(0, r.status(), r.err());
    assertEquals(direct("basic"), sums(work, WRITTEN.get("basic")));
    JsonNode j = json(report);
    assertEquals(0, j.get("exitCode").asInt());
    // 3 bucket ranges and the bloom filter's 2 slices (a slice per core: Cli's Spark has 2)
    assertEquals(5, j.get("ranges").asInt());
    assertEquals(10_000, j.get("entries").asLong());
    assertTrue(
        r.out()
            .contains(
                String.format(
                    Locale.ROOT, "bloom filter with %,d bits set", j.get("bloomBitsSet").asLong())),
        r.out());
  }

  static JsonNode json(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void tornFirstAttemptsLeaveAWholeStage() throws Exception {
    Path work = copy("multi", "torn");
    String stage = hdfs("/stage/torn");
    JavaSparkContext sc = LocalSpark.get();
    sc.setJobGroup("staged-torn", "first attempts tear their staged range", false);
    sc.setLocalProperty(WriteFaults.PROPERTY, "0,2,5");
    try {
      StageIndex.run(
          sc,
          new BuildIndexOptions(List.of(), false, 64 << 20, 6, 0).withStage(stage),
          List.of(),
          work.resolve("venti.conf").toString());
    } finally {
      sc.setLocalProperty(WriteFaults.PROPERTY, null);
      sc.clearJobGroup();
    }
    assertEquals(3, LocalSpark.failedTasks(sc, "staged-torn"));
    // The torn temporaries are gone; one whole file per range, and the manifest.
    List<String> names = new ArrayList<>();
    for (FileStatus f :
        cluster.getFileSystem().listStatus(new org.apache.hadoop.fs.Path("/stage/torn"))) {
      names.add(f.getPath().getName());
    }
    assertEquals(7, names.size(), names.toString());
    assertTrue(names.stream().noneMatch(n -> n.startsWith(".")), names.toString());
    assertEquals(
        0, Cli.run("stage", "apply", stage, work.resolve("venti.conf").toString()).status());
    assertEquals(direct("multi"), sums(work, WRITTEN.get("multi")));
  }

  /**
   * Two staging jobs over one shuffle at once, every range put twice, racing (speculative
   * attempts).
   */
  @Test
  void concurrentDuplicateAttemptsLeaveOneWholeCopy() throws Exception {
    Path work = copy("multi", "racing");
    String conf = work.resolve("venti.conf").toString();
    // HDFS: a rename onto a file another attempt put there first fails, unlike a local rename.
    String location = hdfs("/stage/racing");
    JavaSparkContext sc = LocalSpark.get();
    BuildIndexOptions options =
        new BuildIndexOptions(List.of(), false, 64 << 20, 6, 0).withStage(location);
    PlanIndex planner = new PlanIndex(sc, options);
    RebuildPlan plan = planner.plan(conf);
    StageIndex staged = new StageIndex(sc, options, plan);
    PlanIndex.Checked c = planner.check(plan);
    StageDir dir = new StageDir(location, sc.hadoopConfiguration());
    // The run itself first (its ranges and manifest: a directory it then finds is its own stage),
    // then two more attempts of every range over the same shuffle, racing to put identical files.
    staged.run(c);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<List<StagedRange>> results = new ArrayList<>();
    try {
      List<Future<List<StagedRange>>> jobs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        jobs.add(pool.submit(() -> StageIndex.stage(c, false, dir)));
      }
      for (Future<List<StagedRange>> j : jobs) {
        results.add(j.get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(results.get(0), results.get(1));
    assertEquals(6, results.get(0).size());
    assertEquals(0, Cli.run("stage", "apply", location, conf).status());
    assertEquals(direct("multi"), sums(work, WRITTEN.get("multi")));
  }

  @Test
  void restagingReplacesAnEarlierStageButNeverForeignFiles() throws IOException {
    Path work = copy("multi", "restage");
    String conf = work.resolve("venti.conf").toString();
    Path stage = tmp.resolve("stage-restage");
    assertEquals(
        0, Cli.run("buildindex", "--partitions", "9", "--stage", stage.toString(), conf).status());
    assertEquals(9, rangeFiles(stage, ".buckets").size());
    // Again into the same directory with fewer ranges: the earlier ranges are gone.
    assertEquals(
        0, Cli.run("buildindex", "--partitions", "3", "--stage", stage.toString(), conf).status());
    assertEquals(3, rangeFiles(stage, ".buckets").size());
    assertEquals(0, Cli.run("stage", "apply", stage.toString(), conf).status());
    assertEquals(direct("multi"), sums(work, WRITTEN.get("multi")));

    Files.writeString(stage.resolve("notes.txt"), "mine");
    Cli.Run r = Cli.run("buildindex", "--stage", stage.toString(), conf);
    assertEquals(3, r.status(), r.err());
    assertTrue(r.err().contains("holds 'notes.txt', which is not part of a stage"), r.err());
    assertEquals("mine", Files.readString(stage.resolve("notes.txt")));
    assertTrue(Files.exists(stage.resolve(StageDir.MANIFEST)));
  }

  @Test
  void aRefusedRunLeavesTheEarlierStageAsItWas() {
    Path work = copy("multi", "kept");
    Path stage = tmp.resolve("stage-kept");
    assertEquals(
        0,
        Cli.run("buildindex", "--stage", stage.toString(), work.resolve("venti.conf").toString())
            .status());
    Map<String, String> earlier = sums(stage); // the ranges and the manifest
    assertTrue(earlier.containsKey(StageDir.MANIFEST) && earlier.size() > 1, earlier.toString());
    Path over = Fixtures.workingCopy("overflow", tmp.resolve("kept-overflow"));
    Cli.Run r =
        Cli.run("buildindex", "--stage", stage.toString(), over.resolve("venti.conf").toString());
    assertEquals(4, r.status(), r.err());
    assertEquals(earlier, sums(stage));
  }

  @Test
  void overflowStagesNothing() {
    Path work = Fixtures.workingCopy("overflow", tmp.resolve("overflow"));
    Path stage = tmp.resolve("stage-overflow");
    Cli.Run r =
        Cli.run("buildindex", "--stage", stage.toString(), work.resolve("venti.conf").toString());
    assertEquals(4, r.status(), r.err());
    assertEquals(List.of(), rangeFiles(stage, ""));
  }

  @Test
  void stageAndReverseIndexAreAUsageError() {
    Cli.Run r =
        Cli.run(
            "buildindex",
            "--stage",
            tmp.resolve("s").toString(),
            "--reverse-index",
            tmp.resolve("r").toString(),
            "x.conf");
    assertEquals(2, r.status());
    assertTrue(
        r.err()
            .startsWith("venti-spark: buildindex: --stage and --reverse-index cannot go together"),
        r.err());
    assertEquals(2, Cli.run("stage", "write", "d", "x.conf").status());
    assertEquals(2, Cli.run("stage", "apply", "d").status());
  }

  /** A whole stage of {@code basic} (three bucket ranges and the bloom filter), made once. */
  static synchronized Path goodStage() {
    Path stage = tmp.resolve("good-stage");
    if (!Files.exists(stage.resolve(StageDir.MANIFEST))) {
      Path work = copy("basic", "good-stage-source");
      Cli.Run r =
          Cli.run(
              "buildindex",
              "--partitions",
              "3",
              "--stage",
              stage.toString(),
              work.resolve("venti.conf").toString());
      assertEquals(0, r.status(), r.err());
    }
    return stage;
  }

  /** Sums of the written files after a direct rebuild of a fixture. */
  static synchronized Map<String, String> direct(String fixture) {
    return DIRECT.computeIfAbsent(
        fixture,
        f -> {
          Path work = copy(f, "direct");
          Cli.Run r = Cli.run("buildindex", work.resolve("venti.conf").toString());
          assertEquals(0, r.status(), r.err());
          return sums(work, WRITTEN.get(f));
        });
  }

  /**
   * A working copy, its bloom table scribbled over so that a rebuild that skips part of it shows.
   */
  static Path copy(String fixture, String name) {
    Path work = Fixtures.workingCopy(fixture, tmp.resolve(name));
    try {
      if (Files.exists(work.resolve("bloom.img"))) {
        Damage.scribbleOverBloomTable(work.resolve("bloom.img"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return work;
  }

  static String hdfs(String path) {
    try {
      return cluster.getFileSystem().getUri() + path;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 of every file of a working copy (lock files aside). */
  static Map<String, String> sums(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return sums(
          dir, files.map(f -> f.getFileName().toString()).filter(f -> !f.startsWith(".")).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> sums(Path dir, List<String> names) {
    Map<String, String> out = new TreeMap<>();
    names.forEach(n -> out.put(n, IndexBytes.sha256(dir.resolve(n))));
    return out;
  }

  static List<Path> rangeFiles(Path stage, String suffix) {
    if (!Files.exists(stage)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(stage)) {
      return files
          .filter(
              f ->
                  f.getFileName().toString().endsWith(suffix)
                      && !f.getFileName().toString().equals(StageDir.MANIFEST))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path copyTree(Path from, Path to) {
    try (Stream<Path> files = Files.list(from)) {
      Files.createDirectories(to);
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void editManifest(Path stage, Consumer<ObjectNode> edit) {
    try {
      ObjectMapper json = new ObjectMapper();
      ObjectNode m = (ObjectNode) json.readTree(stage.resolve(StageDir.MANIFEST).toFile());
      edit.accept(m);
      json.writeValue(stage.resolve(StageDir.MANIFEST).toFile(), m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void flipByte(Path p, long off) {
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.seek(off);
      int b = f.read();
      f.seek(off);
      f.write(b ^ 0x01);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path p, String text) {
    try {
      Files.writeString(p, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
