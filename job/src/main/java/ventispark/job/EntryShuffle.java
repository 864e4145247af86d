package ventispark.job;

import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.spark.MapOutputStatistics;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import ventispark.plan.BucketFill;
import ventispark.plan.BucketRangePartitioner;
import ventispark.plan.FillReport;
import ventispark.read.ArenaSplit;
import ventispark.read.ClumpEntries;
import ventispark.read.HadoopConf;
import ventispark.read.IndexSection;
import ventispark.read.SplitLocations;
import ventispark.sort.EntryBatches;

/**
 * The entries of a plan, shuffled to their bucket ranges: each split's entries
 * ({@link ClumpEntries}) batched per reduce partition ({@link EntryBatches}) and moved by the
 * plan's {@link BucketRangePartitioner}. Partition {@code p} of {@link #batches()} holds every
 * entry of buckets {@code [start(p), stop(p))}, in no particular order. Jobs over it reuse one
 * map output: the arenas are read once however many jobs follow.
 */
public final class EntryShuffle {
  private static final Logger LOG = LoggerFactory.getLogger(EntryShuffle.class);

  private final JavaSparkContext sc;
  private final RebuildPlan plan;
  private final JavaRDD<Integer> splitIds;
  private final JavaPairRDD<Integer, byte[]> shuffled;
  private final JavaRDD<byte[]> batches;
  private final SplitCountsAccumulator counts = new SplitCountsAccumulator();

  public EntryShuffle(JavaSparkContext sc, RebuildPlan plan, HadoopConf conf) {
    this.sc = sc;
    this.plan = plan;
    sc.sc().register(counts, "venti split counts");
    List<ArenaSplit> splits = plan.splits();
    BucketRangePartitioner partitioner = plan.partitioner();
    SplitCountsAccumulator acc = counts;
    // Split ids, not splits, are the RDD's data: the plan travels in the closure, and the
    // shuffle serializer only ever sees (partition, batch of packed entries).
    this.splitIds = splitIds(sc, splits, conf);
    this.shuffled = splitIds
        .flatMapToPair(id -> batchesOf(splits.get(id), conf, partitioner, acc))
        .partitionBy(partitioner);
    this.batches = shuffled.values();
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
   * output; returns the shuffle bytes written.
   */
  public long read() {
    ShuffleDependency<?, ?, ?> dep = (ShuffleDependency<?, ?, ?>) shuffled.rdd().dependencies().head();
    try {
      MapOutputStatistics stats = sc.sc().submitMapStage(dep).get();
      return LongStream.of(stats.bytesByPartitionId()).sum();
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

  /** The C counters; complete once a job over {@link #batches()} has run. */
  public SplitCountsAccumulator counts() {
    return counts;
  }

  /** Runs the fill check: counts every bucket's entries; nothing is written. */
  public FillReport fill() {
    RebuildPlan p = plan;
    List<BucketFill> fills = batches
        .mapPartitionsWithIndex((i, it) -> List.of(scanFill(p, i, it)).iterator(), true)
        .collect();
    return FillReport.of(p.archive(), p.sections(), fills);
  }

  private static BucketFill scanFill(RebuildPlan plan, int p, Iterator<byte[]> batches) {
    BucketRangePartitioner part = plan.partitioner();
    IndexSection s = plan.archive().sections().get(part.section(p));
    return BucketFill.scan(p, part.section(p), s.header().bucketCapacity(), part.start(p), part.stop(p),
        plan.archive().div(), batches);
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
        LOG.debug("read {}: {} entries", split.describe(), entries.counts().arenaEntries());
        return false;
      }

      @Override
      public Tuple2<Integer, byte[]> next() {
        return batches.next();
      }
    };
  }
}
