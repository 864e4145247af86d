package ventispark.job.reverse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.rdd.ShuffledRDD;
import org.apache.spark.serializer.JavaSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import ventispark.gate.Gate;
import ventispark.gate.OpenFile;
import ventispark.read.Archive;
import ventispark.reverse.AddressRanges;
import ventispark.reverse.ChunkDigests;
import ventispark.reverse.FileSum;
import ventispark.reverse.IndexChecksum;
import ventispark.reverse.RangeCounts;
import ventispark.reverse.RecordSort;
import ventispark.reverse.ReverseIndexFile;
import ventispark.write.SectionWriter;

/**
 * The reduce side of a reverse index, whoever made its records (a rebuild's write tasks or a scan
 * of an existing index). The records' map stage runs first, alone, so that the driver knows from
 * {@link RangeCounts} how many records each address range holds and where its slice of the file
 * starts; then every range is radix-sorted and written straight into its slice, and the driver adds
 * the trailer (summing the file in large reads), forces it, renames it into place atomically, and
 * removes older reverse indexes of the same index (they can only be stale). No task holds more than
 * its address range, and nothing is copied twice. Tasks do not force their slices: the driver's one
 * force of the whole file comes before the rename (on a shared mount, closing a task's file hands
 * its writes to the server, whose commit the driver's force then asks for), and a file that never
 * got its trailer is never renamed into place.
 */
public final class ReverseIndexOutput {
  private static final Logger LOG = LoggerFactory.getLogger(ReverseIndexOutput.class);

  private ReverseIndexOutput() {}

  /** What was written. */
  public record Result(Path file, long entries, byte[] indexSum) {}

  /**
   * Runs the jobs over {@code records} (keyed by address range; their producers add to {@code
   * digests} and {@code counts}) and writes the file into {@code dir}.
   */
  public static Result write(
      Archive archive,
      JavaPairRDD<Integer, byte[]> records,
      AddressRanges ranges,
      ChunkDigests digests,
      RangeCounts counts,
      Path dir) {
    try {
      Files.createDirectories(dir);
      Gate gate = check(archive, dir);
      JavaPairRDD<Integer, byte[]> shuffled = shuffle(records, ranges);
      ShuffleDependency<?, ?, ?> dep =
          (ShuffleDependency<?, ?, ?>) shuffled.rdd().dependencies().head();
      shuffled.context().submitMapStage(dep).get();
      long[] perRange = counts.totals(ranges.numPartitions());
      long[] first = new long[perRange.length];
      long entries = 0;
      for (int p = 0; p < perRange.length; p++) {
        first[p] = entries;
        entries += perRange[p];
      }
      byte[] indexSum =
          IndexChecksum.combine(
              archive.buckets(),
              digests.inOrder(IndexChecksum.firstChunks(archive)[archive.sections().size()]));
      String name = ReverseIndexFile.name(archive.indexName(), indexSum);
      Path tmp = dir.resolve("." + name + "." + UUID.randomUUID() + ".tmp");
      long recordsEnd = ReverseIndexFile.HEADER_SIZE + entries * ReverseIndexFile.RECORD_SIZE;
      String created;
      try (FileChannel ch = Gate.createNew(tmp)) {
        created = Gate.identity(tmp.toString(), ch);
        SectionWriter.writeFully(
            ch, ByteBuffer.wrap(ReverseIndexFile.header(entries, archive.buckets())), 0);
      }
      String file = tmp.toString();
      shuffled
          .values()
          .mapPartitionsWithIndex(
              (p, it) ->
                  List.of(writeRange(Path.of(file), created, first[p], perRange[p], p, it))
                      .iterator(),
              true)
          .collect();
      finish(tmp, created, recordsEnd, indexSum);
      Path out = dir.resolve(name);
      gate.delete(
          out.toString(),
          out,
          ReverseIndexOutput::whyNotOurs,
          false); // replaced only if it is ours
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      for (Path stale : ReverseIndexFile.find(dir, archive.indexName())) {
        if (!stale.equals(out)) {
          gate.delete(stale.toString(), stale, ReverseIndexOutput::whyNotOurs, true);
          LOG.info("{}: removed, it belonged to an earlier index", stale);
        }
      }
      LOG.info("{}: {} records", out, String.format(Locale.ROOT, "%,d", entries));
      return new Result(out, entries, indexSum);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
    } catch (SparkException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Refuses (exit 3), before anything is written, a directory whose reverse indexes of this index
   * the run would replace or remove but did not write (not whole reverse indexes), and an index
   * name that is no file name. Returns the gate that guards the replacements.
   */
  public static Gate check(Archive archive, Path dir) {
    Gate gate = Gate.ofArenas(archive.partitions());
    ReverseIndexFile.name(archive.indexName(), new byte[32]);
    try {
      for (Path earlier : ReverseIndexFile.find(dir, archive.indexName())) {
        gate.delete(earlier.toString(), earlier, ReverseIndexOutput::whyNotOurs, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
    }
    return gate;
  }

  /**
   * Null if the open file is a whole reverse index (its header parses, its file checksum holds);
   * else why not.
   */
  private static String whyNotOurs(FileChannel ro) {
    try {
      return new ReverseIndexFile(OpenFile.link(ro)).fileSumHolds()
          ? null
          : "its file checksum does not hold, so it is not a whole reverse index";
    } catch (ventispark.format.FormatException | UncheckedIOException e) {
      return "not a reverse index (" + e.getMessage() + ")";
    }
  }

  /**
   * The records moved to their address ranges with Spark's Java serializer, not the job's Kryo: a
   * map task writes all its ranges' streams at once, and each open stream takes a Kryo instance
   * that costs milliseconds to create (its registrations), which at 40 ranges was more than the
   * records' own serialization. A record is one int and one byte array either way.
   */
  private static JavaPairRDD<Integer, byte[]> shuffle(
      JavaPairRDD<Integer, byte[]> records, AddressRanges ranges) {
    ClassTag<Integer> key = ClassTag$.MODULE$.apply(Integer.class);
    ClassTag<byte[]> value = ClassTag$.MODULE$.apply(byte[].class);
    ShuffledRDD<Integer, byte[], byte[]> s =
        new ShuffledRDD<>(records.rdd(), ranges, key, value, value);
    s.setSerializer(new JavaSerializer(records.context().getConf()));
    return JavaPairRDD.fromRDD(s, key, value);
  }

  /** Sorts one address range's records and writes them into its slice of the file. */
  private static long writeRange(
      Path file, String created, long first, long expected, int p, Iterator<byte[]> batches)
      throws IOException {
    List<byte[]> all = new ArrayList<>();
    long records = 0;
    while (batches.hasNext()) {
      byte[] b = batches.next();
      all.add(b);
      records += b.length / ReverseIndexFile.RECORD_SIZE;
    }
    if (records != expected) {
      throw new IllegalStateException(
          "address range " + p + ": " + records + " records, counted " + expected);
    }
    int n = Math.toIntExact(records);
    byte[] sorted = RecordSort.sort(all, n, new byte[n * ReverseIndexFile.RECORD_SIZE]);
    all.clear();
    try (FileChannel ch =
        Gate.openOwn(file.toString(), file, created)) { // still the file the driver created
      SectionWriter.writeFully(
          ch,
          ByteBuffer.wrap(sorted),
          ReverseIndexFile.HEADER_SIZE + first * ReverseIndexFile.RECORD_SIZE);
    }
    return n;
  }

  /** Writes the index checksum, sums everything before the file checksum, writes it, forces. */
  private static void finish(Path tmp, String created, long recordsEnd, byte[] indexSum)
      throws IOException {
    try (FileChannel ch = Gate.openOwn(tmp.toString(), tmp, created)) {
      long pos = SectionWriter.writeFully(ch, ByteBuffer.wrap(indexSum), recordsEnd);
      FileSum sum = new FileSum();
      ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20);
      for (long at = 0; at < pos; ) {
        buf.clear().limit((int) Math.min(buf.capacity(), pos - at));
        int n = ch.read(buf, at);
        if (n <= 0) {
          throw new IOException(tmp + ": short read while hashing");
        }
        buf.flip();
        sum.update(buf);
        at += n;
      }
      SectionWriter.writeFully(ch, ByteBuffer.wrap(sum.digest()), pos);
      ch.force(true);
    }
  }
}
