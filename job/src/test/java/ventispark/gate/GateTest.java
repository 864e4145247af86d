package ventispark.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.create.ArenaPartitionFormatter;
import ventispark.format.FormatException;
import ventispark.testing.IndexBytes;
import ventispark.testing.LoopDevices;

/**
 * The gate on real files, links and (as root) real loop devices: what it resolves, refuses and lets
 * through.
 */
class GateTest {
  static final long MIB = 1 << 20;

  @TempDir Path tmp;

  /** A real arena partition of 8 MiB (four 1 MiB arenas after the header and map). */
  Path arenas(String name) throws IOException {
    Path p = tmp.resolve(name);
    ArenaPartitionFormatter.format(p, 8 * MIB, "arenas0", 8192, MIB, 5, new Random(1));
    return p;
  }

  Path file(String name, long size) throws IOException {
    Path p = tmp.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
    }
    return p;
  }

  static Extent exact(List<Extent> e) {
    return e.stream().filter(x -> !x.somewhere()).findFirst().orElseThrow();
  }

  /**
   * What a descriptor's file holds on disk, not its length: a sparse file's holes take no blocks,
   * and the measure follows the open file after its name is taken by another.
   */
  @Test
  void allocatedBytesAreTheOpenFilesBlocks() throws IOException {
    Path sparse = file("sparse.img", 8 * MIB);
    try (FileChannel ch = FileChannel.open(sparse, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[(int) MIB]), 3 * MIB);
      ch.force(false);
    }
    Path whole = tmp.resolve("whole.img");
    Files.write(whole, new byte[(int) (2 * MIB)]);
    try (FileChannel s = OpenFile.openReadOnly(sparse, false);
        FileChannel w = OpenFile.openReadOnly(whole, false)) {
      long held = OpenFile.allocated("sparse.img", s);
      assertTrue(held >= MIB && held < 2 * MIB, "a 1 MiB write into 8 MiB of holes: " + held);
      assertTrue(OpenFile.allocated("whole.img", w) >= 2 * MIB);
      Files.move(whole, sparse, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertEquals(held, OpenFile.allocated("sparse.img", s), "the open file, not the name");
    }
  }

  @Test
  void everyNameOfAFileResolvesToOneHome() throws IOException {
    Path a = file("a.img", MIB);
    Files.createLink(tmp.resolve("hard.img"), a);
    Files.createSymbolicLink(tmp.resolve("sym.img"), a);
    Extent e = exact(DeviceMap.of("a", a, 10, 20));
    assertEquals(
        e, exact(DeviceMap.of("a", tmp.resolve("hard.img"), 10, 20)).withDisplay(e.display()));
    assertEquals(e.home(), exact(DeviceMap.of("s", tmp.resolve("sym.img"), 10, 20)).home());
    assertFalse(e.home().equals(exact(DeviceMap.of("b", file("b.img", MIB), 10, 20)).home()));
    assertEquals(10, e.lo());
    assertEquals(20, e.hi());
  }

  @Test
  void aCharacterDeviceCannotBeResolvedAndIsRefused() {
    FormatException e =
        assertThrows(
            FormatException.class, () -> DeviceMap.of("/dev/null", Path.of("/dev/null"), 0, 16));
    assertEquals(
        "/dev/null: cannot tell which bytes it reaches (neither a regular file nor a block device), so it may"
            + " hold arena data; nothing was written",
        e.getMessage());
  }

  @Test
  void loopDevicesReachTheBytesOfTheirBackingFile() throws IOException {
    Path arenas = arenas("arenas0.img");
    String sum = IndexBytes.sha256(arenas);
    Gate gate = guarding(arenas);
    try (LoopDevices loops = LoopDevices.assumeAvailable(tmp)) {
      Path whole = loops.attach(arenas, 0, 0);
      Path second = loops.attach(arenas, 0, 0);
      Path offset = loops.attach(arenas, 4 * MIB, MIB);
      Extent w = exact(DeviceMap.of("w", whole, MIB, 2 * MIB));
      Extent o = exact(DeviceMap.of("o", offset, 0, MIB));
      assertEquals(exact(DeviceMap.of("a", arenas, MIB, 2 * MIB)).home(), w.home());
      assertEquals(w, exact(DeviceMap.of("w", second, MIB, 2 * MIB)));
      assertEquals(4 * MIB, o.lo());
      assertEquals(5 * MIB, o.hi());
      // the size limit: bytes past it are not the file's
      assertEquals(5 * MIB, exact(DeviceMap.of("o", offset, 0, Long.MAX_VALUE)).hi());
      for (Path dev : List.of(whole, second, offset)) {
        FormatException e =
            assertThrows(
                FormatException.class,
                () -> gate.openForWriting(dev + ":0-4096", dev, 0, 4096).close());
        assertTrue(
            e.getMessage().startsWith(dev + ":0-4096 (" + arenas + " bytes [0x"), e.getMessage());
        assertTrue(
            e.getMessage()
                .contains(
                    ") may overlap arena partition arenas0.img ("
                        + arenas
                        + " bytes [0x0, end)):"
                        + " both reach "
                        + arenas
                        + " bytes [0x"),
            e.getMessage());
        assertTrue(e.getMessage().endsWith("; nothing was written"), e.getMessage());
      }
      // a loop device over another file is let through, and written through its descriptor
      Path other = file("other.img", MIB);
      Path free = loops.attach(other, 0, 0);
      try (FileChannel ch = gate.openForWriting("free", free, 0, 4096)) {
        ch.write(ByteBuffer.wrap(new byte[] {7}), 0);
      }
      assertEquals(7, Files.readAllBytes(other)[0]);
    }
    assertEquals(sum, IndexBytes.sha256(arenas));
  }

  @Test
  void theHeaderScanProtectsAStructureThatStartsBeforeTheTarget() throws IOException {
    Path arenas = arenas("arenas0.img");
    String sum = IndexBytes.sha256(arenas);
    List<Extent> inside = DeviceMap.of("t", arenas, 6 * MIB, 7 * MIB);
    List<Gate.Guarded> found = HeaderScan.before(inside);
    assertEquals(1, found.size(), found.toString());
    assertEquals("arena partition", found.get(0).what());
    FormatException e =
        assertThrows(
            FormatException.class,
            () -> new Gate(List.of()).openForWriting("t", arenas, 6 * MIB, 7 * MIB, true));
    assertTrue(
        e.getMessage().contains("may overlap arena partition " + arenas + " at byte 0"),
        e.getMessage());
    // the structure's own start is the target's: that is --force's business, not the scan's
    assertEquals(List.of(), HeaderScan.before(DeviceMap.of("t", arenas, 0, 7 * MIB)));
    // past the last arena: free
    Path big = file("big.img", 0);
    Files.copy(arenas, big, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(16 * MIB);
    }
    assertEquals(List.of(), HeaderScan.before(DeviceMap.of("t", big, 12 * MIB, 16 * MIB)));
    assertEquals(sum, IndexBytes.sha256(arenas));
  }

  @Test
  void aFileRenamedOverTheNameAfterTheOpenIsStillTheOneWritten() throws IOException {
    Path target = file("isect0.img", MIB);
    Path arenas = arenas("arenas0.img");
    String sum = IndexBytes.sha256(arenas);
    Gate gate =
        new Gate(
            List.of(
                Gate.guard(
                    "arena partition",
                    ventispark.read.PartitionRef.resolve(
                        "arenas0.img", tmp.resolve("venti.conf").toString()))));
    try (FileChannel ch = gate.openForWriting("isect0.img", target, 0, MIB)) {
      Files.move(target, tmp.resolve("moved.img"));
      Files.createLink(
          target, arenas); // the name now reaches the arena partition: the descriptor does not
      ch.write(ByteBuffer.wrap(new byte[] {9}), 0);
    }
    assertEquals(9, Files.readAllBytes(tmp.resolve("moved.img"))[0]);
    assertEquals(sum, IndexBytes.sha256(arenas));
    // and opened again by that name, it is refused, never opened for writing
    FormatException e =
        assertThrows(
            FormatException.class, () -> gate.openForWriting("isect0.img", target, 0, MIB));
    assertTrue(e.getMessage().contains("may overlap arena partition arenas0.img"), e.getMessage());
  }

  @Test
  void deleteRemovesOnlyItsOwnFilesWithOneName() throws IOException {
    Path arenas = arenas("arenas0.img");
    String sum = IndexBytes.sha256(arenas);
    Gate gate = guarding(arenas);
    Gate.Ours anything = ro -> null;
    Files.createLink(tmp.resolve("hard.vrev"), arenas);
    FormatException e =
        assertThrows(
            FormatException.class,
            () -> gate.delete("hard.vrev", tmp.resolve("hard.vrev"), anything, true));
    assertEquals(
        "hard.vrev: has 2 names (a hard link); it is not one this tool wrote, so it is kept and nothing was"
            + " written",
        e.getMessage());
    Files.createSymbolicLink(tmp.resolve("sym.vrev"), arenas);
    e =
        assertThrows(
            FormatException.class,
            () -> gate.delete("sym.vrev", tmp.resolve("sym.vrev"), anything, true));
    assertEquals(
        "sym.vrev: is a symbolic link, not a file this tool wrote; nothing was written",
        e.getMessage());
    Path foreign = Files.writeString(tmp.resolve("foreign.vrev"), "not ours");
    e =
        assertThrows(
            FormatException.class,
            () -> gate.delete("foreign.vrev", foreign, ro -> "not a reverse index", true));
    assertTrue(Files.exists(foreign));
    Path mine = Files.writeString(tmp.resolve("mine.vrev"), "ours");
    gate.delete("mine.vrev", mine, anything, true);
    assertFalse(Files.exists(mine));
    gate.delete(
        "gone.vrev", tmp.resolve("gone.vrev"), anything, true); // nothing there: nothing to do
    assertTrue(
        Files.exists(tmp.resolve("hard.vrev")) && Files.isSymbolicLink(tmp.resolve("sym.vrev")));
    assertEquals(sum, IndexBytes.sha256(arenas));
  }

  @Test
  void aNewFileIsNeverCreatedThroughALink() throws IOException {
    Path arenas = arenas("arenas0.img");
    String sum = IndexBytes.sha256(arenas);
    Files.createSymbolicLink(tmp.resolve("new.img"), arenas);
    assertThrows(IOException.class, () -> Gate.createNew(tmp.resolve("new.img")));
    Path fresh = tmp.resolve("fresh.img");
    try (FileChannel ch = Gate.createNew(fresh)) {
      ch.write(ByteBuffer.wrap(new byte[] {1}));
    }
    Files.delete(fresh);
    Files.createLink(fresh, arenas);
    FormatException e = assertThrows(FormatException.class, () -> Gate.openOwn("fresh.img", fresh));
    assertTrue(
        e.getMessage().startsWith("fresh.img: is no longer the file this run created"),
        e.getMessage());
    try (FileChannel ro = FileChannel.open(arenas, StandardOpenOption.READ)) {
      assertEquals(8 * MIB, ro.size());
    }
    assertEquals(sum, IndexBytes.sha256(arenas));
  }

  /** A gate that protects the whole arena partition {@code arenas} (named arenas0.img). */
  private static Gate guarding(Path arenas) {
    return new Gate(
        List.of(
            new Gate.Guarded(
                "arena partition",
                "arenas0.img",
                DeviceMap.of("arenas0.img", arenas, 0, Long.MAX_VALUE))));
  }
}
