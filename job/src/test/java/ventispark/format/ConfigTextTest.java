package ventispark.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTextTest {
  @Test
  void parsesDirectivesCommentsAndIgnoresAnUnterminatedLastLine() {
    VentiConfig c =
        VentiConfig.parse(
            "v.conf",
            "# x\nindex main\n  arenas a.img # comment\narenas b.img\n"
                + "isect i0.img\nmem 16m\nqueuewrites\nmgr anything here\nisect ignored.img");
    assertEquals("main", c.indexName());
    assertEquals(List.of("a.img", "b.img"), c.arenaPartitions());
    assertEquals(List.of("i0.img"), c.indexSections());
    assertNull(c.bloom());
  }

  @Test
  void syntaxErrorsNameTheLine() {
    FormatException e =
        assertThrows(
            FormatException.class,
            () -> VentiConfig.parse("v.conf", "index main\narenas a.img\nisect\n"));
    assertEquals("v.conf line 3: illegal line 'isect'", e.getMessage());
    e =
        assertThrows(
            FormatException.class, () -> VentiConfig.parse("v.conf", "index a\nindex b\n"));
    assertEquals("v.conf line 2: duplicate index line", e.getMessage());
    e =
        assertThrows(
            FormatException.class, () -> VentiConfig.parse("v.conf", "arenas a\nisect b\n"));
    assertEquals("v.conf: no 'index NAME' line", e.getMessage());
  }

  @Test
  void indexConfigRoundTrip() {
    String text =
        "venti index configuration\n1\nmain\n8192\n1\nisect0\t0\t1951\n2\narenas00\t1048576\t9420800\n"
            + "arenas01\t9420800\t17793024\n";
    IndexConfig ic = IndexConfig.parse("isect0.img", text);
    assertEquals(1951, ic.sections().get(0).stop());
    assertEquals(9420800, ic.arenas().get(1).start());
    assertEquals(text, ic.format());
    FormatException e =
        assertThrows(
            FormatException.class, () -> IndexConfig.parse("i", text.replace("\t1951", "\tx")));
    assertEquals("i line 6: bad section map stop 'x' (want a decimal number)", e.getMessage());
  }

  @Test
  void partitionNamesWithRangesAndUris() {
    assertEquals(
        new PartitionName("combo.img:1m-65m", "combo.img", 1 << 20, 65L << 20),
        PartitionName.parse("combo.img:1m-65m"));
    assertEquals(
        new PartitionName("combo.img:1048576", "combo.img", 1048576, -1),
        PartitionName.parse("combo.img:1048576"));
    assertEquals(new PartitionName("i.img:0-", "i.img", 0, -1), PartitionName.parse("i.img:0-"));
    assertEquals(
        new PartitionName("i.img:0x10-020", "i.img", 16, 16),
        PartitionName.parse("i.img:0x10-020"));
    assertEquals("hdfs://nn:8020/a.img", PartitionName.parse("hdfs://nn:8020/a.img").file());
    assertEquals(-1, PartitionName.parse("hdfs://nn:8020/a.img").hi());
    PartitionName r = PartitionName.parse("hdfs://nn:8020/a.img:4k-8k");
    assertEquals("hdfs://nn:8020/a.img", r.file());
    assertEquals(4096, r.lo());
    assertThrows(FormatException.class, () -> PartitionName.parse("disk:arenas"));
    assertThrows(FormatException.class, () -> PartitionName.parse("a.img:5-3"));
  }

  @Test
  void sizes() {
    assertEquals(16L << 20, SizeParser.parse("16m"));
    assertEquals(0x10, SizeParser.parse("0x10"));
    assertEquals(8, SizeParser.parse("010"));
    assertEquals(3L << 40, SizeParser.parse("3t"));
    assertThrows(NumberFormatException.class, () -> SizeParser.parse("1p"));
    assertThrows(NumberFormatException.class, () -> SizeParser.parse("m"));
  }
}
