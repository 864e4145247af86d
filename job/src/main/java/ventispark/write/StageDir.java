package ventispark.write;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
 * The directory of a staged rebuild, on any Hadoop filesystem ({@code hdfs://}, {@code s3a://}; a
 * path without a scheme is a local directory, as names in venti.conf are): the write tasks of
 * {@code buildindex --stage} put their range images into it, the driver then the manifest, and
 * {@code stage apply} reads both on the host that owns the index disks. Every file is written under
 * a temporary name and renamed into place, so no reader sees a partial file under a final name, and
 * any number of attempts putting the same (identical) file leave one whole copy. Local directories
 * are written without Hadoop's {@code .crc} side files: every range carries its SHA-256 in the
 * manifest.
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
   * Readies the directory for a new stage, before any arena is read: creates it, and refuses (exit
   * 3) a directory holding anything but an earlier stage whose manifest lists every file and whose
   * files all match it. Removes nothing: {@link #removeEarlier} does, once the run is sure to
   * write.
   */
  public void prepare() {
    try {
      FileSystem fs = fs();
      Path dir = new Path(uri);
      if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
        throw new FormatException("--stage " + display + ": is a file, not a directory");
      }
      fs.mkdirs(dir);
      earlierStage(fs);
      // the write tasks must be able to create files here: find out now, before any arena is read
      Path probe = temporary("probe");
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  /**
   * Removes the earlier stage in the directory, each file checked against that stage's manifest
   * again first, the manifest first (so what is left is never taken for a whole stage).
   */
  public void removeEarlier() {
    try {
      FileSystem fs = fs();
      List<Path> old = earlierStage(fs);
      fs.delete(path(MANIFEST), false);
      for (Path p : old) {
        fs.delete(p, false);
      }
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  private FormatException cannotWrite(IOException e) {
    return new FormatException(
        "--stage " + display + ": cannot write there: " + e.getMessage() + "; nothing was written",
        e);
  }

  /**
   * The files of an earlier stage in the directory (not its manifest), each listed by the manifest
   * and matching its length and SHA-256; anything else is refused with nothing removed: a stage
   * deletes only files it wrote, whatever their names.
   */
  private List<Path> earlierStage(FileSystem fs) throws IOException {
    FileStatus[] all = fs.listStatus(new Path(uri));
    if (all.length == 0) {
      return List.of();
    }
    Map<String, StagedRange> listed = new HashMap<>();
    boolean manifest = false;
    for (FileStatus f : all) {
      manifest |= f.getPath().getName().equals(MANIFEST) && f.isFile();
    }
    if (manifest) {
      StageManifest m = StageManifest.parse(display + "/" + MANIFEST, read(MANIFEST));
      m.sections().forEach(sec -> sec.ranges().forEach(r -> listed.put(r.file(), r)));
      if (m.bloom() != null) {
        m.bloom().ranges().forEach(r -> listed.put(r.file(), r));
      }
    }
    List<Path> old = new ArrayList<>();
    for (FileStatus f : all) {
      String name = f.getPath().getName();
      if (name.equals(MANIFEST) && f.isFile()) {
        continue;
      }
      StagedRange r = listed.get(name);
      String why =
          f.isDirectory()
              ? "a directory"
              : !manifest
                  ? "no stage manifest lists it"
                  : r == null
                      ? "the stage's manifest does not list it"
                      : f.getLen() != r.length() || !r.sha256().equals(sha256Of(name, r.length()))
                          ? "its contents differ from the stage manifest's"
                          : null;
      if (why != null) {
        throw new FormatException(
            "--stage "
                + display
                + ": holds '"
                + name
                + "', which is not part of a stage ("
                + why
                + "); nothing was removed or written. Name a new or empty directory");
      }
      old.add(f.getPath());
    }
    return old;
  }

  private String sha256Of(String name, long length) {
    try {
      return readThrough(name, length, (at, b, n) -> {});
    } catch (FormatException | UncheckedIOException e) {
      return "";
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

  /**
   * Writes file {@code name} whole from {@code b[off, off + len)}; returns the bytes' SHA-256 in
   * hex.
   */
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
      throw new FormatException(
          display
              + ": "
              + name
              + " is missing"
              + (name.equals(MANIFEST)
                  ? " (no stage here, or its buildindex --stage did not finish)"
                  : ""));
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

  /**
   * Where a read hands its bytes: {@code b[0, len)} are the file's bytes from offset {@code at}.
   */
  public interface Chunks {
    void accept(long at, byte[] b, int len);
  }

  /**
   * Reads file {@code name}, which must hold exactly {@code length} bytes, in 4 MiB pieces handed
   * to {@code sink} in order; returns the SHA-256 of the bytes, in hex.
   */
  public String readThrough(String name, long length, Chunks sink) {
    MessageDigest md = sha256();
    byte[] buf = new byte[(int) Math.min(IO_BYTES, Math.max(1, length))];
    try (InputStream in = open(name)) {
      long at = 0;
      while (at < length) {
        int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, length - at));
        if (n == 0) {
          throw new FormatException(
              display
                  + "/"
                  + name
                  + ": ends at byte "
                  + at
                  + ", the manifest says "
                  + length
                  + " bytes (truncated range file)");
        }
        md.update(buf, 0, n);
        sink.accept(at, buf, n);
        at += n;
      }
      if (in.read() >= 0) {
        throw new FormatException(
            display + "/" + name + ": longer than the manifest's " + length + " bytes");
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
