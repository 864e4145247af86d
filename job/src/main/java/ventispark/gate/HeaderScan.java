package ventispark.gate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import ventispark.format.ArenaPartitionHeader;
import ventispark.format.BloomHeader;
import ventispark.format.Bytes;
import ventispark.format.ISectHeader;
import ventispark.format.MapTable;
import ventispark.format.Venti;

/**
 * The protected bytes of a command without a config ({@code format isect|bloom}): every arena
 * partition, index section or bloom filter whose header lies in a backing home of the target before
 * the target's first byte, at the home's start or at the start of one of a disk's partitions, as
 * far as that structure reaches (an arena partition to its last arena's end, or the end of the home
 * when its map cannot be read). A structure that starts where the target starts is the target's
 * own, which {@code --force} may overwrite.
 */
public final class HeaderScan {
  private HeaderScan() {}

  /** The structures found in the homes of {@code target} before it starts. */
  public static List<Gate.Guarded> before(List<Extent> target) {
    List<Gate.Guarded> out = new ArrayList<>();
    for (Extent t : target) {
      if (t.somewhere()) {
        continue;
      }
      Path home = Path.of(t.display());
      for (long s : starts(t)) {
        if (s >= t.lo()) {
          break;
        }
        try (FileChannel ch = FileChannel.open(home)) {
          Found f = at(ch, s);
          if (f != null && f.stop > t.lo()) {
            out.add(
                new Gate.Guarded(
                    f.what,
                    t.display() + " at byte " + s,
                    List.of(new Extent(t.home(), t.display(), s, f.stop, false))));
          }
        } catch (IOException | RuntimeException e) {
          // unreadable: the home's start holds nothing this scan can name
        }
      }
    }
    return out;
  }

  /** Where structures may start in {@code t}'s home: 0, and each partition's start on a disk. */
  private static TreeSet<Long> starts(Extent t) {
    TreeSet<Long> s = new TreeSet<>(List.of(0L));
    if (t.home().startsWith("disk ")) {
      Path sys = DeviceMap.SYS_BLOCK.resolve(t.home().substring(5));
      try (Stream<Path> l = Files.list(sys.toRealPath())) {
        for (Path p : l.toList()) {
          if (Files.exists(p.resolve("partition"))) {
            s.add(Long.parseLong(Files.readString(p.resolve("start")).strip()) * 512);
          }
        }
      } catch (IOException | RuntimeException e) {
        // no partitions known: the disk's start only
      }
    }
    return s;
  }

  private record Found(String what, long stop) {}

  private static Found at(FileChannel ch, long s) throws IOException {
    byte[] head = read(ch, s + Venti.PART_BLANK, Venti.HEAD_SIZE);
    if (head != null && Bytes.u32(head, 0) == Venti.ISECT_MAGIC) {
      ISectHeader h = ISectHeader.decode("scan", head);
      return new Found(
          "index section " + h.name(), s + h.blockBase() + (long) h.blocks() * h.blockSize());
    }
    if (head != null && Bytes.u32(head, 0) == Venti.ARENA_PART_MAGIC) {
      return new Found(
          "arena partition", s + arenasEnd(ch, s, ArenaPartitionHeader.decode("scan", head)));
    }
    byte[] bloom = read(ch, s, Venti.BLOOM_HEAD_SIZE);
    if (bloom != null && Bytes.u32(bloom, 0) == Venti.BLOOM_MAGIC) {
      return new Found(
          "bloom filter", s + (BloomHeader.decode("scan", bloom).size() & 0xFFFFFFFFL));
    }
    return null;
  }

  /** The end of the partition's last arena, or to the end when the map cannot be read. */
  private static long arenasEnd(FileChannel ch, long s, ArenaPartitionHeader h) {
    try {
      byte[] t = read(ch, s + h.tableBase(), h.tableSize());
      String text = new String(t, StandardCharsets.ISO_8859_1);
      int nul = text.indexOf(0);
      List<MapTable.Entry> map =
          MapTable.read(
              new MapTable.Cursor("scan", nul < 0 ? text : text.substring(0, nul)), "arena map");
      return map.isEmpty() ? h.tableBase() + h.tableSize() : map.get(map.size() - 1).stop();
    } catch (IOException | RuntimeException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  private static byte[] read(FileChannel ch, long at, int len) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        return null;
      }
    }
    return b.array();
  }
}
