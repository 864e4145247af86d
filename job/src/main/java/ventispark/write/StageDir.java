package ventispark.write;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import ventispark.format.FormatException;
import ventispark.read.HadoopConf;
import ventispark.read.PartitionRef;

/**
 * The directory of a staged rebuild, on any Hadoop filesystem ({@code hdfs://}, {@code s3a://};
 * a path without a scheme is a local directory, as names in venti.conf are): the write tasks of
 * {@code buildindex --stage} put their range images into it, the driver then the manifest, and
 * {@code stage apply} reads both on the host that owns the index disks. Every file is written
 * under a temporary name and renamed into place, so no reader sees a partial file under a final
 * name, and any number of attempts putting the same (identical) file leave one whole copy.
 * Local directories are written without Hadoop's {@code .crc} side files: every range carries its
 * SHA-256 in the manifest.
 */
public final class StageDir implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The manifest's name: present only once every range of the stage is in place. */
  public static final String MANIFEST = "venti-stage.json";
  private static final int IO_BYTES = 4 << 20;

  private final String display;
  private final String uri;
  private final HadoopConf conf;

  public StageDir(String location, Configuration conf) {
    this.display = location;
    String a = PartitionRef.absolute(location);
    this.uri = a.startsWith("/") ? new java.io.File(a).toURI().toString() : a;
    this.conf = new HadoopConf(conf);
  }

  /** The directory as the user named it, for messages. */
  public String display() {
    return display;
  }

  /**
   * Readies the directory for a new stage: creates it, or removes an earlier stage from it (the
   * manifest first, so that what is left is never taken for a whole stage). A directory holding
   * anything else is refused: a stage never deletes files it did not write.
   */
  public void prepare() {
    try {
      FileSystem fs = fs();
      Path dir = new Path(uri);
      if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
        throw new FormatException("--stage " + display + ": is a file, not a directory");
      }
      fs.mkdirs(dir);
      List<Path> old = new ArrayList<>();
      for (FileStatus f : fs.listStatus(dir)) {
        String name = f.getPath().getName();
        if (f.isDirectory() || !isStageFile(name)) {
          throw new FormatException("--stage " + display + ": holds '" + name + "', which is not part of a stage;"
              + " name a new or empty directory");
        }
        old.add(f.getPath());
      }
      fs.delete(path(MANIFEST), false);
      for (Path p : old) {
        fs.delete(p, false);
      }
      // the write tasks must be able to create files here: find out now, before any arena is read
      Path probe = temporary("probe");
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (IOException e) {
      throw new FormatException("--stage " + display + ": cannot write there: " + e.getMessage()
          + "; nothing was written", e);
    }
  }

  /** Removes the temporary files that failed or duplicate attempts left. */
  public void removeTemporaries() {
    try {
      FileSystem fs = fs();
      for (FileStatus f : fs.listStatus(new Path(uri))) {
        if (isTemporary(f.getPath().getName())) {
          fs.delete(f.getPath(), false);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(display + ": " + e.getMessage(), e);
    }
  }

  /** Writes file {@code name} whole from {@code b[off, off + len)}; returns the bytes' SHA-256 in hex. */
  public String put(String name, byte[] b, int off, int len) {
    MessageDigest md = sha256();
    try {
      FileSystem fs = fs();
      Path tmp = temporary(name);
      try (FSDataOutputStream out = fs.create(tmp, false)) {
        for (int o = off; o < off + len; o += IO_BYTES) {
          int n = Math.min(IO_BYTES, off + len - o);
          out.write(b, o, n);
          md.update(b, o, n);
        }
        out.hsync();
      }
      Path dst = path(name);
      // HDFS does not rename over an existing file: then another attempt of the same task put it
      // first, with the same bytes (the directory was emptied when this stage began).
      if (!fs.rename(tmp, dst)) {
        if (!fs.exists(dst)) {
          throw new IOException("cannot rename " + tmp + " to " + dst);
        }
        fs.delete(tmp, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(display + "/" + name + ": write error: " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** The length of file {@code name}; a missing file is bad input. */
  public long length(String name) {
    try {
      return fs().getFileStatus(path(name)).getLen();
    } catch (FileNotFoundException e) {
      throw new FormatException(display + ": " + name + " is missing" + (name.equals(MANIFEST)
          ? " (no stage here, or its buildindex --stage did not finish)" : ""));
    } catch (IOException e) {
      throw new UncheckedIOException(display + "/" + name + ": " + e.getMessage(), e);
    }
  }

  public InputStream open(String name) {
    try {
      return fs().open(path(name));
    } catch (FileNotFoundException e) {
      throw new FormatException(display + ": " + name + " is missing");
    } catch (IOException e) {
      throw new UncheckedIOException(display + "/" + name + ": " + e.getMessage(), e);
    }
  }

  /** Where a read hands its bytes: {@code b[0, len)} are the file's bytes from offset {@code at}. */
  public interface Chunks {
    void accept(long at, byte[] b, int len);
  }

  /**
   * Reads file {@code name}, which must hold exactly {@code length} bytes, in 4 MiB pieces handed to
   * {@code sink} in order; returns the SHA-256 of the bytes, in hex.
   */
  public String readThrough(String name, long length, Chunks sink) {
    MessageDigest md = sha256();
    byte[] buf = new byte[(int) Math.min(IO_BYTES, Math.max(1, length))];
    try (InputStream in = open(name)) {
      long at = 0;
      while (at < length) {
        int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, length - at));
        if (n == 0) {
          throw new FormatException(display + "/" + name + ": ends at byte " + at + ", the manifest says " + length
              + " bytes (truncated range file)");
        }
        md.update(buf, 0, n);
        sink.accept(at, buf, n);
        at += n;
      }
      if (in.read() >= 0) {
        throw new FormatException(display + "/" + name + ": longer than the manifest's " + length + " bytes");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(display + "/" + name + ": read error: " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** A small file read whole (the manifest). */
  public byte[] read(String name) {
    length(name);
    try (InputStream in = open(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(display + "/" + name + ": read error: " + e.getMessage(), e);
    }
  }

  static boolean isStageFile(String name) {
    return name.equals(MANIFEST) || name.endsWith(".buckets") || name.endsWith(".bytes") || isTemporary(name);
  }

  private static boolean isTemporary(String name) {
    return name.startsWith(".") && name.contains(".tmp-");
  }

  private Path temporary(String name) {
    return path("." + name + ".tmp-" + UUID.randomUUID());
  }

  private Path path(String name) {
    return new Path(new Path(uri), name);
  }

  private FileSystem fs() throws IOException {
    FileSystem fs = new Path(uri).getFileSystem(conf.get());
    return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return display;
  }
}
