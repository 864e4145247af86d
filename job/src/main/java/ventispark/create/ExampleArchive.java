package ventispark.create;

import java.nio.file.Path;

/**
 * The built-in example: a small but complete Venti archive, so a fresh machine can run a rebuild
 * with nothing else present. It is the generator with {@link GeneratorOptions#example()}: two arena
 * partitions of four v5 arenas, mixed block sizes and types, half the blocks text-like and stored
 * whack-compressed, one clump in ten a copy of a block from an earlier arena, the last arena open
 * with memstats ahead of diskstats (as after a server crash), two v2 index sections and a bloom
 * filter.
 */
public final class ExampleArchive {
  private ExampleArchive() {}

  /** Writes the example into a dir that holds none of its files. */
  public static ArchiveGenerator.Result write(Path dir) {
    return write(dir, false);
  }

  /**
   * Writes the example; {@code overwrite} replaces the files of an archive already in {@code dir}.
   */
  public static ArchiveGenerator.Result write(Path dir, boolean overwrite) {
    return new ArchiveGenerator(GeneratorOptions.example(), null).write(dir, overwrite);
  }
}
