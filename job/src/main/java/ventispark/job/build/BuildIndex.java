package ventispark.job.build;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import ventispark.job.BuildIndexOptions;
import ventispark.job.BuildSummary;
import ventispark.job.EntryShuffle;
import ventispark.job.IndexOverflowException;
import ventispark.job.PartlyWrittenException;
import ventispark.job.Phases;
import ventispark.job.PlanIndex;
import ventispark.job.RebuildPlan;
import ventispark.job.SplitCountsAccumulator;
import ventispark.job.TaskRanges;
import ventispark.job.WriteHooks;
import ventispark.job.reverse.BuildReverseIndex;
import ventispark.job.reverse.ReverseIndexOutput;
import ventispark.plan.BucketRangePartitioner;
import ventispark.plan.FillReport;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.ArenaSplit;
import ventispark.read.ClumpEntries;
import ventispark.read.HadoopConf;
import ventispark.read.IndexSection;
import ventispark.reverse.AddressRanges;
import ventispark.reverse.ChunkDigests;
import ventispark.reverse.IndexChecksum;
import ventispark.reverse.RangeCounts;
import ventispark.reverse.RecordBatches;
import ventispark.sort.BucketImage;
import ventispark.sort.EntryBatches;
import ventispark.sort.GroupBatches;
import ventispark.write.BloomBuilder;
import ventispark.write.IndexLocks;
import ventispark.write.PlannedFile;
import ventispark.write.SectionFiles;
import ventispark.write.WriteLedger;
import ventispark.write.WritePlan;

/**
 * The Spark rebuild of a Venti index, the distributed {@code buildindex}:
 *
 * <ol>
 *   <li>driver: load and validate config, arenas and index geometry ({@link ArchiveLoader}), and
 *       plan the work ({@link RebuildPlan});
 *   <li>read: each {@link ArenaSplit} yields packed entries ({@link ClumpEntries}), sorted and
 *       batched per contiguous bucket range ({@link EntryBatches}, {@link BucketRangePartitioner})
 *       and shuffled to the write tasks, several ranges each ({@link EntryShuffle});
 *   <li>check: count every range's bucket fill; an overflow stops here, nothing written ({@link
 *       FillReport});
 *   <li>sort and write: each range is built in memory, sorted per bucket in the C order and written
 *       whole, a write task's ranges one after another ({@link BucketImage}, {@link SectionFiles},
 *       {@link TaskRanges});
 *   <li>bloom (when enabled): each slice of the filter ORed from the map tasks' marks and written
 *       ({@link BloomBuilder}).
 * </ol>
 *
 * Steps 2 to 5 are Spark jobs over one shuffle: the arenas are read once. Before step 2, the {@link
 * WritePlan} of every byte range read and written is checked and every output probed; the {@link
 * WriteLedger} enters what is written, so a failure says truthfully whether the index was touched
 * ({@link PartlyWrittenException}).
 */
public final class BuildIndex {
  private static final Logger LOG = LoggerFactory.getLogger(BuildIndex.class);

  private final JavaSparkContext sc;
  private final BuildIndexOptions options;
  private final List<Path> outputs;

  /**
   * The bloom filter, once the sections are written and it is being rebuilt: stale if that fails.
   */
  private String bloomUnderway;

  public BuildIndex(JavaSparkContext sc, BuildIndexOptions options) {
    this(sc, options, List.of());
  }

  /**
   * A rebuild that also writes {@code outputs} (a report): new files, checked with the index's in
   * its write plan.
   */
  public BuildIndex(JavaSparkContext sc, BuildIndexOptions options, List<Path> outputs) {
    this.sc = sc;
    this.options = options;
    this.outputs = List.copyOf(outputs);
  }

  /**
   * Rebuilds the index of the archive named by {@code config} in place (a staged rebuild is {@code
   * job.stage.StageIndex}'s).
   */
  public BuildSummary run(String config) {
    PlanIndex planner = new PlanIndex(sc, options);
    RebuildPlan plan = planner.plan(config);
    HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
    if (options.stageDir() != null) {
      throw new IllegalArgumentException("a staged rebuild is StageIndex's, not BuildIndex's");
    }
    List<Path> dirs =
        options.reverseIndexDir() == null ? List.of() : List.of(Path.of(options.reverseIndexDir()));
    WritePlan writes =
        WritePlan.of(plan.archive(), plan.sections(), plan.bloom(), outputs, dirs, conf.get());
    dirs.forEach(d -> ReverseIndexOutput.check(plan.archive(), d));
    try (IndexLocks locks = IndexLocks.acquire(plan.writtenFiles());
        WriteLedger ledger = new WriteLedger(sc.sc())) {
      writes.probe();
      try {
        return run(planner.check(plan), writes, ledger);
      } catch (Exception e) { // also Spark's SparkException, which Scala throws unchecked
        List<String> written = ledger.written();
        if (!written.isEmpty()) {
          throw new PartlyWrittenException(written, bloomUnderway, e);
        }
        throw e;
      }
    }
  }

  private BuildSummary run(PlanIndex.Checked c, WritePlan writes, WriteLedger ledger) {
    if (c.fill().overflows()) {
      throw new IndexOverflowException(c.fill().overflowMessage());
    }
    RebuildPlan plan = c.plan();
    Archive archive = plan.archive();
    Phases phases = c.phases();
    Targets targets = Targets.of(plan, writes, ledger);
    WriteHooks.get().beforeFirstWrite();
    writes.checkSpace(); // again: the read may have taken hours, and the disk filled meanwhile
    sc.setJobDescription(
        "venti: sort and write "
            + plan.describeSections()
            + (options.reverseIndexDir() == null ? "" : ", and the reverse index"));
    long written;
    Path reverseIndex = null;
    if (options.reverseIndexDir() == null) {
      written = write(c, targets, ledger, options.dropDuplicates());
      phases.lap("sort and write");
    } else {
      ReverseIndexOutput.Result r =
          writeWithReverseIndex(c, targets, ledger, Path.of(options.reverseIndexDir()));
      written = r.entries();
      reverseIndex = r.file();
      phases.lap("sort and write, reverse index");
    }
    for (FillReport.SectionFill s : c.fill().sections()) {
      LOG.info("{} written", s.line());
    }

    long bloomBits = -1;
    if (plan.bloom()) {
      sc.setJobDescription("venti: rebuild bloom filter " + archive.bloom().display());
      PlannedFile bloom = writes.planned(archive.bloom());
      bloomUnderway = bloom.display();
      bloomBits =
          BloomBuilder.build(
              c.shuffle().bloomRecords(),
              c.shuffle().bloom(),
              bloom,
              ledger,
              slice -> WriteHooks.get().beforeBloomSliceWrite(slice));
      bloomUnderway = null;
      phases.lap("bloom");
      LOG.info(
          "{}: bloom filter written, {} bits set",
          archive.bloom().display(),
          String.format(Locale.ROOT, "%,d", bloomBits));
    }
    sc.setJobDescription(null);
    return summarize(c, "wrote", written, bloomBits, reverseIndex, options.dropDuplicates());
  }

  /**
   * What the write tasks write into: each rebuilt section's planned file, and the ledger's
   * accumulator.
   */
  record Targets(PlannedFile[] sections, LongAccumulator firstWrites, List<String> files)
      implements Serializable {
    static Targets of(RebuildPlan plan, WritePlan writes, WriteLedger ledger) {
      PlannedFile[] bySection = new PlannedFile[plan.archive().sections().size()];
      List<String> files = new ArrayList<>();
      for (int i : plan.sections()) {
        bySection[i] = writes.planned(plan.archive().sections().get(i).ref());
        files.add(bySection[i].display());
      }
      return new Targets(bySection, ledger.firstWrites(), List.copyOf(files));
    }
  }

  /**
   * The summary of a rebuild (or staging) that {@code verb} {@code written} entries, after checking
   * that it wrote every entry read, less only the duplicate copies {@code --drop-duplicates} drops.
   */
  public static BuildSummary summarize(
      PlanIndex.Checked c,
      String verb,
      long written,
      long bloomBits,
      Path reverseIndex,
      boolean dropDuplicates) {
    Archive archive = c.plan().archive();
    Phases phases = c.phases();
    SplitCountsAccumulator counts = c.counts();
    long dropped = counts.indexed() - written;
    if (dropped < 0 || (dropped > 0 && !dropDuplicates)) {
      throw new IllegalStateException(
          verb + " " + written + " entries but read " + counts.indexed());
    }
    BuildSummary summary =
        new BuildSummary(
            archive.clumps(),
            archive.buckets(),
            counts.arenaEntries(),
            counts.indexed(),
            counts.skipped(),
            c.fill(),
            bloomBits,
            c.shuffleBytes(),
            phases.millis(),
            phases.total(),
            reverseIndex,
            dropped);
    LOG.info(summary.doneLine());
    return summary;
  }

  /**
   * The write job: every range built, sorted and written whole. Any number of attempts of any task,
   * in any order or at once, leave the same bytes; returns the entries written.
   */
  static long write(
      PlanIndex.Checked c, Targets targets, WriteLedger ledger, boolean dropDuplicates) {
    RebuildPlan plan = c.plan();
    JavaRDD<Long> counts =
        c.shuffle()
            .batches()
            .mapPartitionsWithIndex(
                (t, it) ->
                    withTaskFiles(
                        targets,
                        files ->
                            TaskRanges.map(
                                plan,
                                t,
                                it,
                                (p, batches) ->
                                    writeImage(plan, targets, files, p, batches, dropDuplicates)
                                        .entries())),
                true);
    return ledger.writes(counts, targets.files()).collect().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  /**
   * The write job, whose tasks also make the reverse index's records and chunk digests from the
   * images they write: the index is neither read back nor the arenas read twice. The writes happen
   * in the map stage of the reverse index's shuffle; a recomputed stage writes the same bytes.
   */
  private ReverseIndexOutput.Result writeWithReverseIndex(
      PlanIndex.Checked c, Targets targets, WriteLedger ledger, Path dir) {
    RebuildPlan plan = c.plan();
    Archive archive = plan.archive();
    AddressRanges byAddress = BuildReverseIndex.addressRanges(archive, sc.defaultParallelism());
    ChunkDigests digests = new ChunkDigests();
    sc.sc().register(digests, "venti index chunk digests");
    RangeCounts counts = new RangeCounts();
    sc.sc().register(counts, "venti reverse index range counts");
    long[] firstChunks = IndexChecksum.firstChunks(archive);
    boolean drop = options.dropDuplicates();
    JavaRDD<Tuple2<Integer, byte[]>> records =
        c.shuffle()
            .batches()
            .mapPartitionsWithIndex(
                (t, it) ->
                    withTaskFiles(
                        targets,
                        files ->
                            TaskRanges.flatMap(
                                plan,
                                t,
                                it,
                                (p, batches) -> {
                                  BucketImage image =
                                      writeImage(plan, targets, files, p, batches, drop);
                                  BucketRangePartitioner part = plan.partitioner();
                                  IndexSection s = archive.sections().get(part.section(p));
                                  RecordBatches b = new RecordBatches(byAddress, image.entries());
                                  b.add(
                                      image.bytes(),
                                      s.header().blockSize(),
                                      s.header().bucketMagic(),
                                      part.start(p),
                                      part.stop(p),
                                      s.header().start(),
                                      s.header().stop(),
                                      firstChunks[part.section(p)]);
                                  digests.add(b.chunkSums());
                                  counts.add(java.util.Map.of(p, b.counts()));
                                  return b.batches().iterator();
                                })),
                true);
    return ReverseIndexOutput.write(
        archive,
        JavaPairRDD.fromJavaRDD(ledger.writes(records, targets.files())),
        byAddress,
        digests,
        counts,
        dir);
  }

  /**
   * A write task's results from {@code work}, which writes through the task's files: each file is
   * forced once the last result is taken, and closed when the task ends however it ends.
   */
  private static <T> Iterator<T> withTaskFiles(
      Targets targets, java.util.function.Function<SectionFiles, Iterator<T>> work) {
    SectionFiles files = new SectionFiles(targets.firstWrites());
    TaskContext.get()
        .addTaskCompletionListener(
            (org.apache.spark.util.TaskCompletionListener) ctx -> files.close());
    return files.forcedAtEnd(work.apply(files));
  }

  /** Builds, sorts and writes range {@code p} (forced at the task's end); returns its image. */
  private static BucketImage writeImage(
      RebuildPlan plan,
      Targets targets,
      SectionFiles files,
      int p,
      GroupBatches batches,
      boolean dropDuplicates) {
    BucketRangePartitioner part = plan.partitioner();
    IndexSection s = plan.archive().sections().get(part.section(p));
    PlannedFile file = targets.sections()[part.section(p)];
    BucketImage image = sortedImage(plan, p, batches, dropDuplicates);
    WriteHooks.get().beforeRangeWrite(p, s, file, image, targets.firstWrites());
    files.write(s, file, image);
    LOG.debug(
        "{}: buckets [{}, {}) written, {} entries (task attempt {})",
        s.ref().display(),
        part.start(p),
        part.stop(p),
        image.entries(),
        TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber());
    return image;
  }

  /**
   * Builds and sorts range {@code p}: the bytes a rebuild writes, or stages ({@code
   * job.stage.StageIndex}).
   */
  public static BucketImage sortedImage(
      RebuildPlan plan, int p, GroupBatches batches, boolean dropDuplicates) {
    BucketRangePartitioner part = plan.partitioner();
    IndexSection s = plan.archive().sections().get(part.section(p));
    BucketImage image =
        new BucketImage(part.start(p), part.stop(p), plan.archive().div(), s.header().blockSize());
    batches.addTo(image);
    image.seal(s.header().bucketMagic(), dropDuplicates);
    return image;
  }
}
