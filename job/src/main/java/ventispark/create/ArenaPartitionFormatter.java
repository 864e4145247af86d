package ventispark.create;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ventispark.format.ArenaHead;
import ventispark.format.ArenaPartitionHeader;
import ventispark.format.ArenaStats;
import ventispark.format.ArenaTrailer;
import ventispark.format.MapTable;
import ventispark.format.Venti;
import ventispark.gate.Gate;

/**
 * Formats an arena partition as fmtarenas does (FORMAT.md 3.3): header, arena map, and for every
 * arena a header block, an empty trailer and one zeroed block at the start of its data area. The
 * file is created (sparse) at the given size.
 */
public final class ArenaPartitionFormatter {
  private ArenaPartitionFormatter() {}

  /** A formatted arena: its map entry and the clump magic its header and trailer carry. */
  public record FormattedArena(MapTable.Entry map, int clumpMagic) {}

  /** Formats {@code file}; returns its arenas in map order. */
  public static List<FormattedArena> format(
      Path file, long size, String name, int blockSize, long arenaSize, int version, Random random)
      throws IOException {
    List<MapTable.Entry> arenas = ArenaLayout.arenas(name, size, blockSize, arenaSize);
    List<FormattedArena> formatted = new ArrayList<>(arenas.size());
    long base = ArenaLayout.arenaBase(blockSize);
    try (FileChannel ch = Gate.createNew(file)) { // a new file, never through a link
      write(ch, size - 1, new byte[1]);
      write(
          ch,
          Venti.PART_BLANK,
          new ArenaPartitionHeader(Venti.ARENA_PART_VERSION, blockSize, base).encode());
      StringBuilder map = new StringBuilder();
      MapTable.write(map, arenas);
      long tabBase = Venti.roundUp(Venti.PART_BLANK + Venti.HEAD_SIZE, blockSize);
      write(ch, tabBase, map.toString().getBytes(StandardCharsets.ISO_8859_1));
      for (MapTable.Entry e : arenas) {
        int magic = version == 4 ? Venti.OLD_CLUMP_MAGIC : clumpMagic(random);
        write(
            ch,
            e.start(),
            new ArenaHead(version, e.name(), blockSize, e.stop() - e.start(), magic)
                .encode(blockSize));
        ArenaTrailer t =
            new ArenaTrailer(version, e.name(), ArenaStats.EMPTY, ArenaStats.EMPTY, 0, 0, magic);
        write(ch, e.stop() - blockSize, t.encode(blockSize));
        formatted.add(new FormattedArena(e, magic));
      }
    }
    return formatted;
  }

  /** A v5 clump magic: random, never 0 and never the v4 magic. */
  static int clumpMagic(Random random) {
    int m;
    do {
      m = random.nextInt();
    } while (m == 0 || m == Venti.OLD_CLUMP_MAGIC);
    return m;
  }

  static void write(FileChannel ch, long pos, byte[] b) throws IOException {
    write(ch, pos, b, b.length);
  }

  static void write(FileChannel ch, long pos, byte[] b, int len) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(b, 0, len);
    while (bb.hasRemaining()) {
      ch.write(bb, pos + bb.position());
    }
  }
}
