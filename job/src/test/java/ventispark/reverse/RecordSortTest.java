package ventispark.reverse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ventispark.format.Bytes;

/**
 * The radix sort of records against a comparator sort, with addresses of every width and spread.
 */
class RecordSortTest {
  @ParameterizedTest
  @CsvSource({"0, 1", "1, 2", "2, 3", "1000, 4", "5000, 5", "20000, 6"})
  void sortsByAddress(int n, long seed) {
    Random r = new Random(seed);
    byte[] records = new byte[n * 16];
    long[][] rows = new long[n][];
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      long addr;
      do {
        addr =
            switch (i % 4) {
              case 0 -> r.nextInt(1 << 20);
              case 1 -> r.nextLong() & 0xFFFF_FFFF_FFFFL;
              case 2 -> (1L << 40) + r.nextInt(1 << 16); // a narrow span: two radix passes
              default -> r.nextLong(); // the top bit set: addresses are unsigned
            };
      } while (!seen.add(addr));
      ReverseIndexFile.putRecord(records, i * 16, addr, i, i & 0xFFFF);
      rows[i] = new long[] {addr, i};
    }
    // in batches of uneven sizes, as the shuffle delivers them
    int cut = n / 3 * 16;
    List<byte[]> batches =
        List.of(Arrays.copyOf(records, cut), Arrays.copyOfRange(records, cut, n * 16));
    byte[] sorted = RecordSort.sort(batches, n, new byte[n * 16]);
    assertArrayEquals(sorted, RecordSort.sort(records, n));
    Arrays.sort(rows, (a, b) -> Long.compareUnsigned(a[0], b[0]));
    byte[] want = new byte[n * 16];
    for (int i = 0; i < n; i++) {
      ReverseIndexFile.putRecord(want, i * 16, rows[i][0], rows[i][1], (int) rows[i][1] & 0xFFFF);
    }
    assertArrayEquals(want, Arrays.copyOf(sorted, n * 16));
    for (int i = 1; i < n; i++) {
      assertTrue(
          Long.compareUnsigned(Bytes.u64(sorted, (i - 1) * 16), Bytes.u64(sorted, i * 16)) <= 0);
    }
  }

  @Test
  void refusesARepeatedAddress() {
    byte[] records = new byte[3 * 16];
    ReverseIndexFile.putRecord(records, 0, 0x200000, 1, 0);
    ReverseIndexFile.putRecord(records, 16, 0x100000, 2, 0);
    ReverseIndexFile.putRecord(records, 32, 0x200000, 3, 1);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> RecordSort.sort(records, 3));
    assertTrue(e.getMessage().contains("0x200000"), e.getMessage());
  }
}
