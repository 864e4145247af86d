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
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ventispark.format.FormatException;
import ventispark.job.reverse.BuildReverseIndex;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.reverse.ReverseIndexFile;
import ventispark.reverse.ReverseLookup;

/** {@code reverse build|verify|lookup}: the reverse index of job/docs/REVERSE-INDEX.md. */
@Command(
    name = "reverse",
    description =
        "The reverse index (index entries in log order, job/docs/REVERSE-INDEX.md) of"
            + " CONF's index, in DIR.",
    synopsisSubcommandLabel = "build|verify|lookup ...",
    subcommands = {
      ReverseCommand.Build.class,
      ReverseCommand.Verify.class,
      ReverseCommand.Lookup.class
    })
final class ReverseCommand implements CommandGroup {
  @Override
  public String missing() {
    return "reverse: missing subcommand (build, verify or lookup)";
  }

  @Override
  public String unknown(String word) {
    return "reverse: unknown subcommand '" + word + "' (build, verify or lookup)";
  }

  /**
   * {@code DIR CONF}; DIR made absolute here on the driver: executors have other working
   * directories.
   */
  abstract static class Operands implements CliCommand {
    @Parameters(index = "0", paramLabel = "DIR")
    String dir;

    @Parameters(index = "1", paramLabel = "CONF")
    String conf;

    Path dir() {
      return Path.of(dir).toAbsolutePath().normalize();
    }
  }

  @Command(
      name = "build",
      description = "Write DIR/<index>-<index checksum>.vrev from the index; removes stale ones.")
  static final class Build extends Operands {
    @Override
    public int run(PrintStream out, PrintStream err, RunReport report) {
      return build(dir(), conf, out);
    }
  }

  @Command(
      name = "verify",
      description =
          "Rebuild it in memory and compare: name, checksums, every record (exit 6 on"
              + " a difference).")
  static final class Verify extends Operands {
    @Override
    public int run(PrintStream out, PrintStream err, RunReport report) {
      return verify(dir(), conf, out);
    }
  }

  @Command(
      name = "lookup",
      description =
          "The clump at an index address, or of a log rank: score, type, size, arena,"
              + " size on disk.",
      customSynopsis = "venti-spark reverse lookup (--address ADDR | --rank N) DIR CONF")
  static final class Lookup extends Operands {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Clump clump;

    /** Which clump: exactly one of these (picocli refuses none and both). */
    static final class Clump {
      Long address;
      Long rank;

      @Option(
          names = "--address",
          order = 1,
          paramLabel = "ADDR",
          description = "The clump that starts at this index address.")
      void address(String v) {
        address = Values.longIn("--address", v, 0, Long.MAX_VALUE);
      }

      @Option(
          names = "--rank",
          order = 2,
          paramLabel = "N",
          description = "The clump of this log rank (its place in log order, from 0).")
      void rank(String v) {
        rank = Values.longIn("--rank", v, 0, Long.MAX_VALUE);
      }
    }

    @Override
    public int run(PrintStream out, PrintStream err, RunReport report) {
      return lookup(clump.address, clump.rank, dir(), conf, out);
    }
  }

  private static int build(Path dir, String conf, PrintStream out) {
    try (VentiSpark.Spark spark = new VentiSpark.Spark("venti-spark reverse build " + conf)) {
      BuildReverseIndex.Result r = new BuildReverseIndex(spark.sc).run(conf, dir);
      out.printf(
          Locale.ROOT,
          "wrote %s: %,d records in %.1f s%n",
          r.file(),
          r.entries(),
          r.millis() / 1000.0);
      return ExitCode.OK.code;
    }
  }

  private static int verify(Path dir, String conf, PrintStream out) {
    Archive archive = new ArchiveLoader(new Configuration()).load(conf);
    List<Path> existing = ReverseIndexFile.find(dir, archive.indexName());
    if (existing.isEmpty()) {
      throw new FormatException(
          dir
              + ": no reverse index of index "
              + archive.indexName()
              + " (make one with: venti-spark reverse build "
              + dir
              + " "
              + conf
              + ")");
    }
    Path scratch = dir.resolve(".vrev-verify-" + java.util.UUID.randomUUID());
    try (VentiSpark.Spark spark = new VentiSpark.Spark("venti-spark reverse verify " + conf)) {
      BuildReverseIndex.Result fresh = new BuildReverseIndex(spark.sc).run(conf, scratch);
      Path want = dir.resolve(fresh.file().getFileName());
      if (!existing.contains(want)) {
        out.printf(
            "%s is stale: it was built for another index (the index's checksum is now %s); rebuild it with: "
                + "venti-spark reverse build %s %s%n",
            existing.get(0), HexFormat.of().formatHex(fresh.indexSum()), dir, conf);
        return ExitCode.DIFFERS.code;
      }
      String problem = compare(want, fresh);
      out.println(
          problem == null
              ? want
                  + ": correct, "
                  + String.format(Locale.ROOT, "%,d", fresh.entries())
                  + " records"
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
      return m < 0
          ? -1
          : Math.max(0, (m - ReverseIndexFile.HEADER_SIZE) / ReverseIndexFile.RECORD_SIZE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int lookup(Long address, Long rank, Path dir, String conf, PrintStream out) {
    Configuration hadoop = new Configuration();
    Archive archive = new ArchiveLoader(hadoop).load(conf);
    List<Path> files = ReverseIndexFile.find(dir, archive.indexName());
    if (files.size() != 1) {
      throw new FormatException(
          dir
              + ": "
              + (files.isEmpty() ? "no reverse index" : files.size() + " reverse indexes")
              + " of index "
              + archive.indexName()
              + " (run: venti-spark reverse build "
              + dir
              + " "
              + conf
              + ")");
    }
    try (ReverseIndexFile rev = new ReverseIndexFile(files.get(0))) {
      String name = files.get(0).getFileName().toString();
      if (!name.equals(ReverseIndexFile.name(archive.indexName(), rev.indexSum()))) {
        throw new FormatException(
            files.get(0) + ": its name does not carry the index checksum of its trailer");
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
      out.println(
          in == null
              ? "no clump at address " + address
              : "no clump starts at address " + address + "; it is inside: " + in.describe());
      return ExitCode.DIFFERS.code;
    }
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
