package ventispark.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ventispark.format.Bucket;
import ventispark.format.ISectLayout;
import ventispark.format.Venti;
import ventispark.job.IndexOverflowException;
import ventispark.plan.IndexSizing;
import ventispark.read.ArchiveLoader;
import ventispark.read.Arena;
import ventispark.read.ArenaPartition;

/**
 * {@code venti-spark size}: how large the index sections for an archive must be. Counts the clumps
 * of CONF's arenas (memstats: what a rebuild indexes) or takes {@code --clumps}, evaluates a
 * proposed geometry and recommends the smallest one whose buckets overflow only with the target
 * probability ({@link IndexSizing} has the model). Exit status 0, or 4 (OVERFLOW) when the proposed
 * geometry misses the target, so that scripts can stop before formatting it.
 */
@Command(
    name = "size",
    description =
        "How large new index sections must be for CONF's arenas (or --clumps N), so"
            + " that a rebuild overflows a bucket only with probability P; evaluates a proposed --section-size. Exit 4 when"
            + " the proposed sections miss the target.")
final class SizeCommand implements CliCommand {
  long clumps = -1;
  double growth = IndexSizing.DEFAULT_GROWTH;
  int blockSize = IndexSizing.DEFAULT_BLOCK_SIZE;
  int sections = IndexSizing.DEFAULT_SECTIONS;
  long sectionSize = -1;
  double maxOverflow = IndexSizing.DEFAULT_MAX_OVERFLOW;

  @Option(
      names = "--clumps",
      order = 1,
      paramLabel = "N",
      description = "Plan for N clumps instead of reading CONF's arena" + " trailers (memstats).")
  @DefaultText("CONF's clumps")
  void clumps(String v) {
    clumps = Values.longValue("--clumps", v);
    if (clumps < 0) {
      throw new UsageException("--clumps " + clumps + ": must not be negative");
    }
  }

  @Option(
      names = "--growth",
      order = 2,
      paramLabel = "F",
      description = "Plan for clumps × F, F ≥ 1: headroom for clumps still" + " to come.")
  @DefaultText("" + IndexSizing.DEFAULT_GROWTH)
  void growth(String v) {
    growth = Values.number("--growth", v);
    if (!(growth >= 1) || Double.isInfinite(growth)) {
      throw new UsageException(
          "--growth " + growth + ": a factor of at least 1 (1.5 plans for 50% more clumps)");
    }
  }

  @Option(
      names = "--block-size",
      order = 3,
      paramLabel = "SIZE",
      description = "Bucket size, a power of two from 512 to 64k.")
  @DefaultText(IndexSizing.DEFAULT_BLOCK_SIZE / 1024 + "k")
  void blockSize(String v) {
    blockSize = FormatCommand.blockSize("--block-size", v);
  }

  @Option(names = "--sections", order = 4, paramLabel = "N", description = "Equal index sections.")
  @DefaultText("" + IndexSizing.DEFAULT_SECTIONS)
  void sections(String v) {
    long n = Values.longValue("--sections", v);
    if (n < 1 || n > Venti.MAX_AMAP) {
      throw new UsageException("--sections " + n + ": from 1 to " + Venti.MAX_AMAP);
    }
    sections = (int) n;
  }

  @Option(
      names = "--section-size",
      order = 5,
      paramLabel = "SIZE",
      description = "Evaluate sections of SIZE bytes each.")
  void sectionSize(String v) {
    sectionSize = FormatCommand.size("--section-size", v);
  }

  @Option(
      names = "--max-overflow",
      order = 6,
      paramLabel = "P",
      description = "Accepted probability that some bucket" + " overflows, 0 < P < 1.")
  @DefaultText("" + IndexSizing.DEFAULT_MAX_OVERFLOW)
  void maxOverflow(String v) {
    maxOverflow = Values.number("--max-overflow", v);
    if (!(maxOverflow > 0 && maxOverflow < 1)) {
      throw new UsageException(
          "--max-overflow " + maxOverflow + ": a probability between 0 and 1, e.g. 1e-6");
    }
  }

  @Parameters(paramLabel = "CONF", arity = "0..1")
  String conf;

  @Override
  public int run(PrintStream out, PrintStream err, RunReport report) {
    long clumps = this.clumps;
    if (clumps < 0) {
      if (conf == null) {
        throw new UsageException("missing CONF (or --clumps N)");
      }
      clumps = countClumps(conf, out);
    } else if (conf != null) {
      throw new UsageException(
          "size: give CONF or --clumps N, not both (got --clumps and " + conf + ")");
    }
    long entries = (long) Math.ceil(clumps * growth);
    IndexSizing.Geometry proposed = null;
    if (sectionSize > 0) {
      try {
        proposed = IndexSizing.ofSectionSize(blockSize, sections, sectionSize);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--section-size: " + e.getMessage());
      }
      long buckets = sections * proposed.blocksPerSection();
      if (buckets > IndexSizing.MAX_BUCKETS) {
        throw new IndexOverflowException(
            String.format(
                Locale.ROOT,
                "--section-size %d: %d section%s of %d-byte buckets %s %s"
                    + " (at most %,d bytes each for %d)",
                sectionSize,
                sections,
                sections == 1 ? "" : "s",
                blockSize,
                sections == 1 ? "holds" : "hold",
                Venti.beyondMaxBuckets(buckets),
                ISectLayout.sizeFor(IndexSizing.MAX_BUCKETS / sections, blockSize),
                sections));
      }
    }
    IndexSizing.Geometry best;
    try {
      best = IndexSizing.recommend(entries, blockSize, sections, maxOverflow);
    } catch (IllegalArgumentException e) {
      throw new IndexOverflowException(tooManyEntries(entries, blockSize, maxOverflow));
    }

    out.printf(
        Locale.ROOT,
        "entries: %,d (%,d clumps × --growth %s); bucket capacity %d entries (%,d-byte buckets)%n",
        entries,
        clumps,
        BigDecimal.valueOf(growth).stripTrailingZeros().toPlainString(),
        Bucket.capacity(blockSize),
        blockSize);
    String target = IndexSizing.formatProbability(Math.log10(maxOverflow));
    int status = ExitCode.OK.code;
    if (proposed != null) {
      IndexSizing.Fill f = IndexSizing.fill(entries, proposed);
      out.println("proposed:    " + describe(f));
      if (f.meets(maxOverflow)) {
        out.printf("proposed sections meet --max-overflow %s%n", target);
      } else {
        out.printf(
            "TOO SMALL: the proposed sections overflow with probability %s > --max-overflow %s;"
                + " use the recommendation below%n",
            IndexSizing.formatProbability(f.log10Overflow()), target);
        status = ExitCode.OVERFLOW.code;
      }
    }
    out.println("recommended: " + describe(IndexSizing.fill(entries, best)));
    out.printf(
        Locale.ROOT,
        "format each with: venti-spark format isect --block-size %d --size %d NAME FILE%n",
        blockSize,
        best.sectionSize());
    return status;
  }

  /**
   * Why no index of {@code blockSize} buckets holds {@code entries}: a larger bucket size that
   * does, or, when even the largest index does not, how many indexes the archive needs.
   */
  private static String tooManyEntries(long entries, int blockSize, double maxOverflow) {
    String target = IndexSizing.formatProbability(Math.log10(maxOverflow));
    for (int b = blockSize * 2; b <= Venti.MAX_DISK_BLOCK; b *= 2) {
      if (IndexSizing.maxEntries(b, maxOverflow) >= entries) {
        return String.format(
            Locale.ROOT,
            "--block-size %d: even the largest index (%,d buckets of %d bytes) overflows with"
                + " probability above --max-overflow %s for %,d entries; use --block-size %dk",
            blockSize,
            IndexSizing.MAX_BUCKETS,
            blockSize,
            target,
            entries,
            b / 1024);
      }
    }
    long most = IndexSizing.maxEntries(Venti.MAX_DISK_BLOCK, maxOverflow);
    return String.format(
        Locale.ROOT,
        "%,d entries need more than one index: the largest Venti index (%,d buckets of 64k) holds"
            + " at most %,d with P(any bucket overflows) ≤ %s; split the arenas over at least %d indexes",
        entries,
        IndexSizing.MAX_BUCKETS,
        most,
        target,
        (entries + most - 1) / most);
  }

  private static String describe(IndexSizing.Fill f) {
    IndexSizing.Geometry g = f.geometry();
    long blocks = g.sections() * g.blocksPerSection();
    return String.format(
            Locale.ROOT,
            "%d section%s of %,d bytes, %,d buckets (div %,d): mean fill %.2f (%.1f%%),"
                + " expected fullest %.1f of %d, P(any bucket overflows) %s",
            g.sections(),
            g.sections() == 1 ? "" : "s",
            g.sectionSize(),
            g.buckets(),
            g.div(),
            f.meanFill(),
            100 * f.meanFill() / f.capacity(),
            f.expectedMax(),
            f.capacity(),
            IndexSizing.formatProbability(f.log10Overflow()))
        + (g.div() == 100 && blocks > g.buckets()
            ? String.format(
                Locale.ROOT,
                "; only %,d of the %,d blocks are used (an index" + " has at most %,d buckets)",
                g.buckets(),
                blocks,
                IndexSizing.MAX_BUCKETS)
            : "");
  }

  /**
   * Σ memstats.clumps over every arena of CONF's arena partitions (all of them go into a new
   * index), and how much room the unsealed arenas leave, as a hint for {@code --growth}.
   */
  private static long countClumps(String conf, PrintStream out) {
    long clumps = 0;
    long used = 0;
    long free = 0;
    int arenas = 0;
    int partitions = 0;
    for (ArenaPartition p : new ArchiveLoader(new Configuration()).loadArenaPartitions(conf)) {
      partitions++;
      for (Arena a : p.arenas()) {
        arenas++;
        clumps += a.memStats().clumpCount();
        used += a.memStats().used();
        if (!a.memStats().sealed()) {
          free +=
              Math.max(
                  0,
                  a.dataSize() - a.memStats().used() - a.directorySize(a.memStats().clumpCount()));
        }
      }
    }
    String hint = "";
    if (clumps > 0) {
      // Future clumps like the present ones: log bytes plus a 25-byte directory entry each.
      double perClump = (double) used / clumps + Venti.CLUMP_INFO_SIZE;
      hint =
          String.format(
              Locale.ROOT,
              "; filling the unsealed arenas would add about %,d clumps (--growth %.2f)",
              (long) (free / perClump),
              1 + free / perClump / clumps);
    }
    out.printf(
        Locale.ROOT,
        "clumps: %,d in %d arenas of %d arena partition%s (memstats)%s%n",
        clumps,
        arenas,
        partitions,
        partitions == 1 ? "" : "s",
        hint);
    return clumps;
  }
}
