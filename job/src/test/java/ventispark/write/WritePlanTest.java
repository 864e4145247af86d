package ventispark.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.format.BloomHeader;
import ventispark.format.FormatException;
import ventispark.format.ISectHeader;
import ventispark.format.Venti;
import ventispark.read.FileIdentity;
import ventispark.read.IndexSection;
import ventispark.read.PartitionRef;

/** The write plan's overlap rule on real files, links and devices, and file identity itself. */
class WritePlanTest {
  @TempDir Path tmp;

  static final Configuration HADOOP = new Configuration(false);

  Path file(String name, long size) throws IOException {
    Path p = tmp.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
    }
    return p;
  }

  PartitionRef ref(String name) {
    return PartitionRef.resolve(name, tmp.resolve("venti.conf").toString());
  }

  WritePlan.Builder arenasAndBloom(String bloomName) {
    return new WritePlan.Builder(HADOOP)
        .read("arena partition", ref("arenas.img"), 0, 1 << 20)
        .bloom(ref(bloomName), new BloomHeader(4, 1 << 16), true);
  }

  @Test
  void aWriteIntoAnyNameOfAReadFileIsRefused() throws IOException {
    Path arenas = file("arenas.img", 1 << 20);
    Files.createSymbolicLink(tmp.resolve("sym.img"), arenas);
    Files.createLink(tmp.resolve("hard.img"), arenas);
    Files.createDirectories(tmp.resolve("d"));
    for (String name :
        List.of(
            "arenas.img:0-65536",
            "sym.img:65536-131072",
            "hard.img:983040-1048576",
            "d/../arenas.img:500000-565536",
            arenas + ":0-65536")) {
      FormatException e =
          assertThrows(FormatException.class, () -> arenasAndBloom(name).build(), name);
      assertTrue(
          e.getMessage()
              .contains(
                  "(bloom filter, written) overlaps arenas.img bytes [0x0, 0x100000) (arena"
                      + " partition, read): both are "
                      + arenas.toRealPath()),
          e.getMessage());
    }
  }

  @Test
  void aSectionWhoseBucketsLieOnAnArenaPartitionIsRefused() throws IOException {
    file("arenas.img", 8 << 20);
    // a section named as a byte range of the arena partition: its header block and buckets inside
    // it
    PartitionRef onArenas = ref("arenas.img:4194304-8388608");
    long blockBase = Venti.PART_BLANK + (1 << 16);
    ISectHeader h = new ISectHeader(2, "isect0", "main", 8192, blockBase, 480, 0, 480, 0x5eed);
    WritePlan.Builder b =
        new WritePlan.Builder(HADOOP)
            .read("arena partition", ref("arenas.img"), 0, 8 << 20)
            .section(new IndexSection(onArenas, 4 << 20, h), true);
    FormatException e = assertThrows(FormatException.class, b::build);
    assertEquals(
        "arenas.img:4194304-8388608 bytes [0x"
            + Long.toHexString(4194304 + blockBase)
            + ", 0x"
            + Long.toHexString(4194304 + blockBase + 480 * 8192)
            + ") (index section isect0 buckets, written) overlaps"
            + " arenas.img bytes [0x0, 0x800000) (arena partition, read): both are "
            + tmp.resolve("arenas.img").toRealPath()
            + "; the run would overwrite it, so nothing was written",
        e.getMessage());
  }

  @Test
  void disjointRangesOfOneFileAndOtherFilesAreAllowed() throws IOException {
    file("arenas.img", 2 << 20);
    file("bloom.img", 1 << 16);
    arenasAndBloom("bloom.img").build();
    arenasAndBloom("arenas.img:1048576-1114112").build(); // after the arena partition's range
    FormatException e =
        assertThrows(
            FormatException.class, () -> arenasAndBloom("arenas.img:1048575-1114111").build());
    assertTrue(e.getMessage().contains("[0xfffff, 0x10ffff)"), e.getMessage());
  }

  @Test
  void aNewFileMayNotReplaceAnythingTheRunReads() throws IOException {
    Path arenas = file("arenas.img", 1 << 20);
    Files.createLink(tmp.resolve("report.json"), arenas);
    WritePlan.Builder b =
        new WritePlan.Builder(HADOOP)
            .read("arena partition", ref("arenas.img"), 0, 1 << 20)
            .newFile(tmp.resolve("report.json"));
    FormatException e = assertThrows(FormatException.class, b::build);
    assertTrue(
        e.getMessage().contains("(replaced by this run's output, written) overlaps arenas.img"),
        e.getMessage());
    new WritePlan.Builder(HADOOP)
        .read("arena partition", ref("arenas.img"), 0, 1 << 20)
        .newFile(tmp.resolve("new.json"))
        .build()
        .probe();
    assertFalse(Files.exists(tmp.resolve("new.json")), "the probe leaves no file behind");
  }

  @Test
  void aDeviceMayShareBytesWithEveryFileOnIt() throws IOException {
    FileIdentity dev = FileIdentity.ofLocal(Path.of("/dev/null"));
    assertTrue(dev.isDevice());
    FileIdentity onIt = new FileIdentity("local", dev.device(), 42, "/mnt/x");
    FileIdentity elsewhere = new FileIdentity("local", dev.device() + 1, 42, "/mnt/y");
    assertTrue(dev.mayShareBytes(onIt) && onIt.mayShareBytes(dev));
    assertFalse(dev.mayShareBytes(elsewhere));
    assertFalse(dev.sameFile(onIt));
    // a file and a device at the same offsets: where the file lies on the device is unknown, so
    // they overlap
    WritePlan.Range w = new WritePlan.Range("bloom filter", "/dev/x", dev, 0, 16, true);
    WritePlan.Range r =
        new WritePlan.Range("arena partition", "/mnt/x", onIt, 1 << 30, 2L << 30, false);
    assertTrue(w.sharesBytes(r));
    FileIdentity hdfs = new FileIdentity("hdfs://nn:8020", 0, 0, "hdfs://nn:8020/a.img");
    assertTrue(
        hdfs.mayShareBytes(new FileIdentity("hdfs://nn:8020", 0, 0, "hdfs://nn:8020/a.img")));
    assertFalse(
        hdfs.mayShareBytes(new FileIdentity("hdfs://nn:8020", 0, 0, "hdfs://nn:8020/b.img")));
    assertFalse(hdfs.mayShareBytes(dev));
  }

  @Test
  void aPlannedFileRefusesAnotherFileBehindItsName() throws IOException {
    Path bloom = file("bloom.img", 1 << 16);
    PlannedFile planned = PlannedFile.of(ref("bloom.img"), 0, 16);
    planned.open().close();
    Files.move(bloom, tmp.resolve("old.img"));
    file("bloom.img", 1 << 16);
    FileChangedException e = assertThrows(FileChangedException.class, planned::open);
    assertTrue(e.getMessage().startsWith("bloom.img: is another file ("), e.getMessage());
    assertEquals(1 << 16, Files.size(tmp.resolve("bloom.img")));
  }
}
