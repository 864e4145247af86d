package ventispark.format;

import java.util.Locale;

/**
 * Arena partition header (FORMAT.md 3.1), a 512-byte block at {@link Venti#PART_BLANK}:
 *
 * <pre>
 * magic[4] = 0xA9E4A5E7 | version[4] = 3 | blocksize[4] | arenabase[4]
 * </pre>
 *
 * The arena map text lies at {@code [tabbase, arenabase)}, {@code tabbase = roundup(PART_BLANK +
 * HEAD_SIZE, blocksize)}.
 */
public record ArenaPartitionHeader(int version, int blockSize, long arenaBase) {

  public static final int SIZE = 16;

  public static ArenaPartitionHeader decode(String file, byte[] b) {
    long at = Venti.PART_BLANK;
    if (Bytes.u32(b, 0) != Venti.ARENA_PART_MAGIC) {
      throw FormatException.at(
          file,
          at,
          String.format(
              Locale.ROOT,
              "bad arena partition magic 0x%08x (want 0x%08x)",
              Bytes.u32(b, 0),
              Venti.ARENA_PART_MAGIC));
    }
    int version = Bytes.u32(b, 4);
    if (version != Venti.ARENA_PART_VERSION) {
      throw FormatException.at(
          file, at + 4, "unknown arena partition version " + version + " (want 3)");
    }
    int bs = Bytes.u32(b, 8);
    if (!Venti.isPowerOfTwo(bs) || bs < 512 || bs > Venti.MAX_DISK_BLOCK) {
      throw FormatException.at(
          file, at + 8, "bad arena partition block size " + Integer.toUnsignedString(bs));
    }
    ArenaPartitionHeader h = new ArenaPartitionHeader(version, bs, Bytes.u32L(b, 12));
    if (h.tableBase() >= h.arenaBase()) {
      throw FormatException.at(
          file,
          at + 12,
          "arena base "
              + h.arenaBase()
              + " leaves no room for the arena map (table base "
              + h.tableBase()
              + ")");
    }
    return h;
  }

  public byte[] encode() {
    byte[] b = new byte[Venti.HEAD_SIZE];
    Bytes.put32(b, 0, Venti.ARENA_PART_MAGIC);
    Bytes.put32(b, 4, version);
    Bytes.put32(b, 8, blockSize);
    Bytes.put32(b, 12, (int) arenaBase);
    return b;
  }

  public long tableBase() {
    return Venti.roundUp(Venti.PART_BLANK + Venti.HEAD_SIZE, blockSize);
  }

  public int tableSize() {
    return (int) (arenaBase - tableBase());
  }
}
