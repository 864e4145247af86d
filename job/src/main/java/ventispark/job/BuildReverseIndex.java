package ventispark.job;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import ventispark.format.IEntry;
import ventispark.format.Venti;
import ventispark.read.Arena;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.HadoopConf;
import ventispark.read.IndexSection;
import ventispark.read.PartitionReader;
import ventispark.reverse.ChunkDigests;
import ventispark.reverse.IndexChecksum;
import ventispark.reverse.RecordSort;
import ventispark.reverse.ReverseIndexFile;

/**
 * Builds the reverse index of an existing index ({@code REVERSE-INDEX.md}) with Spark:
 *
 * <ol>
 *   <li>read: tasks read chunk-aligned bucket ranges of the index, digest each chunk for the
 *       index checksum, and emit a 16-byte record per entry (address, bucket, slot), batched by
 *       address range;
 *   <li>sort: each address range is radix-sorted by address and written as a part file;
 *   <li>assemble (driver): header, the parts in order, and the trailer are streamed into
 *       {@code <index>-<checksum>.vrev}, renamed into place atomically; older reverse indexes of
 *       the same index are removed (they can only be stale).
 * </ol>
 *
 * No task holds more than its range; the driver streams. The output directory must be reachable
 * by every executor (a shared mount on a cluster), like the index sections.
 */
public final class BuildReverseIndex {
  private static final Logger LOG = LoggerFactory.getLogger(BuildReverseIndex.class);

  /** Index bytes a read task handles, and record bytes a sort task handles. */
  static final long TASK_BYTES = 64L << 20;

  private final JavaSparkContext sc;

  public record Result(Path file, long entries, byte[] indexSum, long millis) {}

  public BuildReverseIndex(JavaSparkContext sc) {
    this.sc = sc;
  }

  public Result run(String config, Path dir) {
    long t0 = System.currentTimeMillis();
    HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
    Archive archive = new ArchiveLoader(conf.get()).load(config);
    Path work = dir.resolve(".vrev-build-" + UUID.randomUUID());
    try {
      Files.createDirectories(work);
      Result r = build(archive, conf, dir, work, t0);
      LOG.info("{}: {} records", r.file(), String.format("%,d", r.entries()));
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
    } finally {
      deleteTree(work);
    }
  }

  private Result build(Archive archive, HadoopConf conf, Path dir, Path work, long t0) throws IOException {
    long buckets = archive.buckets();
    long chunks = IndexChecksum.chunks(buckets);
    long chunksPerTask = Math.max(1, TASK_BYTES / ((long) IndexChecksum.CHUNK_BUCKETS * archive.blockSize()));
    int tasks = (int) ((chunks + chunksPerTask - 1) / chunksPerTask);
    AddressRanges ranges = AddressRanges.of(archive, Math.max(sc.defaultParallelism(),
        (int) (archive.clumps() * ReverseIndexFile.RECORD_SIZE / TASK_BYTES) + 1));
    ChunkDigests digests = new ChunkDigests();
    sc.sc().register(digests, "venti index chunk digests");
    String workDir = work.toString();
    sc.setJobDescription("venti: reverse index of " + archive.config());
    List<Long> counts = sc.parallelize(IntStream.range(0, tasks).boxed().toList(), Math.max(1, tasks))
        .flatMapToPair(t -> recordsOf(archive, conf, t, chunksPerTask, ranges, digests))
        .partitionBy(ranges)
        .values()
        .mapPartitionsWithIndex((p, it) -> List.of(writePart(Path.of(workDir), p, it)).iterator(), true)
        .collect();
    sc.setJobDescription(null);
    byte[] indexSum = IndexChecksum.combine(buckets, digests.inOrder(chunks));
    long entries = counts.stream().mapToLong(Long::longValue).sum();
    String name = ReverseIndexFile.name(archive.indexName(), indexSum);
    Path tmp = dir.resolve("." + name + ".tmp");
    assemble(tmp, work, counts.size(), entries, buckets, indexSum);
    Path file = dir.resolve(name);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (Path stale : ReverseIndexFile.find(dir, archive.indexName())) {
      if (!stale.equals(file)) {
        Files.delete(stale);
        LOG.info("{}: removed, it belonged to an earlier index", stale);
      }
    }
    return new Result(file, entries, indexSum, System.currentTimeMillis() - t0);
  }

  /** The records of one chunk-aligned bucket range, and its chunk digests. */
  private static Iterator<Tuple2<Integer, byte[]>> recordsOf(Archive archive, HadoopConf conf, int task,
      long chunksPerTask, AddressRanges ranges, ChunkDigests digests) {
    int bs = archive.blockSize();
    long from = task * chunksPerTask * IndexChecksum.CHUNK_BUCKETS;
    long to = Math.min(archive.buckets(), (task + 1) * chunksPerTask * IndexChecksum.CHUNK_BUCKETS);
    byte[] blocks = new byte[(int) ((to - from) * bs)];
    for (IndexSection s : archive.sections()) {
      long a = Math.max(from, s.header().start());
      long b = Math.min(to, s.header().stop());
      if (a < b) {
        try (PartitionReader in = PartitionReader.open(s.ref(), conf.get())) {
          in.readFully(s.offsetOf(a), blocks, (int) ((a - from) * bs), (int) ((b - a) * bs));
        }
      }
    }
    IndexChecksum sum = new IndexChecksum();
    Map<Long, byte[]> chunkSums = new HashMap<>();
    byte[][] out = new byte[ranges.numPartitions()][];
    int[] fill = new int[out.length];
    for (long bucket = from; bucket < to; bucket++) {
      int off = (int) ((bucket - from) * bs);
      int magic = archive.sections().get(archive.sectionOf(bucket)).header().bucketMagic();
      int n = sum.bucket(blocks, off, bs, magic);
      for (int slot = 0; slot < n; slot++) {
        long addr = IEntry.addr(blocks, off + Venti.BUCKET_HEAD_SIZE + slot * IEntry.SIZE);
        int p = ranges.of(addr);
        if (out[p] == null || fill[p] == out[p].length) {
          out[p] = out[p] == null ? new byte[1024 * ReverseIndexFile.RECORD_SIZE] : Arrays.copyOf(out[p], out[p].length * 2);
        }
        ReverseIndexFile.putRecord(out[p], fill[p], addr, bucket, slot);
        fill[p] += ReverseIndexFile.RECORD_SIZE;
      }
      if ((bucket + 1) % IndexChecksum.CHUNK_BUCKETS == 0 || bucket + 1 == archive.buckets()) {
        chunkSums.put(bucket / IndexChecksum.CHUNK_BUCKETS, sum.chunk());
      }
    }
    digests.add(chunkSums);
    List<Tuple2<Integer, byte[]>> batches = new ArrayList<>();
    for (int p = 0; p < out.length; p++) {
      if (fill[p] > 0) {
        batches.add(new Tuple2<>(p, Arrays.copyOf(out[p], fill[p])));
      }
    }
    return batches.iterator();
  }

  /** Sorts one address range's records and writes them as a part file; returns the record count. */
  private static long writePart(Path work, int p, Iterator<byte[]> batches) throws IOException {
    List<byte[]> all = new ArrayList<>();
    long bytes = 0;
    while (batches.hasNext()) {
      byte[] b = batches.next();
      all.add(b);
      bytes += b.length;
    }
    byte[] records = new byte[Math.toIntExact(bytes)];
    int at = 0;
    for (byte[] b : all) {
      System.arraycopy(b, 0, records, at, b.length);
      at += b.length;
    }
    int n = records.length / ReverseIndexFile.RECORD_SIZE;
    byte[] sorted = RecordSort.sort(records, n);
    TaskContext task = TaskContext.get();
    Path tmp = work.resolve(String.format("part-%05d.%d", p, task == null ? 0 : task.taskAttemptId()));
    Files.write(tmp, sorted);
    Files.move(tmp, work.resolve(String.format("part-%05d", p)), StandardCopyOption.REPLACE_EXISTING);
    return n;
  }

  /** Streams header, parts and trailer into {@code tmp}, computing the file checksum on the way. */
  private static void assemble(Path tmp, Path work, int parts, long entries, long buckets, byte[] indexSum)
      throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      OutputStream raw = Channels.newOutputStream(ch);
      try (DigestOutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(raw, 1 << 20), sha)) {
        out.write(ReverseIndexFile.header(entries, buckets));
        for (int p = 0; p < parts; p++) {
          Files.copy(work.resolve(String.format("part-%05d", p)), out);
        }
        out.write(indexSum);
        out.on(false);
        out.write(sha.digest());
        out.flush();
        ch.force(true);
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      LOG.warn("{}: could not remove: {}", dir, e.getMessage());
    }
  }

  /** Equal slices of the index address space, one reduce partition each; the key is the slice. */
  static final class AddressRanges extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final long base;
    private final long end;
    private final int parts;

    private AddressRanges(long base, long end, int parts) {
      this.base = base;
      this.end = Math.max(end, base + 1);
      this.parts = parts;
    }

    static AddressRanges of(Archive archive, int parts) {
      long end = Venti.INDEX_BASE;
      for (Arena a : archive.arenas()) {
        end = Math.max(end, a.indexStart() + a.dataSize());
      }
      return new AddressRanges(Venti.INDEX_BASE, end, parts);
    }

    int of(long addr) {
      double share = (double) (addr - base) / (end - base);
      return (int) Math.max(0, Math.min(parts - 1, (long) (share * parts)));
    }

    @Override
    public int numPartitions() {
      return parts;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof AddressRanges r && r.base == base && r.end == end && r.parts == parts;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(base) * 31 + Long.hashCode(end) * 17 + parts;
    }
  }
}
