package ventispark.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.format.FormatException;
import ventispark.read.PartitionRef;
import ventispark.testing.Cli;
import ventispark.testing.Fixtures;
import ventispark.testing.HoldIndexLock;
import ventispark.testing.IndexBytes;

/**
 * The index locks on real files and a second process: one lock per file whatever its name, readers
 * shared and writers exclusive, lock files never opened through a link, and a lock directory no
 * other user can write.
 */
class IndexLocksTest {
  @TempDir Path tmp;

  static List<PartitionRef> ref(Path file) {
    return List.of(PartitionRef.resolve(file.toString(), file.toString()));
  }

  static Map<String, String> sums(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .collect(
              java.util.stream.Collectors.toMap(
                  f -> f.getFileName().toString(), IndexBytes::sha256));
    }
  }

  Path file(String name) throws IOException {
    return Files.write(tmp.resolve(name), new byte[4096]);
  }

  @Test
  void everyNameOfOneFileTakesTheSameLock() throws IOException {
    Path section = file("isect0.img");
    Path hard = Files.createLink(tmp.resolve("hard.img"), section);
    Path soft = Files.createSymbolicLink(tmp.resolve("soft.img"), section);
    try (IndexLocks held = IndexLocks.acquire(ref(section))) {
      for (Path alias : List.of(hard, soft)) {
        IndexBusyException e =
            assertThrows(IndexBusyException.class, () -> IndexLocks.acquire(ref(alias)).close());
        assertEquals(
            alias
                + ": locked by another run writing this index (a rebuild of the same section is under way);"
                + " nothing was written. Wait for it to finish, or stop it.",
            e.getMessage());
      }
    }
    IndexLocks.acquire(ref(hard)).close(); // released
  }

  @Test
  void readersShareAndExcludeWritersInThisProcessAndAnother() throws Exception {
    Path section = file("isect0.img");
    try (IndexLocks a = IndexLocks.acquireShared(ref(section));
        IndexLocks b = IndexLocks.acquireShared(ref(section))) {
      IndexBusyException e =
          assertThrows(IndexBusyException.class, () -> IndexLocks.acquire(ref(section)));
      assertEquals(
          section
              + ": locked by another run reading this index (checkindex, plan or reverse build);"
              + " nothing was written. Wait for it to finish, or stop it.",
          e.getMessage());
    }
    Process reader = HoldIndexLock.start(section, true);
    try {
      IndexLocks.acquireShared(ref(section)).close();
      IndexBusyException e =
          assertThrows(IndexBusyException.class, () -> IndexLocks.acquire(ref(section)));
      assertTrue(
          e.getMessage().contains("locked by another run reading this index"), e.getMessage());
    } finally {
      reader.getOutputStream().close();
      reader.waitFor();
    }
    Process writer = HoldIndexLock.start(section, false);
    try {
      IndexBusyException e =
          assertThrows(IndexBusyException.class, () -> IndexLocks.acquireShared(ref(section)));
      assertEquals(
          section
              + ": locked by another run writing this index (a rebuild of the same section is under way);"
              + " nothing was read. Wait for it to finish, or stop it.",
          e.getMessage());
    } finally {
      writer.getOutputStream().close();
      writer.waitFor();
    }
    IndexLocks.acquire(ref(section)).close();
  }

  /**
   * Through the commands: every reader refuses an index under rebuild, and a rebuild refuses one
   * being read.
   */
  @Test
  void commandsThatReadAnIndexAndARebuildExcludeEachOther() throws Exception {
    Path work = Fixtures.workingCopy("sample", tmp);
    String conf = work.resolve("venti.conf").toString();
    Map<String, String> before = sums(work);
    String busy =
        "venti-spark: isect0.img: locked by another run writing this index (a rebuild of the same section is"
            + " under way); nothing was read. Wait for it to finish, or stop it.\n";
    Process rebuild = HoldIndexLock.start(work.resolve("isect0.img"), false);
    try {
      for (List<String> reader :
          List.of(
              List.of("checkindex", conf),
              List.of("plan", conf),
              List.of("reverse", "build", tmp.resolve("rev").toString(), conf))) {
        Cli.Run r = Cli.run(reader.toArray(String[]::new));
        assertEquals(5, r.status(), reader + ": " + r.err());
        assertEquals(busy, r.err(), reader.toString());
      }
    } finally {
      rebuild.getOutputStream().close();
      rebuild.waitFor();
    }
    Process reader = HoldIndexLock.start(work.resolve("isect0.img"), true);
    try {
      Cli.Run r = Cli.run("buildindex", conf);
      assertEquals(5, r.status(), r.err());
      assertEquals(
          "venti-spark: isect0.img: locked by another run reading this index (checkindex, plan or reverse"
              + " build); nothing was written. Wait for it to finish, or stop it.\n",
          r.err());
    } finally {
      reader.getOutputStream().close();
      reader.waitFor();
    }
    assertEquals(before, sums(work));
    assertEquals(0, Cli.run("buildindex", conf).status());
  }

  @Test
  void aLockFileThatIsALinkOrADirectoryIsRefusedAndNeverFollowed() throws IOException {
    Path section = file("isect0.img");
    Path arena = Files.write(tmp.resolve("arenas0.img"), new byte[] {1, 2, 3});
    String arenaSum = IndexBytes.sha256(arena);
    Path lock = IndexLocks.lockFile(section);
    Files.deleteIfExists(lock);
    Path missing = tmp.resolve("created-through-the-link");
    for (Path target : List.of(arena, missing)) {
      Files.createSymbolicLink(lock, target);
      try {
        FormatException e =
            assertThrows(FormatException.class, () -> IndexLocks.acquire(ref(section)));
        assertEquals(
            section
                + ": its lock file "
                + lock
                + " is not a plain file (a symbolic link, a directory or a device);"
                + " it was not opened and nothing was written. Remove it, or set venti.lockDir to another directory",
            e.getMessage());
        assertThrows(FormatException.class, () -> IndexLocks.acquireShared(ref(section)));
      } finally {
        Files.delete(lock);
      }
    }
    Files.createDirectory(lock);
    try {
      assertThrows(FormatException.class, () -> IndexLocks.acquire(ref(section)));
    } finally {
      Files.delete(lock);
    }
    assertEquals(arenaSum, IndexBytes.sha256(arena));
    assertFalse(Files.exists(missing));
  }

  @Test
  void aLockFilePlantedAsAHardLinkOfAnArenaPartitionIsRefusedAndNeverOpenedForWriting()
      throws IOException {
    Path section = file("isect0.img");
    Path arena = Files.write(tmp.resolve("arenas0.img"), new byte[] {1, 2, 3});
    String arenaSum = IndexBytes.sha256(arena);
    Path lock = IndexLocks.lockFile(section);
    Files.deleteIfExists(lock);
    Files.createLink(lock, arena);
    try {
      for (boolean shared : List.of(false, true)) {
        FormatException e =
            assertThrows(
                FormatException.class,
                () ->
                    (shared
                            ? IndexLocks.acquireShared(ref(section))
                            : IndexLocks.acquire(ref(section)))
                        .close());
        assertEquals(
            section
                + ": its lock file "
                + lock
                + " has 2 names (a hard link, perhaps of an arena partition or"
                + " index file), so it is not one this tool made; it was not opened for writing and nothing was written."
                + " Remove it, or set venti.lockDir to another directory",
            e.getMessage());
      }
    } finally {
      Files.delete(lock);
    }
    assertEquals(arenaSum, IndexBytes.sha256(arena));
    IndexLocks.acquire(ref(section)).close(); // a lock file of its own again
  }

  /** A loop device over a section and the section itself are the same bytes: one lock. */
  @Test
  void aLoopDeviceOverASectionTakesTheSectionsLock() throws IOException {
    Path section = Files.write(tmp.resolve("isect0.img"), new byte[1 << 20]);
    try (ventispark.testing.LoopDevices loops =
        ventispark.testing.LoopDevices.assumeAvailable(tmp)) {
      Path dev = loops.attach(section, 0, 0);
      try (IndexLocks held = IndexLocks.acquire(ref(section))) {
        IndexBusyException e =
            assertThrows(IndexBusyException.class, () -> IndexLocks.acquire(ref(dev)).close());
        assertTrue(
            e.getMessage().startsWith(dev + ": locked by another run writing this index"),
            e.getMessage());
      }
      IndexLocks.acquire(ref(dev)).close();
    }
  }

  /** Where the lock file used to be (beside the section): a link planted there is not followed. */
  @Test
  void aLinkBesideTheSectionIsNotFollowed() throws IOException {
    Path section = file("isect0.img");
    Path missing = tmp.resolve("created-through-the-link");
    Files.createSymbolicLink(tmp.resolve(".isect0.img.venti-lock"), missing);
    IndexLocks.acquire(ref(section)).close();
    assertFalse(Files.exists(missing));
    assertFalse(IndexLocks.lockFile(section).startsWith(tmp));
  }

  @Test
  void aLockDirectoryOthersCanWriteIsRefused() throws IOException {
    Path section = file("isect0.img");
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path fresh = tmp.resolve("fresh/locks");
    try {
      System.setProperty(LockDir.PROPERTY, open.toString());
      FormatException e =
          assertThrows(FormatException.class, () -> IndexLocks.acquire(ref(section)));
      assertEquals(
          "lock directory "
              + open
              + " can be written by other users (mode 777); nothing was written. Set"
              + " venti.lockDir or VENTI_LOCK_DIR to a directory only you can write (it is created with mode 0700)",
          e.getMessage());
      System.setProperty(LockDir.PROPERTY, section.toString());
      e = assertThrows(FormatException.class, () -> IndexLocks.acquire(ref(section)));
      assertTrue(
          e.getMessage().startsWith("lock directory " + section + " is not a directory;"),
          e.getMessage());
      System.setProperty(LockDir.PROPERTY, fresh.toString());
      IndexLocks.acquire(ref(section)).close();
      assertEquals(
          "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
      assertTrue(IndexLocks.lockFile(section).startsWith(fresh));
    } finally {
      System.clearProperty(LockDir.PROPERTY);
    }
  }
}
