package ventispark.cli;

import java.io.PrintStream;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ventispark.job.check.CheckIndex;

/** {@code checkindex}: verify an index against its arenas, read-only. */
@Command(
    name = "checkindex",
    description =
        "Verify the index sections (and bloom filter) against the arenas;"
            + " reports per bucket the entries on disk and not expected (<) and expected but missing (>); exit 6 on any"
            + " difference.")
final class CheckIndexCommand implements CliCommand {
  @Option(names = "-b", order = 1, description = "Check the bloom filter even when -i is given.")
  boolean bloom;

  @Mixin RebuildOptions read = new RebuildOptions();

  @Option(
      names = "--collapse-duplicates",
      order = 20,
      description = "Expect one entry per score and type, as the C checkindex.")
  @DefaultText("off: every copy")
  boolean collapseDuplicates;

  @Option(
      names = "--bloom-with-corrupt",
      order = 21,
      description = "Expect corrupt-type entries in the bloom filter, as the C" + " checkindex.")
  boolean bloomWithCorrupt;

  int maxReport = CheckIndex.Options.DEFAULT_MAX_REPORTED;

  @Option(
      names = "--max-report",
      order = 22,
      paramLabel = "N",
      description = "Buckets reported line by line.")
  @DefaultText("" + CheckIndex.Options.DEFAULT_MAX_REPORTED)
  void maxReport(String v) {
    maxReport = Values.intIn("--max-report", v, 0, Integer.MAX_VALUE);
  }

  @Parameters(paramLabel = "CONF")
  String conf;

  @Override
  public int run(PrintStream out, PrintStream err, RunReport report) {
    CheckIndex.Options options =
        new CheckIndex.Options(
            read.options(bloom), collapseDuplicates, bloomWithCorrupt, maxReport);
    try (VentiSpark.Spark spark = new VentiSpark.Spark("venti-spark checkindex " + conf)) {
      CheckIndex.Result r =
          new CheckIndex(spark.sc, options, BuildIndexCommand.outputs(report)).run(conf);
      if (r.differingBuckets() > 0) {
        out.println("# diff actual correct");
        r.report().forEach(out::println);
        if (r.differingBuckets() > options.maxReported()) {
          out.printf(
              Locale.ROOT,
              "... %,d more buckets differ%n",
              r.differingBuckets() - options.maxReported());
        }
      }
      out.printf(
          Locale.ROOT,
          "checked %,d buckets: %,d entries expected, %,d on disk; %,d buckets differ: %,d entries on disk "
              + "and not expected (<), %,d expected and missing (>)%n",
          r.buckets(),
          r.entriesExpected(),
          r.entriesOnDisk(),
          r.differingBuckets(),
          r.extra(),
          r.missing());
      if (r.bloomMissingBits() == 0 && r.bloomSpuriousBits() == 0) {
        out.println("bloom filter: correct");
      } else if (r.bloomMissingBits() >= 0) {
        out.printf(
            Locale.ROOT,
            "bloom filter: %,d missing bits, %,d spurious bits%s%n",
            r.bloomMissingBits(),
            r.bloomSpuriousBits(),
            r.bloomMissingBits() == 0 ? " (spurious bits only cost false positives)" : "");
      }
      out.println(r.correct() ? "checkindex: index is correct" : "checkindex: errors found");
      if (report != null) {
        report
            .put("config", conf)
            .put("buckets", r.buckets())
            .put("entriesExpected", r.entriesExpected())
            .put("entriesOnDisk", r.entriesOnDisk())
            .put("differingBuckets", r.differingBuckets())
            .put("extraEntries", r.extra())
            .put("missingEntries", r.missing())
            .put("bloomMissingBits", r.bloomMissingBits() >= 0 ? r.bloomMissingBits() : null)
            .put("bloomSpuriousBits", r.bloomSpuriousBits() >= 0 ? r.bloomSpuriousBits() : null)
            .put("correct", r.correct());
      }
      return r.correct() ? ExitCode.OK.code : ExitCode.DIFFERS.code;
    }
  }
}
