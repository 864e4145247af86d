package ventispark.create;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import ventispark.format.ArenaStats;
import ventispark.format.ArenaTrailer;
import ventispark.format.Bytes;
import ventispark.format.ClumpInfo;
import ventispark.format.MapTable;
import ventispark.format.Venti;

/**
 * Appends clumps to one formatted arena as the Venti server does (FORMAT.md 5.1, 5.3): the clump
 * log grows up from the data area, directory entries are collected and written, with the trailer,
 * when the arena is closed. Buffers the log and writes it in large sequential chunks.
 */
public final class ArenaWriter {
  private static final int LOG_BUFFER = 4 << 20;

  private final FileChannel ch;
  private final MapTable.Entry arena;
  private final int blockSize;
  private final int version;
  private final int clumpMagic;
  private final long base;
  private final long dataSize;
  private final int perBlock;
  private byte[] directory = new byte[4096 * Venti.CLUMP_INFO_SIZE];
  private final byte[] log = new byte[LOG_BUFFER];
  private int logFill;
  private long logFlushed;
  private int clumps;
  private int cclumps;
  private long used;
  private long uncsizeTotal;
  private final int time;

  /**
   * @param time the clumps' and arena's write time, Unix seconds
   */
  public ArenaWriter(
      FileChannel ch, MapTable.Entry arena, int blockSize, int version, int clumpMagic, int time) {
    this.time = time;
    this.ch = ch;
    this.arena = arena;
    this.blockSize = blockSize;
    this.version = version;
    this.clumpMagic = clumpMagic;
    this.base = arena.start() + blockSize;
    this.dataSize = arena.stop() - arena.start() - 2L * blockSize;
    this.perBlock = ClumpInfo.perBlock(blockSize);
  }

  public String name() {
    return arena.name();
  }

  /** True when a clump of {@code storedSize} bytes still fits (the server's seal rule, 4.3). */
  public boolean fits(int storedSize) {
    long dirSize = ((clumps + 1L) / perBlock + 1) * blockSize;
    return used + (storedSize + Venti.CLUMP_SIZE + 4) + 4 + dirSize <= dataSize;
  }

  /**
   * Appends one clump. {@code data} is what is stored ({@code storedSize} bytes: compressed when
   * {@code storedSize < uncsize}); {@code score} is the SHA-1 of the uncompressed block.
   */
  public void append(int diskType, byte[] score, byte[] data, int storedSize, int uncsize)
      throws IOException {
    if (!fits(storedSize)) {
      throw new IllegalStateException("arena " + arena.name() + " is full");
    }
    if (Venti.CLUMP_SIZE + storedSize > log.length - logFill) {
      flushLog();
    }
    byte[] h = log;
    int p = logFill;
    Bytes.put32(h, p, clumpMagic);
    ClumpInfo.encode(h, p + 4, diskType, storedSize, uncsize, score, 0);
    h[p + 29] = (byte) (storedSize < uncsize ? 2 : 1);
    Bytes.put32(h, p + 30, 0);
    Bytes.put32(h, p + 34, time);
    System.arraycopy(data, 0, h, p + Venti.CLUMP_SIZE, storedSize);
    logFill += Venti.CLUMP_SIZE + storedSize;
    if ((clumps + 1) * Venti.CLUMP_INFO_SIZE > directory.length) {
      directory = Arrays.copyOf(directory, directory.length * 2);
    }
    ClumpInfo.encode(
        directory, clumps * Venti.CLUMP_INFO_SIZE, diskType, storedSize, uncsize, score, 0);
    clumps++;
    if (storedSize < uncsize) {
      cclumps++;
    }
    used += Venti.CLUMP_SIZE + storedSize;
    uncsizeTotal += uncsize;
  }

  /**
   * Writes the rest of the log, the end-of-log marker, the directory and the trailer.
   *
   * @param indexedClumps how many of the clumps the index has absorbed (diskstats); the rest only
   *     in memstats, as after a server crash before its index flush
   */
  public ArenaStats close(int indexedClumps, boolean sealed) throws IOException {
    flushLog();
    ArenaPartitionFormatter.write(ch, base + used, new byte[4]);
    int blocks = (int) ClumpInfo.directoryBlocks(clumps, blockSize);
    for (int k = 0; k < blocks; k++) {
      byte[] block = new byte[blockSize];
      int first = k * perBlock;
      int n = Math.min(perBlock, clumps - first);
      System.arraycopy(
          directory, first * Venti.CLUMP_INFO_SIZE, block, 0, n * Venti.CLUMP_INFO_SIZE);
      ArenaPartitionFormatter.write(ch, arena.stop() - (k + 2L) * blockSize, block);
    }
    ArenaStats mem = new ArenaStats(clumps, cclumps, used, uncsizeTotal, sealed);
    ArenaStats disk = indexedClumps == clumps ? mem : statsOfFirst(indexedClumps);
    ArenaTrailer t =
        new ArenaTrailer(
            version,
            arena.name(),
            disk,
            mem,
            clumps > 0 ? time : 0,
            clumps > 0 ? time : 0,
            clumpMagic);
    ArenaPartitionFormatter.write(ch, arena.stop() - blockSize, t.encode(blockSize));
    return mem;
  }

  private ArenaStats statsOfFirst(int n) {
    int cc = 0;
    long u = 0;
    long unc = 0;
    for (int i = 0; i < n; i++) {
      int off = i * Venti.CLUMP_INFO_SIZE;
      int size = ClumpInfo.size(directory, off);
      int us = ClumpInfo.uncsize(directory, off);
      cc += size < us ? 1 : 0;
      u += Venti.CLUMP_SIZE + size;
      unc += us;
    }
    return new ArenaStats(n, cc, u, unc, false);
  }

  private void flushLog() throws IOException {
    if (logFill > 0) {
      ArenaPartitionFormatter.write(ch, base + logFlushed, log, logFill);
      logFlushed += logFill;
      logFill = 0;
    }
  }
}
