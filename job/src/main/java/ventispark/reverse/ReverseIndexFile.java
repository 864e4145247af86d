package ventispark.reverse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import ventispark.format.Bytes;
import ventispark.format.FormatException;

/**
 * A reverse index file ({@code REVERSE-INDEX.md}): its name, header, records and trailer.
 *
 * <pre>
 * header  := "VREV" version[4]=2 hashid[4]=1 recordsize[4]=16 entries[8] buckets[8]
 * record  := addr[8] bucket[4] slot[2] zero[2]          ascending addr
 * trailer := indexsum[32] filesum[32]                   filesum: FileSum of all bytes before it
 * </pre>
 */
public final class ReverseIndexFile implements AutoCloseable {
  public static final int MAGIC = 0x56524556;
  public static final int VERSION = 2;
  public static final int HASH_SHA1 = 1;
  public static final int HEADER_SIZE = 32;
  public static final int RECORD_SIZE = 16;
  public static final int TRAILER_SIZE = 64;
  public static final String SUFFIX = ".vrev";

  private final Path file;
  private final FileChannel ch;
  private final long entries;
  private final long buckets;
  private final byte[] indexSum;
  private final byte[] fileSum;

  /** One record: where the entry of an index address lies in the index. */
  public record Record(long rank, long addr, long bucket, int slot) {}

  /**
   * {@code <index>-<checksum hex>.vrev}. The index name comes from the archive (the sections'
   * headers), so it is refused (exit 3) unless it is a plain file name: letters, digits and {@code
   * . _ + -}, not starting with a dot, so the file lands in the directory the user named.
   */
  public static String name(String index, byte[] indexSum) {
    if (!index.matches("[A-Za-z0-9_+-][A-Za-z0-9._+-]*")) {
      throw new ventispark.format.FormatException(
          "index name '"
              + index
              + "' (from the index sections' headers) cannot"
              + " name a reverse index file (letters, digits and . _ + - only, no leading dot); nothing was written");
    }
    return index + "-" + HexFormat.of().formatHex(indexSum) + SUFFIX;
  }

  /** The reverse index files of an index in {@code dir}, whatever their checksum. */
  public static List<Path> find(Path dir, String index) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              f -> {
                String n = f.getFileName().toString();
                return n.startsWith(index + "-")
                    && n.endsWith(SUFFIX)
                    && n.length() == index.length() + 1 + 64 + SUFFIX.length();
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] header(long entries, long buckets) {
    byte[] h = new byte[HEADER_SIZE];
    Bytes.put32(h, 0, MAGIC);
    Bytes.put32(h, 4, VERSION);
    Bytes.put32(h, 8, HASH_SHA1);
    Bytes.put32(h, 12, RECORD_SIZE);
    Bytes.put64(h, 16, entries);
    Bytes.put64(h, 24, buckets);
    return h;
  }

  public static void putRecord(byte[] b, int off, long addr, long bucket, int slot) {
    Bytes.put64(b, off, addr);
    Bytes.put64(b, off + 8, recordTail(bucket, slot));
  }

  /** A record's last 8 bytes as a big-endian long: bucket[4] slot[2] zero[2]. */
  public static long recordTail(long bucket, int slot) {
    return (bucket << 32) | ((long) slot << 16);
  }

  /** Opens and checks the structure (not the checksums: {@link #fileSumHolds()}). */
  public ReverseIndexFile(Path file) {
    this.file = file;
    try {
      this.ch = FileChannel.open(file, StandardOpenOption.READ);
      long size = ch.size();
      if (size < HEADER_SIZE + TRAILER_SIZE) {
        throw FormatException.at(
            file.toString(), 0, "too short for a reverse index (" + size + " bytes)");
      }
      byte[] h = read(0, HEADER_SIZE);
      if (Bytes.u32(h, 0) != MAGIC) {
        throw FormatException.at(
            file.toString(),
            0,
            String.format(Locale.ROOT, "bad reverse index magic 0x%08x", Bytes.u32(h, 0)));
      }
      if (Bytes.u32(h, 4) < VERSION) {
        throw FormatException.at(
            file.toString(),
            4,
            "reverse index version "
                + Bytes.u32(h, 4)
                + " of an earlier venti-spark, whose checksums this one does not compute: make it anew with"
                + " venti-spark reverse build");
      }
      if (Bytes.u32(h, 4) != VERSION
          || Bytes.u32(h, 8) != HASH_SHA1
          || Bytes.u32(h, 12) != RECORD_SIZE) {
        throw FormatException.at(
            file.toString(),
            4,
            "unknown reverse index version "
                + Bytes.u32(h, 4)
                + ", hash "
                + Bytes.u32(h, 8)
                + " or record size "
                + Bytes.u32(h, 12));
      }
      entries = Bytes.u64(h, 16);
      buckets = Bytes.u64(h, 24);
      if (entries < 0 || HEADER_SIZE + entries * RECORD_SIZE + TRAILER_SIZE != size) {
        throw FormatException.at(
            file.toString(), 16, entries + " records do not fit the file's " + size + " bytes");
      }
      byte[] t = read(size - TRAILER_SIZE, TRAILER_SIZE);
      indexSum = java.util.Arrays.copyOfRange(t, 0, 32);
      fileSum = java.util.Arrays.copyOfRange(t, 32, 64);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  public long entries() {
    return entries;
  }

  public long buckets() {
    return buckets;
  }

  public byte[] indexSum() {
    return indexSum.clone();
  }

  public Path file() {
    return file;
  }

  /** True when the stored file checksum is the {@link FileSum} of everything before it. */
  public boolean fileSumHolds() {
    FileSum sum = new FileSum();
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    long end = HEADER_SIZE + entries * RECORD_SIZE + IndexChecksum.SIZE;
    try {
      for (long pos = 0; pos < end; ) {
        buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
        int n = ch.read(buf, pos);
        if (n <= 0) {
          return false;
        }
        sum.update(buf.flip());
        pos += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    return java.util.Arrays.equals(sum.digest(), fileSum);
  }

  /** Record of log rank {@code r}, 0 ≤ r < entries. */
  public Record record(long r) {
    byte[] b = read(HEADER_SIZE + r * RECORD_SIZE, RECORD_SIZE);
    return new Record(r, Bytes.u64(b, 0), Bytes.u32L(b, 8), Bytes.u16(b, 12));
  }

  /** Reads records {@code [first, first + n)} into {@code buf} (16 bytes each), in one read. */
  public void readRecords(long first, int n, byte[] buf) {
    readFully(ByteBuffer.wrap(buf, 0, n * RECORD_SIZE), HEADER_SIZE + first * RECORD_SIZE);
  }

  /** The rank of the first record with an address ≥ {@code addr} (entries when none). */
  public long lowerBound(long addr) {
    long lo = 0;
    long hi = entries;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(record(mid).addr(), addr) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private byte[] read(long pos, int len) {
    byte[] b = new byte[len];
    readFully(ByteBuffer.wrap(b), pos);
    return b;
  }

  /**
   * Fills {@code bb} (from its position) with the bytes at {@code pos}; a short file is an error.
   */
  private void readFully(ByteBuffer bb, long pos) {
    int start = bb.position();
    try {
      while (bb.hasRemaining()) {
        if (ch.read(bb, pos + bb.position() - start) < 0) {
          throw FormatException.at(file.toString(), pos, "short read");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      ch.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
