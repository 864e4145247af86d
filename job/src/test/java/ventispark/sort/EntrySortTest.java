package ventispark.sort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ventispark.format.IEntry;

/** The in-bucket sort against a plain comparator sort, on runs full of the hard cases. */
class EntrySortTest {
  /**
   * Scores the distribution cannot place: two at the extremes, the rest in a sliver between them in
   * descending order, so the insertion sort runs out of moves and the general sort takes over.
   */
  @ParameterizedTest
  @ValueSource(ints = {3, 50, 215, 1723})
  void clusteredScoresAreSortedToo(int n) {
    Random random = new Random(n);
    List<byte[]> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] score = new byte[20];
      random.nextBytes(score);
      long prefix = i == 0 ? 0 : i == 1 ? -1L : 0x4000_0000_0000_0000L + (long) (n - i) * 4096;
      for (int j = 0; j < 8; j++) {
        score[j] = (byte) (prefix >>> (56 - 8 * j));
      }
      byte[] e = new byte[IEntry.SIZE];
      IEntry.pack(e, 0, score, 0, i, 100, 1, 1);
      entries.add(e);
    }
    byte[] run = new byte[n * IEntry.SIZE];
    for (int i = 0; i < n; i++) {
      System.arraycopy(entries.get(i), 0, run, i * IEntry.SIZE, IEntry.SIZE);
    }
    new EntrySort(1723).sort(run, 0, n);
    entries.sort((a, b) -> IEntry.compare(a, 0, b, 0));
    byte[] want = new byte[run.length];
    for (int i = 0; i < n; i++) {
      System.arraycopy(entries.get(i), 0, want, i * IEntry.SIZE, IEntry.SIZE);
    }
    assertArrayEquals(want, run);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void sortsLikeTheComparator(long seed) {
    Random random = new Random(seed);
    int capacity = 1 + random.nextInt(1723);
    EntrySort sort = new EntrySort(capacity);
    for (int round = 0; round < 50; round++) {
      int n = random.nextInt(capacity + 1);
      List<byte[]> entries = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] score = new byte[20];
        random.nextBytes(score);
        if (!entries.isEmpty() && random.nextInt(4) == 0) {
          // A copy of another entry's score: same block stored again, maybe as another type.
          score = Arrays.copyOf(entries.get(random.nextInt(entries.size())), 20);
        } else if (!entries.isEmpty() && random.nextInt(8) == 0) {
          // Same first 53 bits (the sort key's prefix), different afterwards.
          byte[] other = entries.get(random.nextInt(entries.size()));
          System.arraycopy(other, 0, score, 0, 7);
          score[6] = (byte) ((other[6] & 0xF8) | (random.nextInt(8)));
        }
        byte[] e = new byte[IEntry.SIZE];
        IEntry.pack(
            e,
            0,
            score,
            0,
            random.nextLong() & Long.MAX_VALUE,
            random.nextInt(65536),
            1 + random.nextInt(3),
            random.nextInt(256));
        if (random.nextInt(6) == 0) {
          score[0] = (byte) 0x80; // high bit set: unsigned order must hold
          System.arraycopy(score, 0, e, 0, 20);
        }
        entries.add(e);
      }
      byte[] run = new byte[7 + n * IEntry.SIZE];
      for (int i = 0; i < n; i++) {
        System.arraycopy(entries.get(i), 0, run, 7 + i * IEntry.SIZE, IEntry.SIZE);
      }
      sort.sort(run, 7, n);
      entries.sort((a, b) -> IEntry.compare(a, 0, b, 0));
      byte[] want = new byte[run.length];
      for (int i = 0; i < n; i++) {
        System.arraycopy(entries.get(i), 0, want, 7 + i * IEntry.SIZE, IEntry.SIZE);
      }
      assertArrayEquals(want, run, "seed " + seed + " round " + round + " n " + n);
    }
  }
}
