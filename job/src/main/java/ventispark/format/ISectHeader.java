package ventispark.format;

import java.util.Locale;

/**
 * Index section header (FORMAT.md 7.1), a 512-byte block at {@link Venti#PART_BLANK}:
 *
 * <pre>
 * magic[4]=0xD15C5EC7 version[4] (1|2) name[64] index[64] blocksize[4] blockbase[4] blocks[4]
 * start[4] stop[4] bucketmagic[4] (v2 only; 0 for v1)
 * </pre>
 *
 * Buckets {@code [start, stop)} of the global bucket space live at {@code blockbase + (b - start) *
 * blocksize}. The index config text lies at {@code [tabbase, blockbase)}.
 */
public record ISectHeader(
    int version,
    String name,
    String index,
    int blockSize,
    long blockBase,
    long blocks,
    long start,
    long stop,
    int bucketMagic)
    implements java.io.Serializable {

  public static ISectHeader decode(String file, byte[] b) {
    long at = Venti.PART_BLANK;
    if (Bytes.u32(b, 0) != Venti.ISECT_MAGIC) {
      throw FormatException.at(
          file,
          at,
          String.format(
              Locale.ROOT,
              "bad index section magic 0x%08x (want 0x%08x)",
              Bytes.u32(b, 0),
              Venti.ISECT_MAGIC));
    }
    int version = Bytes.u32(b, 4);
    if (version != 1 && version != 2) {
      throw FormatException.at(
          file, at + 4, "unknown index section version " + version + " (want 1 or 2)");
    }
    int bs = Bytes.u32(b, 136);
    if (!Venti.isPowerOfTwo(bs) || bs < 512 || bs > Venti.MAX_DISK_BLOCK) {
      throw FormatException.at(
          file, at + 136, "bad index section block size " + Integer.toUnsignedString(bs));
    }
    ISectHeader h =
        new ISectHeader(
            version,
            Bytes.name(b, 8, Venti.A_NAME_SIZE),
            Bytes.name(b, 72, Venti.A_NAME_SIZE),
            bs,
            Bytes.u32L(b, 140),
            Bytes.u32L(b, 144),
            Bytes.u32L(b, 148),
            Bytes.u32L(b, 152),
            version == 2 ? Bytes.u32(b, 156) : 0);
    if (h.tableBase() >= h.blockBase()) {
      throw FormatException.at(
          file, at + 140, "block base " + h.blockBase() + " leaves no room for the index config");
    }
    if (h.start() > h.stop() || h.stop() - h.start() > h.blocks()) {
      throw FormatException.at(
          file,
          at + 148,
          "bucket range ["
              + h.start()
              + ", "
              + h.stop()
              + ") does not fit the section's "
              + h.blocks()
              + " blocks");
    }
    return h;
  }

  public byte[] encode() {
    byte[] b = new byte[Venti.HEAD_SIZE];
    Bytes.put32(b, 0, Venti.ISECT_MAGIC);
    Bytes.put32(b, 4, version);
    Bytes.putName(b, 8, Venti.A_NAME_SIZE, name);
    Bytes.putName(b, 72, Venti.A_NAME_SIZE, index);
    Bytes.put32(b, 136, blockSize);
    Bytes.put32(b, 140, (int) blockBase);
    Bytes.put32(b, 144, (int) blocks);
    Bytes.put32(b, 148, (int) start);
    Bytes.put32(b, 152, (int) stop);
    if (version == 2) {
      Bytes.put32(b, 156, bucketMagic);
    }
    return b;
  }

  public long tableBase() {
    return Venti.roundUp(Venti.PART_BLANK + Venti.HEAD_SIZE, blockSize);
  }

  public int tableSize() {
    return (int) (blockBase - tableBase());
  }

  /** Entries a bucket holds: floor((blocksize − 6) / 38). */
  public int bucketCapacity() {
    return Bucket.capacity(blockSize);
  }

  public ISectHeader withIndex(String indexName, long newStart, long newStop) {
    return new ISectHeader(
        version, name, indexName, blockSize, blockBase, blocks, newStart, newStop, bucketMagic);
  }
}
