package ventispark.sort;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The batches of one range group as a write task receives them ({@link EntryBatches}), and how far
 * each has been taken. Each batch holds its entries in bucket order, so the entries of the group's
 * ranges, taken one range after another, are a run at the front of what is left of every batch:
 * {@link #addTo} moves each batch's run of the image's range into the image. A group of several
 * ranges holds its batches, the group's share of the shuffle, which the plan bounds; a group of one
 * range streams them into its image, as they come: a range may receive far more entries than a
 * group of several (a range of {@code -M 1g} of a small index, gigabytes of entries).
 */
public final class GroupBatches {
  private final long div;
  private final Iterator<byte[]> source;
  private final boolean hold;
  private final List<byte[]> batches = new ArrayList<>();
  private int[] at;

  /** The end of the last range taken: entries of buckets below it are gone. */
  private long taken = Long.MIN_VALUE;

  /**
   * The batches {@code source} gives, of an index of divisor {@code div}; held for several ranges
   * ({@code hold}), else streamed into one range's image.
   */
  public GroupBatches(long div, Iterator<byte[]> source, boolean hold) {
    this.div = div;
    this.source = source;
    this.hold = hold;
  }

  /** Adds each batch's run of the image's range (the next range of the group) to {@code image}. */
  public void addTo(BucketImage image) {
    if (!hold) {
      while (source.hasNext()) {
        image.add(source.next());
      }
    } else {
      held();
      for (int k = 0; k < batches.size(); k++) {
        at[k] = image.addRun(batches.get(k), at[k]);
      }
    }
    taken = Math.max(taken, image.stop());
  }

  /** Drops what is left of every batch below bucket {@code stop}, unless it was taken already. */
  public void skipTo(long stop) {
    if (taken >= stop) {
      return;
    }
    if (!hold) {
      while (source.hasNext()) {
        source.next();
      }
    } else {
      held();
      for (int k = 0; k < batches.size(); k++) {
        byte[] b = batches.get(k);
        int p = at[k];
        while (p < b.length && ShuffleEntry.hash32(b, p) / div < stop) {
          p += ShuffleEntry.SIZE;
        }
        at[k] = p;
      }
    }
    taken = stop;
  }

  /** Whether every entry of every batch has been taken (the source included). */
  public boolean isEmpty() {
    if (source.hasNext()) {
      return false;
    }
    for (int k = 0; k < batches.size(); k++) {
      if (at[k] < batches.get(k).length) {
        return false;
      }
    }
    return true;
  }

  private void held() {
    if (at == null) {
      while (source.hasNext()) {
        batches.add(source.next());
      }
      at = new int[batches.size()];
    }
  }
}
