package ventispark.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The worked examples of FORMAT.md 11, decoded and re-encoded. */
class FormatVectorsTest {
  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void arenaPartitionHeaderOfTheSample() {
    byte[] b = new byte[512];
    System.arraycopy(hex("a9e4a5e7 00000003 00002000 000c2000"), 0, b, 0, 16);
    ArenaPartitionHeader h = ArenaPartitionHeader.decode("arenas0.img", b);
    assertEquals(8192, h.blockSize());
    assertEquals(794624, h.arenaBase());
    assertEquals(270336, h.tableBase());
    assertEquals(524288, h.tableSize());
    assertArrayEquals(b, h.encode());
  }

  @Test
  void badMagicNamesFileAndOffset() {
    byte[] b = new byte[512];
    FormatException e =
        assertThrows(FormatException.class, () -> ArenaPartitionHeader.decode("x.img", b));
    assertEquals(
        "x.img at offset 0x40000: bad arena partition magic 0x00000000 (want 0xa9e4a5e7)",
        e.getMessage());
  }

  @Test
  void indexSectionHeaderOfTheSample() {
    byte[] b = new byte[512];
    byte[] head = hex("d15c5ec7 00000002");
    System.arraycopy(head, 0, b, 0, 8);
    Bytes.putName(b, 8, 64, "isect0");
    Bytes.putName(b, 72, 64, "main");
    System.arraycopy(hex("00002000 000c2000 0000079f 00000000 0000079f f251de26"), 0, b, 136, 24);
    ISectHeader h = ISectHeader.decode("isect0.img", b);
    assertEquals(215, h.bucketCapacity());
    assertEquals(1951, h.stop());
    assertEquals(0xF251DE26, h.bucketMagic());
    assertArrayEquals(b, h.encode());
    assertEquals(2201419, Bucket.divisor(1951));
  }

  @Test
  void scoreToBucketAndEntryPacking() {
    byte[] score = hex("fa49842eb9d670819605b40373c709ed109d048d");
    assertEquals(1907, Bucket.of(IEntry.hash32(score, 0), 2201419));
    byte[] e = new byte[38];
    IEntry.pack(e, 0, score, 0, 1048576, 4096, 13, ClumpInfo.blocks(4096));
    assertArrayEquals(
        hex("fa49842eb9d670819605b40373c709ed109d048d 00000000 0000 0000000000100000 1000 0d 09"),
        e);
  }

  @Test
  void clumpDirectoryPositionOfTheLastSampleEntry() {
    assertEquals(9118896, ClumpInfo.position(9183232, 8192, 2010));
    assertEquals(9166848, ClumpInfo.position(9183232, 8192, 0));
    assertEquals(327, ClumpInfo.perBlock(8192));
  }

  @Test
  void blocksCountTheStoredSize() {
    assertEquals(1, ClumpInfo.blocks(45));
    assertEquals(17, ClumpInfo.blocks(8192));
    assertEquals(3, ClumpInfo.blocks(1000));
  }

  @Test
  void bloomBitsOfTheSampleScore() {
    byte[] score = hex("fa49842eb9d670819605b40373c709ed109d048d");
    int size = 4194304;
    byte[] table = new byte[size];
    BloomBits.mark(table, size, 3, score, 0);
    assertEquals(1 << 2, table[991801]);
    assertEquals(1 << 0, table[2438474]);
    assertEquals(1 << 6, table[3885146]);
    assertTrue(BloomBits.test(table, size, 3, score, 0));
    assertFalse(BloomBits.test(new byte[size], size, 3, score, 0));
  }

  @Test
  void trailerRoundTripWithMemstats() {
    ArenaStats disk = new ArenaStats(2, 0, 100, 80, false);
    ArenaStats mem = new ArenaStats(8, 1, 1989, 5840, false);
    for (int version : new int[] {4, 5}) {
      ArenaTrailer t =
          new ArenaTrailer(
              version, "ar0", disk, mem, 7, 9, version == 4 ? Venti.OLD_CLUMP_MAGIC : 0x09B1FA89);
      byte[] b = t.encode(8192);
      assertEquals(t, ArenaTrailer.decode("p", 0, b, 0));
      byte[] same = new ArenaTrailer(version, "ar0", mem, mem, 7, 9, t.clumpMagic()).encode(8192);
      assertEquals(0, same[version == 5 ? 109 : 105], "no extension when memstats equal diskstats");
    }
    // Bytes of FORMAT.md 11.5: memstats extension at offset 109 of a v5 trailer.
    byte[] b =
        new ArenaTrailer(5, "ar0", ArenaStats.EMPTY, mem, 0x6B038BE7, 0x6B038BE7, 0x09B1FA89)
            .encode(8192);
    assertArrayEquals(
        hex("01 00000008 00000001 00000000000007c5 00000000000016d0 00"),
        java.util.Arrays.copyOfRange(b, 109, 135));
  }

  @Test
  void blockTypesRoundTripForEveryNonCorruptCode() {
    for (int code = 0; code < 256; code++) {
      int t = BlockType.fromDisk(code);
      if (t != BlockType.CORRUPT) {
        assertEquals(code, BlockType.toDisk(t));
      }
    }
    assertEquals(BlockType.CORRUPT, BlockType.fromDisk(0));
    assertEquals(BlockType.CORRUPT, BlockType.fromDisk(10));
    assertEquals(BlockType.CORRUPT, BlockType.fromDisk(0xFF));
    assertEquals(9, BlockType.fromDisk(3));
    assertEquals(3, BlockType.toDisk(1));
  }

  @Test
  void entryOrderIsScoreThenTypeThenAddressDescending() {
    byte[] score = hex("7e5d1522000000000000000000000000000045c9");
    byte[] a = new byte[38];
    byte[] b = new byte[38];
    IEntry.pack(a, 0, score, 0, 1050487, 40, 5, 1);
    IEntry.pack(b, 0, score, 0, 1049795, 40, 2, 1);
    assertTrue(IEntry.compare(b, 0, a, 0) < 0, "type 2 before type 5");
    IEntry.pack(a, 0, score, 0, 9449738, 40, 2, 1);
    assertTrue(IEntry.compare(a, 0, b, 0) < 0, "higher address first");
  }
}
