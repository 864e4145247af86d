package ventispark.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** File damage for bad-input tests, as one-liners usable in lambdas (no checked exceptions). */
public final class Damage {
  private Damage() {}

  public static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void mkdir(Path p) {
    try {
      Files.createDirectory(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the byte {@code value} at {@code off}. */
  public static void poke(Path p, long off, int value) {
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.seek(off);
      f.write(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void truncate(Path p, long size) {
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces a file by a FIFO (named pipe): reading it would wait for a writer forever. */
  public static void mkfifo(Path p) {
    try {
      Files.deleteIfExists(p);
      Process q = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
      if (q.waitFor() != 0) {
        throw new AssertionError("mkfifo " + p + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Non-zero bytes in a bloom filter's table, so a rebuild that forgets to write part of it is
   * caught.
   */
  public static void scribbleOverBloomTable(Path bloom) throws IOException {
    byte[] b = Files.readAllBytes(bloom);
    for (int i = 16; i < b.length; i += 7) {
      b[i] = (byte) 0x5A;
    }
    Files.write(bloom, b);
  }
}
