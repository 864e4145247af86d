package ventispark.reverse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ventispark.format.Bytes;

/** The radix sort of records against a comparator sort, with addresses of every width. */
class RecordSortTest {
  @ParameterizedTest
  @CsvSource({"0, 1", "1, 2", "2, 3", "1000, 4", "5000, 5", "20000, 6"})
  void sortsByAddress(int n, long seed) {
    Random r = new Random(seed);
    byte[] records = new byte[n * 16];
    long[][] rows = new long[n][];
    for (int i = 0; i < n; i++) {
      long addr = switch (i % 3) {
        case 0 -> r.nextInt(1 << 20);
        case 1 -> r.nextLong() & 0xFFFF_FFFF_FFFFL;
        default -> r.nextLong() & Long.MAX_VALUE;
      };
      ReverseIndexFile.putRecord(records, i * 16, addr, i, i & 0xFFFF);
      rows[i] = new long[] {addr, i};
    }
    byte[] sorted = RecordSort.sort(records, n);
    Arrays.sort(rows, (a, b) -> Long.compareUnsigned(a[0], b[0]));
    byte[] want = new byte[n * 16];
    for (int i = 0; i < n; i++) {
      ReverseIndexFile.putRecord(want, i * 16, rows[i][0], rows[i][1], (int) rows[i][1] & 0xFFFF);
    }
    assertArrayEquals(want, Arrays.copyOf(sorted, n * 16));
    for (int i = 1; i < n; i++) {
      assertTrue(Long.compareUnsigned(Bytes.u64(sorted, (i - 1) * 16), Bytes.u64(sorted, i * 16)) <= 0);
    }
  }
}
