package ventispark.check;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import ventispark.format.BlockType;
import ventispark.format.Bucket;
import ventispark.format.Bytes;
import ventispark.format.IEntry;
import ventispark.format.Venti;
import ventispark.sort.EntrySort;

/**
 * Compares a bucket range as the arenas say it must be (a sealed expected image) with the same
 * range read from the index section, bucket by bucket, with the C checkindex's diff semantics:
 * {@code <} an entry on disk that is not expected, {@code >} an expected entry that is missing, and
 * both for an entry whose address, size or blocks differ. Entries are compared by score, type,
 * address, size and blocks; both sides are compared sorted, so an on-disk bucket in the wrong order
 * is not reported for that alone.
 */
public final class RangeCheck {
  /** How much a range reports in detail; the counts are always complete. */
  public record Result(
      long buckets,
      long entriesOnDisk,
      long differingBuckets,
      long extra,
      long missing,
      List<String> report)
      implements Serializable {}

  private final String section;
  private final long blockBase;
  private final long start;
  private final int blockSize;
  private final int magic;
  private final boolean collapseDuplicates;
  private final int maxReported;

  /**
   * @param blockBase section offset of bucket {@code start}
   * @param collapseDuplicates expect one entry per score and type (the highest address), as the C
   *     checkindex does, instead of every copy buildindex writes
   * @param maxReported buckets reported line by line
   */
  public RangeCheck(
      String section,
      long blockBase,
      long start,
      int blockSize,
      int magic,
      boolean collapseDuplicates,
      int maxReported) {
    this.section = section;
    this.blockBase = blockBase;
    this.start = start;
    this.blockSize = blockSize;
    this.magic = magic;
    this.collapseDuplicates = collapseDuplicates;
    this.maxReported = maxReported;
  }

  public Result compare(byte[] expected, byte[] disk) {
    EntrySort sort = new EntrySort(Bucket.capacity(blockSize));
    int buckets = expected.length / blockSize;
    long onDisk = 0;
    long differing = 0;
    long extra = 0;
    long missing = 0;
    List<String> report = new ArrayList<>();
    for (int i = 0; i < buckets; i++) {
      int off = i * blockSize;
      int ne = Bucket.count(expected, off, magic);
      int nd = Math.min(Bucket.count(disk, off, magic), Bucket.capacity(blockSize));
      byte[] d =
          Arrays.copyOfRange(
              disk, off + Venti.BUCKET_HEAD_SIZE, off + Venti.BUCKET_HEAD_SIZE + nd * IEntry.SIZE);
      sort.sort(d, 0, nd);
      onDisk += nd;
      List<String> lines = diff(expected, off + Venti.BUCKET_HEAD_SIZE, ne, d, nd);
      if (!lines.isEmpty()) {
        differing++;
        for (String l : lines) {
          if (l.charAt(0) == '<') {
            extra++;
          } else {
            missing++;
          }
        }
        if (differing <= maxReported) {
          report.add(
              String.format(
                  Locale.ROOT,
                  "%s block 0x%x (bucket %d)",
                  section,
                  blockBase + (long) off,
                  start + i));
          report.addAll(lines);
        }
      }
    }
    return new Result(buckets, onDisk, differing, extra, missing, report);
  }

  /** The merge of two sorted runs: {@code e} expected at {@code eo}, {@code d} on disk at 0. */
  private List<String> diff(byte[] e, int eo, int ne, byte[] d, int nd) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < ne || j < nd) {
      int ei = eo + i * IEntry.SIZE;
      if (i < ne && collapseDuplicates && i > 0 && sameScoreAndType(e, ei - IEntry.SIZE, e, ei)) {
        i++;
        continue;
      }
      int dj = j * IEntry.SIZE;
      int c = i >= ne ? -1 : j >= nd ? 1 : IEntry.compare(d, dj, e, ei);
      if (c == 0 && sameFields(d, dj, e, ei)) {
        i++;
        j++;
      } else if (c == 0) {
        out.add("< " + format(d, dj));
        out.add("> " + format(e, ei));
        i++;
        j++;
      } else if (c < 0) {
        out.add("< " + format(d, dj));
        j++;
      } else {
        out.add("> " + format(e, ei));
        i++;
      }
    }
    return out;
  }

  private static boolean sameScoreAndType(byte[] a, int ao, byte[] b, int bo) {
    return Arrays.equals(a, ao, ao + Venti.SCORE_SIZE, b, bo, bo + Venti.SCORE_SIZE)
        && IEntry.type(a, ao) == IEntry.type(b, bo);
  }

  private static boolean sameFields(byte[] a, int ao, byte[] b, int bo) {
    return IEntry.size(a, ao) == IEntry.size(b, bo) && IEntry.blocks(a, ao) == IEntry.blocks(b, bo);
  }

  /** The C checkindex's entry line: score, address, logical type, size, blocks. */
  static String format(byte[] b, int off) {
    return String.format(
        Locale.ROOT,
        "%s %22d %3d %5d %3d",
        Bytes.hex(b, off, Venti.SCORE_SIZE),
        IEntry.addr(b, off),
        BlockType.fromDisk(IEntry.type(b, off)),
        IEntry.size(b, off),
        IEntry.blocks(b, off));
  }
}
