package ventispark.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rebuild benchmark (job/docs/benchmarks.md): generates archives of 512-byte blocks (20 arenas
 * on two arena partitions, two 8 KiB-bucket sections; cached between runs), rebuilds each several
 * times through the real launcher in {@code local[1]} and {@code local[2]} with a 1 GiB heap, and
 * prints one table row per size and core count: median whole-command wall time (JVM and Spark
 * start-up included), entries/s, peak RSS, shuffle bytes, the in-job phases, and the I/O floor
 * ({@link IoFloor}) measured just before and just after those rebuilds, against its mean.
 *
 * <pre>
 * job/bin/venti-bench [--dir DIR] [--clumps 1000000,10000000] [--cores 1,2] [--runs 3] [--heap 1g]
 *     [--sizes 512] [--arenas 10]
 * </pre>
 *
 * {@code --sizes} and {@code --arenas} are the generator's (block size, arenas per arena
 * partition). {@code --scaling} is the scaling series: 1M, 10M and 100M clumps of 64-byte blocks,
 * 50 arenas per partition, on 2 cores (about 20 GB of disk, mostly the 100M archive). After the
 * main table comes one of each phase's cost per entry and core, and the shuffle's bytes per entry.
 * {@code --geometry [options]} runs the geometry series instead ({@link GeometryBenchmark}), {@code
 * --bloom [options]} the bloom filter's cost ({@link BloomBenchmark}).
 */
public final class RebuildBenchmark {
  private static final Pattern DONE =
      Pattern.compile("done arenaentries=([\\d,]+) indexed=([\\d,]+)");

  /** The command's own {@code time} line: in-job seconds, phases, shuffle bytes. */
  static final Pattern TIME =
      Pattern.compile("^time ([\\d.]+) s \\((.*)\\); shuffle ([\\d,]+) bytes", Pattern.MULTILINE);

  /** {@link #launch}'s line from GNU time: wall s, peak RSS KiB, user and system CPU s. */
  static final Pattern RUSAGE =
      Pattern.compile("^rusage ([\\d.]+) (\\d+) ([\\d.]+) ([\\d.]+)$", Pattern.MULTILINE);

  /**
   * One rebuild: whole-process wall seconds, peak RSS, user and system CPU seconds (GNU time), and
   * the command's own counts and in-job time.
   */
  record Run(
      double wall,
      long rssKiB,
      double userSeconds,
      double systemSeconds,
      long entries,
      long shuffleBytes,
      String phases,
      double jobSeconds) {}

  /** Runs the benchmark; a bad option is one line on standard error and exit status 2. */
  public static void main(String[] argv) throws Exception {
    try {
      run(argv);
    } catch (IllegalArgumentException e) {
      String what =
          e instanceof NumberFormatException
              ? "not a number: " + e.getMessage().replaceFirst("^For input string: ", "")
              : e.getMessage();
      System.err.println(
          "venti-bench: " + what + "; the options are in job/bin/venti-bench's header");
      System.exit(2);
    }
  }

  /** The value after option {@code argv[i]}. */
  static String value(String[] argv, int i) {
    if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
      throw new IllegalArgumentException(argv[i] + " needs a value");
    }
    return argv[i + 1];
  }

  private static void run(String[] argv) throws Exception {
    Path root = Path.of(System.getProperty("venti.root", ".")).toAbsolutePath().normalize();
    List<String> args = List.of(argv);
    String[] rest =
        args.stream()
            .filter(a -> !a.equals("--geometry") && !a.equals("--bloom"))
            .toArray(String[]::new);
    if (args.contains("--geometry")) {
      GeometryBenchmark.main(root, rest);
      return;
    }
    if (args.contains("--bloom")) {
      BloomBenchmark.main(root, rest);
      return;
    }
    Path dir = root.resolve("job/target/bench");
    List<Long> sizes = List.of(1_000_000L, 10_000_000L);
    List<Integer> cores = List.of(1, 2);
    int runs = 3;
    String heap = "1g";
    String blockSizes = "512";
    String arenas = "10";
    for (int i = 0; i < argv.length; i += 2) {
      switch (argv[i]) {
        case "--dir" -> dir = Path.of(value(argv, i)).toAbsolutePath();
        case "--clumps" ->
            sizes = List.of(value(argv, i).split(",")).stream().map(Long::parseLong).toList();
        case "--cores" ->
            cores = List.of(value(argv, i).split(",")).stream().map(Integer::parseInt).toList();
        case "--runs" -> runs = Integer.parseInt(value(argv, i));
        case "--heap" -> heap = value(argv, i);
        case "--sizes" -> blockSizes = value(argv, i);
        case "--arenas" -> arenas = value(argv, i);
        case "--scaling" -> {
          sizes = List.of(1_000_000L, 10_000_000L, 100_000_000L);
          cores = List.of(2);
          blockSizes = "64";
          arenas = "50";
          i--;
        }
        default -> throw new IllegalArgumentException("unknown option " + argv[i]);
      }
    }
    Path launcher = root.resolve("job/bin/venti-spark");
    Files.createDirectories(dir);
    // The first launch trains the class-data archive; keep it out of the measurements.
    launch(launcher, heap, List.of("example", "--force", dir.resolve("warm-up").toString()));

    long reported = FreePageReporting.reportedKiB();
    List<String> rows = new ArrayList<>();
    List<String> costs = new ArrayList<>();
    for (long n : sizes) {
      boolean usual = blockSizes.equals("512") && arenas.equals("10");
      Path archive =
          dir.resolve("clumps-" + n + (usual ? "" : "-sizes-" + blockSizes + "-arenas-" + arenas));
      List<String> gen =
          generateArgs(
              n,
              blockSizes,
              arenas,
              archive,
              "--arena-partitions",
              "2",
              "--sections",
              "2",
              "--bucket-size",
              "8k");
      String generated = generateOnce(launcher, archive, gen);
      if (generated != null) {
        Matcher m = RUSAGE.matcher(generated);
        m.find();
        System.out.printf(
            "generated %,d clumps in %s s, peak RSS %,d MiB (heap 256m)%n",
            n, m.group(1), Long.parseLong(m.group(2)) / 1024);
      }
      Path conf = archive.resolve("venti.conf");
      for (int c : cores) {
        // The disk's speed drifts by several times in minutes: the floor is measured just before
        // and just after the rebuilds it is compared with, and the rebuilds against their mean.
        IoFloor.Result before = IoFloor.measure(conf);
        List<Run> results = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
          String out =
              launch(
                  launcher,
                  heap,
                  List.of("--master", "local[" + c + "]", "buildindex", conf.toString()));
          results.add(parse(out));
        }
        IoFloor.Result after = IoFloor.measure(conf);
        double floor = (before.millis() + after.millis()) / 2000.0;
        results.sort(Comparator.comparingDouble(Run::wall));
        Run med = results.get(results.size() / 2);
        double eps = med.entries() / med.wall();
        double jobEps = med.entries() / med.jobSeconds();
        rows.add(
            String.format(
                Locale.ROOT,
                "| %,d | %d | %.2f (%.2f–%.2f) | %,.0f | %,.0f | %,.0f | %,d | %,.0f | %.2f: %s | %.2f (before %.2f: dir %.2f + write %.2f; after %.2f) | %.2f |",
                n,
                c,
                med.wall(),
                results.get(0).wall(),
                results.get(results.size() - 1).wall(),
                eps,
                eps / c,
                jobEps / c,
                med.rssKiB() / 1024,
                med.shuffleBytes() / 1048576.0,
                med.jobSeconds(),
                med.phases(),
                floor,
                before.millis() / 1000.0,
                before.directoryMillis() / 1000.0,
                before.writeMillis() / 1000.0,
                after.millis() / 1000.0,
                med.wall() / floor));
        System.out.println(rows.get(rows.size() - 1));
        costs.add(
            String.format(
                Locale.ROOT,
                "| %,d | %d | %s | %.2f |",
                n,
                c,
                perEntry(med, c),
                (double) med.shuffleBytes() / med.entries()));
      }
    }
    System.out.printf(
        "%nmachine: %d cores, %s, Java %s, heap %s, median of %d runs, warm page cache%n",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        System.getProperty("java.version"),
        heap,
        runs);
    System.out.println(
        "| clumps | cores | wall s (min–max) | entries/s | entries/s/core | in-job entries/s/core "
            + "| peak RSS MiB | shuffle MiB | in job s: phases | I/O floor s (mean of before and after) "
            + "| wall/floor |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
    rows.forEach(System.out::println);
    System.out.println();
    System.out.println(
        "| clumps | cores | in job, ns per entry and core: phases | shuffle bytes/entry |");
    System.out.println("|---:|---:|---|---:|");
    costs.forEach(System.out::println);
    System.out.print(FreePageReporting.since(reported));
  }

  private static final Pattern PHASE = Pattern.compile("([a-z][a-z ,]*?) ([\\d.]+)(?:, |$)");

  /** Each phase's seconds as nanoseconds per entry and core: {@code read 170, check 2, ...}. */
  static String perEntry(Run r, int cores) {
    List<String> out = new ArrayList<>();
    Matcher m = PHASE.matcher(r.phases());
    double total = 0;
    while (m.find()) {
      double ns = Double.parseDouble(m.group(2)) * 1e9 * cores / r.entries();
      total += ns;
      out.add(String.format(Locale.ROOT, "%s %.0f", m.group(1), ns));
    }
    return String.format(Locale.ROOT, "%.0f: %s", total, String.join(", ", out));
  }

  /**
   * The {@code generate} command of an archive of {@code clumps} blocks of {@code sizes} bytes,
   * {@code arenas} arenas per partition, with {@code more} of its options, written into {@code
   * archive}.
   */
  static List<String> generateArgs(
      long clumps, String sizes, String arenas, Path archive, String... more) {
    List<String> gen =
        new ArrayList<>(
            List.of(
                "generate",
                "--clumps",
                Long.toString(clumps),
                "--sizes",
                sizes,
                "--arenas",
                arenas));
    gen.addAll(List.of(more));
    gen.add(archive.toString());
    return List.copyOf(gen);
  }

  /**
   * Runs {@code gen} (a {@code generate} command writing {@code archive}) unless {@code archive}
   * already holds what the same command made, as its stamp file says; returns the run's output, or
   * null when the cached archive was kept.
   */
  static String generateOnce(Path launcher, Path archive, List<String> gen)
      throws IOException, InterruptedException {
    Path stamp = archive.resolve("generate.args");
    if (Files.exists(stamp) && Files.readString(stamp).equals(gen.toString())) {
      return null;
    }
    String out = launch(launcher, "256m", gen);
    Files.writeString(stamp, gen.toString());
    return out;
  }

  /**
   * Runs the launcher under GNU time; returns stdout plus an {@code rusage WALL MAXRSS_KIB USER
   * SYS} line.
   */
  static String launch(Path launcher, String heap, List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of("/usr/bin/time", "-f", "rusage %e %M %U %S", launcher.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("VENTI_SPARK_JAVA_OPTS", "-Xmx" + heap);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("failed: " + String.join(" ", cmd) + "\n" + out);
    }
    return out;
  }

  static Run parse(String out) {
    Matcher done = DONE.matcher(out);
    Matcher time = TIME.matcher(out);
    Matcher usage = RUSAGE.matcher(out);
    if (!done.find() || !time.find() || !usage.find()) {
      throw new IllegalStateException("unexpected output:\n" + out);
    }
    return new Run(
        Double.parseDouble(usage.group(1)),
        Long.parseLong(usage.group(2)),
        Double.parseDouble(usage.group(3)),
        Double.parseDouble(usage.group(4)),
        Long.parseLong(done.group(2).replace(",", "")),
        Long.parseLong(time.group(3).replace(",", "")),
        time.group(2),
        Double.parseDouble(time.group(1)));
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }
}
