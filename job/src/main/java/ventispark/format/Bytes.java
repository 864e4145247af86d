package ventispark.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Big-endian field access and fixed-size NUL-padded names, as every Venti structure uses them; and
 * eight bytes as one word, for work on bulk bytes (counting bits, comparing, filling).
 */
public final class Bytes {
  private Bytes() {}

  private static final VarHandle LE64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The eight bytes at {@code b[off..]} as a little-endian word. */
  public static long le64(byte[] b, int off) {
    return (long) LE64.get(b, off);
  }

  /** Writes {@code v} as eight little-endian bytes at {@code b[off..]}. */
  public static void putLe64(byte[] b, int off, long v) {
    LE64.set(b, off, v);
  }

  /** The bits set in {@code b[from..to)}, eight bytes at a time. */
  public static long bitCount(byte[] b, int from, int to) {
    long ones = 0;
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      ones += Long.bitCount(le64(b, i));
    }
    for (; i < to; i++) {
      ones += Integer.bitCount(b[i] & 0xFF);
    }
    return ones;
  }

  public static int u8(byte[] b, int off) {
    return b[off] & 0xFF;
  }

  public static int u16(byte[] b, int off) {
    return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
  }

  public static int u32(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24)
        | ((b[off + 1] & 0xFF) << 16)
        | ((b[off + 2] & 0xFF) << 8)
        | (b[off + 3] & 0xFF);
  }

  public static long u32L(byte[] b, int off) {
    return u32(b, off) & 0xFFFFFFFFL;
  }

  public static long u64(byte[] b, int off) {
    return ((long) u32(b, off) << 32) | u32L(b, off + 4);
  }

  public static void put16(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 8);
    b[off + 1] = (byte) v;
  }

  public static void put32(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  public static void put64(byte[] b, int off, long v) {
    put32(b, off, (int) (v >>> 32));
    put32(b, off + 4, (int) v);
  }

  /**
   * Reads a NUL-padded name field of {@code size} bytes as C's {@code namecp} does: at most {@code
   * size - 1} bytes, so that a name read back is the name a writer would write.
   */
  public static String name(byte[] b, int off, int size) {
    int end = off;
    while (end < off + size - 1 && b[end] != 0) {
      end++;
    }
    // ISO-8859-1: one char per byte, so a name read back is written back byte for byte.
    return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
  }

  /** Writes a name as Venti writers do: at most {@code size - 1} bytes, NUL padded. */
  public static void putName(byte[] b, int off, int size, String name) {
    byte[] text = name.getBytes(StandardCharsets.ISO_8859_1);
    int n = Math.min(text.length, size - 1);
    System.arraycopy(text, 0, b, off, n);
    java.util.Arrays.fill(b, off + n, off + size, (byte) 0);
  }

  /** A Venti name is printable ASCII, at most 64 characters (C: {@code nameok}). */
  public static boolean isValidName(String name) {
    if (name.isEmpty() || name.length() > Venti.A_NAME_SIZE) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  public static String hex(byte[] b, int off, int len) {
    char[] out = new char[len * 2];
    for (int i = 0; i < len; i++) {
      out[2 * i] = HEX[(b[off + i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[b[off + i] & 0xF];
    }
    return new String(out);
  }
}
