package ventispark.format;

import java.util.Locale;

/** Constants of the Venti on-disk formats (FORMAT.md, "Key constants" and "Magic numbers"). */
public final class Venti {
  private Venti() {}

  /** Untouched area at the start of arena partitions and index sections. */
  public static final int PART_BLANK = 262144;

  /** Size of the header block at {@link #PART_BLANK}. */
  public static final int HEAD_SIZE = 512;

  /** Largest config text, and the slot for a config stored inside a partition. */
  public static final int MAX_CONFIG = 8192;

  /** Offset of a stored config: the 8 KiB just below {@link #PART_BLANK}. */
  public static final int CONFIG_OFFSET = PART_BLANK - MAX_CONFIG;

  public static final int A_NAME_SIZE = 64;
  public static final int SCORE_SIZE = 20;

  /** Index address of the first arena. */
  public static final long INDEX_BASE = 1048576;

  public static final int MAX_AMAP = 31 * 1024;
  public static final int CLUMP_SIZE = 38;
  public static final int CLUMP_INFO_SIZE = 25;
  public static final int BUCKET_HEAD_SIZE = 6;
  public static final int IENTRY_SIZE = 38;
  public static final int MAX_LUMP_SIZE = 57344;
  public static final int BLOOM_HEAD_SIZE = 16;
  public static final int MAX_BLOOM_SIZE = 1 << 29;
  public static final int MAX_DISK_BLOCK = 65536;

  /** Most buckets one index has: the bucket divisor may not fall below 100 (FORMAT.md 6.2, 6.4). */
  public static final long MAX_BUCKETS = 0xFFFFFFFFL / 100 + 1;

  /**
   * Why {@code buckets} are beyond one index, and how to fit (for a refusal): the limit, these
   * buckets, and what to change.
   */
  public static String beyondMaxBuckets(long buckets) {
    return String.format(
        Locale.ROOT,
        "%,d buckets, more than the %,d one Venti index can have (its bucket divisor may not fall"
            + " below 100); fit it with larger buckets (up to 64k), fewer or smaller sections",
        buckets,
        MAX_BUCKETS);
  }

  /** Size of the text table fmtarenas and fmtisect reserve. */
  public static final int DEFAULT_TABLE_SIZE = 524288;

  public static final int ARENA_PART_MAGIC = 0xA9E4A5E7;
  public static final int ARENA_HEAD_MAGIC = 0xD15C4EAD;
  public static final int ARENA_MAGIC = 0xF2A14EAD;
  public static final int ISECT_MAGIC = 0xD15C5EC7;
  public static final int BLOOM_MAGIC = 0xB1004EAD;

  /** Clump magic of every version-4 arena. */
  public static final int OLD_CLUMP_MAGIC = 0xD15CB10C;

  public static final int ARENA_PART_VERSION = 3;
  public static final int INDEX_CONFIG_VERSION = 1;
  public static final int BLOOM_VERSION = 1;

  /** {@code roundup(x, b)} for a power-of-two {@code b}. */
  public static long roundUp(long x, long b) {
    return (x + b - 1) & -b;
  }

  public static boolean isPowerOfTwo(long x) {
    return x > 0 && (x & (x - 1)) == 0;
  }
}
