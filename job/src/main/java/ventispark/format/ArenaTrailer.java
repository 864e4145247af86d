package ventispark.format;

import java.util.Locale;

/**
 * Arena trailer (FORMAT.md 4.3), the arena's last block; authoritative for the arena's state.
 *
 * <pre>
 * v5: magic[4]=0xF2A14EAD version[4] name[64] clumps[4] cclumps[4] ctime[4] wtime[4]
 *     clumpmagic[4] used[8] uncsize[8] sealed[1] memstats-ext
 * v4: the same without clumpmagic (implied 0xD15CB10C)
 * memstats-ext := flag[1] (1 = present) clumps[4] cclumps[4] used[8] uncsize[8] sealed[1]
 * the block's last 20 bytes: the arena's SHA-1 once sealed
 * </pre>
 *
 * Writers put the extension only when memstats differ from diskstats; readers take memstats :=
 * diskstats otherwise, and force memstats.sealed when diskstats.sealed.
 */
public record ArenaTrailer(
    int version,
    String name,
    ArenaStats diskStats,
    ArenaStats memStats,
    int ctime,
    int wtime,
    int clumpMagic) {

  public static ArenaTrailer decode(String file, long at, byte[] b, int off) {
    if (Bytes.u32(b, off) != Venti.ARENA_MAGIC) {
      throw FormatException.at(
          file,
          at,
          String.format(
              Locale.ROOT,
              "bad arena trailer magic 0x%08x (want 0x%08x)",
              Bytes.u32(b, off),
              Venti.ARENA_MAGIC));
    }
    int version = Bytes.u32(b, off + 4);
    if (version != 4 && version != 5) {
      throw FormatException.at(file, at + 4, "unknown arena version " + version + " (want 4 or 5)");
    }
    String name = Bytes.name(b, off + 8, Venti.A_NAME_SIZE);
    int p = off + 72;
    int clumps = Bytes.u32(b, p);
    int cclumps = Bytes.u32(b, p + 4);
    int ctime = Bytes.u32(b, p + 8);
    int wtime = Bytes.u32(b, p + 12);
    p += 16;
    int clumpMagic = Venti.OLD_CLUMP_MAGIC;
    if (version == 5) {
      clumpMagic = Bytes.u32(b, p);
      p += 4;
    }
    ArenaStats disk =
        new ArenaStats(clumps, cclumps, Bytes.u64(b, p), Bytes.u64(b, p + 8), b[p + 16] != 0);
    p += 17;
    ArenaStats mem = disk;
    if (b[p] == 1) {
      p++;
      mem =
          new ArenaStats(
              Bytes.u32(b, p),
              Bytes.u32(b, p + 4),
              Bytes.u64(b, p + 8),
              Bytes.u64(b, p + 16),
              b[p + 24] != 0 || disk.sealed());
    }
    return new ArenaTrailer(version, name, disk, mem, ctime, wtime, clumpMagic);
  }

  /** Encodes the trailer into a fresh block of {@code blockSize} bytes (score zero). */
  public byte[] encode(int blockSize) {
    byte[] b = new byte[blockSize];
    Bytes.put32(b, 0, Venti.ARENA_MAGIC);
    Bytes.put32(b, 4, version);
    Bytes.putName(b, 8, Venti.A_NAME_SIZE, name);
    int p = 72;
    Bytes.put32(b, p, diskStats.clumps());
    Bytes.put32(b, p + 4, diskStats.cclumps());
    Bytes.put32(b, p + 8, ctime);
    Bytes.put32(b, p + 12, wtime);
    p += 16;
    if (version == 5) {
      Bytes.put32(b, p, clumpMagic);
      p += 4;
    }
    Bytes.put64(b, p, diskStats.used());
    Bytes.put64(b, p + 8, diskStats.uncsize());
    b[p + 16] = (byte) (diskStats.sealed() ? 1 : 0);
    p += 17;
    if (!memStats.equals(diskStats)) {
      b[p] = 1;
      putStats(b, p + 1, memStats);
    }
    return b;
  }

  private static void putStats(byte[] b, int p, ArenaStats s) {
    Bytes.put32(b, p, s.clumps());
    Bytes.put32(b, p + 4, s.cclumps());
    Bytes.put64(b, p + 8, s.used());
    Bytes.put64(b, p + 16, s.uncsize());
    b[p + 24] = (byte) (s.sealed() ? 1 : 0);
  }
}
