package ventispark.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import ventispark.create.ArchiveGenerator;
import ventispark.create.GeneratorOptions;
import ventispark.format.SizeParser;

/** {@code venti-spark generate [options] DIR}: writes a synthetic archive of any size. */
final class GenerateCommand {
  private GenerateCommand() {}

  static final String USAGE = String.join("\n",
      "       venti-spark generate [--clumps N] [--sizes SPEC] [--types SPEC] [--compressed F] [--duplicates F]",
      "                            [--corrupt N] [--arena-partitions N] [--arenas N] [--arena-block-size SIZE]",
      "                            [--version 4|5] [--open-arenas N] [--indexed F] [--sections N] [--bucket-size SIZE]",
      "                            [--max-overflow P] [--bloom SIZE] [--seed N] [--threads N] [--force] DIR");

  static final String HELP = String.join("\n",
      "  generate     write a synthetic archive (arenas with real clumps, fresh index sections, venti.conf) into DIR",
      "    --clumps N              clumps in the archive (default " + GeneratorOptions.DEFAULT_CLUMPS + ")",
      "    --sizes SPEC            block sizes, SIZE[-SIZE][:WEIGHT],... (default " + GeneratorOptions.DEFAULT_SIZES + ")",
      "    --types SPEC            block types, TYPE[:WEIGHT],... of data, dir, root, pointer1..7 (default "
          + GeneratorOptions.DEFAULT_TYPES + ")",
      "    --compressed F          share of blocks with compressible contents, stored whack-compressed (default "
          + GeneratorOptions.DEFAULT_COMPRESSED + ")",
      "    --duplicates F          share of clumps repeating a block of an earlier arena (default "
          + GeneratorOptions.DEFAULT_DUPLICATES + ")",
      "    --corrupt N             directory entries with an undecodable type (default 0)",
      "    --arena-partitions N    arena partition files (default " + GeneratorOptions.DEFAULT_ARENA_PARTITIONS + ")",
      "    --arenas N              arenas per partition (default " + GeneratorOptions.DEFAULT_ARENAS + ")",
      "    --arena-block-size SIZE (default 8k)   --version 4|5 arena version (default 5)",
      "    --open-arenas N         last arenas left unsealed and partly indexed (default "
          + GeneratorOptions.DEFAULT_OPEN_ARENAS + ")",
      "    --indexed F             share of an open arena's clumps in its diskstats (default "
          + GeneratorOptions.DEFAULT_INDEXED + ")",
      "    --sections N            index sections (default " + GeneratorOptions.DEFAULT_SECTIONS
          + "), sized so a bucket overflows with probability ≤ --max-overflow (default "
          + GeneratorOptions.DEFAULT_MAX_OVERFLOW + ")",
      "    --bucket-size SIZE      index bucket size (default 8k)   --bloom SIZE  bloom filter size (default none)",
      "    --seed N                the archive is a function of the options and the seed (default 1)",
      "    --threads N             writer threads (default: one per core)",
      "    --force                 overwrite the archive's files (arena partitions, sections, bloom, venti.conf) if DIR"
          + " holds them; without it such a DIR is refused (exit 3)");

  static int run(Args args, PrintStream out, PrintStream err) {
    GeneratorOptions o = new GeneratorOptions();
    boolean force = false;
    for (String opt; (opt = args.nextOption()) != null; ) {
      try {
        switch (opt) {
          case "--clumps" -> o.clumps = args.longValue(opt, 1, Long.MAX_VALUE);
          case "--sizes" -> o.sizes = GeneratorOptions.sizes(args.value(opt));
          case "--types" -> o.types = GeneratorOptions.types(args.value(opt));
          case "--compressed" -> o.compressed = Double.parseDouble(args.value(opt));
          case "--duplicates" -> o.duplicates = Double.parseDouble(args.value(opt));
          case "--corrupt" -> o.corrupt = args.longValue(opt, 0, Long.MAX_VALUE);
          case "--arena-partitions" -> o.arenaPartitions = args.intValue(opt, 1, Integer.MAX_VALUE);
          case "--arenas" -> o.arenas = args.intValue(opt, 1, Integer.MAX_VALUE);
          case "--arena-block-size" -> o.arenaBlockSize = (int) args.sizeValue(opt, 512, 1 << 30);
          case "--version" -> o.version = args.intValue(opt, 4, 5);
          case "--open-arenas" -> o.openArenas = args.intValue(opt, 0, Integer.MAX_VALUE);
          case "--indexed" -> o.indexed = Double.parseDouble(args.value(opt));
          case "--sections" -> o.sections = args.intValue(opt, 1, Integer.MAX_VALUE);
          case "--bucket-size" -> o.bucketSize = (int) args.sizeValue(opt, 512, 1 << 30);
          case "--max-overflow" -> o.maxOverflow = Double.parseDouble(args.value(opt));
          case "--bloom" -> o.bloom = SizeParser.parse(args.value(opt));
          case "--seed" -> o.seed = args.longValue(opt);
          case "--threads" -> o.threads = args.intValue(opt, 1, Integer.MAX_VALUE);
          case "--force" -> force = true;
          default -> throw new UsageException("generate: unknown option " + opt);
        }
      } catch (IllegalArgumentException e) { // NumberFormatException included
        throw new UsageException(opt + ": " + e.getMessage());
      }
    }
    Path dir = Path.of(args.single("DIR"));
    ArchiveGenerator generator;
    try {
      generator = new ArchiveGenerator(o, err);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    ArchiveGenerator.Result r = generator.write(dir, force);
    out.println(describe(r));
    out.printf(Locale.ROOT, "in %.1f s; rebuild its index with: venti-spark buildindex %s%n", r.millis() / 1000.0, r.config());
    return ExitCode.OK.code;
  }

  static String describe(ArchiveGenerator.Result r) {
    return String.format(Locale.ROOT, "wrote %s: %,d clumps (%,d corrupt) in %d arenas on %d arena partitions (%,d MiB), "
        + "%d index sections (%,d MiB)", r.config(), r.clumps(), r.corrupt(), r.arenas(), r.partitions(),
        r.arenaBytes() >> 20, r.sections(), r.indexBytes() >> 20);
  }
}
