package ventispark.read;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import ventispark.format.FormatException;
import ventispark.format.PartitionName;

/**
 * Bounds-checked positional reads of one partition (a byte range of a file or device), opened
 * read-only. Local names (no URI scheme, or {@code file:}) are read with a {@link FileChannel},
 * which also sizes block devices; any other scheme ({@code hdfs:}, {@code s3a:}) through Hadoop's
 * {@link FileSystem} positional reads.
 */
public final class PartitionReader implements Closeable {
  /** Bytes per positional read of a local partition, as the section writer's writes. */
  static final int READ_BYTES = 4 << 20;

  private final PartitionRef ref;
  private final long size;
  private final FileChannel channel;
  private final FSDataInputStream stream;

  private PartitionReader(
      PartitionRef ref, long size, FileChannel channel, FSDataInputStream stream) {
    this.ref = ref;
    this.size = size;
    this.channel = channel;
    this.stream = stream;
  }

  public static PartitionReader open(PartitionRef ref, Configuration conf) {
    PartitionName pn = ref.name();
    try {
      if (ref.isLocal()) {
        Path p = ref.localPath();
        String kind = kind(p);
        if (kind != null) {
          throw new FormatException(
              pn.display() + ": is " + kind + ", not a file or device (" + ref.location() + ")");
        }
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        try {
          return new PartitionReader(ref, pn.size(ch.size()), ch, null);
        } catch (RuntimeException e) {
          ch.close();
          throw e;
        }
      }
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(URI.create(ref.location()));
      FileSystem fs = p.getFileSystem(conf);
      long len = fs.getFileStatus(p).getLen();
      return new PartitionReader(ref, pn.size(len), null, fs.open(p));
    } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
      throw new FormatException(pn.display() + ": no such file (" + ref.location() + ")");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new FormatException(pn.display() + ": permission denied (" + ref.location() + ")");
    } catch (IOException e) {
      throw new FormatException(
          pn.display() + ": cannot open " + ref.location() + ": " + e.getMessage(), e);
    }
  }

  /**
   * What a local path is when it is neither a plain file nor a device, else null. Asked before
   * opening: opening a FIFO for reading waits for a writer, forever.
   */
  private static String kind(Path p) throws IOException {
    int type = (Integer) Files.getAttribute(p, "unix:mode") & 0170000;
    return switch (type) {
      case 0100000, 0060000, 0020000 -> null; // S_IFREG, S_IFBLK, S_IFCHR
      case 0040000 -> "a directory";
      case 0010000 -> "a FIFO (named pipe)";
      case 0140000 -> "a socket";
      default -> String.format(Locale.ROOT, "a file of type 0%o", type);
    };
  }

  public PartitionRef ref() {
    return ref;
  }

  public String display() {
    return ref.name().display();
  }

  /** Partition size in bytes (the range's length). */
  public long size() {
    return size;
  }

  public byte[] read(long off, int len) {
    byte[] b = new byte[len];
    readFully(off, b, 0, len);
    return b;
  }

  /** Reads exactly {@code len} bytes at partition offset {@code off}. */
  public void readFully(long off, byte[] b, int bOff, int len) {
    if (off < 0 || len < 0 || off + len > size) {
      throw FormatException.at(
          display(),
          off,
          "read of "
              + len
              + " bytes is beyond the end of the partition (size 0x"
              + Long.toHexString(size)
              + "): truncated partition?");
    }
    long pos = ref.name().lo() + off;
    try {
      if (channel != null) {
        ByteBuffer bb = ByteBuffer.wrap(b, bOff, len);
        while (bb.position() < bOff + len) {
          // in pieces: a read into the heap goes through a temporary direct buffer of its length,
          // which the JDK keeps for the thread (checkindex -b reads 64 MiB slices)
          bb.limit(Math.min(bOff + len, bb.position() + READ_BYTES));
          int n = channel.read(bb, pos + bb.position() - bOff);
          if (n < 0) {
            throw FormatException.at(display(), off, "unexpected end of file");
          }
        }
      } else {
        stream.readFully(pos, b, bOff, len);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          display() + " at offset 0x" + Long.toHexString(off) + ": read error: " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    try {
      if (channel != null) {
        channel.close();
      }
      if (stream != null) {
        stream.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
