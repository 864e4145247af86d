package ventispark.format;

/**
 * Arena header block (FORMAT.md 4.2), at the arena's first byte:
 *
 * <pre>
 * magic[4] = 0xD15C4EAD | version[4] (4|5) | name[64] | blocksize[4] | size[8] (total, head to
 * trailer) | clumpmagic[4] (v5 only)
 * </pre>
 *
 * Readers only cross-check it: the trailer is authoritative.
 */
public record ArenaHead(int version, String name, int blockSize, long size, int clumpMagic) {

  public static ArenaHead decode(byte[] b, int off) {
    int version = Bytes.u32(b, off + 4);
    int magic = version == 4 ? Venti.OLD_CLUMP_MAGIC : Bytes.u32(b, off + 84);
    return new ArenaHead(
        version,
        Bytes.name(b, off + 8, Venti.A_NAME_SIZE),
        Bytes.u32(b, off + 72),
        Bytes.u64(b, off + 76),
        magic);
  }

  public static boolean hasMagic(byte[] b, int off) {
    return Bytes.u32(b, off) == Venti.ARENA_HEAD_MAGIC;
  }

  public byte[] encode(int blockSize) {
    byte[] b = new byte[blockSize];
    Bytes.put32(b, 0, Venti.ARENA_HEAD_MAGIC);
    Bytes.put32(b, 4, version);
    Bytes.putName(b, 8, Venti.A_NAME_SIZE, name);
    Bytes.put32(b, 72, this.blockSize);
    Bytes.put64(b, 76, size);
    if (version == 5) {
      Bytes.put32(b, 84, clumpMagic);
    }
    return b;
  }
}
