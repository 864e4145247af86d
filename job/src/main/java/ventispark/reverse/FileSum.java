package ventispark.reverse;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * The file checksum of a reverse index ({@code REVERSE-INDEX.md}): SHA-256 over the {@link
 * Fingerprint} of every {@link #BLOCK}-byte block of the bytes before it (the last block may be
 * shorter), in file order. Fixed blocks make it independent of how the bytes are read.
 */
public final class FileSum {
  public static final int BLOCK = 1 << 20;

  private final MessageDigest sha = IndexChecksum.sha256();
  private final Fingerprint print = new Fingerprint();
  private final byte[] fingerprint = new byte[Fingerprint.SIZE];
  private int inBlock;

  /** Adds the remaining bytes of {@code b}, consuming them. */
  public void update(ByteBuffer b) {
    while (b.hasRemaining()) {
      int n = Math.min(b.remaining(), BLOCK - inBlock);
      ByteBuffer part = b.slice(b.position(), n);
      print.update(part);
      b.position(b.position() + n);
      inBlock += n;
      if (inBlock == BLOCK) {
        endBlock();
      }
    }
  }

  public byte[] digest() {
    if (inBlock > 0) {
      endBlock();
    }
    return sha.digest();
  }

  private void endBlock() {
    print.finish(fingerprint, 0);
    sha.update(fingerprint);
    inBlock = 0;
  }
}
