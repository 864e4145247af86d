package ventispark.read;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.LongPredicate;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ventispark.format.BlockType;
import ventispark.format.ClumpInfo;
import ventispark.format.IEntry;
import ventispark.format.Venti;

/**
 * The index entries of one split, generated as buildindex does (9.3): arenas in map order, clumps
 * from the last to the first, addresses counted back from {@code indexStart + memstats.used}; a
 * corrupt-type entry is skipped after its space is subtracted. Each entry is one packed 38-byte
 * {@link IEntry}. Entries whose bucket is not wanted (sections not being rebuilt) are counted and
 * dropped.
 */
public final class ClumpEntries implements Iterator<byte[]>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClumpEntries.class);

  private final ArenaSplit split;
  private final PartitionReader reader;
  private final long div;
  private final LongPredicate wantedBucket;
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
  private byte[] next;

  /** Sees every non-corrupt entry, wanted or not (the bloom filter marks them all). */
  public interface EntryVisitor {
    void visit(byte[] dir, int off);
  }

  public ClumpEntries(ArenaSplit split, Configuration conf, long div, LongPredicate wantedBucket, EntryVisitor visitor) {
    this.split = split;
    this.reader = PartitionReader.open(split.partition(), conf);
    this.div = div;
    this.wantedBucket = wantedBucket;
    this.visitor = visitor;
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public byte[] next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    byte[] e = next;
    next = null;
    return e;
  }

  public SplitCounts counts() {
    return new SplitCounts(split.id(), arenaEntries, indexed, skipped);
  }

  private byte[] advance() {
    while (true) {
      while (arena == null || clump == 0) {
        if (arena != null) {
          finishArena();
          arena = null;
        }
        if (++arenaIndex >= split.arenas().size()) {
          return null;
        }
        startArena(split.arenas().get(arenaIndex));
      }
      clump--;
      int off = directory.locate(clump);
      byte[] dir = directory.buffer();
      int size = ClumpInfo.size(dir, off);
      addr -= size + Venti.CLUMP_SIZE;
      int type = ClumpInfo.type(dir, off);
      if (BlockType.isCorrupt(type)) {
        skipped++;
        continue;
      }
      arenaEntries++;
      arenaCount++;
      int scoreOff = ClumpInfo.scoreOffset(off);
      if (visitor != null) {
        visitor.visit(dir, scoreOff);
      }
      if (!wantedBucket.test(IEntry.hash32(dir, scoreOff) / div)) {
        continue;
      }
      indexed++;
      byte[] e = new byte[IEntry.SIZE];
      IEntry.pack(e, 0, dir, scoreOff, addr, ClumpInfo.uncsize(dir, off), type, ClumpInfo.blocks(size));
      return e;
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
      LOG.info("arena {}: {} entries", arena.name(), arenaCount);
    }
    if (addr != arena.indexStart()) {
      // Every address of this arena would be wrong: refuse rather than index garbage.
      throw new ventispark.format.FormatException(split.partition().display() + ": arena " + arena.name()
          + ": clump miscalculation: the directory's clump sizes add up to " + (arena.memStats().used()
          - (addr - arena.indexStart())) + " bytes, memstats.used says " + arena.memStats().used());
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
