package ventispark.create;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import ventispark.format.ClumpInfo;
import ventispark.format.FormatException;
import ventispark.format.ISectHeader;
import ventispark.format.MapTable;
import ventispark.format.Venti;
import ventispark.gate.Gate;
import ventispark.plan.IndexSizing;

/**
 * Writes a complete Venti archive of any size: formatted arena partitions filled with real clumps
 * ({@link BlockSource}), fresh index sections sized for the clumps, the index config, an optional
 * bloom filter and venti.conf, as {@code fmtarenas}, a Venti server, {@code fmtisect}, {@code
 * fmtindex} and {@code fmtbloom} would leave them. Arenas are written in parallel, one task per
 * arena; memory is one arena's clump directory plus a log buffer per thread, whatever the clump
 * count. The output is a function of the options alone (fixed write times, seeded magics), so two
 * runs give the same bytes.
 */
public final class ArchiveGenerator {
  /** Write time of every clump and arena: 2026-01-01T00:00:00Z. */
  static final int TIME = 1_767_225_600;

  private final GeneratorOptions options;
  private final PrintStream progress;

  /** What was written. */
  public record Result(
      Path config,
      long clumps,
      long corrupt,
      int arenas,
      int partitions,
      int sections,
      long arenaBytes,
      long indexBytes,
      long millis) {}

  /**
   * @param progress where to report progress of long runs, or null
   */
  public ArchiveGenerator(GeneratorOptions options, PrintStream progress) {
    options.validate();
    this.options = options;
    this.progress = progress;
  }

  /**
   * Writes the archive into {@code dir}, refusing (before any write) a dir that holds one of its
   * files.
   */
  public Result write(Path dir) {
    return write(dir, false);
  }

  /**
   * Writes the archive into {@code dir}. Unless {@code overwrite}, a dir already holding any file
   * the archive consists of ({@link #files}) is refused with a {@link FormatException} before the
   * first write: it may be someone's archive, and arenas are the only copy of their data.
   */
  public Result write(Path dir, boolean overwrite) {
    if (!overwrite) {
      for (Path f : files(dir)) {
        if (Files.exists(
            f, LinkOption.NOFOLLOW_LINKS)) { // a dangling link too: writing would create its target
          throw new FormatException(
              f
                  + ": already exists; nothing was written (use --force to overwrite the archive's"
                  + " files in "
                  + dir
                  + ", or name another directory)");
        }
      }
    }
    long t0 = System.currentTimeMillis();
    try {
      Files.createDirectories(dir);
      if (overwrite) {
        // --force: the names go, and new files are created in their place; a link's target is never
        // written
        for (Path f : files(dir)) {
          Files.deleteIfExists(f);
        }
      }
      Random random = new Random(options.seed);
      int totalArenas = options.arenaPartitions * options.arenas;
      ClumpNumbering numbering = new ClumpNumbering(options.clumps, totalArenas, options.corrupt);
      long arenaSize = arenaSize(numbering, totalArenas);
      List<Path> partitions = new ArrayList<>();
      List<ArenaPartitionFormatter.FormattedArena> arenas = new ArrayList<>();
      long partSize = ArenaLayout.arenaBase(options.arenaBlockSize) + options.arenas * arenaSize;
      for (int p = 0; p < options.arenaPartitions; p++) {
        Path file = dir.resolve(partitionName(p));
        partitions.add(file);
        arenas.addAll(
            ArenaPartitionFormatter.format(
                file,
                partSize,
                "arenas" + p,
                options.arenaBlockSize,
                arenaSize,
                options.version,
                random));
      }
      if (arenas.size() != totalArenas) {
        throw new IllegalStateException(
            "laid out " + arenas.size() + " arenas, wanted " + totalArenas);
      }
      fillArenas(partitions, arenas, numbering);

      List<Path> sectionFiles = new ArrayList<>();
      List<ISectHeader> sections = new ArrayList<>();
      long sectionSize = sectionSize();
      for (int i = 0; i < options.sections; i++) {
        Path file = dir.resolve(sectionName(i));
        sectionFiles.add(file);
        sections.add(
            ISectFormatter.format(file, sectionSize, "isect" + i, options.bucketSize, 2, random));
      }
      List<IndexFormatter.ArenaSize> sizes = new ArrayList<>();
      for (ArenaPartitionFormatter.FormattedArena a : arenas) {
        MapTable.Entry e = a.map();
        sizes.add(
            new IndexFormatter.ArenaSize(
                e.name(), e.stop() - e.start() - 2L * options.arenaBlockSize));
      }
      IndexFormatter.format("main", sectionFiles, sections, sizes);
      List<String> conf =
          new ArrayList<>(List.of("# written by venti-spark generate", "index main"));
      partitions.forEach(f -> conf.add("arenas " + f.getFileName()));
      sectionFiles.forEach(f -> conf.add("isect " + f.getFileName()));
      if (options.bloom > 0) {
        BloomFormatter.format(dir.resolve(BLOOM), (int) options.bloom, bloomHashes());
        conf.add("bloom " + BLOOM);
      }
      conf.addAll(List.of("mem 16m", "bcmem 16m", "icmem 16m", ""));
      Path config = dir.resolve(CONFIG);
      Files.writeString(
          config,
          String.join("\n", conf),
          StandardCharsets.US_ASCII,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      return new Result(
          config,
          options.clumps,
          options.corrupt,
          totalArenas,
          partitions.size(),
          sections.size(),
          partSize * partitions.size(),
          sectionSize * sections.size(),
          System.currentTimeMillis() - t0);
    } catch (IOException e) {
      throw new UncheckedIOException("generating an archive in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Every file {@link #write} writes into {@code dir}, with the names it gives them. */
  public List<Path> files(Path dir) {
    List<Path> files = new ArrayList<>();
    for (int p = 0; p < options.arenaPartitions; p++) {
      files.add(dir.resolve(partitionName(p)));
    }
    for (int i = 0; i < options.sections; i++) {
      files.add(dir.resolve(sectionName(i)));
    }
    if (options.bloom > 0) {
      files.add(dir.resolve(BLOOM));
    }
    files.add(dir.resolve(CONFIG));
    return files;
  }

  private static final String BLOOM = "bloom.img";
  private static final String CONFIG = "venti.conf";

  private static String partitionName(int p) {
    return "arenas" + p + ".img";
  }

  private static String sectionName(int i) {
    return "isect" + i + ".img";
  }

  /**
   * One size for every arena, the smallest that holds the fullest arena's clumps uncompressed
   * (compression only shrinks them) under the server's seal rule, and at least fmtarenas' 1 MiB.
   */
  private long arenaSize(ClumpNumbering numbering, int totalArenas) {
    BlockSource sizes = new BlockSource(options, numbering);
    long need = 0;
    for (int g = 0; g < totalArenas; g++) {
      long first = numbering.firstOfArena(g);
      long n = numbering.firstOfArena(g + 1) - first;
      long log = 0;
      for (long c = first; c < first + n; c++) {
        log += Venti.CLUMP_SIZE + sizes.sizeOf(c);
      }
      long dir =
          (ClumpInfo.directoryBlocks(n + 1, options.arenaBlockSize) + 1) * options.arenaBlockSize;
      need = Math.max(need, log + 8 + dir);
    }
    return Math.max(
        ArenaLayout.MIN_ARENA_SIZE,
        Venti.roundUp(need + 2L * options.arenaBlockSize, options.arenaBlockSize));
  }

  /**
   * Bytes per section: enough buckets that no bucket overflows except with the allowed probability.
   */
  private long sectionSize() {
    return IndexSizing.recommend(
            options.clumps, options.bucketSize, options.sections, options.maxOverflow)
        .sectionSize();
  }

  /** fmtbloom's {@code -n} rule: about 70% of the bits per score, at most 32 hashes. */
  private int bloomHashes() {
    long bitsPerScore = 8 * options.bloom / options.clumps;
    return (int) Math.max(1, Math.min(32, bitsPerScore * 7 / 10));
  }

  private void fillArenas(
      List<Path> partitions,
      List<ArenaPartitionFormatter.FormattedArena> arenas,
      ClumpNumbering numbering)
      throws IOException {
    AtomicLong done = new AtomicLong();
    ThreadLocal<BlockSource> sources =
        ThreadLocal.withInitial(() -> new BlockSource(options, numbering));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            options.threads,
            r -> {
              Thread t = new Thread(r, "venti-generate");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int g = 0; g < arenas.size(); g++) {
        int arena = g;
        Path file = partitions.get(g / options.arenas);
        tasks.add(
            pool.submit(
                () -> {
                  fillArena(file, arenas.get(arena), arena, numbering, sources.get(), done);
                  return null;
                }));
      }
      long t0 = System.nanoTime();
      for (Future<?> task : tasks) {
        while (true) {
          try {
            task.get(5, TimeUnit.SECONDS);
            break;
          } catch (TimeoutException e) {
            reportProgress(done.get(), System.nanoTime() - t0);
          }
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException("generating arenas: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } finally {
      pool.shutdownNow();
    }
  }

  private void reportProgress(long done, long nanos) {
    if (progress != null && done > 0) {
      double seconds = nanos / 1e9;
      progress.printf(
          Locale.ROOT,
          "generate: %,d of %,d clumps, %.0f s, about %.0f s left%n",
          done,
          options.clumps,
          seconds,
          seconds * (options.clumps - done) / done);
    }
  }

  private void fillArena(
      Path file,
      ArenaPartitionFormatter.FormattedArena arena,
      int g,
      ClumpNumbering numbering,
      BlockSource source,
      AtomicLong done)
      throws IOException {
    long first = numbering.firstOfArena(g);
    long stop = numbering.firstOfArena(g + 1);
    int total = (int) (stop - first);
    boolean open = g >= options.arenaPartitions * options.arenas - options.openArenas;
    try (FileChannel ch = Gate.openOwn(file.toString(), file)) {
      ArenaWriter w =
          new ArenaWriter(
              ch, arena.map(), options.arenaBlockSize, options.version, arena.clumpMagic(), TIME);
      for (long c = first; c < stop; c++) {
        source.load(c);
        int type = numbering.isCorrupt(c) ? CORRUPT_CODE : source.diskType;
        w.append(type, source.score, source.stored(), source.storedSize, source.size);
        if ((c - first) % 4096 == 4095) {
          done.addAndGet(4096);
        }
      }
      done.addAndGet(total % 4096);
      w.close(open ? (int) (total * options.indexed) : total, !open);
    }
  }

  /** A type code that does not decode (FORMAT.md 5.4): buildindex skips such directory entries. */
  static final int CORRUPT_CODE = 0;
}
