package ventispark.create;

import ventispark.format.BlockType;
import ventispark.format.SizeParser;
import ventispark.format.Venti;

/**
 * What {@link ArchiveGenerator} writes. Every field has a documented default; the command line
 * ({@code venti-spark generate}) sets them by option of the same name.
 */
public final class GeneratorOptions {
  /** {@code --clumps}: clumps in the whole archive. */
  public static final long DEFAULT_CLUMPS = 100_000;

  /** {@code --arena-partitions}: arena partition files. */
  public static final int DEFAULT_ARENA_PARTITIONS = 2;

  /** {@code --arenas}: arenas per arena partition. */
  public static final int DEFAULT_ARENAS = 10;

  /** {@code --arena-block-size}: block size of the arena partitions. */
  public static final int DEFAULT_ARENA_BLOCK_SIZE = 8192;

  /** {@code --version}: arena version, 4 or 5. */
  public static final int DEFAULT_VERSION = 5;

  /** {@code --sizes}: block size distribution, {@code SIZE[-SIZE][:WEIGHT],...}. */
  public static final String DEFAULT_SIZES = "512";

  /** {@code --types}: block type mix, {@code TYPE[:WEIGHT],...} (data, dir, root, pointer1..7). */
  public static final String DEFAULT_TYPES = "data";

  /** {@code --compressed}: share of blocks with compressible (text-like) contents. */
  public static final double DEFAULT_COMPRESSED = 0.25;

  /** {@code --duplicates}: share of clumps repeating a block stored in an earlier arena. */
  public static final double DEFAULT_DUPLICATES = 0.01;

  /** {@code --corrupt}: directory entries with an undecodable type code (buildindex skips them). */
  public static final long DEFAULT_CORRUPT = 0;

  /**
   * {@code --open-arenas}: the last arenas left unsealed, partly indexed (memstats ahead of
   * diskstats).
   */
  public static final int DEFAULT_OPEN_ARENAS = 1;

  /** {@code --indexed}: share of an open arena's clumps its diskstats cover. */
  public static final double DEFAULT_INDEXED = 0.5;

  /** {@code --sections}: index sections. */
  public static final int DEFAULT_SECTIONS = 2;

  /** {@code --bucket-size}: index section block (bucket) size. */
  public static final int DEFAULT_BUCKET_SIZE = 8192;

  /**
   * {@code --max-overflow}: the index is sized so that any bucket overflows with at most this
   * probability.
   */
  public static final double DEFAULT_MAX_OVERFLOW = 1e-6;

  /** {@code --bloom}: bloom filter size; 0 for none. */
  public static final long DEFAULT_BLOOM = 0;

  /** {@code --seed}: everything written is a function of the options and this seed. */
  public static final long DEFAULT_SEED = 1;

  public long clumps = DEFAULT_CLUMPS;
  public int arenaPartitions = DEFAULT_ARENA_PARTITIONS;
  public int arenas = DEFAULT_ARENAS;
  public int arenaBlockSize = DEFAULT_ARENA_BLOCK_SIZE;
  public int version = DEFAULT_VERSION;
  public WeightedChoice sizes = sizes(DEFAULT_SIZES);
  public WeightedChoice types = types(DEFAULT_TYPES);
  public double compressed = DEFAULT_COMPRESSED;
  public double duplicates = DEFAULT_DUPLICATES;
  public long corrupt = DEFAULT_CORRUPT;
  public int openArenas = DEFAULT_OPEN_ARENAS;
  public double indexed = DEFAULT_INDEXED;
  public int sections = DEFAULT_SECTIONS;
  public int bucketSize = DEFAULT_BUCKET_SIZE;
  public double maxOverflow = DEFAULT_MAX_OVERFLOW;
  public long bloom = DEFAULT_BLOOM;
  public long seed = DEFAULT_SEED;

  /** Writer threads; default one per core. */
  public int threads = Runtime.getRuntime().availableProcessors();

  /** The built-in example: small, but with every feature the rebuild must handle. */
  public static GeneratorOptions example() {
    GeneratorOptions o = new GeneratorOptions();
    o.clumps = 3_500;
    o.arenas = 4;
    o.sizes = sizes("300:1,64-4k:15,64-16k:4");
    o.types = types("data:14,pointer1:2,pointer2:1,dir:2,root:1");
    o.compressed = 0.5;
    o.duplicates = 0.1;
    o.bloom = 1 << 20;
    o.seed = 20261123L;
    return o;
  }

  public static WeightedChoice sizes(String spec) {
    WeightedChoice c = WeightedChoice.parse(spec, "--sizes", s -> SizeParser.parse(s));
    if (c.min() < 1 || c.max() > 56 * 1024) {
      throw new IllegalArgumentException(
          "--sizes: block sizes must be between 1 and 56k (Venti's largest block)");
    }
    return c;
  }

  public static WeightedChoice types(String spec) {
    return WeightedChoice.parse(spec, "--types", GeneratorOptions::diskType);
  }

  /** The on-disk code of a type name as {@link BlockType#name} prints it. */
  static long diskType(String name) {
    for (int code = 0; code < 256; code++) {
      if (!BlockType.isCorrupt(code) && BlockType.name(code).equals(name)) {
        return code;
      }
    }
    throw new IllegalArgumentException(
        "--types: unknown type '" + name + "' (data, dir, root, pointer1..pointer7)");
  }

  /** Rejects combinations that cannot be written. */
  public void validate() {
    check(clumps >= 1, "--clumps must be at least 1");
    check(
        arenaPartitions >= 1 && arenas >= 1, "--arena-partitions and --arenas must be at least 1");
    check(version == 4 || version == 5, "--version must be 4 or 5");
    check(
        Integer.bitCount(arenaBlockSize) == 1 && arenaBlockSize >= 512,
        "--arena-block-size must be a power of two ≥ 512");
    check(
        Integer.bitCount(bucketSize) == 1 && bucketSize >= 512,
        "--bucket-size must be a power of two ≥ 512");
    check(compressed >= 0 && compressed <= 1, "--compressed must be between 0 and 1");
    check(duplicates >= 0 && duplicates < 1, "--duplicates must be at least 0 and below 1");
    check(indexed >= 0 && indexed <= 1, "--indexed must be between 0 and 1");
    check(corrupt >= 0 && corrupt <= clumps, "--corrupt must be between 0 and --clumps");
    check(
        openArenas >= 0 && openArenas <= arenaPartitions * arenas,
        "--open-arenas must be between 0 and the arena count");
    check(sections >= 1, "--sections must be at least 1");
    check(maxOverflow > 0 && maxOverflow < 1, "--max-overflow must be between 0 and 1");
    check(
        bloom == 0
            || (Long.bitCount(bloom) == 1 && bloom >= 1 << 20 && bloom <= Venti.MAX_BLOOM_SIZE),
        "--bloom must be 0 or a power of two between 1m and 512m");
    check(threads >= 1, "threads must be at least 1");
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
