package ventispark.job.stage;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ventispark.job.BuildIndexOptions;
import ventispark.job.BuildSummary;
import ventispark.job.IndexOverflowException;
import ventispark.job.Phases;
import ventispark.job.PlanIndex;
import ventispark.job.RebuildPlan;
import ventispark.job.TaskRanges;
import ventispark.job.WriteHooks;
import ventispark.job.build.BuildIndex;
import ventispark.plan.BucketRangePartitioner;
import ventispark.plan.FillReport;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.HadoopConf;
import ventispark.read.IndexLayout;
import ventispark.read.IndexSection;
import ventispark.sort.BucketImage;
import ventispark.sort.GroupBatches;
import ventispark.write.BloomBuilder;
import ventispark.write.StageDir;
import ventispark.write.StageManifest;
import ventispark.write.StagedRange;
import ventispark.write.WritePlan;

/**
 * The staged rebuild ({@code buildindex --stage DIR}), for clusters whose executors cannot write
 * the index disks: the same plan, read, fill check and sort as a rebuild in place, but each write
 * task puts its range image into a {@link StageDir} (any Hadoop filesystem) instead of writing the
 * section, the bloom filter is staged the same way, and the driver then writes the manifest that
 * {@code stage apply} ({@link ApplyStage}) checks before it writes the index. The index is only
 * read (to plan), never opened for writing, and so not locked here.
 */
public final class StageIndex {
  private static final Logger LOG = LoggerFactory.getLogger(StageIndex.class);

  private final JavaSparkContext sc;
  private final BuildIndexOptions options;
  private final RebuildPlan plan;
  private final HadoopConf conf;
  private final StageDir dir;
  private final IndexLayout layout;

  /**
   * Stages the rebuild of the archive named by {@code config} into {@link
   * BuildIndexOptions#stageDir}: the sections are only read, to plan ({@code stage apply} locks and
   * writes them); {@code outputs} (a report) are new files, checked with the plan's.
   */
  public static BuildSummary run(
      JavaSparkContext sc, BuildIndexOptions options, List<Path> outputs, String config) {
    PlanIndex planner = new PlanIndex(sc, options);
    RebuildPlan plan = planner.plan(config);
    HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
    WritePlan.of(plan.archive(), List.of(), false, outputs, List.of(), conf.get()).probe();
    return new StageIndex(sc, options, plan).run(planner.check(plan));
  }

  /** Readies the stage directory, before any arena is read. */
  StageIndex(JavaSparkContext sc, BuildIndexOptions options, RebuildPlan plan) {
    this.sc = sc;
    this.options = options;
    this.plan = plan;
    this.conf = new HadoopConf(sc.hadoopConfiguration());
    this.layout = new ArchiveLoader(conf.get()).loadIndex(plan.archive().config());
    this.dir = new StageDir(options.stageDir(), conf.get());
    dir.prepare();
  }

  BuildSummary run(PlanIndex.Checked c) {
    if (c.fill().overflows()) {
      throw new IndexOverflowException(c.fill().overflowMessage());
    }
    dir.removeEarlier(); // only now: a refused run (overflow) leaves an earlier stage as it was
    Archive archive = plan.archive();
    Phases phases = c.phases();
    sc.setJobDescription("venti: sort and stage " + plan.describeSections() + " in " + dir);
    List<StagedRange> ranges = stage(c, options.dropDuplicates(), dir);
    phases.lap("sort and stage");
    long written = ranges.stream().mapToLong(StagedRange::count).sum();
    for (FillReport.SectionFill s : c.fill().sections()) {
      LOG.info("{} staged", s.line());
    }
    List<StagedRange> bloom = null;
    long bloomBits = -1;
    if (plan.bloom()) {
      sc.setJobDescription("venti: stage bloom filter " + archive.bloom().display() + " in " + dir);
      bloom = BloomBuilder.stage(c.shuffle().bloomRecords(), c.shuffle().bloom(), dir);
      bloomBits = bloom.stream().mapToLong(StagedRange::count).sum();
      phases.lap("bloom");
    }
    sc.setJobDescription(null);
    dir.removeTemporaries();
    byte[] manifest = manifest(ranges, bloom, written).toJson();
    dir.put(StageDir.MANIFEST, manifest, 0, manifest.length);
    phases.lap("manifest");
    LOG.info(
        "{}: staged {} ranges; write them into the index with: venti-spark stage apply {} {}",
        dir,
        ranges.size() + (bloom == null ? 0 : bloom.size()),
        dir,
        archive.config());
    return BuildIndex.summarize(c, "staged", written, bloomBits, null, options.dropDuplicates());
  }

  /**
   * The staging job: every range built and sorted as a rebuild in place does, put into {@code dir},
   * in range order.
   */
  static List<StagedRange> stage(PlanIndex.Checked c, boolean dropDuplicates, StageDir dir) {
    RebuildPlan plan = c.plan();
    return c.shuffle()
        .batches()
        .mapPartitionsWithIndex(
            (t, it) ->
                TaskRanges.map(
                    plan, t, it, (p, batches) -> stageImage(plan, p, batches, dropDuplicates, dir)),
            true)
        .collect();
  }

  private static StagedRange stageImage(
      RebuildPlan plan, int p, GroupBatches batches, boolean dropDuplicates, StageDir dir) {
    BucketImage image = BuildIndex.sortedImage(plan, p, batches, dropDuplicates);
    BucketRangePartitioner part = plan.partitioner();
    IndexSection s = plan.archive().sections().get(part.section(p));
    String name = StagedRange.sectionFile(part.section(p), s.name(), part.start(p), part.stop(p));
    byte[] b = image.bytes();
    WriteHooks.get().beforeRangeStaged(p, dir, name, b);
    String sha = dir.put(name, b, 0, b.length);
    LOG.debug(
        "{}: buckets [{}, {}) staged as {}, {} entries (task attempt {})",
        s.ref().display(),
        part.start(p),
        part.stop(p),
        name,
        image.entries(),
        TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber());
    return new StagedRange(
        name,
        part.start(p),
        part.stop(p),
        s.offsetOf(part.start(p)),
        b.length,
        sha,
        image.entries());
  }

  private StageManifest manifest(List<StagedRange> ranges, List<StagedRange> bloom, long entries) {
    Archive archive = plan.archive();
    List<StageManifest.Section> sections = new ArrayList<>();
    for (int i : plan.sections()) {
      IndexSection s = archive.sections().get(i);
      List<StagedRange> mine = new ArrayList<>();
      for (int p = 0; p < ranges.size(); p++) {
        if (plan.partitioner().section(p) == i) {
          mine.add(ranges.get(p));
        }
      }
      sections.add(new StageManifest.Section(i, s.ref().display(), s.header(), List.copyOf(mine)));
    }
    StageManifest.Bloom b =
        bloom == null
            ? null
            : new StageManifest.Bloom(archive.bloom().display(), archive.bloomHeader(), bloom);
    return new StageManifest(
        StageManifest.FORMAT,
        archive.indexName(),
        StageManifest.sha256(layout.indexConfig()),
        archive.config(),
        Instant.now().toString(),
        entries,
        List.copyOf(sections),
        b);
  }
}
