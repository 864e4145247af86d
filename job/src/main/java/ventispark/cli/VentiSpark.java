package ventispark.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import ventispark.create.ArchiveGenerator;
import ventispark.create.ExampleArchive;
import ventispark.format.FormatException;
import ventispark.format.SizeParser;
import ventispark.job.BuildIndex;
import ventispark.job.BuildIndexOptions;
import ventispark.job.BuildSummary;
import ventispark.job.IndexOverflowException;
import ventispark.job.SparkSettings;
import ventispark.plan.PartitionPlanner;

/**
 * The venti-spark command line, {@code git}-style subcommands. Main class for {@code spark-submit}
 * (the master comes from spark-submit) and for the {@code job/bin/venti-spark} launcher.
 */
public final class VentiSpark {
  static final String USAGE = String.join("\n",
      "usage: venti-spark buildindex [-b] [-i SECTION]... [-M SIZE] [--partitions N] [--split-clumps N] CONF",
      "       venti-spark example [--build] DIR",
      GenerateCommand.USAGE,
      "",
      "  buildindex   rebuild the index sections (and bloom filter) named in CONF from its arena partitions",
      "    -b                rebuild the bloom filter even with -i (without -i a configured bloom is always rebuilt)",
      "    -i SECTION        rebuild only this index section (by header name); repeatable",
      "    -M SIZE           most index bytes one write task builds in memory (default 64m, at most 1g)",
      "    --partitions N    exact number of write tasks (at least one per rebuilt section)",
      "    --split-clumps N  clumps per read task (default: 8 tasks per core, at least 250000 clumps each)",
      "  example      write a small Venti archive (arenas, index sections, bloom, venti.conf) into DIR",
      "    --build           then rebuild its index (buildindex DIR/venti.conf)",
      GenerateCommand.HELP,
      "",
      "exit status: 0 done and flushed, 1 failed while working, 2 usage, 3 bad input (nothing written),",
      "             4 bucket overflow (nothing written)");

  private VentiSpark() {}

  public static void main(String[] argv) {
    int status = run(Arrays.asList(argv), System.out, System.err);
    System.exit(status);
  }

  /** Runs a command; returns the exit status. */
  public static int run(List<String> argv, PrintStream out, PrintStream err) {
    try {
      if (argv.isEmpty() || argv.get(0).equals("-h") || argv.get(0).equals("--help") || argv.get(0).equals("help")) {
        out.println(USAGE);
        return argv.isEmpty() ? ExitCode.USAGE.code : ExitCode.OK.code;
      }
      Args args = new Args(argv.subList(1, argv.size()));
      switch (argv.get(0)) {
        case "buildindex":
          return buildIndex(args, out);
        case "example":
          return example(args, out);
        case "generate":
          return GenerateCommand.run(args, out, err);
        default:
          throw new UsageException("unknown command '" + argv.get(0) + "'");
      }
    } catch (UsageException e) {
      err.println("venti-spark: " + e.getMessage());
      err.println(USAGE);
      return ExitCode.USAGE.code;
    } catch (RuntimeException e) {
      return report(e, err);
    }
  }

  /** One line for the user; the exit status says whether the index may have been touched. */
  static int report(Throwable e, PrintStream err) {
    Throwable cause = Failures.userCause(e);
    ExitCode code = cause instanceof FormatException ? ExitCode.BAD_INPUT
        : cause instanceof IndexOverflowException ? ExitCode.OVERFLOW : ExitCode.FAILED;
    err.println(code == ExitCode.FAILED ? "venti-spark: failed: " + Failures.oneLine(e) : "venti-spark: " + cause.getMessage());
    return code.code;
  }

  private static int buildIndex(Args args, PrintStream out) {
    List<String> sections = new ArrayList<>();
    boolean bloom = false;
    long partitionBytes = BuildIndexOptions.DEFAULT_PARTITION_BYTES;
    int partitions = 0;
    long splitClumps = 0;
    for (String o; (o = args.nextOption()) != null; ) {
      switch (o) {
        case "-b" -> bloom = true;
        case "-i" -> sections.add(args.value(o));
        case "-M" -> {
          String v = args.value(o);
          try {
            partitionBytes = SizeParser.parse(v);
          } catch (NumberFormatException e) {
            throw new UsageException("-M: " + e.getMessage());
          }
          if (partitionBytes < 1 << 20 || partitionBytes > PartitionPlanner.MAX_RANGE_BYTES) {
            throw new UsageException("-M " + v + ": between 1m and 1g");
          }
        }
        case "--partitions" -> partitions = (int) Math.max(1, args.longValue(o));
        case "--split-clumps" -> splitClumps = Math.max(1, args.longValue(o));
        default -> throw new UsageException("buildindex: unknown option " + o);
      }
    }
    String conf = args.single("CONF");
    BuildIndexOptions options = new BuildIndexOptions(List.copyOf(sections), bloom, partitionBytes, partitions,
        splitClumps);
    try (JavaSparkContext sc = sparkContext("venti-spark buildindex " + conf)) {
      BuildSummary s = new BuildIndex(sc, options).run(conf);
      out.printf("%,d clumps, %,d buckets%n", s.clumps(), s.buckets());
      for (BuildSummary.SectionResult r : s.sections()) {
        out.printf("%s: %,d buckets, %,d entries in %,d buckets, fullest %d/%d%n", r.name(), r.buckets(), r.entries(),
            r.nonEmpty(), r.maxFill(), r.capacity());
      }
      if (s.bloomBits() >= 0) {
        out.printf("bloom: %,d bits set%n", s.bloomBits());
      }
      out.println(s.doneLine());
      out.println(s.timeLine());
      return ExitCode.OK.code;
    }
  }

  private static int example(Args args, PrintStream out) {
    boolean build = false;
    for (String o; (o = args.nextOption()) != null; ) {
      if (!o.equals("--build")) {
        throw new UsageException("example: unknown option " + o);
      }
      build = true;
    }
    Path dir = Path.of(args.single("DIR"));
    ArchiveGenerator.Result r = ExampleArchive.write(dir);
    out.println(GenerateCommand.describe(r) + ", bloom filter");
    if (!build) {
      out.println("rebuild its index with: venti-spark buildindex " + r.config());
      return ExitCode.OK.code;
    }
    return buildIndex(new Args(List.of(r.config().toString())), out);
  }

  /** Local mode (all cores, loopback) unless spark-submit or -Dspark.master chose a master. */
  static JavaSparkContext sparkContext(String name) {
    SparkConf conf = SparkSettings.apply(new SparkConf().setAppName(name).setIfMissing("spark.master", "local[*]"));
    // A bare SparkContext: the rebuild uses no SQL, and a SparkSession costs half a second to start.
    // getOrCreate shares a context that a notebook or test already runs.
    return JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf));
  }
}
