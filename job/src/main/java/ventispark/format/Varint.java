package ventispark.format;

/**
 * Unsigned varints, as the job's own shuffle records write counts and gaps (not a Venti format):
 * seven bits a byte, the least significant first, the high bit set on every byte but the last.
 */
public final class Varint {
  private Varint() {}

  /** Bytes that {@link #put} writes for {@code v}. */
  public static int size(int v) {
    int s = 1;
    while ((v & ~0x7F) != 0) {
      v >>>= 7;
      s++;
    }
    return s;
  }

  /** Writes {@code v} at {@code r[at..]}; returns the offset after it. */
  public static int put(byte[] r, int at, int v) {
    while ((v & ~0x7F) != 0) {
      r[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    r[at++] = (byte) v;
    return at;
  }

  /** Reads the varint at {@code r[at[i]..]}, moving {@code at[i]} past it. */
  public static int read(byte[] r, int[] at, int i) {
    int p = at[i];
    int v = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = r[p++];
      v |= (x & 0x7F) << shift;
      if (x >= 0) {
        at[i] = p;
        return v;
      }
    }
  }

  /** The offset after the varint at {@code r[at..]}. */
  public static int skip(byte[] r, int at) {
    while (r[at++] < 0) {}
    return at;
  }
}
