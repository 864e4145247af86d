package ventispark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The geometry series (job/docs/scaling.md): one archive (4M clumps of 512-byte blocks, 20 arenas
 * on two arena partitions; cached) planned against its own small index (2 sections, 29,974 buckets
 * of 8 KiB) and against the largest index Venti allows on this disk (4 sparse sections of 640 GiB
 * in 64 KiB buckets, 41.7M buckets), with 4, 1k, 10k and 40k bucket ranges. The same entries, so
 * the cost per entry should not depend on the row. Each row runs {@code plan} through the real
 * launcher {@code --runs} times, the rows taking turns (the disk and the machine drift), and prints
 * the median whole command, its in-job phases and peak RSS, and both as ratios to the first row.
 *
 * <pre>
 * job/bin/venti-bench --geometry [--dir DIR] [--clumps 4000000] [--runs 3] [--heap 2g]
 * </pre>
 */
final class GeometryBenchmark {
  private static final Pattern PLAN =
      Pattern.compile("plan: \\d+ map splits, (\\d+) bucket ranges in (\\d+) write tasks");

  private GeometryBenchmark() {}

  record Row(String index, String option, Path conf, List<String> args) {}

  record Run(double wall, long rssKiB, String phases, int ranges, int tasks) {}

  static void main(Path root, String[] argv) throws Exception {
    Path dir = root.resolve("job/target/bench");
    long clumps = 4_000_000;
    int runs = 3;
    String heap = "2g";
    for (int i = 0; i < argv.length; i += 2) {
      switch (argv[i]) {
        case "--dir" -> dir = Path.of(RebuildBenchmark.value(argv, i)).toAbsolutePath();
        case "--clumps" -> clumps = Long.parseLong(RebuildBenchmark.value(argv, i));
        case "--runs" -> runs = Integer.parseInt(RebuildBenchmark.value(argv, i));
        case "--heap" -> heap = RebuildBenchmark.value(argv, i);
        default -> throw new IllegalArgumentException("unknown option " + argv[i]);
      }
    }
    Path launcher = root.resolve("job/bin/venti-spark");
    Files.createDirectories(dir);
    RebuildBenchmark.launch(
        launcher, heap, List.of("example", "--force", dir.resolve("warm-up").toString()));
    Path own = dir.resolve("geometry-" + clumps);
    List<String> gen = RebuildBenchmark.generateArgs(clumps, "512", "10", own);
    RebuildBenchmark.generateOnce(launcher, own, gen);
    Path largest = dir.resolve("geometry-" + clumps + "-largest");
    if (!Files.exists(largest.resolve("venti.conf"))) {
      Files.createDirectories(largest);
      StringBuilder conf = new StringBuilder("index main\n");
      for (String line : Files.readAllLines(own.resolve("venti.conf"))) {
        if (line.startsWith("arenas ")) {
          Path arenas = own.resolve(line.substring(7).trim());
          conf.append("arenas ").append(arenas).append('\n');
        }
      }
      for (int s = 0; s < 4; s++) {
        // Sparse files: 4 × 640 GiB of 64 KiB buckets, 41,698,712 buckets, within Venti's
        // 42,949,673.
        RebuildBenchmark.launch(
            launcher,
            "256m",
            List.of(
                "format",
                "isect",
                "--block-size",
                "64k",
                "--size",
                "640g",
                "isect" + s,
                largest.resolve("isect" + s + ".img").toString()));
        conf.append("isect ").append(largest.resolve("isect" + s + ".img")).append('\n');
      }
      Files.writeString(largest.resolve("venti.conf"), conf);
      RebuildBenchmark.launch(
          launcher, "256m", List.of("format", "index", largest.resolve("venti.conf").toString()));
    }
    List<Row> rows =
        List.of(
            new Row(
                "own, 29,974 buckets of 8 KiB", "default", own.resolve("venti.conf"), List.of()),
            new Row(
                "own, 29,974 buckets of 8 KiB",
                "--partitions 1000",
                own.resolve("venti.conf"),
                List.of("--partitions", "1000")),
            new Row(
                "largest, 41,698,712 buckets of 64 KiB",
                "-M 256m",
                largest.resolve("venti.conf"),
                List.of("-M", "256m")),
            new Row(
                "largest, 41,698,712 buckets of 64 KiB",
                "default (-M 64m)",
                largest.resolve("venti.conf"),
                List.of()));
    long reported = FreePageReporting.reportedKiB();
    List<List<Run>> results = new ArrayList<>();
    rows.forEach(r -> results.add(new ArrayList<>()));
    for (int run = 0; run < runs; run++) {
      for (int i = 0; i < rows.size(); i++) {
        List<String> args = new ArrayList<>(List.of("--master", "local[2]", "plan"));
        args.addAll(rows.get(i).args());
        args.add(rows.get(i).conf().toString());
        results.get(i).add(parse(RebuildBenchmark.launch(launcher, heap, args)));
      }
    }
    System.out.printf(
        "%nmachine: %d cores, Java %s, heap %s, local[2], median of %d runs, warm page cache%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), heap, runs);
    System.out.println(
        "| index | option | ranges | write tasks | whole command s (min–max) | in job s | peak RSS MiB "
            + "| × first row: command, RSS |");
    System.out.println("|---|---|---:|---:|---:|---|---:|---:|");
    Run base = null;
    for (int i = 0; i < rows.size(); i++) {
      List<Run> rs = results.get(i);
      rs.sort(Comparator.comparingDouble(Run::wall));
      Run med = rs.get(rs.size() / 2);
      base = base == null ? med : base;
      System.out.printf(
          "| %s | %s | %,d | %,d | %.2f (%.2f–%.2f) | %s | %,d | %.2f, %.2f |%n",
          rows.get(i).index(),
          rows.get(i).option(),
          med.ranges(),
          med.tasks(),
          med.wall(),
          rs.get(0).wall(),
          rs.get(rs.size() - 1).wall(),
          med.phases(),
          med.rssKiB() / 1024,
          med.wall() / base.wall(),
          (double) med.rssKiB() / base.rssKiB());
    }
    System.out.print(FreePageReporting.since(reported));
  }

  static Run parse(String out) {
    Matcher time = RebuildBenchmark.TIME.matcher(out);
    Matcher usage = RebuildBenchmark.RUSAGE.matcher(out);
    Matcher plan = PLAN.matcher(out);
    if (!time.find() || !usage.find() || !plan.find()) {
      throw new IllegalStateException("unexpected output:\n" + out);
    }
    return new Run(
        Double.parseDouble(usage.group(1)),
        Long.parseLong(usage.group(2)),
        time.group(2),
        Integer.parseInt(plan.group(1)),
        Integer.parseInt(plan.group(2)));
  }
}
