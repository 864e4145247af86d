package ventispark.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ventispark.create.ArchiveGenerator;
import ventispark.create.GeneratorOptions;

/** {@code venti-spark generate [options] DIR}: writes a synthetic archive of any size. */
@Command(
    name = "generate",
    description =
        "Write a synthetic archive (arenas with real clumps, fresh index sections,"
            + " venti.conf) into DIR.")
final class GenerateCommand implements CliCommand {
  private final GeneratorOptions o = new GeneratorOptions();

  @Option(
      names = "--clumps",
      order = 1,
      paramLabel = "N",
      description = "Clumps in the archive, spread evenly over the arenas.")
  @DefaultText("" + GeneratorOptions.DEFAULT_CLUMPS)
  void clumps(String v) {
    o.clumps = Values.longIn("--clumps", v, 1, Long.MAX_VALUE);
  }

  @Option(
      names = "--sizes",
      order = 2,
      paramLabel = "SPEC",
      description =
          "Block sizes, SIZE[-SIZE][:WEIGHT],..., e.g." + " 512:3,4k-8k:1 (1 byte to 56k).")
  @DefaultText(GeneratorOptions.DEFAULT_SIZES)
  void sizes(String v) {
    o.sizes = parsed("--sizes", () -> GeneratorOptions.sizes(v));
  }

  @Option(
      names = "--types",
      order = 3,
      paramLabel = "SPEC",
      description = "Block types, TYPE[:WEIGHT],... of data, dir, root," + " pointer1..pointer7.")
  @DefaultText(GeneratorOptions.DEFAULT_TYPES)
  void types(String v) {
    o.types = parsed("--types", () -> GeneratorOptions.types(v));
  }

  @Option(
      names = "--compressed",
      order = 4,
      paramLabel = "F",
      description =
          "Share of blocks with text-like contents, stored"
              + " whack-compressed when that is smaller (the rest are random bytes).")
  @DefaultText("" + GeneratorOptions.DEFAULT_COMPRESSED)
  void compressed(String v) {
    o.compressed = Values.number("--compressed", v);
  }

  @Option(
      names = "--duplicates",
      order = 5,
      paramLabel = "F",
      description =
          "Share of clumps that store again a block of an"
              + " earlier arena, as a server does after its index was lost. Never twice in one arena.")
  @DefaultText("" + GeneratorOptions.DEFAULT_DUPLICATES)
  void duplicates(String v) {
    o.duplicates = Values.number("--duplicates", v);
  }

  @Option(
      names = "--corrupt",
      order = 6,
      paramLabel = "N",
      description =
          "Directory entries with an undecodable type code,"
              + " spread evenly (buildindex skips them: nskip).")
  @DefaultText("" + GeneratorOptions.DEFAULT_CORRUPT)
  void corrupt(String v) {
    o.corrupt = Values.longIn("--corrupt", v, 0, Long.MAX_VALUE);
  }

  @Option(
      names = "--arena-partitions",
      order = 7,
      paramLabel = "N",
      description = "Arena partition files.")
  @DefaultText("" + GeneratorOptions.DEFAULT_ARENA_PARTITIONS)
  void arenaPartitions(String v) {
    o.arenaPartitions = Values.intIn("--arena-partitions", v, 1, Integer.MAX_VALUE);
  }

  @Option(
      names = "--arenas",
      order = 8,
      paramLabel = "N",
      description = "Arenas in each partition, sized to fit their clumps.")
  @DefaultText("" + GeneratorOptions.DEFAULT_ARENAS)
  void arenas(String v) {
    o.arenas = Values.intIn("--arenas", v, 1, Integer.MAX_VALUE);
  }

  @Option(
      names = "--arena-block-size",
      order = 9,
      paramLabel = "SIZE",
      description = "Arena block size.")
  @DefaultText("8k")
  void arenaBlockSize(String v) {
    o.arenaBlockSize = (int) Values.sizeIn("--arena-block-size", v, 512, 1 << 30);
  }

  @Option(names = "--version", order = 10, paramLabel = "4|5", description = "Arena version.")
  @DefaultText("" + GeneratorOptions.DEFAULT_VERSION)
  void version(String v) {
    o.version = Values.intIn("--version", v, 4, 5);
  }

  @Option(
      names = "--open-arenas",
      order = 11,
      paramLabel = "N",
      description =
          "The last N arenas are left unsealed, with"
              + " diskstats covering only --indexed of their clumps (memstats ahead, as after a server crash).")
  @DefaultText("" + GeneratorOptions.DEFAULT_OPEN_ARENAS)
  void openArenas(String v) {
    o.openArenas = Values.intIn("--open-arenas", v, 0, Integer.MAX_VALUE);
  }

  @Option(
      names = "--indexed",
      order = 12,
      paramLabel = "F",
      description = "Share of an open arena's clumps in its diskstats.")
  @DefaultText("" + GeneratorOptions.DEFAULT_INDEXED)
  void indexed(String v) {
    o.indexed = Values.number("--indexed", v);
  }

  @Option(
      names = "--sections",
      order = 13,
      paramLabel = "N",
      description =
          "Index sections, sized so that a bucket overflows"
              + " with probability at most --max-overflow.")
  @DefaultText("" + GeneratorOptions.DEFAULT_SECTIONS)
  void sections(String v) {
    o.sections = Values.intIn("--sections", v, 1, Integer.MAX_VALUE);
  }

  @Option(
      names = "--bucket-size",
      order = 14,
      paramLabel = "SIZE",
      description = "Index bucket size.")
  @DefaultText("8k")
  void bucketSize(String v) {
    o.bucketSize = (int) Values.sizeIn("--bucket-size", v, 512, 1 << 30);
  }

  @Option(
      names = "--max-overflow",
      order = 15,
      paramLabel = "P",
      description = "Accepted probability that some bucket" + " overflows, for --sections.")
  @DefaultText("" + GeneratorOptions.DEFAULT_MAX_OVERFLOW)
  void maxOverflow(String v) {
    o.maxOverflow = Values.number("--max-overflow", v);
  }

  @Option(
      names = "--bloom",
      order = 16,
      paramLabel = "SIZE",
      description =
          "A bloom filter of this size (a power of two, 1m to"
              + " 512m), hashes by fmtbloom's -n rule.")
  void bloom(String v) {
    o.bloom = Values.sizeIn("--bloom", v, 0, Long.MAX_VALUE);
  }

  @Option(
      names = "--seed",
      order = 17,
      paramLabel = "N",
      description = "The archive is a function of the options and the seed.")
  @DefaultText("" + GeneratorOptions.DEFAULT_SEED)
  void seed(String v) {
    o.seed = Values.longValue("--seed", v);
  }

  @Option(names = "--threads", order = 18, paramLabel = "N", description = "Writer threads.")
  @DefaultText("one per core")
  void threads(String v) {
    o.threads = Values.intIn("--threads", v, 1, Integer.MAX_VALUE);
  }

  @Option(
      names = "--force",
      order = 19,
      description =
          "Overwrite the archive's files (arenasN.img, isectN.img, bloom.img,"
              + " venti.conf) when DIR holds any of them; without it such a DIR is refused, exit 3, before anything is"
              + " written.")
  boolean force;

  @Parameters(paramLabel = "DIR")
  String dir;

  /** A SPEC parsed by {@link GeneratorOptions}; its refusal names the option. */
  private static <T> T parsed(String option, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      throw new UsageException(m.startsWith(option) ? m : option + ": " + m);
    }
  }

  @Override
  public int run(PrintStream out, PrintStream err, RunReport report) {
    Path dir = Path.of(this.dir);
    ArchiveGenerator generator;
    try {
      generator = new ArchiveGenerator(o, err);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    ArchiveGenerator.Result r = generator.write(dir, force);
    out.println(describe(r));
    out.printf(
        Locale.ROOT,
        "in %.1f s; rebuild its index with: venti-spark buildindex %s%n",
        r.millis() / 1000.0,
        r.config());
    return ExitCode.OK.code;
  }

  static String describe(ArchiveGenerator.Result r) {
    return String.format(
        Locale.ROOT,
        "wrote %s: %,d clumps (%,d corrupt) in %d arenas on %d arena partitions (%,d MiB), "
            + "%d index sections (%,d MiB)",
        r.config(),
        r.clumps(),
        r.corrupt(),
        r.arenas(),
        r.partitions(),
        r.arenaBytes() >> 20,
        r.sections(),
        r.indexBytes() >> 20);
  }
}
