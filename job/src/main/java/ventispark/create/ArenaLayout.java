package ventispark.create;

import java.util.ArrayList;
import java.util.List;
import ventispark.format.MapTable;
import ventispark.format.Venti;

/**
 * Where fmtarenas puts arenas in a partition (FORMAT.md 3.3): back to back from {@code arenabase},
 * each {@code arenaSize} bytes; a remainder of at least 1 MiB becomes a smaller last arena, a
 * smaller one is absorbed by the last arena. Names are {@code NAME} + decimal index.
 */
public final class ArenaLayout {
  private ArenaLayout() {}

  public static final long MIN_ARENA_SIZE = 1 << 20;

  public static long arenaBase(int blockSize) {
    long tabBase = Venti.roundUp(Venti.PART_BLANK + Venti.HEAD_SIZE, blockSize);
    return Venti.roundUp(tabBase + Venti.DEFAULT_TABLE_SIZE, blockSize);
  }

  public static List<MapTable.Entry> arenas(
      String name, long partSize, int blockSize, long arenaSize) {
    long usable = partSize & -(long) blockSize;
    long base = arenaBase(blockSize);
    if (usable < base + MIN_ARENA_SIZE) {
      throw new IllegalArgumentException(
          "partition of " + partSize + " bytes is too small for an arena");
    }
    long ap = usable - base;
    long n = ap / arenaSize;
    if (ap - n * arenaSize >= MIN_ARENA_SIZE) {
      n++;
    }
    List<MapTable.Entry> out = new ArrayList<>();
    long addr = base;
    for (int i = 0; i < n; i++) {
      long limit = addr + arenaSize;
      if (limit >= usable || usable - limit < MIN_ARENA_SIZE) {
        limit = usable;
      }
      out.add(new MapTable.Entry(name + i, addr, limit));
      addr = limit;
    }
    return out;
  }
}
