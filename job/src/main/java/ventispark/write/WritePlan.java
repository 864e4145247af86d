package ventispark.write;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import ventispark.format.BloomHeader;
import ventispark.format.FormatException;
import ventispark.format.Venti;
import ventispark.format.VentiConfig;
import ventispark.gate.DeviceMap;
import ventispark.gate.Extent;
import ventispark.gate.OpenFile;
import ventispark.read.Archive;
import ventispark.read.ArenaPartition;
import ventispark.read.FileIdentity;
import ventispark.read.IndexSection;
import ventispark.read.PartitionReader;
import ventispark.read.PartitionRef;

/**
 * Every byte range a run reads and writes, keyed by {@link FileIdentity}, made and checked on the
 * driver before the first arena is read: no range the run writes may share a byte with any other
 * range it reads or writes, whatever names reach them (relative or absolute paths, symbolic or hard
 * links, a device and a file on it, a loop device and its backing file, a partition and its disk:
 * local ranges are compared where their bytes really are, {@link DeviceMap}'s extents). This is
 * what keeps a section or bloom line that points into an arena partition from ever writing there.
 * Reads are the config, every arena partition whole, and the header of every section; writes are
 * the bucket area of each rebuilt section, the bloom filter whole, and every new file of the run (a
 * report), which replaces its path and so must not be the path of anything else the run touches.
 *
 * <p>Files written in place are also {@link PlannedFile}s: each writer re-checks, where it writes,
 * that the file is still the one planned. {@link #probe} opens every output for writing (or creates
 * a file beside it) before the map stage, so a run that cannot write is refused with nothing
 * written.
 */
public final class WritePlan {

  /**
   * One byte range, {@code [lo, hi)} in file offsets ({@code hi} = Long.MAX_VALUE: to the end);
   * {@code extents}: where a local file's or device's bytes really are ({@link DeviceMap}), or null
   * when not known (a Hadoop file, a read device the gate cannot resolve).
   */
  public record Range(
      String what,
      String display,
      FileIdentity file,
      long lo,
      long hi,
      boolean written,
      List<Extent> extents) {

    public Range(
        String what, String display, FileIdentity file, long lo, long hi, boolean written) {
      this(what, display, file, lo, hi, written, null);
    }

    /** Where this range and {@code o} meet on a backing file or disk, or null. */
    Extent meeting(Range o) {
      if (extents == null || o.extents == null) {
        return null;
      }
      for (Extent a : extents) {
        for (Extent b : o.extents) {
          if (a.overlaps(b)) {
            Extent exact = a.somewhere() ? b : a;
            return new Extent(
                exact.home(),
                exact.display(),
                Math.max(a.lo(), b.lo()),
                Math.min(a.hi(), b.hi()),
                a.somewhere() || b.somewhere());
          }
        }
      }
      return null;
    }

    boolean sharesBytes(Range o) {
      if (extents != null && o.extents != null) {
        return meeting(o) != null;
      }
      if (!file.mayShareBytes(o.file)) {
        return false;
      }
      // a device and a file on it: where the file lies on the device is not known
      return !file.sameFile(o.file) || (lo < o.hi && o.lo < hi);
    }

    @Override
    public String toString() {
      String end = hi == Long.MAX_VALUE ? "end" : "0x" + Long.toHexString(hi);
      return display
          + " bytes [0x"
          + Long.toHexString(lo)
          + ", "
          + end
          + ") ("
          + what
          + ", "
          + (written ? "written" : "read")
          + ")";
    }
  }

  private final List<Range> ranges;
  private final List<SpaceCheck.Rewrite> inPlace;
  private final List<Path> newFiles;
  private final List<Path> newDirs;

  private WritePlan(Builder b) {
    this.ranges = List.copyOf(b.ranges);
    this.inPlace = List.copyOf(b.inPlace);
    this.newFiles = List.copyOf(b.newFiles);
    this.newDirs = List.copyOf(b.newDirs);
  }

  /**
   * The checked plan of a run over {@code archive} that rewrites {@code sections} (indexes into the
   * archive's sections; none for a read-only run) and the bloom filter when {@code bloom}, and
   * creates {@code newFiles} and the directories {@code newDirs}.
   */
  public static WritePlan of(
      Archive archive,
      List<Integer> sections,
      boolean bloom,
      List<Path> newFiles,
      List<Path> newDirs,
      Configuration hadoop) {
    Builder b =
        new Builder(hadoop).config(PartitionRef.resolve(archive.config(), archive.config()));
    for (ArenaPartition p : archive.partitions()) {
      b.read("arena partition", p.ref(), 0, p.size());
    }
    for (int i = 0; i < archive.sections().size(); i++) {
      b.section(archive.sections().get(i), sections.contains(i));
    }
    if (archive.bloom() != null) {
      b.bloom(archive.bloom(), archive.bloomHeader(), bloom);
    }
    newFiles.forEach(b::newFile);
    newDirs.forEach(b::newDir);
    return b.build();
  }

  /** Collects the ranges of a run; {@link #build} checks them. */
  public static final class Builder {
    private final Configuration hadoop;
    private final List<Range> ranges = new ArrayList<>();
    private final List<SpaceCheck.Rewrite> inPlace = new ArrayList<>();
    private final List<Path> newFiles = new ArrayList<>();
    private final List<Path> newDirs = new ArrayList<>();

    public Builder(Configuration hadoop) {
      this.hadoop = hadoop;
    }

    /** The config: a file is read whole; a partition holds it in the 8 KiB below PART_BLANK. */
    public Builder config(PartitionRef config) {
      long size;
      try (PartitionReader r = PartitionReader.open(config, hadoop)) {
        size = r.size();
      }
      boolean stored = VentiConfig.isStored(size);
      return read(
          "config",
          config,
          stored ? Venti.CONFIG_OFFSET : 0,
          stored ? Venti.CONFIG_OFFSET + Venti.MAX_CONFIG : size);
    }

    /** Partition bytes {@code [lo, hi)} of {@code ref} are read. */
    public Builder read(String what, PartitionRef ref, long lo, long hi) {
      ranges.add(range(what, ref, lo, hi, false));
      return this;
    }

    /** A section: its header is read; its buckets are written when {@code written}. */
    public Builder section(IndexSection s, boolean written) {
      long base = s.header().blockBase();
      read("index section " + s.name() + " header", s.ref(), 0, base);
      if (written) {
        long end = base + s.buckets() * s.header().blockSize();
        Range w = range("index section " + s.name() + " buckets", s.ref(), base, end, true);
        ranges.add(w);
        inPlace.add(
            new SpaceCheck.Rewrite(
                PlannedFile.of(s.ref(), w.file(), Venti.PART_BLANK, base), end - base));
      }
      return this;
    }

    /** The bloom filter: its header is read, or, when {@code written}, the whole filter written. */
    public Builder bloom(PartitionRef bloom, BloomHeader h, boolean written) {
      long size = h.size() & 0xFFFFFFFFL;
      Range r = range("bloom filter", bloom, 0, written ? size : Venti.BLOOM_HEAD_SIZE, written);
      ranges.add(r);
      if (written) {
        inPlace.add(
            new SpaceCheck.Rewrite(
                PlannedFile.of(bloom, r.file(), 0, Venti.BLOOM_HEAD_SIZE), size));
      }
      return this;
    }

    /** A new file that replaces {@code f}: whatever is at that path now is overwritten. */
    public Builder newFile(Path f) {
      if (Files.isDirectory(f)) {
        throw new FormatException(f + ": is a directory, not a file; nothing was written");
      }
      if (Files.isSymbolicLink(f)) {
        throw new FormatException(
            f + ": is a symbolic link; name the output file itself; nothing was written");
      }
      if (Files.exists(f)) {
        ranges.add(
            local("replaced by this run's output", f.toString(), f, 0, Long.MAX_VALUE, true));
      }
      newFiles.add(f);
      return this;
    }

    /** A directory the run creates files in. */
    public Builder newDir(Path d) {
      if (Files.exists(d) && !Files.isDirectory(d)) {
        throw new FormatException(d + ": is a file, not a directory; nothing was written");
      }
      newDirs.add(d);
      return this;
    }

    private Range range(String what, PartitionRef ref, long lo, long hi, boolean written) {
      long base = ref.name().lo();
      long end = hi == Long.MAX_VALUE ? hi : base + hi;
      if (ref.isLocal()) {
        return local(what, ref.display(), ref.localPath(), base + lo, end, written);
      }
      return new Range(what, ref.display(), FileIdentity.of(ref, hadoop), base + lo, end, written);
    }

    /**
     * A range of a local file or device, its identity and backing bytes both read from one open
     * descriptor, so that a name swapped meanwhile cannot give the plan one file's identity and
     * another's bytes. A written range the gate cannot resolve is refused.
     */
    private static Range local(
        String what, String display, Path path, long lo, long hi, boolean written) {
      try (FileChannel ro = OpenFile.openReadOnly(path, false)) {
        Map<String, Object> st = OpenFile.stat(display, ro);
        String real = Files.readSymbolicLink(OpenFile.link(ro)).toString();
        List<Extent> extents;
        try {
          extents = DeviceMap.ofStat(display, real, st, lo, hi, 0);
        } catch (FormatException e) {
          if (written) {
            throw e;
          }
          extents = null; // read only: compared by identity, as before
        }
        return new Range(what, display, FileIdentity.ofStat(st, real), lo, hi, written, extents);
      } catch (IOException e) {
        throw new UncheckedIOException(
            display + ": cannot tell which file it is: " + e.getMessage(), e);
      }
    }

    /** The plan; refuses (exit 3) any written range that shares a byte with another range. */
    public WritePlan build() {
      for (int i = 0; i < ranges.size(); i++) {
        Range w = ranges.get(i);
        for (int j = 0; w.written() && j < ranges.size(); j++) {
          Range r = ranges.get(j);
          if (j != i && w.sharesBytes(r)) {
            Extent at = w.meeting(r);
            String both =
                at == null || w.file().sameFile(r.file())
                    ? "both are " + r.file().path()
                    : "both reach " + at + (at.somewhere() ? " (a file on that device)" : "");
            throw new FormatException(
                w
                    + " overlaps "
                    + r
                    + ": "
                    + both
                    + "; the run would overwrite it, so nothing was written");
          }
        }
      }
      return new WritePlan(this);
    }
  }

  /**
   * Before the map stage: opens every file written in place for writing, checked against the plan,
   * checks that their file systems can hold them written whole ({@link #checkSpace}), and creates
   * and removes a file in every new output's directory. Refuses (exit 3) a run that could not write
   * all of its outputs, with nothing written.
   */
  public void probe() {
    for (SpaceCheck.Rewrite r : inPlace) {
      try (FileChannel ch = r.file().open()) {
        // opened for writing, and still the planned file
      } catch (UncheckedIOException | IOException e) {
        throw new FormatException(message(e) + "; nothing was written", e);
      }
    }
    checkSpace();
    for (Path d : newDirs) {
      try {
        Files.createDirectories(d);
      } catch (IOException e) {
        throw new FormatException(
            d + ": cannot create the directory (" + message(e) + "); nothing was written", e);
      }
      probeDirectory(d, d);
    }
    for (Path f : newFiles) {
      Path dir = f.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        throw new FormatException(
            f + ": its directory " + dir + " does not exist; nothing was written");
      }
      probeDirectory(f, dir);
    }
  }

  private static void probeDirectory(Path output, Path dir) {
    try {
      Files.delete(Files.createTempFile(dir, ".venti-probe-", ".tmp"));
    } catch (IOException e) {
      throw new FormatException(
          output
              + ": cannot create files in "
              + dir
              + " ("
              + message(e)
              + "); nothing was"
              + " written",
          e);
    }
  }

  private static String message(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /**
   * Refuses (exit 3, nothing written) a run whose files written in place cannot all be allocated on
   * their file systems ({@link SpaceCheck}); run by {@link #probe}, before the arenas are read, and
   * again just before the first write, since a long read leaves time for the disk to fill.
   */
  public void checkSpace() {
    SpaceCheck.check(inPlace);
  }

  /** The planned file of a partition written in place. */
  public PlannedFile planned(PartitionRef ref) {
    for (SpaceCheck.Rewrite r : inPlace) {
      if (r.file().ref().equals(ref)) {
        return r.file();
      }
    }
    throw new IllegalStateException(ref.display() + " is not written in place by this run's plan");
  }

  public List<Range> ranges() {
    return ranges;
  }
}
