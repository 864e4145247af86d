package ventispark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import ventispark.read.ArchiveLoader;

/**
 * The bloom filter's cost (job/docs/bloom.md): one archive (4M clumps of 512-byte blocks by
 * default, a 512 MiB filter, which fmtbloom's rule gives 32 hashes for so few clumps) rebuilt with
 * its filter and without it (the same config less its {@code bloom} line), in pairs one after the
 * other, through the real launcher with a 1 GiB heap, so the ratio holds when the machine's speed
 * drifts. Prints each pair's ratio, then the medians, and the I/O floor of each ({@link IoFloor},
 * the filter's bytes included when it has one) before and after the pairs: the filter's 512 MiB
 * alone take 0.25 to 1.5 s to write on this project's build machine.
 *
 * <pre>
 * job/bin/venti-bench --bloom [--runs 3] [--heap 1g] [--clumps 4000000] [--bloom-size 512m]
 *     [--nhash N] [--config FILE]
 * </pre>
 *
 * {@code --nhash N} rebuilds a second filter file of the same size formatted with N hashes ({@code
 * format bloom --nhash}) instead of the generated one: 7 is what fmtbloom gives a 512 MiB filter
 * for the 430M scores it is meant for. {@code --config FILE} measures an archive made before (such
 * as the scaling series' 100M one) instead of generating one; with {@code --nhash}, its filter file
 * is made beside the config.
 */
final class BloomBenchmark {
  private BloomBenchmark() {}

  static void main(Path root, String[] argv) throws Exception {
    Path dir = root.resolve("job/target/bench");
    int runs = 3;
    String heap = "1g";
    long clumps = 4_000_000;
    String size = "512m";
    String nhash = null;
    Path config = null;
    for (int i = 0; i < argv.length; i += 2) {
      switch (argv[i]) {
        case "--dir" -> dir = Path.of(RebuildBenchmark.value(argv, i)).toAbsolutePath();
        case "--runs" -> runs = Integer.parseInt(RebuildBenchmark.value(argv, i));
        case "--heap" -> heap = RebuildBenchmark.value(argv, i);
        case "--clumps" -> clumps = Long.parseLong(RebuildBenchmark.value(argv, i));
        case "--bloom-size" -> size = RebuildBenchmark.value(argv, i);
        case "--nhash" -> nhash = RebuildBenchmark.value(argv, i);
        case "--config" -> config = Path.of(RebuildBenchmark.value(argv, i)).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown option " + argv[i]);
      }
    }
    Path launcher = root.resolve("job/bin/venti-spark");
    if (config == null) {
      Path generated = dir.resolve("bloom-" + clumps + "-" + size);
      List<String> gen =
          RebuildBenchmark.generateArgs(clumps, "512", "10", generated, "--bloom", size);
      Files.createDirectories(dir);
      RebuildBenchmark.generateOnce(launcher, generated, gen);
      config = generated.resolve("venti.conf");
    }
    Path archive = config.getParent();
    Path with = config;
    Path without = archive.resolve("nobloom.conf");
    List<String> all = Files.readAllLines(config);
    List<String> lines = all.stream().filter(l -> !l.startsWith("bloom")).toList();
    Files.write(without, lines);
    if (nhash == null && lines.size() == all.size()) {
      throw new IllegalArgumentException(config + " names no bloom filter: give --nhash");
    }
    if (nhash != null) {
      String file = "bloom-nhash-" + nhash + ".img";
      if (!Files.exists(archive.resolve(file))) {
        RebuildBenchmark.launch(
            launcher,
            heap,
            List.of(
                "format",
                "bloom",
                "--size",
                size,
                "--nhash",
                nhash,
                archive.resolve(file).toString()));
      }
      with = archive.resolve("bloom-nhash-" + nhash + ".conf");
      List<String> withLines = new ArrayList<>(lines);
      withLines.add("bloom " + file);
      Files.write(with, withLines);
    }
    // The first launch trains the class-data archive; keep it out of the measurements.
    RebuildBenchmark.launch(launcher, heap, List.of("buildindex", without.toString()));

    long filterBytes =
        new ArchiveLoader(new Configuration()).load(with.toString()).bloomHeader().size();
    long reported = FreePageReporting.reportedKiB();
    long[] floorsBefore = floors(without, filterBytes);
    List<RebuildBenchmark.Run> plain = new ArrayList<>();
    List<RebuildBenchmark.Run> bloom = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      plain.add(build(launcher, heap, without));
      bloom.add(build(launcher, heap, with));
      System.out.printf(
          Locale.ROOT,
          "pair %d: without %.2f s (%s; CPU %s), with %.2f s (%s; CPU %s): %.2fx%n",
          r + 1,
          plain.get(r).wall(),
          plain.get(r).phases(),
          cpu(plain.get(r)),
          bloom.get(r).wall(),
          bloom.get(r).phases(),
          cpu(bloom.get(r)),
          bloom.get(r).wall() / plain.get(r).wall());
    }
    long[] floorsAfter = floors(without, filterBytes);
    String ratios =
        java.util.stream.IntStream.range(0, runs)
            .mapToObj(
                r -> String.format(Locale.ROOT, "%.2f", bloom.get(r).wall() / plain.get(r).wall()))
            .collect(Collectors.joining(", "));
    RebuildBenchmark.Run p = median(plain);
    RebuildBenchmark.Run b = median(bloom);
    System.out.printf(
        Locale.ROOT,
        "%n%s: %,d clumps, a %s filter%s, -Xmx%s, %d pairs; whole command (median), in-job phases,"
            + " peak RSS, shuffle%n",
        config,
        p.entries(),
        size,
        nhash == null ? " (as generated)" : " of " + nhash + " hashes",
        heap,
        runs);
    System.out.println(
        "| run | wall s | CPU s: user + system | in job s: phases | peak RSS MiB | shuffle MB |");
    System.out.println("|---|---:|---:|---|---:|---:|");
    for (String name : List.of("no filter", "filter")) {
      RebuildBenchmark.Run m = name.equals("filter") ? b : p;
      System.out.printf(
          Locale.ROOT,
          "| %s | %.2f | %s | %.2f: %s | %,d | %,.0f |%n",
          name,
          m.wall(),
          cpu(m),
          m.jobSeconds(),
          m.phases(),
          m.rssKiB() / 1024,
          m.shuffleBytes() / 1e6);
    }
    System.out.printf(
        Locale.ROOT,
        "filter/none: %.2fx on the medians; per pair %s; CPU %.2fx (user %.2fx, system %.2fx) on"
            + " the medians%n",
        b.wall() / p.wall(),
        ratios,
        (b.userSeconds() + b.systemSeconds()) / (p.userSeconds() + p.systemSeconds()),
        b.userSeconds() / p.userSeconds(),
        b.systemSeconds() / p.systemSeconds());
    System.out.printf(
        Locale.ROOT,
        "I/O floor of the rebuild without the filter %.2f s before, %.2f s after; writing the"
            + " filter's %,d bytes alone %.2f s before, %.2f s after%n",
        floorsBefore[0] / 1e3,
        floorsAfter[0] / 1e3,
        filterBytes,
        floorsBefore[1] / 1e3,
        floorsAfter[1] / 1e3);
    System.out.print(FreePageReporting.since(reported));
  }

  /**
   * {the rebuild's I/O floor without the filter, the time to write the filter's bytes alone}, in
   * milliseconds.
   */
  private static long[] floors(Path without, long filterBytes) throws java.io.IOException {
    return new long[] {
      IoFloor.measure(without).millis(),
      IoFloor.writeForced(without.resolveSibling("io-floor.scratch"), filterBytes)
    };
  }

  private static RebuildBenchmark.Run build(Path launcher, String heap, Path conf)
      throws Exception {
    return RebuildBenchmark.parse(
        RebuildBenchmark.launch(launcher, heap, List.of("buildindex", conf.toString())));
  }

  /**
   * A run's CPU time, user and system apart: on a VM the system part also carries the host's cost
   * of memory newly touched (bloom.md).
   */
  private static String cpu(RebuildBenchmark.Run r) {
    return String.format(
        Locale.ROOT,
        "%.1f = %.1f + %.1f",
        r.userSeconds() + r.systemSeconds(),
        r.userSeconds(),
        r.systemSeconds());
  }

  private static RebuildBenchmark.Run median(List<RebuildBenchmark.Run> runs) {
    List<RebuildBenchmark.Run> sorted =
        runs.stream().sorted(Comparator.comparingDouble(RebuildBenchmark.Run::wall)).toList();
    return sorted.get(sorted.size() / 2);
  }
}
