package ventispark.job;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ventispark.plan.FillReport;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.HadoopConf;
import ventispark.write.BloomBuilder;
import ventispark.write.BloomSlicing;
import ventispark.write.IndexLocks;
import ventispark.write.WritePlan;

/**
 * The dry run ({@code venti-spark plan}), and the first half of every rebuild: load and validate
 * the archive, plan the work, read the arenas into the shuffle, and count every bucket's fill.
 * Nothing is written. The rebuild continues from {@link Checked} over the same shuffle, so its
 * check costs one pass over the shuffle output, not a second read of the arenas.
 */
public final class PlanIndex {
  private static final Logger LOG = LoggerFactory.getLogger(PlanIndex.class);
  private final JavaSparkContext sc;
  private final BuildIndexOptions options;
  private final HadoopConf conf;
  private final List<Path> outputs;
  private Phases phases;

  /** The archive, read and checked: what {@code plan} reports and the rebuild writes from. */
  public record Checked(
      RebuildPlan plan,
      HadoopConf conf,
      EntryShuffle shuffle,
      FillReport fill,
      long shuffleBytes,
      Phases phases) {

    public SplitCountsAccumulator counts() {
      return shuffle.counts();
    }
  }

  /** What {@code plan} prints: the fill report and the C counters. */
  public record Summary(
      FillReport fill,
      long arenaEntries,
      long indexed,
      long skipped,
      long shuffleBytes,
      Map<String, Long> phaseMillis,
      long millis) {}

  public PlanIndex(JavaSparkContext sc, BuildIndexOptions options) {
    this(sc, options, List.of());
  }

  /**
   * A dry run that writes {@code outputs} (a report), checked in its write plan: nothing it reads
   * may be replaced.
   */
  public PlanIndex(JavaSparkContext sc, BuildIndexOptions options, List<Path> outputs) {
    this.sc = sc;
    this.options = options;
    this.conf = new HadoopConf(sc.hadoopConfiguration());
    this.outputs = List.copyOf(outputs);
  }

  /**
   * Runs {@code plan}: reports the fill whatever it is; the caller decides what an overflow means.
   */
  public Summary run(String config) {
    RebuildPlan plan = plan(config);
    WritePlan.of(plan.archive(), List.of(), false, outputs, List.of(), conf.get()).probe();
    Checked c;
    try (IndexLocks locks =
        IndexLocks.acquireShared(plan.writtenFiles())) { // not during a rebuild of them
      c = check(plan, null); // a dry run leaves the bloom filter out
    }
    sc.setJobDescription(null);
    return new Summary(
        c.fill(),
        c.counts().arenaEntries(),
        c.counts().indexed(),
        c.counts().skipped(),
        c.shuffleBytes(),
        c.phases().millis(),
        c.phases().total());
  }

  /** Loads and validates the archive and plans the work (driver only). */
  public RebuildPlan plan(String config) {
    phases = new Phases();
    Archive archive = new ArchiveLoader(conf.get()).load(config);
    RebuildPlan plan =
        RebuildPlan.make(archive, options, sc.defaultParallelism(), WriteMemory.mapTaskBytes(sc));
    WriteMemory.check(plan, sc);
    WriteMemory.checkBloom(bloomSlicing(plan), BloomBuilder.MEMORY_COPIES, sc);
    log(plan);
    PlanListeners.planned(sc.sc(), plan);
    phases.lap("load");
    return plan;
  }

  /** How a rebuild of {@code plan} slices the bloom filter; null when the plan leaves it out. */
  BloomSlicing bloomSlicing(RebuildPlan plan) {
    return plan.bloom()
        ? BloomSlicing.of(
            plan.archive().bloomHeader(), options.partitionBytes(), sc.defaultParallelism(), false)
        : null;
  }

  /**
   * Reads the arenas into the shuffle and counts the fill of every bucket of the plan; the shuffle
   * also carries the bloom filter when the plan includes it.
   */
  public Checked check(RebuildPlan plan) {
    return check(plan, bloomSlicing(plan));
  }

  private Checked check(RebuildPlan plan, BloomSlicing bloom) {
    EntryShuffle shuffle = new EntryShuffle(sc, plan, conf, bloom);
    sc.setJobDescription("venti: read " + plan.describeRead());
    long shuffleBytes = shuffle.read();
    phases.lap("read");
    sc.setJobDescription("venti: check bucket fill of " + plan.describeSections());
    FillReport fill = shuffle.fill();
    phases.lap("check");
    return new Checked(plan, conf, shuffle, fill, shuffleBytes, phases);
  }

  /** Logs the plan's size and partitions (INFO). */
  public static void log(RebuildPlan plan) {
    Archive a = plan.archive();
    LOG.info(
        "{} clumps, {} buckets in {} sections, {} arenas in {} partitions",
        String.format(Locale.ROOT, "%,d", a.clumps()),
        String.format(Locale.ROOT, "%,d", a.buckets()),
        a.sections().size(),
        a.arenas().size(),
        a.partitions().size());
    LOG.info(
        "plan: {} map splits, {} bucket ranges in {} write tasks ({} range groups)",
        plan.splits().size(),
        plan.partitioner().numPartitions(),
        plan.partitioner().tasks(),
        plan.partitioner().groups());
  }
}
