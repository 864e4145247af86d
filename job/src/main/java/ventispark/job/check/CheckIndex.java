package ventispark.job.check;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import ventispark.check.RangeCheck;
import ventispark.job.BuildIndexOptions;
import ventispark.job.EntryShuffle;
import ventispark.job.IndexOverflowException;
import ventispark.job.PlanIndex;
import ventispark.job.RebuildPlan;
import ventispark.job.TaskRanges;
import ventispark.job.WriteMemory;
import ventispark.plan.BucketRangePartitioner;
import ventispark.plan.FillReport;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.HadoopConf;
import ventispark.read.IndexSection;
import ventispark.read.PartitionReader;
import ventispark.sort.BucketImage;
import ventispark.sort.GroupBatches;
import ventispark.write.BloomBuilder;
import ventispark.write.BloomSlicing;
import ventispark.write.IndexLocks;
import ventispark.write.WritePlan;

/**
 * {@code checkindex} as a Spark job, with no scratch partition: the entries the arenas give are
 * shuffled to bucket ranges exactly as for a rebuild ({@link EntryShuffle}); each task builds its
 * range as it must be and compares it with the range read from the section ({@link RangeCheck});
 * the bloom filter is rebuilt from the same read, a slice at a time, and compared bit by bit.
 * Read-only: nothing is ever opened for writing.
 *
 * @see Options for the C tool's quirks, available but off by default
 */
public final class CheckIndex {
  private final JavaSparkContext sc;
  private final Options options;
  private final List<Path> outputs;

  /**
   * @param build which sections ({@code -i}), bloom ({@code -b}: check the bloom even with -i) and
   *     task sizes
   * @param collapseDuplicates expect one entry per score and type ({@code --collapse-duplicates}),
   *     as the C checkindex does; by default every copy buildindex writes is expected
   * @param bloomWithCorrupt count corrupt-type entries in the expected bloom ({@code
   *     --bloom-with-corrupt}), as the C checkindex does; buildindex never marks them
   * @param maxReported buckets reported line by line ({@code --max-report N}, default 20)
   */
  public record Options(
      BuildIndexOptions build,
      boolean collapseDuplicates,
      boolean bloomWithCorrupt,
      int maxReported)
      implements Serializable {
    public static final int DEFAULT_MAX_REPORTED = 20;
  }

  /**
   * The verdict: counts, the first differing buckets line by line, the bloom comparison (-1: not
   * checked).
   */
  public record Result(
      long buckets,
      long entriesExpected,
      long entriesOnDisk,
      long differingBuckets,
      long extra,
      long missing,
      List<String> report,
      long bloomMissingBits,
      long bloomSpuriousBits,
      long skipped) {

    public boolean correct() {
      return differingBuckets == 0 && bloomMissingBits <= 0;
    }
  }

  public CheckIndex(JavaSparkContext sc, Options options) {
    this(sc, options, List.of());
  }

  /**
   * A check that writes {@code outputs} (a report), checked in its write plan: nothing it reads may
   * be replaced.
   */
  public CheckIndex(JavaSparkContext sc, Options options, List<Path> outputs) {
    this.sc = sc;
    this.options = options;
    this.outputs = List.copyOf(outputs);
  }

  public Result run(String config) {
    HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
    Archive archive = new ArchiveLoader(conf.get()).load(config);
    RebuildPlan plan =
        RebuildPlan.make(
            archive, options.build(), sc.defaultParallelism(), WriteMemory.mapTaskBytes(sc));
    BloomSlicing bloom =
        plan.bloom()
            ? BloomSlicing.of(
                archive.bloomHeader(),
                options.build().partitionBytes(),
                sc.defaultParallelism(),
                options.bloomWithCorrupt())
            : null;
    // A bloom slice task also holds the slice read from disk.
    WriteMemory.checkBloom(bloom, BloomBuilder.MEMORY_COPIES + 1, sc);
    WritePlan.of(archive, List.of(), false, outputs, List.of(), conf.get()).probe();
    PlanIndex.log(plan);
    // Shared: a rebuild under way (exclusive) is refused rather than reported as differences.
    try (IndexLocks locks = IndexLocks.acquireShared(plan.writtenFiles())) {
      return check(archive, plan, bloom, conf);
    }
  }

  private Result check(Archive archive, RebuildPlan plan, BloomSlicing bloom, HadoopConf conf) {
    EntryShuffle shuffle = new EntryShuffle(sc, plan, conf, bloom);
    sc.setJobDescription("venti: read " + plan.describeRead());
    shuffle.read();
    sc.setJobDescription("venti: check bucket fill of " + plan.describeSections());
    FillReport fill = shuffle.fill();
    if (fill.overflows()) {
      // No index of this geometry can hold these entries: there is nothing to compare against.
      throw new IndexOverflowException(fill.overflowMessage());
    }
    sc.setJobDescription("venti: compare " + plan.describeSections() + " with the arenas");
    Options o = options;
    List<RangeCheck.Result> ranges =
        shuffle
            .batches()
            .mapPartitionsWithIndex(
                (t, it) ->
                    TaskRanges.map(
                        plan, t, it, (p, batches) -> checkRange(plan, conf, o, p, batches)),
                true)
            .collect();
    long bloomMissing = -1;
    long bloomSpurious = -1;
    if (plan.bloom()) {
      sc.setJobDescription("venti: compare bloom filter " + archive.bloom().display());
      long[] b = BloomBuilder.check(shuffle.bloomRecords(), bloom, archive.bloom(), conf);
      bloomMissing = b[0];
      bloomSpurious = b[1];
    }
    sc.setJobDescription(null);
    long buckets = 0;
    long onDisk = 0;
    long differing = 0;
    long extra = 0;
    long missing = 0;
    List<String> report = new ArrayList<>();
    for (RangeCheck.Result r : ranges) {
      buckets += r.buckets();
      onDisk += r.entriesOnDisk();
      differing += r.differingBuckets();
      extra += r.extra();
      missing += r.missing();
      report.addAll(r.report());
    }
    return new Result(
        buckets,
        shuffle.counts().indexed(),
        onDisk,
        differing,
        extra,
        missing,
        trim(report, o.maxReported()),
        bloomMissing,
        bloomSpurious,
        shuffle.counts().skipped());
  }

  private static RangeCheck.Result checkRange(
      RebuildPlan plan, HadoopConf conf, Options o, int p, GroupBatches batches) {
    BucketRangePartitioner part = plan.partitioner();
    IndexSection s = plan.archive().sections().get(part.section(p));
    BucketImage expected =
        new BucketImage(part.start(p), part.stop(p), plan.archive().div(), s.header().blockSize());
    batches.addTo(expected);
    expected.seal(s.header().bucketMagic());
    byte[] disk = new byte[expected.bytes().length];
    try (PartitionReader in = PartitionReader.open(s.ref(), conf.get())) {
      in.readFully(s.offsetOf(part.start(p)), disk, 0, disk.length);
    }
    return new RangeCheck(
            s.ref().display(),
            s.offsetOf(part.start(p)),
            part.start(p),
            s.header().blockSize(),
            s.header().bucketMagic(),
            o.collapseDuplicates(),
            o.maxReported())
        .compare(expected.bytes(), disk);
  }

  /** The first {@code max} buckets of a report (a bucket line and its entry lines). */
  private static List<String> trim(List<String> report, int max) {
    List<String> out = new ArrayList<>();
    int buckets = 0;
    for (String line : report) {
      boolean entry = line.startsWith("<") || line.startsWith(">");
      if (!entry && ++buckets > max) {
        break;
      }
      out.add(line);
    }
    return out;
  }
}
