package ventispark.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import ventispark.format.FormatException;
import ventispark.job.BuildReverseIndex;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.reverse.ReverseIndexFile;
import ventispark.reverse.ReverseLookup;

/** {@code reverse build|verify|lookup}: the reverse index of job/docs/REVERSE-INDEX.md. */
final class ReverseCommand {
  private ReverseCommand() {}

  static final String USAGE = String.join("\n",
      "       venti-spark reverse build DIR CONF",
      "       venti-spark reverse verify DIR CONF",
      "       venti-spark reverse lookup (--address ADDR | --rank N) DIR CONF");

  static final String HELP = String.join("\n",
      "  reverse      the reverse index (index entries in log order, job/docs/REVERSE-INDEX.md) of CONF's index, in DIR",
      "    build             write DIR/<index>-<index checksum>.vrev from the index; removes stale ones",
      "    verify            rebuild it in memory and compare: name, checksums, every record (exit 6 on difference)",
      "    lookup            the clump at an index address, or of a log rank: score, type, size, arena, size on disk");

  static int run(Args args, PrintStream out) {
    String sub = args.value("reverse: build, verify or lookup");
    return switch (sub) {
      case "build" -> build(args, out);
      case "verify" -> verify(args, out);
      case "lookup" -> lookup(args, out);
      default -> throw new UsageException("reverse: unknown subcommand '" + sub + "' (build, verify or lookup)");
    };
  }

  private static int build(Args args, PrintStream out) {
    noOptions(args, "reverse build");
    Path dir = dir(args);
    String conf = args.single("CONF");
    try (VentiSpark.Spark spark = new VentiSpark.Spark("venti-spark reverse build " + conf)) {
      BuildReverseIndex.Result r = new BuildReverseIndex(spark.sc).run(conf, dir);
      out.printf(Locale.ROOT, "wrote %s: %,d records in %.1f s%n", r.file(), r.entries(), r.millis() / 1000.0);
      return ExitCode.OK.code;
    }
  }

  private static int verify(Args args, PrintStream out) {
    noOptions(args, "reverse verify");
    Path dir = dir(args);
    String conf = args.single("CONF");
    Archive archive = new ArchiveLoader(new Configuration()).load(conf);
    List<Path> existing = ReverseIndexFile.find(dir, archive.indexName());
    if (existing.isEmpty()) {
      throw new FormatException(dir + ": no reverse index of index " + archive.indexName()
          + " (make one with: venti-spark reverse build " + dir + " " + conf + ")");
    }
    Path scratch = dir.resolve(".vrev-verify-" + java.util.UUID.randomUUID());
    try (VentiSpark.Spark spark = new VentiSpark.Spark("venti-spark reverse verify " + conf)) {
      BuildReverseIndex.Result fresh = new BuildReverseIndex(spark.sc).run(conf, scratch);
      Path want = dir.resolve(fresh.file().getFileName());
      if (!existing.contains(want)) {
        out.printf("%s is stale: it was built for another index (the index's checksum is now %s); rebuild it with: "
            + "venti-spark reverse build %s %s%n", existing.get(0), HexFormat.of().formatHex(fresh.indexSum()), dir,
            conf);
        return ExitCode.DIFFERS.code;
      }
      String problem = compare(want, fresh);
      out.println(problem == null ? want + ": correct, " + String.format(Locale.ROOT, "%,d", fresh.entries()) + " records"
          : want + ": " + problem);
      return problem == null ? ExitCode.OK.code : ExitCode.DIFFERS.code;
    } finally {
      deleteTree(scratch);
    }
  }

  /** Why {@code file} is not the reverse index {@code fresh} is, or null. */
  private static String compare(Path file, BuildReverseIndex.Result fresh) {
    try (ReverseIndexFile rev = new ReverseIndexFile(file)) {
      if (!Arrays.equals(rev.indexSum(), fresh.indexSum())) {
        return "its trailer's index checksum is not the one its name carries (stale or corrupt)";
      }
      if (!rev.fileSumHolds()) {
        return "its file checksum does not hold: the file is corrupt";
      }
      if (rev.entries() != fresh.entries()) {
        return rev.entries() + " records, the index has " + fresh.entries() + " entries";
      }
      long r = firstDifference(file, fresh.file());
      return r < 0 ? null : "record " + r + " differs from the index (" + rev.record(r) + ")";
    }
  }

  private static long firstDifference(Path a, Path b) {
    try {
      long m = Files.mismatch(a, b);
      return m < 0 ? -1 : Math.max(0, (m - ReverseIndexFile.HEADER_SIZE) / ReverseIndexFile.RECORD_SIZE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int lookup(Args args, PrintStream out) {
    Long address = null;
    Long rank = null;
    for (String o; (o = args.nextOption()) != null; ) {
      switch (o) {
        case "--address" -> address = args.longValue(o, 0, Long.MAX_VALUE);
        case "--rank" -> rank = args.longValue(o, 0, Long.MAX_VALUE);
        default -> throw new UsageException("reverse lookup: unknown option " + o);
      }
    }
    if ((address == null) == (rank == null)) {
      throw new UsageException("reverse lookup: give exactly one of --address ADDR and --rank N");
    }
    Path dir = dir(args);
    String conf = args.single("CONF");
    Configuration hadoop = new Configuration();
    Archive archive = new ArchiveLoader(hadoop).load(conf);
    List<Path> files = ReverseIndexFile.find(dir, archive.indexName());
    if (files.size() != 1) {
      throw new FormatException(dir + ": " + (files.isEmpty() ? "no reverse index" : files.size() + " reverse indexes")
          + " of index " + archive.indexName() + " (run: venti-spark reverse build " + dir + " " + conf + ")");
    }
    try (ReverseIndexFile rev = new ReverseIndexFile(files.get(0))) {
      String name = files.get(0).getFileName().toString();
      if (!name.equals(ReverseIndexFile.name(archive.indexName(), rev.indexSum()))) {
        throw new FormatException(files.get(0) + ": its name does not carry the index checksum of its trailer");
      }
      ReverseLookup lookup = new ReverseLookup(archive, rev, hadoop);
      if (rank != null) {
        out.println(lookup.byRank(rank).describe());
        return ExitCode.OK.code;
      }
      ReverseLookup.Clump c = lookup.byAddress(address);
      if (c != null) {
        out.println(c.describe());
        return ExitCode.OK.code;
      }
      ReverseLookup.Clump in = lookup.containing(address);
      out.println(in == null ? "no clump at address " + address
          : "no clump starts at address " + address + "; it is inside: " + in.describe());
      return ExitCode.DIFFERS.code;
    }
  }

  private static void noOptions(Args args, String command) {
    String o = args.nextOption();
    if (o != null) {
      throw new UsageException(command + ": unknown option " + o);
    }
  }

  /** The DIR operand, made absolute here on the driver: executors have other working directories. */
  private static Path dir(Args args) {
    return Path.of(args.value("DIR")).toAbsolutePath().normalize();
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      // a scratch folder left behind is harmless
    }
  }
}
