package ventispark.read;

import ventispark.format.ClumpInfo;
import ventispark.format.Venti;

/**
 * Reads an arena's clump directory from the last entry to the first, as buildindex does, in large
 * contiguous reads of whole directory blocks. Directory block k lies at {@code stop − (k+2)·bs}, so
 * going backwards through the entries walks forwards through the partition.
 */
public final class ClumpDirectory {
  /** Bytes read at a time; rounded to whole directory blocks. */
  static final int CHUNK_BYTES = 1 << 20;

  private final PartitionReader reader;
  private final Arena arena;
  private final int perBlock;
  private final int blocksPerChunk;
  private final byte[] chunk;
  private long chunkFirstBlock = -1;
  private long chunkLastBlock = -2;

  /** The entry last located, its index in its block and its offset in the buffer. */
  private long last = -2;

  private int lastInBlock;
  private int lastOff;

  public ClumpDirectory(PartitionReader reader, Arena arena) {
    this.reader = reader;
    this.arena = arena;
    this.perBlock = ClumpInfo.perBlock(arena.blockSize());
    this.blocksPerChunk = Math.max(1, CHUNK_BYTES / arena.blockSize());
    this.chunk = new byte[blocksPerChunk * arena.blockSize()];
  }

  /**
   * Makes entry {@code i} readable and returns its offset in {@link #buffer()}. Entries must be
   * asked for in descending order for the reads to be sequential.
   */
  public int locate(long i) {
    if (i == last - 1 && lastInBlock > 0) {
      // The entry before the last one, in the same block: the common case needs no division.
      last = i;
      lastInBlock--;
      return lastOff -= Venti.CLUMP_INFO_SIZE;
    }
    long block = i / perBlock;
    if (block < chunkFirstBlock || block > chunkLastBlock) {
      load(block);
    }
    // Blocks sit in descending order on disk: block chunkLastBlock is first in the buffer.
    int blockInBuf = (int) (chunkLastBlock - block);
    last = i;
    lastInBlock = (int) (i % perBlock);
    lastOff = blockInBuf * arena.blockSize() + lastInBlock * Venti.CLUMP_INFO_SIZE;
    return lastOff;
  }

  public byte[] buffer() {
    return chunk;
  }

  private void load(long lastBlock) {
    long first = Math.max(0, lastBlock - blocksPerChunk + 1);
    int n = (int) (lastBlock - first + 1);
    long pos = arena.stop() - (lastBlock + 2) * arena.blockSize();
    reader.readFully(pos, chunk, 0, n * arena.blockSize());
    chunkFirstBlock = first;
    chunkLastBlock = lastBlock;
  }
}
