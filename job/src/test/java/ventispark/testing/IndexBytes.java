package ventispark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import ventispark.format.Bucket;
import ventispark.format.ISectHeader;
import ventispark.format.Venti;

/** Byte-level checks of index sections that the semantic compare does not make. */
public final class IndexBytes {
  private IndexBytes() {}

  /**
   * Checks every bucket of a section: the header carries the section's magic, the count fits the
   * capacity, and every byte after the last entry is zero. Returns a description of the first
   * violation, or null.
   */
  public static String firstDirtyBucket(Path section) {
    try (FileChannel ch = FileChannel.open(section, StandardOpenOption.READ)) {
      byte[] head = read(ch, Venti.PART_BLANK, Venti.HEAD_SIZE);
      ISectHeader h = ISectHeader.decode(section.toString(), head);
      int bs = h.blockSize();
      int cap = h.bucketCapacity();
      long n = h.stop() - h.start();
      int per = Math.max(1, (4 << 20) / bs);
      for (long b = 0; b < n; b += per) {
        int k = (int) Math.min(per, n - b);
        byte[] buf = read(ch, h.blockBase() + b * bs, k * bs);
        for (int i = 0; i < k; i++) {
          int off = i * bs;
          int count = ventispark.format.Bytes.u16(buf, off);
          if (ventispark.format.Bytes.u32(buf, off + 2) != h.bucketMagic()) {
            return "bucket " + (h.start() + b + i) + " lacks the bucket magic";
          }
          if (count > cap) {
            return "bucket " + (h.start() + b + i) + " count " + count + " > capacity " + cap;
          }
          for (int j = off + 6 + 38 * count; j < off + bs; j++) {
            if (buf[j] != 0) {
              return "bucket "
                  + (h.start() + b + i)
                  + " (n="
                  + count
                  + ") has a non-zero byte at block offset "
                  + (j - off);
            }
          }
          if (Bucket.count(buf, off, h.bucketMagic()) != count) {
            return "bucket " + (h.start() + b + i) + " reads differently through the magic rule";
          }
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String sha256(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      ByteBuffer bb = ByteBuffer.allocate(1 << 20);
      while (ch.read(bb) > 0) {
        bb.flip();
        md.update(bb);
        bb.clear();
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] read(FileChannel ch, long pos, int len) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(len);
    while (bb.hasRemaining()) {
      if (ch.read(bb, pos + bb.position()) < 0) {
        break;
      }
    }
    return bb.array();
  }
}
