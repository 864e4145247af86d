package ventispark.reverse;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import ventispark.format.Bytes;

/**
 * The 64-bit fingerprint the reverse index's checksums fold with SHA-256 ({@code
 * REVERSE-INDEX.md}): CRC-32C then CRC-32 (IEEE) of the same bytes. Two different polynomials make
 * it a 64-bit cyclic code: it misses a random change with probability 2^-64, and no burst of up to
 * 32 bits nor change of up to three bits. Both run on the CPU's CRC instructions through the JDK's
 * intrinsics, in either JIT compiler, at tens of GB/s, where SHA-256 over the same bytes was most
 * of a reverse index's cost.
 */
final class Fingerprint {
  static final int SIZE = 8;

  private final CRC32C crc32c = new CRC32C();
  private final CRC32 crc32 = new CRC32();

  void update(byte[] b, int off, int len) {
    crc32c.update(b, off, len);
    crc32.update(b, off, len);
  }

  void update(ByteBuffer b) {
    ByteBuffer again = b.duplicate();
    crc32c.update(b);
    crc32.update(again);
  }

  /**
   * Writes the fingerprint of the bytes since the last call at {@code out[off]} and starts anew.
   */
  void finish(byte[] out, int off) {
    Bytes.put32(out, off, (int) crc32c.getValue());
    Bytes.put32(out, off + 4, (int) crc32.getValue());
    crc32c.reset();
    crc32.reset();
  }
}
