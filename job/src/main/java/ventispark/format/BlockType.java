package ventispark.format;

/**
 * The block-type mapping between the logical Venti types and the old numbering stored on disk in
 * clump headers, clump directory entries and index entries (FORMAT.md 5.4). The mapping is lossy:
 * logical 1..7 and 9..15 share disk codes 3..9.
 */
public final class BlockType {
  private BlockType() {}

  /** Logical type of an undecodable code: VtCorruptType. */
  public static final int CORRUPT = 255;

  public static final int DATA = 0;
  public static final int DIR = 8;
  public static final int ROOT = 16;

  /**
   * Logical type of an on-disk code ({@code fromdisk}); {@link #CORRUPT} when it does not decode.
   */
  public static int fromDisk(int code) {
    switch (code & 0xFF) {
      case 1:
        return ROOT;
      case 2:
        return DIR;
      case 3:
      case 4:
      case 5:
      case 6:
      case 7:
      case 8:
      case 9:
        return (code & 0xFF) + 6;
      case 13:
        return DATA;
      default:
        return CORRUPT;
    }
  }

  /** On-disk code of a logical type ({@code todisk}); 0xFF for types above 16. */
  public static int toDisk(int type) {
    if (type == DATA) {
      return 13;
    } else if (type >= 1 && type <= 7) {
      return type + 2;
    } else if (type == DIR) {
      return 2;
    } else if (type >= 9 && type <= 15) {
      return type - 6;
    } else if (type == ROOT) {
      return 1;
    }
    return 0xFF;
  }

  /** True when buildindex skips a directory entry with this code. */
  public static boolean isCorrupt(int code) {
    return fromDisk(code) == CORRUPT;
  }

  /** A name for reports: data, dir, root, pointerN (N = depth), corrupt. */
  public static String name(int code) {
    int t = fromDisk(code);
    if (t == DATA) {
      return "data";
    } else if (t == DIR) {
      return "dir";
    } else if (t == ROOT) {
      return "root";
    } else if (t >= 9 && t <= 15) {
      return "pointer" + (t - 8);
    }
    return "corrupt";
  }
}
