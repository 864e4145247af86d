package ventispark.cli;

import java.io.PrintStream;
import java.util.Locale;
import ventispark.job.BuildIndexOptions;
import ventispark.job.CheckIndex;

/** {@code checkindex}: verify an index against its arenas, read-only. */
final class CheckIndexCommand {
  private CheckIndexCommand() {}

  static final String USAGE =
      "       venti-spark checkindex [-b] [-i SECTION]... [--collapse-duplicates] [--bloom-with-corrupt] [--max-report N] CONF";

  static final String HELP = String.join("\n",
      "  checkindex   verify the index sections (and bloom filter) against the arenas; reports per bucket the",
      "               entries on disk and not expected (<) and expected but missing (>); exit 6 on any difference",
      "    -b                    check the bloom filter even with -i",
      "    --collapse-duplicates expect one entry per score and type, as the C checkindex (default: every copy)",
      "    --bloom-with-corrupt  expect corrupt-type entries in the bloom filter, as the C checkindex",
      "    --max-report N        buckets reported line by line (default " + CheckIndex.Options.DEFAULT_MAX_REPORTED + ")");

  static int run(Args args, PrintStream out, RunReport report) {
    boolean[] flags = new boolean[2];
    int[] max = {CheckIndex.Options.DEFAULT_MAX_REPORTED};
    BuildIndexOptions build = BuildIndexCommand.options(args, "checkindex", true, o -> {
      switch (o) {
        case "--collapse-duplicates" -> flags[0] = true;
        case "--bloom-with-corrupt" -> flags[1] = true;
        case "--max-report" -> max[0] = args.intValue(o, 0, Integer.MAX_VALUE);
        default -> {
          return false;
        }
      }
      return true;
    });
    String conf = args.single("CONF");
    CheckIndex.Options options = new CheckIndex.Options(build, flags[0], flags[1], max[0]);
    try (VentiSpark.Spark spark = new VentiSpark.Spark("venti-spark checkindex " + conf)) {
      CheckIndex.Result r = new CheckIndex(spark.sc, options, BuildIndexCommand.outputs(report)).run(conf);
      if (r.differingBuckets() > 0) {
        out.println("# diff actual correct");
        r.report().forEach(out::println);
        if (r.differingBuckets() > options.maxReported()) {
          out.printf(Locale.ROOT, "... %,d more buckets differ%n", r.differingBuckets() - options.maxReported());
        }
      }
      out.printf(Locale.ROOT, "checked %,d buckets: %,d entries expected, %,d on disk; %,d buckets differ: %,d entries on disk "
          + "and not expected (<), %,d expected and missing (>)%n", r.buckets(), r.entriesExpected(), r.entriesOnDisk(),
          r.differingBuckets(), r.extra(), r.missing());
      if (r.bloomMissingBits() == 0 && r.bloomSpuriousBits() == 0) {
        out.println("bloom filter: correct");
      } else if (r.bloomMissingBits() >= 0) {
        out.printf(Locale.ROOT, "bloom filter: %,d missing bits, %,d spurious bits%s%n", r.bloomMissingBits(), r.bloomSpuriousBits(),
            r.bloomMissingBits() == 0 ? " (spurious bits only cost false positives)" : "");
      }
      out.println(r.correct() ? "checkindex: index is correct" : "checkindex: errors found");
      if (report != null) {
        report.put("config", conf).put("buckets", r.buckets()).put("entriesExpected", r.entriesExpected())
            .put("entriesOnDisk", r.entriesOnDisk()).put("differingBuckets", r.differingBuckets())
            .put("extraEntries", r.extra()).put("missingEntries", r.missing())
            .put("bloomMissingBits", r.bloomMissingBits() >= 0 ? r.bloomMissingBits() : null)
            .put("bloomSpuriousBits", r.bloomSpuriousBits() >= 0 ? r.bloomSpuriousBits() : null)
            .put("correct", r.correct());
      }
      return r.correct() ? ExitCode.OK.code : ExitCode.DIFFERS.code;
    }
  }
}
