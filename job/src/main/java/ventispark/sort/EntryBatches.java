package ventispark.sort;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntUnaryOperator;
import org.apache.spark.unsafe.array.LongArray;
import org.apache.spark.unsafe.memory.MemoryBlock;
import org.apache.spark.util.collection.unsafe.sort.RadixSort;
import scala.Tuple2;
import ventispark.plan.BucketRangePartitioner;
import ventispark.plan.FillCounts;
import ventispark.read.ClumpEntries;

/**
 * The map side of the shuffle, as Hadoop's map-side spill does it: a split's entries ({@link
 * ShuffleEntry}) go into a bounded buffer, which is sorted by bucket (so by range) when full and at
 * the end, and emitted as runs: each batch {@code (group, bytes)} holds entries of one range group
 * ({@link BucketRangePartitioner#groups}) back to back in bucket order, so each of its ranges' in
 * one run, at most {@link #MAX_BATCH} bytes, and the run lengths per bucket become fill counts
 * ({@link FillCounts.Runs}), a record per buffer and fill key (the caller's key of each range); for
 * a small index the counts are kept per task instead ({@link FillCounts.Dense}) and emitted after
 * the last batch. The shuffle moves a few large byte arrays instead of one record per entry.
 *
 * <p>Nothing here grows with the number of ranges, nor past a fixed bound with the buckets: the
 * buffer and its sort keys are the task's memory, and the work per entry is a copy in, a sort and a
 * copy out, whatever the index's geometry. (Open batches and count arrays per range, the former
 * design, cost five times as much per entry at 40,000 ranges as at 4.)
 */
public final class EntryBatches implements Iterator<Tuple2<Integer, byte[]>> {
  /**
   * Entries one buffer holds at most: 32 MiB of entries and 16 MiB of keys, for indexes of
   * thousands of range groups. (At Venti's largest index, before range groups, 100M clumps planned
   * 1.10x faster than with half of it, which shipped twice as many records of half as many
   * entries.)
   */
  static final int BUFFER_ENTRIES = 1 << 20;

  /** Bits of a sort key below the bucket: the entry's place in the buffer, in 3 whole bytes. */
  private static final int INDEX_BITS = 24;

  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

  /**
   * Entries of a part of the buffer at least, and parts at most (as bits). An entry goes into the
   * part of its score's first bits; buckets ascend with the score, so the copy out of the sorted
   * buffer reads the parts one after another, each at random, instead of the whole buffer at
   * random: at Venti's largest index (32 MiB buffers) that copy was a quarter of the read's CPU, a
   * cache miss an entry. More than 16 parts make the fill slower than the copy gains: the fill
   * writes each part as a stream, and the caches follow only so many streams.
   */
  static final int PART_ENTRIES = 1 << 12;

  static final int MAX_PART_BITS = 4;

  /** A full batch: a whole number of entries, about 1 MiB. */
  static final int MAX_BATCH = (1 << 20) / ShuffleEntry.SIZE * ShuffleEntry.SIZE;

  private final ClumpEntries entries;
  private final BucketRangePartitioner part;
  private final IntUnaryOperator fillKey;
  private SortBuffer sortBuffer;
  private final byte[] buffer;

  /**
   * The sort keys: the entry's global bucket above its place in the buffer, {@code keys[0, held)};
   * as many again of room, where {@link #sort} puts them by part.
   */
  private final long[] keys;

  /** The buffer's parts, {@code 1 << partBits} of {@code partEntries} entries, and their fill. */
  private final int partBits;

  private final int partEntries;
  private final int[] partHeld;

  /** One part's keys and their room, where the radix sort sorts them. */
  private final long[] partKeys;

  private final LongArray partRadix;
  private final int[] partStart;

  private int held;

  /** The next key to emit, and the end of the current range group's run of keys. */
  private int next;

  private int runEnd;

  /** The part last read through ({@link #readPartOf}), and the end of its sorted keys. */
  private int readPart;

  private int readEnd;

  /** What the reads through found, kept so that no compiler drops them. */
  private byte readThrough;

  private int group;
  private final FillCounts.Runs runs = new FillCounts.Runs();
  private int runsKey;

  /** A small index's counts, emitted at the end; null when counted per buffer (or not at all). */
  private final FillCounts.Dense dense;

  private boolean denseEmitted;
  private final ArrayDeque<Tuple2<Integer, byte[]>> ready = new ArrayDeque<>();
  private boolean ended;

  /**
   * Batches for the ranges of {@code part}; with {@code fillKey}, fill records keyed {@code
   * fillKey(range)}, which must be monotone in the range (ranges of one key are consecutive).
   */
  public EntryBatches(
      ClumpEntries entries,
      BucketRangePartitioner part,
      IntUnaryOperator fillKey,
      int maxBufferEntries) {
    this(
        entries,
        part,
        fillKey,
        bufferEntries(part.groups(), maxBufferEntries),
        FillCounts.Dense.MAX_BUCKETS);
  }

  /**
   * Smallest buffer: 4 MiB of entries. Smaller sorts stay in a core's cache but sweep a small
   * index's dense counts more often; at 100M clumps into 778,074 buckets, 1 MiB and 2 MiB cost the
   * same, 4 MiB 8% less and 16 MiB 30% more (plan, 2 cores).
   */
  static final int MIN_BUFFER_ENTRIES = 1 << 17;

  /** Entries of a whole batch ({@link #MAX_BATCH}), down to a power of two. */
  static final int WHOLE_BATCH_ENTRIES = Integer.highestOneBit(MAX_BATCH / ShuffleEntry.SIZE);

  /**
   * The largest buffer taken for whole batches: 8 MiB of entries. Larger ones cost a small index
   * more than they save (see {@link #MIN_BUFFER_ENTRIES}); 2^18 for the 96 groups of 100M clumps'
   * own index was 1.04x the wall time.
   */
  static final int FEW_GROUPS_BUFFER_ENTRIES = 1 << 18;

  /**
   * Entries a buffer holds for {@code groups} range groups (the records' keys), between {@link
   * #MIN_BUFFER_ENTRIES} and {@code max} (at most {@link #BUFFER_ENTRIES}):
   *
   * <ul>
   *   <li>for a few groups, a whole batch each ({@link #WHOLE_BATCH_ENTRIES}) where that takes at
   *       most {@link #FEW_GROUPS_BUFFER_ENTRIES}. Records of about 1 MiB are what a small index's
   *       ranges ship, and at 1 MiB they are G1 humongous objects that a young collection frees at
   *       once. Records of half that are young objects that live as long as their map task's
   *       output: copied, promoted and left in the old generation (4M clumps against Venti's
   *       largest index, 8 groups: peak RSS 583 MiB with 2^17-entry buffers, 469 with 2^18, against
   *       401 to 430 for the archive's own index);
   *   <li>otherwise room for runs of about 256 entries per group. A buffer that fits in the cache
   *       keeps the copy out of the sorted buffer cheap; a larger one keeps records long when
   *       groups are many. (Sized by ranges, before range groups, Venti's largest index took
   *       2^20-entry buffers, whose copy out missed the caches; its groups now take the smallest.)
   * </ul>
   */
  static int bufferEntries(int groups, int max) {
    long perGroup = Integer.highestOneBit(Math.max(1, groups));
    long wholeBatches = perGroup * WHOLE_BATCH_ENTRIES;
    long wanted = wholeBatches <= FEW_GROUPS_BUFFER_ENTRIES ? wholeBatches : perGroup * 256;
    return (int) Math.max(MIN_BUFFER_ENTRIES, Math.min(Math.min(max, BUFFER_ENTRIES), wanted));
  }

  /**
   * The largest buffer a map task may take when it may use {@code bytes} of the heap for it: a
   * power of two of entries, at least {@link #MIN_BUFFER_ENTRIES}.
   */
  public static int maxBufferEntries(long bytes) {
    long entries = Math.max(1, bytes / SortBuffer.BYTES_PER_ENTRY);
    return (int)
        Math.max(MIN_BUFFER_ENTRIES, Math.min(BUFFER_ENTRIES, Long.highestOneBit(entries)));
  }

  /**
   * The largest buffer worth taking for a split of {@code clumps} clumps (its entries are at most
   * its clumps, from the arenas' counts): the smallest power of two that holds them. A larger one
   * would be memory kept and never filled: at 4M clumps, 20 splits of 200,000 clumps each took
   * buffers of 2^20 entries (48 MiB with their keys) against Venti's largest index.
   */
  public static int maxBufferEntriesFor(long clumps) {
    long n = Long.highestOneBit(Math.max(1, clumps));
    return (int) Math.min(BUFFER_ENTRIES, n < clumps ? 2 * n : n);
  }

  /** The parts of a buffer of {@code bufferEntries} entries, as bits: 0 for a small one. */
  static int partBits(int bufferEntries) {
    int parts = Integer.highestOneBit(Math.max(1, bufferEntries / PART_ENTRIES));
    return Math.min(MAX_PART_BITS, Integer.numberOfTrailingZeros(parts));
  }

  EntryBatches(
      ClumpEntries entries,
      BucketRangePartitioner part,
      IntUnaryOperator fillKey,
      int bufferEntries,
      long denseBuckets) {
    if (bufferEntries < 1 || bufferEntries > BUFFER_ENTRIES) {
      throw new IllegalArgumentException("a buffer of " + bufferEntries + " entries");
    }
    this.entries = entries;
    this.part = part;
    this.fillKey = fillKey;
    this.partBits = partBits(bufferEntries);
    this.partEntries = bufferEntries >> partBits;
    this.sortBuffer = SortBuffer.take(bufferEntries, partEntries);
    this.buffer = sortBuffer.entries();
    this.keys = sortBuffer.keys();
    this.partHeld = new int[1 << partBits];
    this.partStart = new int[1 << partBits];
    this.partKeys = sortBuffer.partKeys();
    this.partRadix = new LongArray(MemoryBlock.fromLongArray(partKeys));
    this.dense = fillKey == null ? null : FillCounts.Dense.forRanges(part, denseBuckets);
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty()) {
      if (next < held) {
        emitNext();
      } else if (!runs.isEmpty()) {
        ready.addLast(new Tuple2<>(runsKey, runs.finish()));
      } else if (ended) {
        if (dense == null || denseEmitted) {
          if (sortBuffer != null) {
            sortBuffer.give();
            sortBuffer = null;
          }
          return false;
        }
        dense.emit(fillKey, (key, record) -> ready.addLast(new Tuple2<>(key, record)));
        denseEmitted = true;
      } else {
        fill();
      }
    }
    return true;
  }

  @Override
  public Tuple2<Integer, byte[]> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.removeFirst();
  }

  /**
   * Reads entries until a part of the buffer is full or the split ends, and sorts them. Scores are
   * uniform, so the parts fill evenly: the first is full when the buffer is about 99% full.
   */
  private void fill() {
    Arrays.fill(partHeld, 0);
    int shift = 8 - partBits;
    int n = 0;
    boolean full = false;
    while (!full && entries.advance()) {
      byte[] score = entries.score();
      int scoreOff = entries.scoreOffset();
      int part = (score[scoreOff] & 0xff) >>> shift;
      int at = part * partEntries + partHeld[part]++;
      ShuffleEntry.pack(
          buffer,
          at * ShuffleEntry.SIZE,
          score,
          scoreOff,
          entries.addr(),
          entries.uncsize(),
          entries.type(),
          entries.blocks());
      keys[n++] = entries.bucket() << INDEX_BITS | at;
      full = partHeld[part] == partEntries;
    }
    ended = !full;
    sort(n);
    held = n;
    next = 0;
    runEnd = 0;
    readPart = -1;
    readEnd = 0;
  }

  /**
   * Sorts {@code keys[0, n)} by bucket: puts them in order of their part (one pass; a key's part is
   * that of its entry's place), then sorts each part, within the CPU's caches, and puts it back.
   * The buckets of a part all come before the next part's (both ascend with the score), so the
   * parts in order are the buffer sorted. (A profile of 100M clumps: one sort of each 2^20-entry
   * buffer took 2.6 s of CPU at Venti's largest index, 2^17-entry ones 1.3 s at the archive's own
   * index; sorted by part, 2.1 s with the pass by part.) Spark's LSD radix sort of the bucket's
   * bytes skips those no key of the part changes (the high bytes of a small index's buckets).
   * Entries of one bucket may come in any order: the write sorts each bucket.
   */
  private void sort(int n) {
    for (int j = 0, at = n; j < partStart.length; at += partHeld[j++]) {
      partStart[j] = at;
    }
    // Parts hold a power of two of entries, except in tests of odd buffer sizes.
    int shift =
        Integer.bitCount(partEntries) == 1 ? Integer.numberOfTrailingZeros(partEntries) : -1;
    for (int i = 0; i < n; i++) {
      long k = keys[i];
      int at = (int) (k & INDEX_MASK);
      keys[partStart[shift >= 0 ? at >>> shift : at / partEntries]++] = k;
    }
    for (int j = 0, out = 0; j < partHeld.length; out += partHeld[j++]) {
      int h = partHeld[j];
      if (h > 0) {
        System.arraycopy(keys, n + out, partKeys, 0, h);
        int at = RadixSort.sort(partRadix, h, 3, 6, false, false);
        System.arraycopy(partKeys, at, keys, out, h);
      }
    }
  }

  /**
   * Emits the next batch of the current range group, first starting the next group (and its ranges'
   * fill records) if need be.
   */
  private void emitNext() {
    if (next == runEnd) {
      startGroup();
    }
    int n = Math.min(runEnd - next, MAX_BATCH / ShuffleEntry.SIZE);
    byte[] b = new byte[n * ShuffleEntry.SIZE];
    for (int i = 0; i < n; i++) {
      if (next + i >= readEnd) {
        readPartOf(next + i);
      }
      int from = (int) (keys[next + i] & INDEX_MASK) * ShuffleEntry.SIZE;
      System.arraycopy(buffer, from, b, i * ShuffleEntry.SIZE, ShuffleEntry.SIZE);
    }
    next += n;
    ready.addLast(new Tuple2<>(group, b));
  }

  /**
   * Reads through the part of sorted key {@code k}'s entry in order, a cache line at a time, before
   * its entries are copied out at random: the processor's prefetching then brings the part into its
   * caches, where the copy found about every other entry only in memory (a part of 2^16 entries is
   * 32,768 cache lines, each missed once).
   */
  private void readPartOf(int k) {
    while (k >= readEnd) {
      readPart++;
      readEnd += partHeld[readPart];
    }
    int from = readPart * partEntries * ShuffleEntry.SIZE;
    int to = from + partHeld[readPart] * ShuffleEntry.SIZE;
    byte x = 0;
    for (int i = from; i < to; i += 64) {
      x ^= buffer[i];
    }
    readThrough ^= x;
  }

  /**
   * Finds the run of keys of the range group of key {@code next}: the runs of its ranges that this
   * buffer holds, one after another, counted as one run where the group's ranges share a fill key
   * (as nearly all do), else range by range: at Venti's largest index a buffer holds a few entries
   * of each range, and a step per range was a fifth of the map side's counting.
   */
  private void startGroup() {
    int range = part.partitionOfBucket(keys[next] >>> INDEX_BITS);
    group = part.groupOfRange(range);
    int last = part.firstRangeOfGroup(group + 1) - 1;
    if (fillKey == null || dense != null || fillKey.applyAsInt(range) == fillKey.applyAsInt(last)) {
      runEnd = countRun(range, last, next);
      return;
    }
    int i = countRun(range, range, next);
    while (i < held && (range = part.partitionOfBucket(keys[i] >>> INDEX_BITS)) <= last) {
      i = countRun(range, range, i);
    }
    runEnd = i;
  }

  /**
   * Returns the end of the run of keys of ranges {@code [first, last]} from {@code i}, counting
   * their buckets' entries under the fill key of {@code first}. A linear scan, not a binary search:
   * runs are short when ranges are many, and counting walks them anyway.
   */
  private int countRun(int first, int last, int i) {
    long end = part.stop(last) << INDEX_BITS;
    boolean count = fillKey != null;
    if (count && dense == null) {
      int key = fillKey.applyAsInt(first);
      if (key != runsKey && !runs.isEmpty()) {
        ready.addLast(new Tuple2<>(runsKey, runs.finish()));
      }
      runsKey = key;
    }
    long bucket = -1;
    int n = 0;
    for (; i < held && keys[i] < end; i++) {
      long b = keys[i] >>> INDEX_BITS;
      if (b != bucket) {
        if (n > 0 && count) {
          counted(bucket, n);
        }
        bucket = b;
        n = 0;
      }
      n++;
    }
    if (n > 0 && count) {
      counted(bucket, n);
    }
    return i;
  }

  private void counted(long bucket, int n) {
    if (dense != null) {
      dense.add(bucket, n);
    } else {
      runs.bucket(bucket, n);
    }
  }
}
