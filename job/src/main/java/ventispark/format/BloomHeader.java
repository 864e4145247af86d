package ventispark.format;

import java.util.Locale;

/**
 * Bloom filter header (FORMAT.md 8.1), at offset 0 of the bloom partition (no PartBlank):
 *
 * <pre>
 * magic[4]=0xB1004EAD version[4]=1 nhash[4] size[4] bits[size − 16]
 * </pre>
 *
 * {@code size} counts the whole filter including these 16 bytes, which overlay the bit table.
 */
public record BloomHeader(int nhash, int size) implements java.io.Serializable {

  public static BloomHeader decode(String file, byte[] b) {
    if (Bytes.u32(b, 0) != Venti.BLOOM_MAGIC) {
      throw FormatException.at(
          file,
          0,
          String.format(
              Locale.ROOT,
              "bad bloom filter magic 0x%08x (want 0x%08x)",
              Bytes.u32(b, 0),
              Venti.BLOOM_MAGIC));
    }
    int version = Bytes.u32(b, 4);
    if (version != Venti.BLOOM_VERSION) {
      throw FormatException.at(file, 4, "unknown bloom filter version " + version + " (want 1)");
    }
    int nhash = Bytes.u32(b, 8);
    if (nhash < 1 || nhash > 32) {
      throw FormatException.at(file, 8, "bad bloom hash count " + nhash + " (1 to 32)");
    }
    int size = Bytes.u32(b, 12);
    if (!Venti.isPowerOfTwo(size) || size < Venti.BLOOM_HEAD_SIZE || size > Venti.MAX_BLOOM_SIZE) {
      throw FormatException.at(
          file,
          12,
          "bad bloom filter size "
              + Integer.toUnsignedString(size)
              + " (a power of two, 16 to 2^29)");
    }
    return new BloomHeader(nhash, size);
  }

  public byte[] encode() {
    byte[] b = new byte[Venti.BLOOM_HEAD_SIZE];
    Bytes.put32(b, 0, Venti.BLOOM_MAGIC);
    Bytes.put32(b, 4, Venti.BLOOM_VERSION);
    Bytes.put32(b, 8, nhash);
    Bytes.put32(b, 12, size);
    return b;
  }
}
