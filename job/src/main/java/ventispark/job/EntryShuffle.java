package ventispark.job;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.spark.MapOutputStatistics;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.rdd.ShuffledRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.math.Ordering;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import ventispark.job.spark.BatchSerializer;
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
 * The entries of a plan, shuffled to their write tasks: each split's entries ({@link ClumpEntries})
 * sorted and batched per range group ({@link EntryBatches}; {@link BucketRangePartitioner#groups}),
 * keyed by group and moved to the write task that builds its ranges ({@link WriteTaskPartitioner}).
 * Partition {@code t} of {@link #batches()} holds every entry of the ranges of write task {@code t}
 * as {@code (group, batch)}, sorted by group (Spark's reduce-side sort, which spills to disk rather
 * than run out of memory), so the task builds its ranges one after another ({@link TaskRanges}).
 * Jobs over it reuse one map output: the arenas are read once however many jobs follow. The same
 * shuffle carries the map tasks' bucket fill counts ({@link FillCounts}) in partitions of their
 * own, after the write tasks' (keys after the groups'), so the fill check reads the counts alone,
 * not the entries. With a {@link BloomSlicing}, the map tasks also mark the bloom filter as they
 * read ({@link BloomMarks}), and its slices follow in partitions of their own, after the fill
 * counts': the filter costs no second read of the arenas.
 */
public final class EntryShuffle {
  private static final Logger LOG = LoggerFactory.getLogger(EntryShuffle.class);

  private final JavaSparkContext sc;
  private final RebuildPlan plan;
  private final JavaRDD<Integer> splitIds;
  private final JavaPairRDD<Integer, byte[]> shuffled;
  private final JavaRDD<Tuple2<Integer, byte[]>> batches;
  private final JavaRDD<byte[]> fillRecords;
  private final BloomSlicing bloom;
  private final JavaRDD<byte[]> bloomRecords;
  private final SplitCountsAccumulator counts = new SplitCountsAccumulator();

  public EntryShuffle(JavaSparkContext sc, RebuildPlan plan, HadoopConf conf) {
    this(sc, plan, conf, null);
  }

  /**
   * The shuffle of {@code plan}'s entries, and of the bloom filter's slices unless {@code bloom} is
   * null.
   */
  public EntryShuffle(JavaSparkContext sc, RebuildPlan plan, HadoopConf conf, BloomSlicing bloom) {
    this.sc = sc;
    this.plan = plan;
    this.bloom = bloom;
    sc.sc().register(counts, "venti split counts");
    List<ArenaSplit> splits = plan.splits();
    BucketRangePartitioner partitioner = plan.partitioner();
    SplitCountsAccumulator acc = counts;
    int tasks = partitioner.tasks();
    int fillParts = fillPartitions(plan, sc.defaultParallelism());
    int bloomParts = bloom == null ? 0 : bloom.slices();
    WriteMemory.Executors executors = WriteMemory.Executors.of(sc.master(), sc.getConf());
    double fraction = executors.fraction();
    int slots = executors.tasks();
    // Split ids, not splits, are the RDD's data: the plan travels in the closure, and the
    // shuffle serializer only ever sees (partition, batch of packed entries or of fill counts).
    this.splitIds = splitIds(sc, splits, conf);
    JavaPairRDD<Integer, byte[]> records =
        splitIds.flatMapToPair(
            id ->
                batchesOf(
                    splits.get(id),
                    conf,
                    partitioner,
                    fillParts,
                    WriteMemory.mapBufferEntriesHere(fraction, slots),
                    bloom,
                    acc));
    // Keys are range groups, then the fill counts' partitions, then the bloom slices'; sorted, so
    // each task's ranges come in order (as repartitionAndSortWithinPartitions does, with the
    // records' own serializer).
    this.shuffled =
        JavaPairRDD.fromRDD(
            new ShuffledRDD<Integer, byte[], byte[]>(
                    records.rdd(),
                    new WriteTaskPartitioner(partitioner, fillParts + bloomParts),
                    INT,
                    BYTES,
                    BYTES)
                .setSerializer(new BatchSerializer())
                .setKeyOrdering(Ordering.comparatorToOrdering(ByKey.INSTANCE)),
            INT,
            BYTES);
    this.batches = partitions(shuffled.rdd().toJavaRDD(), 0, tasks);
    this.fillRecords = partitions(shuffled.values(), tasks, tasks + fillParts);
    this.bloomRecords =
        bloom == null
            ? null
            : partitions(shuffled.values(), tasks + fillParts, tasks + fillParts + bloomParts);
  }

  private static final ClassTag<Integer> INT = ClassTag$.MODULE$.apply(Integer.class);
  private static final ClassTag<byte[]> BYTES = ClassTag$.MODULE$.apply(byte[].class);

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

  /** The shuffle keys' order: groups ascending. */
  private static final class ByKey implements java.util.Comparator<Integer>, java.io.Serializable {
    static final ByKey INSTANCE = new ByKey();

    @Override
    public int compare(Integer a, Integer b) {
      return Integer.compare(a, b);
    }
  }

  /** The fill partition of range {@code p}: ranges in order, in equal shares. */
  private static int fillOfRange(int p, int ranges, int fillParts) {
    return (int) ((long) p * fillParts / ranges);
  }

  /**
   * The first range whose fill counts go to fill partition {@code f}; {@code fillParts} gives the
   * end.
   */
  private static int firstRangeOfFill(BucketRangePartitioner part, int fillParts, int f) {
    int ranges = part.numPartitions();
    int p = (int) Math.min(ranges, (long) f * ranges / fillParts);
    while (p > 0 && fillOfRange(p - 1, ranges, fillParts) >= f) {
      p--;
    }
    while (p < ranges && fillOfRange(p, ranges, fillParts) < f) {
      p++;
    }
    return p;
  }

  /** Partitions {@code [from, to)} of {@code rdd}, as partitions {@code [0, to - from)}. */
  private static <T> JavaRDD<T> partitions(JavaRDD<T> rdd, int from, int to) {
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

  /**
   * One partition per split, preferring the hosts that hold the split's bytes ({@link
   * SplitLocations}).
   */
  private static JavaRDD<Integer> splitIds(
      JavaSparkContext sc, List<ArenaSplit> splits, HadoopConf conf) {
    SplitLocations where =
        new SplitLocations(conf.get(), sc.getConf().get(SplitLocations.ARENA_HOSTS, null));
    List<Tuple2<Integer, scala.collection.immutable.Seq<String>>> located =
        IntStream.range(0, splits.size())
            .mapToObj(
                i ->
                    new Tuple2<Integer, scala.collection.immutable.Seq<String>>(
                        i, CollectionConverters.asScala(where.hosts(splits.get(i))).toList()))
            .toList();
    scala.reflect.ClassTag<Integer> tag = ClassTag$.MODULE$.apply(Integer.class);
    return JavaRDD.fromRDD(
        sc.sc().makeRDD(CollectionConverters.asScala(located).toList(), tag), tag);
  }

  /**
   * Runs the map side alone (read every split, write the shuffle), so later jobs only read its
   * output; returns the shuffle bytes written, entries and fill counts.
   */
  public long read() {
    ShuffleDependency<?, ?, ?> dep =
        (ShuffleDependency<?, ?, ?>) shuffled.rdd().dependencies().head();
    try {
      MapOutputStatistics stats = sc.sc().submitMapStage(dep).get();
      long[] bytes = stats.bytesByPartitionId();
      int tasks = plan.partitioner().tasks();
      int bloomParts = bloom == null ? 0 : bloom.slices();
      long fillBytes =
          LongStream.of(bytes).skip(tasks).limit(bytes.length - tasks - bloomParts).sum();
      LOG.debug(
          "shuffle: {} bytes of entries, {} bytes of fill counts, {} bytes of bloom filter bits",
          String.format(Locale.ROOT, "%,d", LongStream.of(bytes).limit(tasks).sum()),
          String.format(Locale.ROOT, "%,d", fillBytes),
          String.format(
              Locale.ROOT, "%,d", LongStream.of(bytes).skip(bytes.length - bloomParts).sum()));
      return LongStream.of(bytes).sum();
    } catch (SparkException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Partition {@code t}: write task {@code t}'s {@code (group, batch)}, sorted by group. */
  public JavaRDD<Tuple2<Integer, byte[]>> batches() {
    return batches;
  }

  public JavaRDD<Integer> splitIds() {
    return splitIds;
  }

  /** The bloom filter's slicing, or null when this shuffle does not carry the filter. */
  public BloomSlicing bloom() {
    return bloom;
  }

  /**
   * Partition {@code s}: the records of the bloom filter's slice {@code s} ({@link BloomMarks});
   * null without a filter.
   */
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
    int[] capacity =
        p.archive().sections().stream().mapToInt(s -> s.header().bucketCapacity()).toArray();
    int fillParts = fillRecords.getNumPartitions();
    List<BucketFill> fills =
        fillRecords
            .mapPartitionsWithIndex(
                (f, it) ->
                    FillCounts.merge(
                            part,
                            capacity,
                            firstRangeOfFill(part, fillParts, f),
                            firstRangeOfFill(part, fillParts, f + 1),
                            it)
                        .iterator(),
                true)
            .collect();
    return FillReport.of(p.archive(), p.sections(), fills);
  }

  private static Iterator<Tuple2<Integer, byte[]>> batchesOf(
      ArenaSplit split,
      HadoopConf conf,
      BucketRangePartitioner partitioner,
      int fillParts,
      int maxBuffer,
      BloomSlicing bloom,
      SplitCountsAccumulator counts) {
    int ranges = partitioner.numPartitions();
    int groups = partitioner.groups();
    ArrayDeque<Tuple2<Integer, byte[]>> marked = new ArrayDeque<>();
    BloomMarks marks =
        bloom == null
            ? null
            : new BloomMarks(
                bloom, (s, record) -> marked.addLast(new Tuple2<>(groups + fillParts + s, record)));
    ClumpEntries entries =
        new ClumpEntries(split, conf.get(), partitioner.div(), partitioner::covers, marks);
    entries.visitCorrupt(bloom != null && bloom.withCorrupt());
    EntryBatches batches =
        new EntryBatches(
            entries,
            partitioner,
            p -> groups + fillOfRange(p, ranges, fillParts),
            Math.min(maxBuffer, EntryBatches.maxBufferEntriesFor(split.clumps())));
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
