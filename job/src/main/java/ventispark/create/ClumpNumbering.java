package ventispark.create;

/**
 * How a generated archive numbers its clumps: arenas in order (partition by partition), arena
 * {@code g} of {@code G} holding clumps {@code [g·N/G, (g+1)·N/G)} of {@code N}, and which of them
 * have an undecodable type code ({@code corrupt} of them, spread evenly).
 */
final class ClumpNumbering {
  private final long clumps;
  private final int arenas;
  private final long corrupt;

  ClumpNumbering(long clumps, int arenas, long corrupt) {
    this.clumps = clumps;
    this.arenas = arenas;
    this.corrupt = corrupt;
  }

  long firstOfArena(int arena) {
    return Math.multiplyExact(arena, clumps) / arenas;
  }

  int arenaOf(long clump) {
    int g = (int) (clump * arenas / clumps);
    while (firstOfArena(g + 1) <= clump) {
      g++;
    }
    while (firstOfArena(g) > clump) {
      g--;
    }
    return g;
  }

  boolean isCorrupt(long clump) {
    if (corrupt == 0) {
      return false;
    }
    long stride = clumps / corrupt;
    return clump % stride == stride / 2 && clump / stride < corrupt;
  }
}
