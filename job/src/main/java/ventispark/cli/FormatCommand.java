package ventispark.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ventispark.create.BloomFormatter;
import ventispark.create.ISectFormatter;
import ventispark.create.IndexFormatter;
import ventispark.format.BloomHeader;
import ventispark.format.Bucket;
import ventispark.format.Bytes;
import ventispark.format.FormatException;
import ventispark.format.ISectHeader;
import ventispark.format.ISectLayout;
import ventispark.format.MapTable;
import ventispark.format.PartitionName;
import ventispark.format.SizeParser;
import ventispark.format.Venti;
import ventispark.format.VentiConfig;
import ventispark.gate.Gate;
import ventispark.read.ArchiveLoader;
import ventispark.read.Arena;
import ventispark.read.ArenaPartition;
import ventispark.read.PartitionReader;
import ventispark.read.PartitionRef;

/**
 * {@code venti-spark format isect|index|bloom}: prepares the disks of a new index as plan9port's
 * fmtisect, fmtindex and fmtbloom do (FORMAT.md 7.2, 6.2, 8.3), so that an index can move to other
 * disks or grow, and then be filled by {@code buildindex}. Unlike the C tools it creates missing
 * files (sparse), never overwrites Venti data that is already there without {@code --force}, and
 * runs every check before it writes the first byte.
 */
@Command(
    name = "format",
    description = "Prepare the disks of a new index, as fmtisect, fmtindex and fmtbloom do.",
    synopsisSubcommandLabel = "isect|index|bloom ...",
    subcommands = {FormatCommand.Isect.class, FormatCommand.Index.class, FormatCommand.Bloom.class})
final class FormatCommand implements CommandGroup {
  @Override
  public String missing() {
    return "format: missing what to format (isect, index or bloom)";
  }

  @Override
  public String unknown(String word) {
    return "format: unknown kind '" + word + "' (isect, index or bloom)";
  }

  @Command(
      name = "isect",
      description =
          "Write an empty index section NAME into FILE (fmtisect); FILE may be" + " FILE:LO-HI.")
  static final class Isect implements CliCommand {
    int version = ISectFormatter.DEFAULT_VERSION;
    int blockSize = ISectLayout.DEFAULT_BLOCK_SIZE;
    long size = -1;

    @Option(
        names = "--version",
        order = 1,
        paramLabel = "1|2",
        description = "Section version; 1 has no bucket magic and is" + " zeroed when FILE exists.")
    @DefaultText("" + ISectFormatter.DEFAULT_VERSION)
    void version(String value) {
      long v = Values.longValue("--version", value);
      if (v != 1 && v != 2) {
        throw new UsageException("--version " + v + ": index sections are version 1 or 2");
      }
      version = (int) v;
    }

    @Option(
        names = "--block-size",
        order = 2,
        paramLabel = "SIZE",
        description = "Bucket size, a power of two from 512 to 64k.")
    @DefaultText(ISectLayout.DEFAULT_BLOCK_SIZE / 1024 + "k")
    void blockSize(String v) {
      blockSize = FormatCommand.blockSize("--block-size", v);
    }

    @Option(
        names = "--size",
        order = 3,
        paramLabel = "SIZE",
        description =
            "Create FILE (sparse) with SIZE bytes; without it"
                + " FILE must exist and is used whole.")
    void size(String v) {
      size = FormatCommand.size("--size", v);
    }

    @Option(
        names = "--force",
        order = 4,
        description =
            "Overwrite a FILE that already holds an index section, arena partition"
                + " or bloom filter.")
    boolean force;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "FILE")
    String file;

    @Override
    public int run(PrintStream out, PrintStream err, RunReport report) {
      return FormatCommand.run("isect", () -> isect(this, out));
    }
  }

  @Command(
      name = "index",
      description =
          "Write a new index over CONF's isect sections and arenas partitions"
              + " (fmtindex): the index config into every section, their bucket ranges into their headers; run buildindex"
              + " next.")
  static final class Index implements CliCommand {
    @Option(
        names = "--name",
        order = 5,
        paramLabel = "NAME",
        description = "Check that the index is NAME.")
    @DefaultText("CONF's index line, which buildindex requires")
    String name;

    @Parameters(paramLabel = "CONF")
    String conf;

    @Override
    public int run(PrintStream out, PrintStream err, RunReport report) {
      return FormatCommand.run("index", () -> index(name, conf, out));
    }
  }

  @Command(name = "bloom", description = "Write an empty bloom filter into FILE (fmtbloom).")
  static final class Bloom implements CliCommand {
    long size = -1;
    int nhash = BloomFormatter.DEFAULT_NHASH;

    @Option(
        names = "--size",
        order = 6,
        paramLabel = "SIZE",
        description =
            "Filter bytes, a power of two from 1m to 512m;"
                + " creates FILE (sparse) when it does not exist.")
    @DefaultText("the largest that FILE holds")
    void size(String v) {
      size = FormatCommand.size("--size", v);
      if (!Venti.isPowerOfTwo(size)
          || size < BloomFormatter.MIN_SIZE
          || size > Venti.MAX_BLOOM_SIZE) {
        throw new UsageException(
            "--size " + size + ": a bloom filter is a power of two from 1m to 512m bytes");
      }
    }

    @Option(
        names = "--nhash",
        order = 7,
        paramLabel = "N",
        description =
            "Hashes per score, 1 to "
                + BloomFormatter.MAX_NHASH
                + "; "
                + BloomFormatter.DEFAULT_NHASH
                + " is the only count the C checkindex accepts.")
    @DefaultText("" + BloomFormatter.DEFAULT_NHASH)
    void nhash(String v) {
      long n = Values.longValue("--nhash", v);
      if (n < 1 || n > BloomFormatter.MAX_NHASH) {
        throw new UsageException("--nhash " + n + ": from 1 to " + BloomFormatter.MAX_NHASH);
      }
      nhash = (int) n;
    }

    @Option(
        names = "--force",
        order = 8,
        description =
            "Overwrite a FILE that already holds a bloom filter, index section or"
                + " arena partition.")
    boolean force;

    @Parameters(paramLabel = "FILE")
    String file;

    @Override
    public int run(PrintStream out, PrintStream err, RunReport report) {
      return FormatCommand.run("bloom", () -> bloom(this, out));
    }
  }

  /** What {@code format isect|index|bloom} does once its options are read. */
  private interface Formatting {
    void run() throws IOException;
  }

  private static int run(String what, Formatting formatting) {
    try {
      formatting.run();
    } catch (IOException e) {
      throw new UncheckedIOException("format " + what + ": " + e.getMessage(), e);
    }
    return ExitCode.OK.code;
  }

  private static void isect(Isect o, PrintStream out) throws IOException {
    int version = o.version;
    int blockSize = o.blockSize;
    long size = o.size;
    boolean force = o.force;
    String name = o.name;
    String file = o.file;
    if (!Bytes.isValidName(name) || name.length() >= Venti.A_NAME_SIZE) {
      throw new UsageException(
          "format isect: bad NAME '"
              + name
              + "' (printable ASCII, 1 to "
              + (Venti.A_NAME_SIZE - 1)
              + " characters)");
    }
    Target t = Target.commandLine(file);
    long partSize;
    if (t.exists()) {
      partSize = t.size();
      if (size >= 0 && size != partSize) {
        throw new FormatException(
            t.display()
                + ": the partition has "
                + partSize
                + " bytes, --size asks for "
                + size
                + " (omit --size to use it whole, or name a byte range FILE:LO-HI)");
      }
      refuseExisting(t, force);
    } else {
      partSize = t.requireCreatable(size);
    }
    ISectHeader h;
    try {
      h = ISectFormatter.header(partSize, name, blockSize, version, new SecureRandom());
    } catch (IllegalArgumentException e) {
      String fix = t.exists() ? "use a larger partition" : "use a larger --size";
      throw new FormatException(t.display() + ": " + e.getMessage() + "; " + fix);
    }
    try (FileChannel ch = t.openForWriting(NO_CONFIG, partSize)) {
      ISectFormatter.write(ch, t.lo(), partSize, h, t.exists());
      ch.force(true);
    }
    String note =
        !t.exists()
            ? String.format(Locale.ROOT, ", new sparse file of %,d bytes", partSize)
            : version == 1 ? ", old contents zeroed" : "";
    out.printf(
        Locale.ROOT,
        "%s: index section %s, version %d, %,d buckets of %d entries (%,d-byte blocks), %,d bytes for index map%s%n",
        t.display(),
        name,
        version,
        h.blocks(),
        Bucket.capacity(blockSize),
        blockSize,
        h.tableSize(),
        note);
  }

  private static void index(String name, String conf, PrintStream out) throws IOException {
    String configLocation = PartitionRef.absolute(conf);
    Configuration hadoop = new Configuration();
    VentiConfig config = readConfig(configLocation, hadoop);
    String indexName = config.indexName();
    if (name != null && !name.equals(indexName)) {
      throw new FormatException(
          config.source()
              + ": says 'index "
              + indexName
              + "' but --name is "
              + name
              + "; buildindex would refuse the index (mismatched index name): change one of them");
    }
    List<IndexFormatter.ArenaSize> arenas = new ArrayList<>();
    List<ArenaPartition> partitions = new ArchiveLoader(hadoop).loadArenaPartitions(configLocation);
    for (ArenaPartition p : partitions) {
      for (Arena a : p.arenas()) {
        arenas.add(new IndexFormatter.ArenaSize(a.name(), a.dataSize()));
      }
    }
    List<Target> targets = new ArrayList<>();
    List<String> files = new ArrayList<>();
    List<ISectHeader> headers = new ArrayList<>();
    Gate gate = Gate.ofArenas(partitions);
    for (String section : config.indexSections()) {
      Target t = Target.of(PartitionRef.resolve(section, configLocation));
      if (!t.exists()) {
        throw new FormatException(
            t.display()
                + ": no such file (create it with venti-spark format isect --size SIZE NAME "
                + t.display()
                + ")");
      }
      t.check(gate); // every section before anything else, and before the first is written
      targets.add(t);
      files.add(t.display());
      headers.add(readSectionHeader(t));
    }
    IndexFormatter.Plan plan = IndexFormatter.plan(indexName, headers, arenas);
    IndexFormatter.check(files, plan, headers, arenas.size());
    for (int i = 0; i < targets.size(); i++) {
      try (FileChannel ch = targets.get(i).openForWriting(gate, targets.get(i).size())) {
        IndexFormatter.write(ch, targets.get(i).lo(), plan.headers().get(i), plan.text());
        ch.force(true);
      }
    }
    for (int i = 0; i < targets.size(); i++) {
      ISectHeader h = plan.headers().get(i);
      out.printf(
          Locale.ROOT,
          "%s: section %s of index %s, buckets [%d, %d) in its %,d blocks%n",
          files.get(i),
          h.name(),
          indexName,
          h.start(),
          h.stop(),
          h.blocks());
    }
    List<MapTable.Entry> amap = plan.config().arenas();
    long storage = amap.isEmpty() ? 0 : amap.get(amap.size() - 1).stop() - Venti.INDEX_BASE;
    out.printf(
        Locale.ROOT,
        "index %s: %,d arenas, %,d index buckets, %,d bytes storage%n",
        indexName,
        arenas.size(),
        plan.headers().get(plan.headers().size() - 1).stop(),
        storage);
  }

  private static void bloom(Bloom o, PrintStream out) throws IOException {
    long size = o.size;
    int nhash = o.nhash;
    boolean force = o.force;
    Target t = Target.commandLine(o.file);
    long filter;
    if (t.exists()) {
      if (size > t.size()) {
        throw new FormatException(
            t.display()
                + ": --size "
                + size
                + " is larger than the partition ("
                + t.size()
                + " bytes)");
      }
      filter = size >= 0 ? size : BloomFormatter.sizeFor(t.size());
      if (filter < BloomFormatter.MIN_SIZE) {
        throw new FormatException(
            t.display()
                + ": bloom filter too small: the partition has "
                + t.size()
                + " bytes, a filter needs at least 1 MiB");
      }
      refuseExisting(t, force);
    } else {
      filter = t.requireCreatable(size);
    }
    BloomHeader h = new BloomHeader(nhash, (int) filter);
    try (FileChannel ch = t.openForWriting(NO_CONFIG, filter)) {
      BloomFormatter.write(ch, t.lo(), h, t.exists());
      ch.force(true);
    }
    String note =
        !t.exists()
            ? ", new sparse file"
            : filter < t.size()
                ? String.format(
                    Locale.ROOT, ", using %,d of the partition's %,d bytes", filter, t.size())
                : "";
    out.printf(
        Locale.ROOT,
        "%s: bloom filter of %,d bytes, %d hashes per score, best for up to %,d scores%s%n",
        t.display(),
        filter,
        nhash,
        BloomFormatter.bestScores(h),
        note);
  }

  /**
   * The gate of a command without a config: it protects what {@link HeaderScan} finds before the
   * target.
   */
  private static final Gate NO_CONFIG = new Gate(List.of());

  /** Refuses to overwrite Venti data unless {@code --force}: the message says what is there. */
  private static void refuseExisting(Target t, boolean force) throws IOException {
    if (force) {
      return;
    }
    String what = t.contents();
    if (what != null) {
      throw new FormatException(
          t.display() + ": already holds " + what + "; use --force to overwrite it");
    }
  }

  private static ISectHeader readSectionHeader(Target t) throws IOException {
    if (t.size() < Venti.PART_BLANK + Venti.HEAD_SIZE
        || t.u32(Venti.PART_BLANK) != Venti.ISECT_MAGIC) {
      throw FormatException.at(
          t.display(),
          Venti.PART_BLANK,
          "not a formatted index section (format it first with "
              + "venti-spark format isect NAME "
              + t.display()
              + ")");
    }
    ISectHeader h = ISectHeader.decode(t.display(), t.read(Venti.PART_BLANK, Venti.HEAD_SIZE));
    long need = h.blockBase() + h.blocks() * h.blockSize();
    if (t.size() < need) {
      throw FormatException.at(
          t.display(),
          Venti.PART_BLANK + 144,
          "the header counts "
              + h.blocks()
              + " blocks of "
              + h.blockSize()
              + " bytes, which need "
              + need
              + " bytes, but the partition has "
              + t.size()
              + " (truncated? reformat it with venti-spark format isect --force)");
    }
    return h;
  }

  /** The config, read as the loader reads it (a small file, or a config stored in a partition). */
  private static VentiConfig readConfig(String location, Configuration hadoop) {
    PartitionRef ref = PartitionRef.resolve(location, location);
    try (PartitionReader r = PartitionReader.open(ref, hadoop)) {
      String text = VentiConfig.textOf(ref.display(), r.size(), (off, len) -> r.read(off, len));
      return VentiConfig.parse(ref.display(), text);
    }
  }

  static int blockSize(String option, String value) {
    long bs = size(option, value);
    if (!Venti.isPowerOfTwo(bs) || bs < ISectLayout.MIN_BLOCK_SIZE || bs > Venti.MAX_DISK_BLOCK) {
      throw new UsageException(option + " " + value + ": a power of two from 512 to 64k");
    }
    return (int) bs;
  }

  static long size(String option, String value) {
    long v;
    try {
      v = SizeParser.parse(value);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException(
          option + ": bad size '" + value + "' (a number with an optional k, m, g or t suffix)");
    }
    if (v <= 0) {
      throw new UsageException(option + " " + value + ": must be positive");
    }
    return v;
  }

  /**
   * A partition to format: a local file or device, or a byte range of one (FORMAT.md 2.2).
   *
   * @param lo file offset of the partition
   * @param size partition bytes, when the file exists
   */
  private record Target(
      String display, Path path, long lo, long size, boolean exists, boolean ranged) {
    /** A FILE named on the command line: relative to the working directory. */
    static Target commandLine(String file) {
      PartitionName pn = PartitionName.parse(file);
      return of(new PartitionRef(pn, PartitionRef.absolute(pn.file())));
    }

    static Target of(PartitionRef ref) {
      PartitionName pn = ref.name();
      if (!ref.isLocal()) {
        throw new FormatException(
            pn.display() + ": venti-spark format writes local files and devices only");
      }
      Path path = ref.localPath();
      boolean ranged = pn.lo() != 0 || pn.hi() >= 0;
      if (!Files.exists(path)) {
        return new Target(pn.display(), path, pn.lo(), -1, false, ranged);
      }
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
        return new Target(pn.display(), path, pn.lo(), pn.size(ch.size()), true, ranged);
      } catch (IOException e) {
        throw new FormatException(
            pn.display() + ": cannot open " + path + ": " + e.getMessage(), e);
      }
    }

    /** For a file to create: its size, which must come from {@code --size}. */
    long requireCreatable(long size) {
      if (ranged) {
        throw new FormatException(
            display + ": no such file (a byte range names part of an existing file)");
      }
      if (size < 0) {
        throw new FormatException(display + ": no such file; give --size SIZE to create it");
      }
      if (path.getParent() != null && !Files.isDirectory(path.getParent())) {
        throw new FormatException(display + ": cannot create it: no directory " + path.getParent());
      }
      return size;
    }

    /**
     * Opens for writing through {@code gate}, which refuses (exit 3) a target whose bytes may be
     * protected bytes or, with no config, bytes of a structure that starts before it; a new file is
     * created sparse with {@code newSize} bytes.
     */
    FileChannel openForWriting(Gate gate, long newSize) throws IOException {
      if (exists) {
        return gate.openForWriting(display, path, lo, lo + newSize, true);
      }
      FileChannel ch = Gate.createNew(path);
      ByteBuffer last = ByteBuffer.allocate(1);
      while (last.hasRemaining()) {
        ch.write(last, newSize - 1);
      }
      return ch;
    }

    /**
     * Refuses (exit 3) a target that {@code gate} would not open for writing; opens nothing for
     * writing.
     */
    void check(Gate gate) throws IOException {
      gate.check(display, path, lo, lo + size, true);
    }

    /** Which Venti structure the partition already holds, or null. */
    String contents() throws IOException {
      if (size >= Venti.PART_BLANK + Venti.HEAD_SIZE) {
        int magic = u32(Venti.PART_BLANK);
        if (magic == Venti.ISECT_MAGIC) {
          byte[] h = read(Venti.PART_BLANK, Venti.HEAD_SIZE);
          String index = Bytes.name(h, 72, Venti.A_NAME_SIZE);
          return "index section '"
              + Bytes.name(h, 8, Venti.A_NAME_SIZE)
              + "'"
              + (index.isEmpty() ? "" : " of index '" + index + "'");
        }
        if (magic == Venti.ARENA_PART_MAGIC) {
          return "an arena partition (its arenas would be lost)";
        }
      }
      if (size >= Venti.BLOOM_HEAD_SIZE && u32(0) == Venti.BLOOM_MAGIC) {
        return "a bloom filter";
      }
      return null;
    }

    int u32(long off) throws IOException {
      return Bytes.u32(read(off, 4), 0);
    }

    byte[] read(long off, int len) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(len);
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
        while (b.hasRemaining()) {
          if (ch.read(b, lo + off + b.position()) < 0) {
            throw FormatException.at(display, off, "unexpected end of file");
          }
        }
      }
      return b.array();
    }
  }
}
