package ventispark.testing;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import ventispark.create.ArchiveGenerator;
import ventispark.create.GeneratorOptions;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;

/**
 * A generated archive of 20,000 clumps (10% duplicates, 3 corrupt), made once under a test's
 * directory; or one of a single arena on one arena partition ({@code arenas0.img}).
 */
public final class SmallArchive {
  private SmallArchive() {}

  public static Archive in(Path tmp) {
    Path dir = tmp.resolve("archive");
    if (!dir.resolve("venti.conf").toFile().exists()) {
      GeneratorOptions o = new GeneratorOptions();
      o.clumps = 20_000;
      o.duplicates = 0.1;
      o.corrupt = 3;
      new ArchiveGenerator(o, null).write(dir);
    }
    return new ArchiveLoader(new Configuration()).load(dir.resolve("venti.conf").toString());
  }

  /**
   * Writes into {@code dir} an archive of one arena holding {@code clumps} blocks of {@code sizes}
   * bytes, and loads it.
   */
  public static Archive oneArena(Path dir, long clumps, String sizes) {
    GeneratorOptions o = new GeneratorOptions();
    o.clumps = clumps;
    o.arenaPartitions = 1;
    o.arenas = 1;
    o.sizes = GeneratorOptions.sizes(sizes);
    Path conf = new ArchiveGenerator(o, null).write(dir).config();
    return new ArchiveLoader(new Configuration()).load(conf.toString());
  }
}
