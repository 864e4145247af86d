package ventispark.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.format.BlockType;
import ventispark.testing.CVenti;
import ventispark.testing.Cli;
import ventispark.testing.LocalSpark;
import ventispark.testing.VentiServer;
import ventispark.testing.VentiServer.Block;

/**
 * Archives written by {@code venti-spark generate} are real Venti archives: the C checkarenas finds
 * every clump's score and every arena's statistics right, and the C server, on the rebuilt index,
 * serves every clump the data source lists and appends new blocks to the open arena.
 */
class GeneratedArchiveServedTest {
  @TempDir Path tmp;

  @Test
  void theServerServesEveryClumpAndWritesMore() throws IOException {
    CVenti.require();
    Path dir = tmp.resolve("gen");
    Cli.Run g =
        Cli.run(
            "generate",
            "--clumps",
            "1200",
            "--sizes",
            "1-4k:6,4k-56k:1",
            "--types",
            "data:6,dir:1,root:1,pointer1:1,pointer4:1",
            "--compressed",
            "0.4",
            "--duplicates",
            "0.02",
            "--bloom",
            "1m",
            "--arena-partitions",
            "2",
            "--arenas",
            "3",
            dir.toString());
    assertEquals(0, g.status(), g.err());
    Path conf = dir.resolve("venti.conf");
    List<Path> partitions =
        Files.readAllLines(conf).stream()
            .filter(l -> l.startsWith("arenas "))
            .map(l -> dir.resolve(l.substring(7).trim()))
            .toList();
    assertEquals(2, partitions.size());
    for (Path p : partitions) {
      assertEquals(List.of(), CVenti.arenaErrors(p), "checkarenas " + p);
    }

    Cli.Run b = Cli.run("buildindex", "--drop-duplicates", conf.toString());
    assertEquals(0, b.status(), b.err());
    CVenti.assertIndexCorrect(conf);

    LocalSpark.get();
    List<Row> clumps =
        SparkSession.builder()
            .getOrCreate()
            .read()
            .format("venti")
            .option("table", "clumps")
            .load(conf.toString())
            .select("score", "type_code", "uncompressed_size")
            .collectAsList();
    List<VentiServer.Ref> refs = new ArrayList<>();
    for (Row r : clumps) {
      refs.add(
          new VentiServer.Ref(
              HexFormat.of().formatHex((byte[]) r.get(0)), BlockType.fromDisk(r.getInt(1))));
    }
    List<Block> more = new ArrayList<>();
    Random rnd = new Random(7);
    for (int i = 0; i < 20; i++) {
      byte[] data = new byte[1 + rnd.nextInt(8192)];
      rnd.nextBytes(data);
      more.add(new Block(i % 2 == 0 ? BlockType.DATA : BlockType.ROOT, data));
    }
    try (VentiServer server = VentiServer.start(conf)) {
      List<byte[]> got = server.readAll(refs);
      for (int i = 0; i < refs.size(); i++) {
        assertNotNull(got.get(i), "not served: " + refs.get(i));
        assertEquals(
            refs.get(i).score(),
            VentiServer.sha1(got.get(i)),
            "SHA-1 of the block served for " + refs.get(i));
        assertEquals(clumps.get(i).getInt(2), got.get(i).length, "size of " + refs.get(i));
      }
      List<String> scores = server.write(more);
      assertEquals(more.stream().map(Block::score).toList(), scores);
      assertEquals(List.of(), server.readBack(more));
      server.flush();
    }
    for (Path p : partitions) {
      assertEquals(
          List.of(), CVenti.arenaErrors(p), "checkarenas " + p + " after the server wrote");
    }
  }

  /** The oracle can fail: one byte changed in a clump's data is a mismatched score. */
  @Test
  void checkarenasFindsADamagedClump() throws IOException {
    CVenti.require();
    Path dir = tmp.resolve("gen");
    Cli.Run g =
        Cli.run(
            "generate",
            "--clumps",
            "200",
            "--compressed",
            "0",
            "--arena-partitions",
            "1",
            "--arenas",
            "1",
            dir.toString());
    assertEquals(0, g.status(), g.err());
    Path partition = dir.resolve("arenas0.img");
    assertEquals(List.of(), CVenti.arenaErrors(partition));
    LocalSpark.get();
    byte[] score =
        (byte[])
            SparkSession.builder()
                .getOrCreate()
                .read()
                .format("venti")
                .option("table", "clumps")
                .load(dir.resolve("venti.conf").toString())
                .where("clump = 0")
                .select("score")
                .first()
                .get(0);
    // The first copy of the score in the partition is in the clump's header (the directory is at
    // the arena's end): the score is at header offset 9, the data follows the 38-byte header.
    byte[] bytes = Files.readAllBytes(partition);
    int header = indexOf(bytes, score) - 9;
    assertTrue(header > 0);
    bytes[header + 38 + 10] ^= 0x5A;
    Files.write(partition, bytes);
    assertFalse(CVenti.arenaErrors(partition).isEmpty(), "checkarenas on a damaged clump");
  }

  static int indexOf(byte[] in, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= in.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (in[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
