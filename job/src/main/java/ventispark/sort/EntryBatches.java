package ventispark.sort;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntUnaryOperator;
import scala.Tuple2;
import ventispark.plan.BucketRangePartitioner;
import ventispark.plan.FillCounts;
import ventispark.read.ClumpEntries;

/**
 * The map side of the shuffle: a split's entries ({@link ShuffleEntry}) back to back in batches,
 * one open batch per reduce partition, each emitted as {@code (partition, bytes)} when it is full
 * and at the end. The shuffle then moves a few large byte arrays instead of one record per entry.
 * A batch is half the partition's fair share of {@link #OPEN_BYTES}, at most {@link #MAX_BATCH}
 * (a full batch when partitions are few), and never grows: growing one by copying cost 5% of the
 * map tasks' time, for nothing when scores spread evenly. When the open batches together exceed
 * the limit (very many partitions, of at least {@link #MIN_BATCH} each), all are emitted, so a map
 * task's memory stays bounded whatever the partition count. With {@link FillCounts}, each batch's
 * entries are counted as it is emitted, and the batches are followed by the split's bucket fill
 * counts, keyed as the caller says.
 *
 * <p>Entries reach their batch through a small stage per partition ({@link #STAGE_BYTES}), copied
 * on when full: the stages together stay in the CPU's cache, and the batches, far larger than it,
 * are written in runs instead of one random entry at a time (a random 32-byte write into a batch
 * costs a cache miss about every other entry: 100M clumps, most of the map tasks' own time).
 */
public final class EntryBatches implements Iterator<Tuple2<Integer, byte[]>> {
  /** Bytes of open batches a map task may hold in all. */
  static final int OPEN_BYTES = 32 << 20;
  /** A full batch: a whole number of entries, about 1 MiB. */
  static final int MAX_BATCH = (1 << 20) / ShuffleEntry.SIZE * ShuffleEntry.SIZE;
  /** The smallest batch. */
  static final int MIN_BATCH = 16 * ShuffleEntry.SIZE;
  /** A partition's stage, at most: 64 entries. */
  static final int STAGE_BYTES = 64 * ShuffleEntry.SIZE;

  private final ClumpEntries entries;
  private final byte[][] open;
  private final int[] fill;
  /** Partition p's stage is {@code stage[p * stageBytes, (p + 1) * stageBytes)}, {@code staged[p]} bytes used. */
  private final byte[] stage;
  private final int[] staged;
  private final int stageBytes;
  private final int batchBytes;
  private final long openLimit;
  private long openBytes;
  private long maxOpenBytes;
  private final ArrayDeque<Tuple2<Integer, byte[]>> ready = new ArrayDeque<>();
  private boolean ended;
  private final FillCounts fills;
  private final long div;

  public EntryBatches(ClumpEntries entries, int partitions) {
    this(entries, partitions, OPEN_BYTES);
  }

  /** Batches for the ranges of {@code part}, and fill count records keyed {@code fillKey(range)}. */
  public EntryBatches(ClumpEntries entries, BucketRangePartitioner part, IntUnaryOperator fillKey) {
    this(entries, part.numPartitions(), OPEN_BYTES, part, fillKey);
  }

  EntryBatches(ClumpEntries entries, int partitions, long openLimit) {
    this(entries, partitions, openLimit, null, null);
  }

  private EntryBatches(ClumpEntries entries, int partitions, long openLimit, BucketRangePartitioner part,
      IntUnaryOperator fillKey) {
    this.fills = part == null ? null
        : new FillCounts(part, (p, record) -> ready.addLast(new Tuple2<>(fillKey.applyAsInt(p), record)));
    this.div = part == null ? 1 : part.div();
    this.entries = entries;
    this.openLimit = openLimit;
    this.open = new byte[partitions][];
    this.fill = new int[partitions];
    int share = (int) (openLimit / 2 / partitions / ShuffleEntry.SIZE * ShuffleEntry.SIZE);
    this.batchBytes = Math.max(MIN_BATCH, Math.min(MAX_BATCH, share));
    // The stages take at most a quarter of the open bytes, and one entry each however many partitions.
    long stageShare = openLimit / 4 / partitions / ShuffleEntry.SIZE * ShuffleEntry.SIZE;
    this.stageBytes = (int) Math.max(ShuffleEntry.SIZE, Math.min(STAGE_BYTES, stageShare));
    this.stage = new byte[Math.multiplyExact(partitions, stageBytes)];
    this.staged = new int[partitions];
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && !ended) {
      fillUntilReady();
    }
    return !ready.isEmpty();
  }

  @Override
  public Tuple2<Integer, byte[]> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.removeFirst();
  }

  /** Adds entries until a batch is full, the open batches are too large, or the split ends. */
  private void fillUntilReady() {
    while (entries.advance()) {
      int p = entries.partition();
      int n = staged[p];
      int at = p * stageBytes + n;
      ShuffleEntry.pack(stage, at, entries.score(), entries.scoreOffset(), entries.addr(), entries.uncsize(),
          entries.type(), entries.blocks());
      n += ShuffleEntry.SIZE;
      if (n < stageBytes) {
        staged[p] = n;
        continue;
      }
      staged[p] = 0;
      append(p, at + ShuffleEntry.SIZE - n, n);
      if (openBytes > openLimit) {
        emitAll();
        return;
      }
      if (!ready.isEmpty()) {
        return;
      }
    }
    emitAll();
    if (fills != null) {
      fills.flush();
    }
    ended = true;
  }

  /** Copies {@code len} staged bytes at {@code stage[from..]} onto partition {@code p}'s batch, emitting it when full. */
  private void append(int p, int from, int len) {
    while (len > 0) {
      byte[] b = open[p];
      if (b == null) {
        b = open(p);
      }
      int n = fill[p];
      int k = Math.min(len, b.length - n);
      System.arraycopy(stage, from, b, n, k);
      fill[p] = n + k;
      from += k;
      len -= k;
      if (fill[p] == b.length) {
        emit(p);
      }
    }
  }

  private byte[] open(int p) {
    open[p] = new byte[batchBytes];
    openBytes += batchBytes;
    maxOpenBytes = Math.max(maxOpenBytes, openBytes);
    return open[p];
  }

  /** The most bytes of open batches held at once. */
  long maxOpenBytes() {
    return maxOpenBytes;
  }

  private void emit(int p) {
    byte[] b = open[p];
    if (fills != null) {
      count(p, b, fill[p]);
    }
    ready.addLast(new Tuple2<>(p, fill[p] == b.length ? b : Arrays.copyOf(b, fill[p])));
    openBytes -= b.length;
    open[p] = null;
    fill[p] = 0;
  }

  /**
   * Counts a batch's entries into the fill counts. Done per batch, not per entry as it is read: the
   * counts of one range are then touched together, and stay in cache, instead of a random count of
   * the whole index per entry (100M clumps: most of the map stage's CPU).
   */
  private void count(int p, byte[] b, int n) {
    for (int off = 0; off < n; off += ShuffleEntry.SIZE) {
      fills.add(p, ShuffleEntry.hash32(b, off) / div);
    }
  }

  private void emitAll() {
    for (int p = 0; p < open.length; p++) {
      if (staged[p] > 0) {
        append(p, p * stageBytes, staged[p]);
        staged[p] = 0;
      }
      if (fill[p] > 0) {
        emit(p);
      }
    }
  }
}
