package ventispark.job.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.create.ArchiveGenerator;
import ventispark.create.GeneratorOptions;
import ventispark.job.BuildIndexOptions;
import ventispark.job.PlanIndex;
import ventispark.job.RebuildPlan;
import ventispark.read.PartitionRef;
import ventispark.testing.Cli;
import ventispark.testing.HoldIndexLock;
import ventispark.testing.IndexBytes;
import ventispark.testing.IndexDiff;
import ventispark.testing.LocalSpark;
import ventispark.testing.WriteFaults;
import ventispark.write.IndexBusyException;
import ventispark.write.IndexLocks;
import ventispark.write.WriteLedger;
import ventispark.write.WritePlan;

/**
 * Task failures part-way through a write, duplicate attempts writing the same ranges at once (what
 * speculative execution does), and a second rebuild of a section being written: the index always
 * ends byte-identical to a clean run, or is refused untouched.
 */
class WriteFaultsTest {
  @TempDir static Path tmp;
  static Path pristine;
  static List<String> clean;

  static final BuildIndexOptions SIX_TASKS =
      new BuildIndexOptions(List.of(), true, 64 << 20, 6, 10_000);
  static final List<String> WRITTEN = List.of("isect0.img", "isect1.img", "bloom.img");

  @BeforeAll
  static void cleanRun() throws IOException {
    GeneratorOptions o = new GeneratorOptions();
    o.clumps = 60_000;
    o.duplicates = 0.05;
    o.bloom = 1 << 20;
    pristine = new ArchiveGenerator(o, null).write(tmp.resolve("pristine")).config().getParent();
    Path dir = copy("clean");
    new BuildIndex(LocalSpark.get(), SIX_TASKS).run(dir.resolve("venti.conf").toString());
    assertEquals(0, IndexDiff.verify(dir.resolve("venti.conf")).status());
    clean = sums(dir);
  }

  @Test
  void retriedTornWritesLeaveTheCleanBytes() throws IOException {
    Path dir = copy("faults");
    JavaSparkContext sc = LocalSpark.get();
    sc.setLocalProperty(WriteFaults.PROPERTY, "0,2,5");
    try {
      new BuildIndex(sc, SIX_TASKS).run(dir.resolve("venti.conf").toString());
    } finally {
      sc.setLocalProperty(WriteFaults.PROPERTY, null);
    }
    assertEquals(clean, sums(dir));
  }

  @Test
  void everyFirstAttemptTornStillLeavesTheCleanBytes() throws Exception {
    Path dir = copy("torn");
    JavaSparkContext sc = LocalSpark.get();
    PlanIndex planner = new PlanIndex(sc, SIX_TASKS);
    PlanIndex.Checked c = planner.check(planner.plan(dir.resolve("venti.conf").toString()));
    sc.setJobGroup("torn", "every first attempt tears its write", false);
    sc.setLocalProperty(WriteFaults.PROPERTY, "0,1,2,3,4,5");
    try {
      assertEquals(c.counts().indexed(), write(sc, c));
    } finally {
      sc.setLocalProperty(WriteFaults.PROPERTY, null);
      sc.clearJobGroup();
    }
    assertEquals(clean.subList(0, 2), sums(dir).subList(0, 2));
    // The faults fired: six attempts failed (after tearing their range) and were retried.
    assertEquals(6, LocalSpark.failedTasks(sc, "torn"));
  }

  /** The write job alone over a checked plan, as a rebuild runs it (planned files, a ledger). */
  static long write(JavaSparkContext sc, PlanIndex.Checked c) {
    RebuildPlan plan = c.plan();
    WritePlan writes =
        WritePlan.of(
            plan.archive(),
            plan.sections(),
            plan.bloom(),
            List.of(),
            List.of(),
            sc.hadoopConfiguration());
    try (WriteLedger ledger = new WriteLedger(sc.sc())) {
      return BuildIndex.write(c, BuildIndex.Targets.of(plan, writes, ledger), ledger, false);
    }
  }

  @Test
  void concurrentDuplicateAttemptsLeaveTheCleanBytes() throws Exception {
    Path dir = copy("speculative");
    JavaSparkContext sc = LocalSpark.get();
    PlanIndex planner = new PlanIndex(sc, SIX_TASKS);
    PlanIndex.Checked c = planner.check(planner.plan(dir.resolve("venti.conf").toString()));
    // Two write jobs over one shuffle at once: every range written by two attempts racing, one of
    // them tearing its write first, as a speculative copy of a slow task would.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Long>> jobs = new ArrayList<>();
      for (String faults : new String[] {"1,3", null}) {
        jobs.add(
            pool.submit(
                () -> {
                  sc.setLocalProperty(WriteFaults.PROPERTY, faults);
                  try {
                    return write(sc, c);
                  } finally {
                    sc.setLocalProperty(WriteFaults.PROPERTY, null);
                  }
                }));
      }
      for (Future<Long> j : jobs) {
        assertEquals(c.counts().indexed(), j.get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(clean.subList(0, 2), sums(dir).subList(0, 2));
  }

  @Test
  void aSecondRebuildOfALockedSectionIsRefused() throws IOException {
    Path dir = copy("locked");
    List<String> before = sums(dir);
    String conf = dir.resolve("venti.conf").toString();
    try (IndexLocks held = IndexLocks.acquire(List.of(PartitionRef.resolve("isect1.img", conf)))) {
      IndexBusyException e =
          assertThrows(
              IndexBusyException.class,
              () -> new BuildIndex(LocalSpark.get(), SIX_TASKS).run(conf));
      assertTrue(e.getMessage().startsWith("isect1.img: locked by another run"), e.getMessage());
      assertEquals(before, sums(dir));
      // Other sections are not locked by the refused run: it held nothing.
      IndexLocks.acquire(List.of(PartitionRef.resolve("isect0.img", conf))).close();
    }
    new BuildIndex(LocalSpark.get(), SIX_TASKS).run(conf);
    assertEquals(clean, sums(dir));
    assertNotEquals(before, clean);
  }

  @Test
  void aRebuildLockedByAnotherProcessIsRefused() throws Exception {
    Path dir = copy("other-process");
    List<String> before = sums(dir);
    // Started with the module options every venti-spark JVM has: the lock file is checked through
    // its descriptor.
    Process holder = HoldIndexLock.start(dir.resolve("isect0.img"), false);
    try {
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      int status =
          ventispark.cli.VentiSpark.run(
              List.of("buildindex", dir.resolve("venti.conf").toString()),
              new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
              new java.io.PrintStream(err, true));
      assertEquals(5, status, err.toString());
      assertTrue(
          err.toString().startsWith("venti-spark: isect0.img: locked by another run"),
          err.toString());
      assertEquals(before, sums(dir));
    } finally {
      holder.getOutputStream().close();
      holder.waitFor();
    }
    new BuildIndex(LocalSpark.get(), SIX_TASKS).run(dir.resolve("venti.conf").toString());
    assertEquals(clean, sums(dir));
  }

  /**
   * The bloom filter fails after the sections were rewritten (every attempt of its slice 0): exit
   * 1, and the one line says the filter is stale and what a Venti server does with it; the sections
   * are the clean run's, and a rerun leaves the clean bytes, the filter included.
   */
  @Test
  void aFailedBloomFilterIsReportedStaleAndARerunWritesIt() throws IOException {
    Path dir = copy("stale");
    String conf = dir.resolve("venti.conf").toString();
    JavaSparkContext sc = LocalSpark.get();
    Cli.Run failed;
    sc.setLocalProperty(WriteFaults.BLOOM_PROPERTY, "0");
    try {
      failed = Cli.run("buildindex", conf);
    } finally {
      sc.setLocalProperty(WriteFaults.BLOOM_PROPERTY, null);
    }
    assertEquals(1, failed.status(), failed.err());
    assertEquals(1, failed.err().lines().count(), failed.err());
    assertTrue(
        failed.err().startsWith("venti-spark: failed: ")
            && failed.err().contains("injected fault: bloom slice 0")
            && failed
                .err()
                .contains(
                    "; the bloom filter bloom.img is stale: a Venti server consults it before the index,"
                        + " so it would report a block the filter lacks as missing although the block is there (run it again"),
        failed.err());
    assertEquals(clean.subList(0, 2), sums(dir).subList(0, 2));
    assertNotEquals(clean.get(2), sums(dir).get(2));
    Cli.Run rerun = Cli.run("buildindex", conf);
    assertEquals(0, rerun.status(), rerun.err());
    assertEquals(clean, sums(dir));
  }

  static Path copy(String name) throws IOException {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(pristine)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  static List<String> sums(Path dir) {
    return WRITTEN.stream().map(f -> IndexBytes.sha256(dir.resolve(f))).toList();
  }
}
