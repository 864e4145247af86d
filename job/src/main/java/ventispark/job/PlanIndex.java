package ventispark.job;

import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import ventispark.plan.FillReport;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.HadoopConf;

/**
 * The dry run ({@code venti-spark plan}), and the first half of every rebuild: load and validate
 * the archive, plan the work, read the arenas into the shuffle, and count every bucket's fill.
 * Nothing is written. The rebuild continues from {@link Checked} over the same shuffle, so its
 * check costs one pass over the shuffle output, not a second read of the arenas.
 */
public final class PlanIndex {
  private final JavaSparkContext sc;
  private final BuildIndexOptions options;
  private final HadoopConf conf;
  private Phases phases;

  /** The archive, read and checked: what {@code plan} reports and the rebuild writes from. */
  public record Checked(RebuildPlan plan, HadoopConf conf, EntryShuffle shuffle, FillReport fill, long shuffleBytes,
      Phases phases) {

    public SplitCountsAccumulator counts() {
      return shuffle.counts();
    }
  }

  /** What {@code plan} prints: the fill report and the C counters. */
  public record Summary(FillReport fill, long arenaEntries, long indexed, long skipped, long shuffleBytes,
      Map<String, Long> phaseMillis, long millis) {}

  public PlanIndex(JavaSparkContext sc, BuildIndexOptions options) {
    this.sc = sc;
    this.options = options;
    this.conf = new HadoopConf(sc.hadoopConfiguration());
  }

  /** Runs {@code plan}: reports the fill whatever it is; the caller decides what an overflow means. */
  public Summary run(String config) {
    Checked c = check(config);
    sc.setJobDescription(null);
    return new Summary(c.fill(), c.counts().arenaEntries(), c.counts().indexed(), c.counts().skipped(),
        c.shuffleBytes(), c.phases().millis(), c.phases().total());
  }

  Checked check(String config) {
    return check(plan(config));
  }

  /** Loads and validates the archive and plans the work (driver only). */
  RebuildPlan plan(String config) {
    phases = new Phases();
    Archive archive = new ArchiveLoader(conf.get()).load(config);
    RebuildPlan plan = RebuildPlan.make(archive, options, sc.defaultParallelism());
    BuildIndex.logPlan(plan);
    ProgressDisplay.planned(sc, plan);
    phases.lap("load");
    return plan;
  }

  /** Reads the arenas into the shuffle and counts the fill of every bucket of the plan. */
  Checked check(RebuildPlan plan) {
    EntryShuffle shuffle = new EntryShuffle(sc, plan, conf);
    sc.setJobDescription("venti: read " + plan.describeRead());
    long shuffleBytes = shuffle.read();
    phases.lap("read");
    sc.setJobDescription("venti: check bucket fill of " + plan.describeSections());
    FillReport fill = shuffle.fill();
    phases.lap("check");
    return new Checked(plan, conf, shuffle, fill, shuffleBytes, phases);
  }
}
