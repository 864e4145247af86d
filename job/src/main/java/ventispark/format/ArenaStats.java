package ventispark.format;

import java.io.Serializable;

/**
 * Arena statistics (FORMAT.md 4.3): {@code diskstats} is what the index has absorbed, {@code
 * memstats} what the arena physically holds.
 *
 * @param clumps clumps in the log
 * @param cclumps compressed clumps
 * @param used bytes of clump log, Σ(38 + stored size)
 * @param uncsize Σ uncompressed sizes
 */
public record ArenaStats(int clumps, int cclumps, long used, long uncsize, boolean sealed)
    implements Serializable {
  public static final ArenaStats EMPTY = new ArenaStats(0, 0, 0, 0, false);

  public long clumpCount() {
    return clumps & 0xFFFFFFFFL;
  }
}
