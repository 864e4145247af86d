package ventispark.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ventispark.read.Archive;
import ventispark.reverse.AddressRanges;
import ventispark.reverse.ChunkDigests;
import ventispark.reverse.IndexChecksum;
import ventispark.reverse.RecordSort;
import ventispark.reverse.ReverseIndexFile;

/**
 * The reduce side of a reverse index, whoever made its records (a rebuild's write tasks or a scan
 * of an existing index): each address range is radix-sorted and written as a part file, then the
 * driver streams header, parts and trailer into {@code <index>-<checksum>.vrev}, renames it into
 * place atomically, and removes older reverse indexes of the same index (they can only be stale).
 * No task holds more than its address range; the driver streams.
 */
final class ReverseIndexOutput {
  private static final Logger LOG = LoggerFactory.getLogger(ReverseIndexOutput.class);

  private ReverseIndexOutput() {}

  /** What was written. */
  record Result(Path file, long entries, byte[] indexSum) {}

  /** Runs the job over {@code records} (keyed by address range) and writes the file into {@code dir}. */
  static Result write(Archive archive, JavaPairRDD<Integer, byte[]> records, AddressRanges ranges,
      ChunkDigests digests, Path dir) {
    Path work = dir.resolve(".vrev-build-" + UUID.randomUUID());
    try {
      Files.createDirectories(work);
      String workDir = work.toString();
      List<Long> counts = records.partitionBy(ranges).values()
          .mapPartitionsWithIndex((p, it) -> List.of(writePart(Path.of(workDir), p, it)).iterator(), true)
          .collect();
      byte[] indexSum = IndexChecksum.combine(archive.buckets(),
          digests.inOrder(IndexChecksum.firstChunks(archive)[archive.sections().size()]));
      long entries = counts.stream().mapToLong(Long::longValue).sum();
      String name = ReverseIndexFile.name(archive.indexName(), indexSum);
      Path tmp = dir.resolve("." + name + ".tmp");
      assemble(tmp, work, counts.size(), entries, archive.buckets(), indexSum);
      Path file = dir.resolve(name);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      for (Path stale : ReverseIndexFile.find(dir, archive.indexName())) {
        if (!stale.equals(file)) {
          Files.delete(stale);
          LOG.info("{}: removed, it belonged to an earlier index", stale);
        }
      }
      LOG.info("{}: {} records", file, String.format("%,d", entries));
      return new Result(file, entries, indexSum);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
    } finally {
      deleteTree(work);
    }
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
    // Attempts write their own file and rename it: a retried or speculative attempt replaces it whole.
    Path tmp = work.resolve(String.format("part-%05d.%d", p, task == null ? 0 : task.taskAttemptId()));
    Files.write(tmp, sorted);
    Files.move(tmp, work.resolve(String.format("part-%05d", p)), StandardCopyOption.REPLACE_EXISTING);
    return n;
  }

  /**
   * Writes header, parts (kernel-to-kernel copies) and trailer into {@code tmp}, then hashes the
   * file for its checksum in large reads.
   */
  private static void assemble(Path tmp, Path work, int parts, long entries, long buckets, byte[] indexSum)
      throws IOException {
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      long pos = writeFully(ch, ByteBuffer.wrap(ReverseIndexFile.header(entries, buckets)), 0);
      for (int p = 0; p < parts; p++) {
        try (FileChannel part = FileChannel.open(work.resolve(String.format("part-%05d", p)), StandardOpenOption.READ)) {
          long size = part.size();
          for (long done = 0; done < size; ) {
            done += part.transferTo(done, size - done, ch.position(pos + done));
          }
          pos += size;
        }
      }
      pos = writeFully(ch, ByteBuffer.wrap(indexSum), pos);
      MessageDigest sha = IndexChecksum.newSha256();
      ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20);
      for (long at = 0; at < pos; ) {
        buf.clear().limit((int) Math.min(buf.capacity(), pos - at));
        int n = ch.read(buf, at);
        if (n <= 0) {
          throw new IOException(tmp + ": short read while hashing");
        }
        buf.flip();
        sha.update(buf);
        at += n;
      }
      writeFully(ch, ByteBuffer.wrap(sha.digest()), pos);
      ch.force(true);
    }
  }

  private static long writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
    return pos;
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
}
