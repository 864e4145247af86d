package ventispark.job;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import ventispark.format.FormatException;
import ventispark.plan.BucketFill;
import ventispark.plan.BucketRangePartitioner;
import ventispark.plan.PartitionPlanner;
import ventispark.plan.SplitPlanner;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.ArenaSplit;
import ventispark.read.ClumpEntries;
import ventispark.read.HadoopConf;
import ventispark.read.IndexSection;
import ventispark.sort.BucketImage;
import ventispark.sort.EntryBatches;
import ventispark.write.BloomBuilder;
import ventispark.write.BucketRangeWriter;

/**
 * The Spark rebuild of a Venti index, the distributed {@code buildindex}:
 *
 * <ol>
 *   <li>driver: load and validate config, arenas and index geometry ({@link ArchiveLoader});
 *   <li>map: each {@link ArenaSplit} yields packed entries ({@link ClumpEntries}), batched per
 *       reduce partition ({@link EntryBatches});
 *   <li>shuffle: {@link BucketRangePartitioner}, contiguous bucket ranges of one section each;
 *   <li>check: count every range's bucket fill; an overflow stops here, nothing written;
 *   <li>sort and write: each range is built in memory, sorted per bucket in the C order and
 *       written whole ({@link BucketImage}, {@link BucketRangeWriter});
 *   <li>bloom (when enabled): {@link BloomBuilder}.
 * </ol>
 *
 * Steps 4 and 5 are two Spark jobs over one shuffle: the second reuses the first's map output.
 */
public final class BuildIndex {
  private static final Logger LOG = LoggerFactory.getLogger(BuildIndex.class);

  /** Default splits hold at least this many clumps: a task costs ~15 ms to schedule and start. */
  static final long MIN_SPLIT_CLUMPS = 250_000;

  private final JavaSparkContext sc;
  private final BuildIndexOptions options;

  public BuildIndex(JavaSparkContext sc, BuildIndexOptions options) {
    this.sc = sc;
    this.options = options;
  }

  /** Rebuilds the index of the archive named by {@code config}. */
  public BuildSummary run(String config) {
    long t0 = System.currentTimeMillis();
    Map<String, Long> phases = new LinkedHashMap<>();
    ShuffleMeter shuffle = new ShuffleMeter();
    sc.sc().addSparkListener(shuffle);
    try {
      return run(config, t0, phases, shuffle);
    } finally {
      sc.sc().removeSparkListener(shuffle);
    }
  }

  private BuildSummary run(String config, long t0, Map<String, Long> phases, ShuffleMeter shuffle) {
    HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
    Archive archive = new ArchiveLoader(conf.get()).load(config);
    List<Integer> rebuilt = selectSections(archive);
    boolean bloom = bloomEnabled(archive);
    LOG.info("{} clumps, {} buckets in {} sections, {} arenas in {} partitions", String.format("%,d", archive.clumps()),
        String.format("%,d", archive.buckets()), archive.sections().size(), archive.arenas().size(),
        archive.partitions().size());

    int cores = sc.defaultParallelism();
    long splitClumps = options.splitClumps() > 0 ? options.splitClumps()
        : Math.max(MIN_SPLIT_CLUMPS, archive.clumps() / (8L * cores));
    List<ArenaSplit> splits = SplitPlanner.plan(archive, splitClumps);
    BucketRangePartitioner partitioner = PartitionPlanner.plan(archive, rebuilt, options.partitionBytes(), cores,
        options.partitions());
    LOG.info("plan: {} map splits, {} reduce partitions", splits.size(), partitioner.numPartitions());
    long t = lap(phases, "load", t0);

    SplitCountsAccumulator counts = new SplitCountsAccumulator();
    sc.sc().register(counts, "venti split counts");
    // Split ids, not splits, are the RDD's data: the plan travels in the closure, and the
    // shuffle serializer only ever sees (partition, batch of packed entries).
    JavaRDD<Integer> splitIds = sc.parallelize(IntStream.range(0, splits.size()).boxed().toList(),
        Math.max(1, splits.size()));
    JavaRDD<byte[]> batches = splitIds
        .flatMapToPair(id -> batchesOf(splits.get(id), conf, partitioner, counts))
        .partitionBy(partitioner)
        .values();

    sc.setJobDescription("venti: read arenas, check bucket fill");
    List<BucketFill> fills = batches
        .mapPartitionsWithIndex((p, it) -> List.of(scanFill(p, it, archive, partitioner)).iterator(), true)
        .collect();
    checkFill(archive, fills);
    t = lap(phases, "read and check", t);

    sc.setJobDescription("venti: sort and write index sections");
    List<Long> written = batches
        .mapPartitionsWithIndex((p, it) -> List.of(writeRange(p, it, archive, partitioner)).iterator(), true)
        .collect();
    t = lap(phases, "sort and write", t);
    List<BuildSummary.SectionResult> results = sectionResults(archive, rebuilt, partitioner, fills, written);
    for (BuildSummary.SectionResult r : results) {
      LOG.info("{}: {} buckets written, {} entries, fullest bucket {}/{}", r.name(), String.format("%,d", r.buckets()),
          String.format("%,d", r.entries()), r.maxFill(), r.capacity());
    }

    long bloomBits = -1;
    if (bloom) {
      sc.setJobDescription("venti: rebuild bloom filter " + archive.bloom().display());
      bloomBits = BloomBuilder.build(splitIds, splits, cores, archive, conf);
      lap(phases, "bloom", t);
      LOG.info("{}: bloom filter written, {} bits set", archive.bloom().display(), String.format("%,d", bloomBits));
    }
    sc.setJobDescription(null);
    BuildSummary summary = new BuildSummary(archive.clumps(), archive.buckets(), counts.arenaEntries(),
        counts.indexed(), counts.skipped(), results, bloomBits, shuffle.bytes(), phases,
        System.currentTimeMillis() - t0);
    LOG.info(summary.doneLine());
    return summary;
  }

  private static long lap(Map<String, Long> phases, String phase, long since) {
    long now = System.currentTimeMillis();
    phases.put(phase, now - since);
    return now;
  }

  private List<Integer> selectSections(Archive archive) {
    List<Integer> out = new ArrayList<>();
    for (String name : options.sections()) {
      int found = -1;
      for (int i = 0; i < archive.sections().size(); i++) {
        if (archive.sections().get(i).name().equals(name)) {
          found = i;
        }
      }
      if (found < 0) {
        throw new FormatException("-i " + name + ": no index section of that name in " + archive.config()
            + " (sections: " + archive.sections().stream().map(IndexSection::name).toList() + ")");
      }
      if (!out.contains(found)) {
        out.add(found);
      }
    }
    if (out.isEmpty()) {
      for (int i = 0; i < archive.sections().size(); i++) {
        out.add(i);
      }
    }
    out.sort(null);
    return out;
  }

  private boolean bloomEnabled(Archive archive) {
    if (options.bloom() && archive.bloom() == null) {
      throw new FormatException("-b: " + archive.config() + " names no bloom filter (add a 'bloom FILE' line)");
    }
    return archive.bloom() != null && (options.sections().isEmpty() || options.bloom());
  }

  private static Iterator<Tuple2<Integer, byte[]>> batchesOf(ArenaSplit split, HadoopConf conf,
      BucketRangePartitioner partitioner, SplitCountsAccumulator counts) {
    ClumpEntries entries = new ClumpEntries(split, conf.get(), partitioner.div(), partitioner::partitionOfBucket, null);
    EntryBatches batches = new EntryBatches(entries, partitioner.numPartitions());
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        if (batches.hasNext()) {
          return true;
        }
        entries.close();
        counts.add(entries.counts());
        LOG.info("read {}: {} entries", split.describe(), entries.counts().arenaEntries());
        return false;
      }

      @Override
      public Tuple2<Integer, byte[]> next() {
        return batches.next();
      }
    };
  }

  private static BucketFill scanFill(int p, Iterator<byte[]> batches, Archive archive, BucketRangePartitioner part) {
    IndexSection s = archive.sections().get(part.section(p));
    return BucketFill.scan(p, part.section(p), s.header().bucketCapacity(), part.start(p), part.stop(p), archive.div(),
        batches);
  }

  private static long writeRange(int p, Iterator<byte[]> batches, Archive archive, BucketRangePartitioner part) {
    IndexSection s = archive.sections().get(part.section(p));
    BucketImage image = new BucketImage(part.start(p), part.stop(p), archive.div(), s.header().blockSize());
    image.addAll(batches);
    image.seal(s.header().bucketMagic());
    BucketRangeWriter.write(s, image);
    LOG.debug("{}: buckets [{}, {}) written, {} entries (task attempt {})", s.ref().display(), part.start(p),
        part.stop(p), image.entries(), TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber());
    return image.entries();
  }

  /** Refuses an index that would overflow, naming the buckets and how much larger it must be. */
  static void checkFill(Archive archive, List<BucketFill> fills) {
    long overflowing = fills.stream().mapToLong(BucketFill::overflowCount).sum();
    if (overflowing == 0) {
      return;
    }
    BucketFill worst = fills.stream().max((a, b) -> Integer.compare(a.maxFill(), b.maxFill())).orElseThrow();
    IndexSection s = archive.sections().get(worst.section());
    int cap = s.header().bucketCapacity();
    long[] first = fills.stream().filter(f -> f.overflowCount() > 0).findFirst().orElseThrow().overflows().get(0);
    // Fill scales inversely with the bucket count: the fullest bucket must shrink below capacity.
    double factor = (double) worst.maxFill() / cap;
    long needBuckets = (long) Math.ceil(archive.buckets() * factor);
    throw new IndexOverflowException(String.format(
        "%s: bucket overflow: bucket %d holds %d entries, capacity %d (%d-byte buckets); %,d buckets overflow, the "
            + "fullest (bucket %d) holds %d. The index must be about %.0f%% larger (at least %,d buckets instead of %,d). "
            + "Nothing was written.",
        s.ref().display(), first[0], first[1], cap, s.header().blockSize(), overflowing, worst.maxFillBucket(),
        worst.maxFill(), (factor - 1) * 100, needBuckets, archive.buckets()));
  }

  private static List<BuildSummary.SectionResult> sectionResults(Archive archive, List<Integer> rebuilt,
      BucketRangePartitioner part, List<BucketFill> fills, List<Long> written) {
    List<BuildSummary.SectionResult> out = new ArrayList<>();
    for (int s : rebuilt) {
      long entries = 0;
      long nonEmpty = 0;
      int maxFill = 0;
      for (int p = 0; p < part.numPartitions(); p++) {
        if (part.section(p) == s) {
          entries += written.get(p);
          nonEmpty += fills.get(p).nonEmpty();
          maxFill = Math.max(maxFill, fills.get(p).maxFill());
        }
      }
      IndexSection sec = archive.sections().get(s);
      out.add(new BuildSummary.SectionResult(sec.ref().display(), sec.buckets(), entries, nonEmpty, maxFill,
          sec.header().bucketCapacity()));
    }
    return out;
  }
}
