package ventispark.reverse;

import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import ventispark.format.BlockType;
import ventispark.format.Bytes;
import ventispark.format.FormatException;
import ventispark.format.IEntry;
import ventispark.format.Venti;
import ventispark.read.Archive;
import ventispark.read.Arena;
import ventispark.read.IndexSection;
import ventispark.read.PartitionReader;

/**
 * Answers log-order questions with a reverse index: the clump at an index address or of a log rank,
 * read from the index in O(1) after a binary search (by address) or none (by rank). Every answer
 * checks that the index entry the record points at has the record's address, so a reverse index
 * paired with another index is caught at the first lookup.
 */
public final class ReverseLookup {
  private final Archive archive;
  private final ReverseIndexFile rev;
  private final Configuration conf;

  /** A clump: its entry in the index, its place in the log, and its size on disk. */
  public record Clump(
      long rank,
      long addr,
      String score,
      String type,
      int size,
      int blocks,
      long bucket,
      int slot,
      String arena,
      long entryInArena,
      long onDiskSize) {

    public String describe() {
      return String.format(
          Locale.ROOT,
          "address %d (log rank %d): score %s, type %s, size %d, %d blocks; bucket %d slot %d; arena "
              + "%s entry %d; %d bytes on disk with its clump header",
          addr,
          rank,
          score,
          type,
          size,
          blocks,
          bucket,
          slot,
          arena,
          entryInArena,
          onDiskSize);
    }
  }

  public ReverseLookup(Archive archive, ReverseIndexFile rev, Configuration conf) {
    this.archive = archive;
    this.rev = rev;
    this.conf = conf;
  }

  public Clump byRank(long rank) {
    if (rank < 0 || rank >= rev.entries()) {
      throw new IllegalArgumentException(
          "log rank " + rank + " is not in [0, " + rev.entries() + ")");
    }
    return clump(rev.record(rank));
  }

  /** The clump starting at {@code addr}, or null when none does. */
  public Clump byAddress(long addr) {
    long r = rev.lowerBound(addr);
    if (r < rev.entries() && rev.record(r).addr() == addr) {
      return clump(rev.record(r));
    }
    return null;
  }

  /** The clump whose bytes on disk hold {@code addr}, or null. */
  public Clump containing(long addr) {
    long r = rev.lowerBound(addr);
    if (r < rev.entries() && rev.record(r).addr() == addr) {
      return clump(rev.record(r));
    }
    if (r == 0) {
      return null;
    }
    Clump c = clump(rev.record(r - 1));
    return addr < c.addr() + c.onDiskSize() ? c : null;
  }

  private Clump clump(ReverseIndexFile.Record rec) {
    IndexSection s = archive.sections().get(archive.sectionOf(rec.bucket()));
    byte[] e;
    try (PartitionReader in = PartitionReader.open(s.ref(), conf)) {
      e =
          in.read(
              s.offsetOf(rec.bucket()) + Venti.BUCKET_HEAD_SIZE + (long) rec.slot() * IEntry.SIZE,
              IEntry.SIZE);
    }
    if (IEntry.addr(e, 0) != rec.addr()) {
      throw new FormatException(
          rev.file()
              + ": stale or corrupt reverse index: record "
              + rec.rank()
              + " says bucket "
              + rec.bucket()
              + " slot "
              + rec.slot()
              + " holds address "
              + rec.addr()
              + ", the index has "
              + IEntry.addr(e, 0)
              + " there (rebuild it with: venti-spark reverse build)");
    }
    Arena arena = arenaOf(rec.addr());
    long first = rev.lowerBound(arena.indexStart());
    long end = arena.indexStart() + arena.memStats().used();
    long next =
        rec.rank() + 1 < rev.entries() ? Math.min(rev.record(rec.rank() + 1).addr(), end) : end;
    return new Clump(
        rec.rank(),
        rec.addr(),
        Bytes.hex(e, 0, Venti.SCORE_SIZE),
        BlockType.name(IEntry.type(e, 0)),
        IEntry.size(e, 0),
        IEntry.blocks(e, 0),
        rec.bucket(),
        rec.slot(),
        arena.name(),
        rec.rank() - first,
        next - rec.addr());
  }

  private Arena arenaOf(long addr) {
    for (Arena a : archive.arenas()) {
      if (addr >= a.indexStart() && addr < a.indexStart() + a.dataSize()) {
        return a;
      }
    }
    throw new FormatException(
        rev.file() + ": address " + addr + " lies in no arena of the index's arena map");
  }
}
