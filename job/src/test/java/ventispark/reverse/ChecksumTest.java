package ventispark.reverse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ventispark.format.FormatException;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.IndexSection;
import ventispark.testing.Cli;
import ventispark.testing.Damage;
import ventispark.testing.Fixtures;
import ventispark.testing.LocalSpark;

/**
 * The two checksums of a reverse index, computed here a second time straight from their definitions
 * in {@code REVERSE-INDEX.md} (with the JDK's CRC and SHA-256, not the job's classes): the file
 * checksum of random bytes however they are fed, and the index checksum that names the reverse
 * index of reference indexes.
 */
class ChecksumTest {
  @TempDir Path tmp;

  @BeforeAll
  static void spark() {
    LocalSpark.get();
  }

  @Test
  void fileSumIsOfFixedBlocksWhateverTheReads() throws Exception {
    byte[] b = new byte[(7 << 19) + 12345]; // three whole blocks and a short one
    new Random(11).nextBytes(b);
    byte[] want = fileSum(b);
    for (int read : new int[] {b.length, 1 << 20, 4096, 999_983}) {
      FileSum sum = new FileSum();
      for (int at = 0; at < b.length; at += read) {
        sum.update(ByteBuffer.wrap(b, at, Math.min(read, b.length - at)));
      }
      assertArrayEquals(want, sum.digest(), "reads of " + read);
    }
    b[(3 << 20) + 5] ^= 0x40;
    FileSum damaged = new FileSum();
    damaged.update(ByteBuffer.wrap(b));
    assertFalse(java.util.Arrays.equals(want, damaged.digest()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"basic", "multi", "v1sect"})
  void indexSumNamesTheReverseIndex(String fixture) throws Exception {
    Path conf = Fixtures.reference(fixture).resolve("venti.conf");
    Path dir = tmp.resolve("rev");
    assertEquals(0, Cli.run("reverse", "build", dir.toString(), conf.toString()).status());
    Archive archive = new ArchiveLoader(new Configuration()).load(conf.toString());
    String name = archive.indexName() + "-" + HexFormat.of().formatHex(indexSum(archive)) + ".vrev";
    assertEquals(
        name, ReverseIndexFile.find(dir, archive.indexName()).get(0).getFileName().toString());
  }

  @Test
  void aVersionOneFileIsRefusedWithWhatToDo() {
    Path conf = Fixtures.reference("basic").resolve("venti.conf");
    Path dir = tmp.resolve("rev");
    assertEquals(0, Cli.run("reverse", "build", dir.toString(), conf.toString()).status());
    Path file = ReverseIndexFile.find(dir, "main").get(0);
    Damage.poke(file, 7, 1); // version 2 -> 1: its checksums were SHA-256 over every byte
    FormatException e =
        assertThrows(FormatException.class, () -> new ReverseIndexFile(file).close());
    assertTrue(
        e.getMessage().contains("version 1") && e.getMessage().contains("reverse build"),
        e.getMessage());
    Cli.Run v = Cli.run("reverse", "verify", dir.toString(), conf.toString());
    assertEquals(3, v.status(), v.out() + v.err());
  }

  /** SHA-256 over crc32c[4] crc32[4] of every 1 MiB block. */
  private static byte[] fileSum(byte[] b) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int at = 0; at < b.length; at += 1 << 20) {
      sha.update(fingerprint(b, at, Math.min(1 << 20, b.length - at)));
    }
    return sha.digest();
  }

  /**
   * SHA-256("venti-index-checksum-v2" buckets[8] chunksum...), chunks of 4096 buckets per section.
   */
  private static byte[] indexSum(Archive archive) throws Exception {
    MessageDigest all = MessageDigest.getInstance("SHA-256");
    all.update("venti-index-checksum-v2".getBytes(StandardCharsets.US_ASCII));
    all.update(ByteBuffer.allocate(8).putLong(archive.buckets()).array());
    for (IndexSection s : archive.sections()) {
      int bs = s.header().blockSize();
      int magic = s.header().bucketMagic();
      try (RandomAccessFile f = new RandomAccessFile(s.ref().localPath().toFile(), "r")) {
        MessageDigest chunk = MessageDigest.getInstance("SHA-256");
        for (long bucket = s.header().start(); bucket < s.header().stop(); bucket++) {
          byte[] block = new byte[bs];
          f.seek(s.ref().name().lo() + s.offsetOf(bucket));
          f.readFully(block);
          ByteBuffer h = ByteBuffer.wrap(block);
          int n =
              magic != 0 && h.getInt(2) != magic
                  ? 0
                  : Math.min(h.getShort(0) & 0xFFFF, (bs - 6) / 38);
          chunk.update(ByteBuffer.allocate(2).putShort((short) n).array());
          chunk.update(fingerprint(block, 6, 38 * n));
          if ((bucket + 1 - s.header().start()) % 4096 == 0 || bucket + 1 == s.header().stop()) {
            all.update(chunk.digest());
          }
        }
      }
    }
    return all.digest();
  }

  private static byte[] fingerprint(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    CRC32 d = new CRC32();
    d.update(b, off, len);
    return ByteBuffer.allocate(8).putInt((int) c.getValue()).putInt((int) d.getValue()).array();
  }
}
