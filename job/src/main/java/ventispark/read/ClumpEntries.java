package ventispark.read;

import java.util.function.LongToIntFunction;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ventispark.format.BlockType;
import ventispark.format.ClumpInfo;
import ventispark.format.IEntry;
import ventispark.format.Venti;

/**
 * The index entries of one split, generated as buildindex does (FORMAT.md 9.3): arenas in map
 * order, clumps from the last to the first, addresses counted back from {@code indexStart +
 * memstats.used}; a corrupt-type entry is skipped after its space is subtracted. The current entry
 * is its fields, read in place from the directory buffer (the score stays there): a split of any
 * size allocates nothing per entry, and a consumer packs only the form it needs ({@link #entry()}
 * for a packed {@link IEntry}). Each entry is routed to the reduce partition of its bucket; entries
 * with none (sections not being rebuilt) are counted and dropped.
 */
public final class ClumpEntries implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClumpEntries.class);

  private final ArenaSplit split;
  private final PartitionReader reader;
  private final long div;
  private final LongToIntFunction router;
  private final EntryVisitor visitor;

  private int arenaIndex = -1;
  private Arena arena;
  private ClumpDirectory directory;
  private long clump;
  private long addr;
  private long arenaEntries;
  private long indexed;
  private long skipped;
  private long arenaCount;
  private final byte[] entry = new byte[IEntry.SIZE];
  private int off;
  private int size;
  private long bucket;
  private int partition;
  private boolean visitCorrupt;

  /** Sees every non-corrupt entry, wanted or not (the bloom filter marks them all). */
  public interface EntryVisitor {
    void visit(byte[] dir, int off);
  }

  /**
   * @param router the reduce partition of a global bucket, or −1 when its section is not rebuilt
   * @param visitor sees every non-corrupt entry, routed or not, or null
   */
  public ClumpEntries(
      ArenaSplit split,
      Configuration conf,
      long div,
      LongToIntFunction router,
      EntryVisitor visitor) {
    this.split = split;
    this.reader = PartitionReader.open(split.partition(), conf);
    this.div = div;
    this.router = router;
    this.visitor = visitor;
  }

  /** Also show corrupt-type entries to the visitor, as the C checkindex marks its bloom. */
  public void visitCorrupt(boolean on) {
    visitCorrupt = on;
  }

  /** The current entry packed as an {@link IEntry}, in a buffer reused by the next call. */
  public byte[] entry() {
    IEntry.pack(entry, 0, score(), scoreOffset(), addr, uncsize(), type(), blocks());
    return entry;
  }

  /**
   * The buffer holding the current entry's score, at {@link #scoreOffset()}; valid until the next
   * {@link #advance()}.
   */
  public byte[] score() {
    // Not kept in a field: a reference store per entry costs a GC write barrier.
    return directory.buffer();
  }

  public int scoreOffset() {
    return ClumpInfo.scoreOffset(off);
  }

  /** The current entry's log address. */
  public long addr() {
    return addr;
  }

  /** The current entry's uncompressed size. */
  public int uncsize() {
    return ClumpInfo.uncsize(directory.buffer(), off);
  }

  /** The current entry's on-disk type code. */
  public int type() {
    return ClumpInfo.type(directory.buffer(), off);
  }

  /** The current entry's size in log blocks, clump header included. */
  public int blocks() {
    return ClumpInfo.blocks(size);
  }

  /** The global bucket of the current entry. */
  public long bucket() {
    return bucket;
  }

  /** The reduce partition of the current entry. */
  public int partition() {
    return partition;
  }

  public SplitCounts counts() {
    return new SplitCounts(split.id(), arenaEntries, indexed, skipped);
  }

  /** Moves to the next routed entry; false when the split has no more. */
  public boolean advance() {
    while (true) {
      while (arena == null || clump == 0) {
        if (arena != null) {
          finishArena();
          arena = null;
        }
        if (++arenaIndex >= split.arenas().size()) {
          return false;
        }
        startArena(split.arenas().get(arenaIndex));
      }
      clump--;
      off = directory.locate(clump);
      byte[] dir = directory.buffer();
      size = ClumpInfo.size(dir, off);
      addr -= size + Venti.CLUMP_SIZE;
      if (addr < arena.indexStart()) {
        // The sizes already exceed memstats.used: every address from here on would be wrong.
        throw miscalculation();
      }
      int type = ClumpInfo.type(dir, off);
      if (BlockType.isCorrupt(type)) {
        skipped++;
        if (visitCorrupt && visitor != null) {
          visitor.visit(dir, ClumpInfo.scoreOffset(off));
        }
        continue;
      }
      arenaEntries++;
      arenaCount++;
      int scoreOff = ClumpInfo.scoreOffset(off);
      if (visitor != null) {
        visitor.visit(dir, scoreOff);
      }
      bucket = IEntry.hash32(dir, scoreOff) / div;
      partition = router.applyAsInt(bucket);
      if (partition < 0) {
        continue;
      }
      indexed++;
      return true;
    }
  }

  private void startArena(Arena a) {
    arena = a;
    directory = new ClumpDirectory(reader, a);
    clump = a.memStats().clumpCount();
    addr = a.indexStart() + a.memStats().used();
    arenaCount = 0;
  }

  private void finishArena() {
    if (arena.memStats().clumpCount() > 0) {
      LOG.debug("arena {}: {} entries", arena.name(), arenaCount);
    }
    if (addr != arena.indexStart()) {
      // Every address of this arena would be wrong: refuse rather than index garbage.
      throw miscalculation();
    }
  }

  private ventispark.format.FormatException miscalculation() {
    return new ventispark.format.FormatException(
        split.partition().display()
            + ": arena "
            + arena.name()
            + ": clump miscalculation: the directory's clump sizes "
            + (addr < arena.indexStart() ? "exceed" : "add up to")
            + " "
            + (arena.memStats().used() - (addr - arena.indexStart()))
            + " bytes, memstats.used says "
            + arena.memStats().used());
  }

  @Override
  public void close() {
    reader.close();
  }
}
