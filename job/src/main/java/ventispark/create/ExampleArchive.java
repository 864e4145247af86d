package ventispark.create;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ventispark.format.BlockType;
import ventispark.format.ISectHeader;
import ventispark.format.MapTable;
import ventispark.format.Whack;

/**
 * The built-in example: a small but complete Venti archive written from scratch, so a fresh
 * machine can run a rebuild with nothing else present. Two arena partitions (v5 arenas, 8 KiB
 * blocks; the last arena partly filled, with memstats ahead of diskstats as after a server
 * crash), two v2 index sections, a bloom filter and venti.conf.
 * Blocks are real: scores are the SHA-1 of the data, types span data, pointer, dir and root,
 * text-like blocks are stored whack-compressed when that is smaller, and some blocks are stored
 * twice in different arenas, as a server does after its index was reformatted. Deterministic.
 */
public final class ExampleArchive {
  private ExampleArchive() {}

  static final long SEED = 20261123L;
  static final int BLOCK_SIZE = 8192;

  /** What was written. */
  public record Result(Path config, long clumps, int arenas, int partitions, int sections) {}

  public static Result write(Path dir) {
    try {
      Files.createDirectories(dir);
      Random random = new Random(SEED);
      List<Path> partitions = List.of(dir.resolve("arenas0.img"), dir.resolve("arenas1.img"));
      List<List<ArenaPartitionFormatter.FormattedArena>> maps = List.of(
          ArenaPartitionFormatter.format(partitions.get(0), 10 << 20, "arenas0", BLOCK_SIZE, 3 << 20, 5, random),
          ArenaPartitionFormatter.format(partitions.get(1), 8 << 20, "arenas1", BLOCK_SIZE, 2 << 20, 5, random));
      long clumps = fill(partitions, maps, random);
      List<Path> sectionFiles = List.of(dir.resolve("isect0.img"), dir.resolve("isect1.img"));
      List<ISectHeader> sections = new ArrayList<>();
      for (int i = 0; i < sectionFiles.size(); i++) {
        sections.add(ISectFormatter.format(sectionFiles.get(i), 4 << 20, "isect" + i, BLOCK_SIZE, 2, random));
      }
      List<IndexFormatter.ArenaSize> arenas = new ArrayList<>();
      for (List<ArenaPartitionFormatter.FormattedArena> m : maps) {
        for (ArenaPartitionFormatter.FormattedArena a : m) {
          MapTable.Entry e = a.map();
          arenas.add(new IndexFormatter.ArenaSize(e.name(), e.stop() - e.start() - 2L * BLOCK_SIZE));
        }
      }
      IndexFormatter.format("main", sectionFiles, sections, arenas);
      BloomFormatter.format(dir.resolve("bloom.img"), 1 << 20, 32);
      Path config = dir.resolve("venti.conf");
      Files.writeString(config, String.join("\n", "# venti-spark built-in example archive",
          "index main", "arenas arenas0.img", "arenas arenas1.img", "isect isect0.img", "isect isect1.img",
          "bloom bloom.img", "mem 16m", "bcmem 16m", "icmem 16m", ""), StandardCharsets.US_ASCII);
      return new Result(config, clumps, arenas.size(), partitions.size(), sections.size());
    } catch (IOException e) {
      throw new UncheckedIOException("writing the example archive in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Fills arenas in order, leaving the last arena of the last partition partly filled. */
  private static long fill(List<Path> partitions, List<List<ArenaPartitionFormatter.FormattedArena>> maps, Random random)
      throws IOException {
    MessageDigest sha1 = sha1();
    List<Block> stored = new ArrayList<>();
    long clumps = 0;
    byte[] compressed = new byte[64 * 1024];
    for (int p = 0; p < partitions.size(); p++) {
      try (FileChannel ch = FileChannel.open(partitions.get(p), StandardOpenOption.WRITE)) {
        List<ArenaPartitionFormatter.FormattedArena> map = maps.get(p);
        for (int a = 0; a < map.size(); a++) {
          boolean last = p == partitions.size() - 1 && a == map.size() - 1;
          ArenaWriter w = new ArenaWriter(ch, map.get(a).map(), BLOCK_SIZE, 5, map.get(a).clumpMagic());
          int limit = last ? 300 : Integer.MAX_VALUE;
          int n = 0;
          for (; n < limit; n++) {
            Block block = !stored.isEmpty() && random.nextInt(10) == 0
                ? stored.get(random.nextInt(stored.size())) : newBlock(random, sha1);
            byte[] data = block.data();
            int clen = Whack.compress(data, 0, data.length, compressed, 0);
            boolean packed = clen > 0;
            if (!w.fits(packed ? clen : data.length)) {
              break;
            }
            w.append(block.diskType(), block.score(), packed ? compressed : data, packed ? clen : data.length, data.length);
            if (stored.size() < 4096) {
              stored.add(block);
            }
            clumps++;
          }
          // The last arena is still open and only half indexed: its trailer carries memstats.
          w.close(last ? n / 2 : n, !last);
        }
      }
    }
    return clumps;
  }

  /** A block to store: its data, the SHA-1 of the data, its on-disk type code. */
  private record Block(byte[] data, byte[] score, int diskType) {}

  private static Block newBlock(Random random, MessageDigest sha1) {
    int kind = random.nextInt(20);
    int type;
    if (kind == 0) {
      type = BlockType.toDisk(BlockType.ROOT);
    } else if (kind <= 2) {
      type = BlockType.toDisk(BlockType.DIR);
    } else if (kind <= 5) {
      type = BlockType.toDisk(1 + random.nextInt(3));
    } else {
      type = BlockType.toDisk(BlockType.DATA);
    }
    int size = kind == 0 ? 300 : 64 + random.nextInt(type == 13 ? 16384 : 4096);
    byte[] data = new byte[size];
    if (random.nextBoolean()) {
      random.nextBytes(data);
    } else {
      byte[] words = "venti stores blocks by score; the index maps each score to its address in the log. "
          .getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < size; i++) {
        data[i] = words[(i + random.nextInt(3)) % words.length];
      }
    }
    return new Block(data, sha1.digest(data), type);
  }

  static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
