package ventispark.read;

import java.io.Serializable;
import ventispark.format.ArenaStats;
import ventispark.format.ClumpInfo;

/**
 * One loaded arena: where it lies in its partition, its trailer's statistics, and where its clumps
 * start in the index address space ({@code indexStart}, from the index's arena map).
 *
 * @param partition position of its partition in the config's arenas lines
 * @param start partition offset of the header block
 * @param stop one past the trailer block
 */
public record Arena(
    String name,
    int partition,
    int version,
    int blockSize,
    long start,
    long stop,
    ArenaStats diskStats,
    ArenaStats memStats,
    int clumpMagic,
    long indexStart)
    implements Serializable {

  /** Data-area size: total minus header and trailer blocks. */
  public long dataSize() {
    return stop - start - 2L * blockSize;
  }

  /**
   * Bytes the directory of {@code clumps} entries takes, as the C loader counts it (one spare
   * block).
   */
  public long directorySize(long clumps) {
    return (clumps / ClumpInfo.perBlock(blockSize) + 1) * blockSize;
  }

  public Arena withIndexStart(long addr) {
    return new Arena(
        name, partition, version, blockSize, start, stop, diskStats, memStats, clumpMagic, addr);
  }
}
