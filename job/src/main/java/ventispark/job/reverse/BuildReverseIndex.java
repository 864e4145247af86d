package ventispark.job.reverse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import ventispark.format.IEntry;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.HadoopConf;
import ventispark.read.IndexSection;
import ventispark.read.PartitionReader;
import ventispark.reverse.AddressRanges;
import ventispark.reverse.ChunkDigests;
import ventispark.reverse.IndexChecksum;
import ventispark.reverse.RangeCounts;
import ventispark.reverse.RecordBatches;
import ventispark.reverse.ReverseIndexFile;
import ventispark.write.IndexLocks;
import ventispark.write.WritePlan;

/**
 * Builds the reverse index of an existing index ({@code REVERSE-INDEX.md}): tasks read
 * chunk-aligned bucket ranges of each section, digest the chunks and emit a record per entry
 * ({@link RecordBatches}); {@link ReverseIndexOutput} sorts and writes them. A rebuild makes the
 * same file from its write tasks' images instead ({@code buildindex --reverse-index DIR}).
 */
public final class BuildReverseIndex {
  /** Index bytes a read task handles. */
  static final long TASK_BYTES = 64L << 20;

  /**
   * Record bytes a sort task handles: small enough for its radix sort to work in the CPU caches
   * (10M records sort in about half the time in ranges of 250,000 records as of 5,000,000), large
   * enough that task starts do not add up (8 and 16 MiB measured the same at 10M clumps).
   */
  static final long RANGE_RECORD_BYTES = 8L << 20;

  /**
   * At most this many address ranges: beyond, ranges grow instead (2^16 ranges of 8 MiB: 34G
   * records).
   */
  static final int MAX_RANGES = 1 << 16;

  private final JavaSparkContext sc;

  public record Result(Path file, long entries, byte[] indexSum, long millis) {}

  public BuildReverseIndex(JavaSparkContext sc) {
    this.sc = sc;
  }

  public Result run(String config, Path dir) {
    long t0 = System.currentTimeMillis();
    HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
    Archive archive = new ArchiveLoader(conf.get()).load(config);
    WritePlan.of(archive, List.of(), false, List.of(), List.of(dir), conf.get()).probe();
    ReverseIndexOutput.check(archive, dir);
    try (IndexLocks locks =
        IndexLocks.acquireShared(archive.sections().stream().map(IndexSection::ref).toList())) {
      return build(archive, conf, dir, t0); // never from a half-rebuilt index
    }
  }

  private Result build(Archive archive, HadoopConf conf, Path dir, long t0) {
    List<long[]> ranges = ranges(archive);
    AddressRanges byAddress = addressRanges(archive, sc.defaultParallelism());
    ChunkDigests digests = new ChunkDigests();
    sc.sc().register(digests, "venti index chunk digests");
    RangeCounts counts = new RangeCounts();
    sc.sc().register(counts, "venti reverse index range counts");
    long[] firstChunks = IndexChecksum.firstChunks(archive);
    sc.setJobDescription("venti: reverse index of " + archive.config());
    JavaPairRDD<Integer, byte[]> records =
        sc.parallelize(
                IntStream.range(0, ranges.size()).boxed().toList(), Math.max(1, ranges.size()))
            .flatMapToPair(
                t -> {
                  long[] r = ranges.get(t);
                  IndexSection s = archive.sections().get((int) r[0]);
                  byte[] blocks = new byte[(int) ((r[2] - r[1]) * s.header().blockSize())];
                  try (PartitionReader in = PartitionReader.open(s.ref(), conf.get())) {
                    in.readFully(s.offsetOf(r[1]), blocks, 0, blocks.length);
                  }
                  RecordBatches b = new RecordBatches(byAddress, blocks.length / IEntry.SIZE / 2);
                  b.add(
                      blocks,
                      s.header().blockSize(),
                      s.header().bucketMagic(),
                      r[1],
                      r[2],
                      s.header().start(),
                      s.header().stop(),
                      firstChunks[(int) r[0]]);
                  digests.add(b.chunkSums());
                  counts.add(
                      java.util.Map.of(org.apache.spark.TaskContext.getPartitionId(), b.counts()));
                  return b.batches().iterator();
                });
    ReverseIndexOutput.Result r =
        ReverseIndexOutput.write(archive, records, byAddress, digests, counts, dir);
    sc.setJobDescription(null);
    return new Result(r.file(), r.entries(), r.indexSum(), System.currentTimeMillis() - t0);
  }

  /** The address ranges of a reverse index: about {@link #RANGE_RECORD_BYTES} of records each. */
  public static AddressRanges addressRanges(Archive archive, int cores) {
    // Two ranges per core at least: the ranges hold unequal record counts (duplicates, open
    // arenas).
    long ranges = archive.clumps() * ReverseIndexFile.RECORD_SIZE / RANGE_RECORD_BYTES + 1;
    return AddressRanges.of(archive, (int) Math.max(2L * cores, Math.min(MAX_RANGES, ranges)));
  }

  /**
   * {section, from, to}: chunk-aligned bucket ranges of about {@link #TASK_BYTES}, within one
   * section.
   */
  private static List<long[]> ranges(Archive archive) {
    List<long[]> out = new ArrayList<>();
    for (int s = 0; s < archive.sections().size(); s++) {
      IndexSection sec = archive.sections().get(s);
      long step =
          Math.max(1, TASK_BYTES / ((long) IndexChecksum.CHUNK_BUCKETS * sec.header().blockSize()))
              * IndexChecksum.CHUNK_BUCKETS;
      for (long from = sec.header().start(); from < sec.header().stop(); from += step) {
        out.add(new long[] {s, from, Math.min(sec.header().stop(), from + step)});
      }
    }
    return out;
  }
}
