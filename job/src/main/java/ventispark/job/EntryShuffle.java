package ventispark.job;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.spark.HashPartitioner;
import org.apache.spark.MapOutputStatistics;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import ventispark.plan.BucketFill;
import ventispark.plan.BucketRangePartitioner;
import ventispark.plan.FillCounts;
import ventispark.plan.FillReport;
import ventispark.read.ArenaSplit;
import ventispark.read.ClumpEntries;
import ventispark.read.HadoopConf;
import ventispark.read.SplitLocations;
import ventispark.sort.EntryBatches;
import ventispark.write.BloomMarks;
import ventispark.write.BloomSlicing;

/**
 * The entries of a plan, shuffled to their bucket ranges: each split's entries
 * ({@link ClumpEntries}) batched per reduce partition ({@link EntryBatches}) and moved by the
 * plan's {@link BucketRangePartitioner}. Partition {@code p} of {@link #batches()} holds every
 * entry of buckets {@code [start(p), stop(p))}, in no particular order. Jobs over it reuse one
 * map output: the arenas are read once however many jobs follow. The same shuffle carries the map
 * tasks' bucket fill counts ({@link FillCounts}) in partitions of their own, after the ranges',
 * so the fill check reads the counts alone, not the entries. With a {@link BloomSlicing}, the
 * map tasks also mark the bloom filter as they read ({@link BloomMarks}), and its slices follow in
 * partitions of their own, after the fill counts': the filter costs no second read of the arenas.
 */
public final class EntryShuffle {
  private static final Logger LOG = LoggerFactory.getLogger(EntryShuffle.class);

  private final JavaSparkContext sc;
  private final RebuildPlan plan;
  private final JavaRDD<Integer> splitIds;
  private final JavaPairRDD<Integer, byte[]> shuffled;
  private final JavaRDD<byte[]> batches;
  private final JavaRDD<byte[]> fillRecords;
  private final BloomSlicing bloom;
  private final JavaRDD<byte[]> bloomRecords;
  private final SplitCountsAccumulator counts = new SplitCountsAccumulator();

  public EntryShuffle(JavaSparkContext sc, RebuildPlan plan, HadoopConf conf) {
    this(sc, plan, conf, null);
  }

  /** The shuffle of {@code plan}'s entries, and of the bloom filter's slices unless {@code bloom} is null. */
  public EntryShuffle(JavaSparkContext sc, RebuildPlan plan, HadoopConf conf, BloomSlicing bloom) {
    this.sc = sc;
    this.plan = plan;
    this.bloom = bloom;
    sc.sc().register(counts, "venti split counts");
    List<ArenaSplit> splits = plan.splits();
    BucketRangePartitioner partitioner = plan.partitioner();
    SplitCountsAccumulator acc = counts;
    int ranges = partitioner.numPartitions();
    int fillParts = fillPartitions(plan, sc.defaultParallelism());
    int bloomParts = bloom == null ? 0 : bloom.slices();
    // Split ids, not splits, are the RDD's data: the plan travels in the closure, and the
    // shuffle serializer only ever sees (partition, batch of packed entries or of fill counts).
    this.splitIds = splitIds(sc, splits, conf);
    this.shuffled = splitIds
        .flatMapToPair(id -> batchesOf(splits.get(id), conf, partitioner, fillParts, bloom, acc))
        // Keys are shuffle partitions already: the ranges', then the fill counts', then the bloom slices'.
        .partitionBy(new HashPartitioner(ranges + fillParts + bloomParts));
    this.batches = partitions(shuffled.values(), 0, ranges);
    this.fillRecords = partitions(shuffled.values(), ranges, ranges + fillParts);
    this.bloomRecords = bloom == null ? null
        : partitions(shuffled.values(), ranges + fillParts, ranges + fillParts + bloomParts);
  }

  /** Bucket counts one fill check task merges at most, as ints (when cores are fewer). */
  static final long FILL_TASK_BUCKETS = 1 << 22;

  /** As many fill check tasks as cores, or more when the index is large; at most one per range. */
  private static int fillPartitions(RebuildPlan plan, int cores) {
    BucketRangePartitioner part = plan.partitioner();
    int ranges = part.numPartitions();
    long buckets = 0;
    for (int p = 0; p < ranges; p++) {
      buckets += part.stop(p) - part.start(p);
    }
    long wanted = Math.max(cores, (buckets + FILL_TASK_BUCKETS - 1) / FILL_TASK_BUCKETS);
    return (int) Math.max(1, Math.min(ranges, wanted));
  }

  /** Partitions {@code [from, to)} of {@code rdd}, as partitions {@code [0, to - from)}. */
  private static JavaRDD<byte[]> partitions(JavaRDD<byte[]> rdd, int from, int to) {
    return PartitionPruningRDD.create(rdd.rdd(), new InRange(from, to)).toJavaRDD();
  }

  private static final class InRange extends scala.runtime.AbstractFunction1<Object, Object>
      implements java.io.Serializable {
    private final int from;
    private final int to;

    InRange(int from, int to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public Object apply(Object p) {
      int i = (Integer) p;
      return i >= from && i < to;
    }
  }

  /** One partition per split, preferring the hosts that hold the split's bytes ({@link SplitLocations}). */
  private static JavaRDD<Integer> splitIds(JavaSparkContext sc, List<ArenaSplit> splits, HadoopConf conf) {
    SplitLocations where = new SplitLocations(conf.get(), sc.getConf().get(SplitLocations.ARENA_HOSTS, null));
    List<Tuple2<Integer, scala.collection.immutable.Seq<String>>> located = IntStream.range(0, splits.size())
        .mapToObj(i -> new Tuple2<Integer, scala.collection.immutable.Seq<String>>(i,
            CollectionConverters.asScala(where.hosts(splits.get(i))).toList())).toList();
    scala.reflect.ClassTag<Integer> tag = ClassTag$.MODULE$.apply(Integer.class);
    return JavaRDD.fromRDD(sc.sc().makeRDD(CollectionConverters.asScala(located).toList(), tag), tag);
  }

  /**
   * Runs the map side alone (read every split, write the shuffle), so later jobs only read its
   * output; returns the shuffle bytes written, entries and fill counts.
   */
  public long read() {
    ShuffleDependency<?, ?, ?> dep = (ShuffleDependency<?, ?, ?>) shuffled.rdd().dependencies().head();
    try {
      MapOutputStatistics stats = sc.sc().submitMapStage(dep).get();
      long[] bytes = stats.bytesByPartitionId();
      int ranges = plan.partitioner().numPartitions();
      int bloomParts = bloom == null ? 0 : bloom.slices();
      long fillBytes = LongStream.of(bytes).skip(ranges).limit(bytes.length - ranges - bloomParts).sum();
      LOG.debug("shuffle: {} bytes of entries, {} bytes of fill counts, {} bytes of bloom filter bits",
          String.format("%,d", LongStream.of(bytes).limit(ranges).sum()), String.format("%,d", fillBytes),
          String.format("%,d", LongStream.of(bytes).skip(bytes.length - bloomParts).sum()));
      return LongStream.of(bytes).sum();
    } catch (SparkException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  public JavaRDD<byte[]> batches() {
    return batches;
  }

  public JavaRDD<Integer> splitIds() {
    return splitIds;
  }

  /** The bloom filter's slicing, or null when this shuffle does not carry the filter. */
  public BloomSlicing bloom() {
    return bloom;
  }

  /** Partition {@code s}: the records of the bloom filter's slice {@code s} ({@link BloomMarks}); null without a filter. */
  public JavaRDD<byte[]> bloomRecords() {
    return bloomRecords;
  }

  /** The C counters; complete once a job over {@link #batches()} has run. */
  public SplitCountsAccumulator counts() {
    return counts;
  }

  /**
   * Runs the fill check: merges the map tasks' counts of every bucket's entries (the entries
   * themselves are not read again); nothing is written.
   */
  public FillReport fill() {
    RebuildPlan p = plan;
    BucketRangePartitioner part = p.partitioner();
    int[] capacity = p.archive().sections().stream().mapToInt(s -> s.header().bucketCapacity()).toArray();
    List<BucketFill> fills = fillRecords.mapPartitions(it -> FillCounts.merge(part, capacity, it).iterator()).collect();
    return FillReport.of(p.archive(), p.sections(), fills);
  }

  private static Iterator<Tuple2<Integer, byte[]>> batchesOf(ArenaSplit split, HadoopConf conf,
      BucketRangePartitioner partitioner, int fillParts, BloomSlicing bloom, SplitCountsAccumulator counts) {
    int ranges = partitioner.numPartitions();
    ArrayDeque<Tuple2<Integer, byte[]>> marked = new ArrayDeque<>();
    BloomMarks marks = bloom == null ? null
        : new BloomMarks(bloom, (s, record) -> marked.addLast(new Tuple2<>(ranges + fillParts + s, record)));
    ClumpEntries entries = new ClumpEntries(split, conf.get(), partitioner.div(), partitioner::partitionOfBucket, marks);
    entries.visitCorrupt(bloom != null && bloom.withCorrupt());
    EntryBatches batches = new EntryBatches(entries, partitioner,
        p -> ranges + (int) ((long) p * fillParts / ranges));
    return new Iterator<>() {
      private boolean ended;

      @Override
      public boolean hasNext() {
        if (!marked.isEmpty() || batches.hasNext()) {
          return true;
        }
        if (!ended) {
          ended = true;
          entries.close();
          counts.add(entries.counts());
          LOG.debug("read {}: {} entries", split.describe(), entries.counts().arenaEntries());
          if (marks != null) {
            marks.flush();
          }
        }
        return !marked.isEmpty();
      }

      @Override
      public Tuple2<Integer, byte[]> next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return marked.isEmpty() ? batches.next() : marked.removeFirst();
      }
    };
  }
}
