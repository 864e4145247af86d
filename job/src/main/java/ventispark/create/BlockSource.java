package ventispark.create;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import ventispark.format.Bytes;
import ventispark.format.Whack;

/**
 * The blocks of a generated archive, each a pure function of the seed and its clump number, so
 * arenas can be written in any order by any number of threads and the archive is the same. A clump
 * is either new or (with probability {@code duplicates}) a copy of a block stored in an earlier
 * arena; a new block draws its size and type, and has either random (incompressible) or text-like
 * (whack-compressible) contents. Not thread-safe: one per writer thread.
 */
final class BlockSource {
  private static final byte[][] WORDS =
      words(
          "venti stores blocks by score and the index maps each score to an "
              + "address in the append only log of arenas which fill in order seal and never change plan nine fossil file "
              + "server archive snapshot tree of pointer blocks directory entries root data");

  private final GeneratorOptions options;
  private final ClumpNumbering numbering;
  private final MessageDigest sha1 = sha1();

  // The current block, reused for every clump.
  final byte[] data = new byte[64 * 1024];
  final byte[] packed = new byte[64 * 1024];
  final byte[] score = new byte[20];
  int size;
  int diskType;

  /**
   * Bytes stored in the log: {@link #packed} when smaller than {@link #size}, else {@link #data}.
   */
  int storedSize;

  BlockSource(GeneratorOptions options, ClumpNumbering numbering) {
    this.options = options;
    this.numbering = numbering;
  }

  /** Makes clump {@code clump}'s block current. */
  void load(long clump) {
    long content = contentOf(clump);
    SplittableRandom r = new SplittableRandom(mix(options.seed, content));
    size = (int) options.sizes.draw(r);
    diskType = (int) options.types.draw(r);
    boolean text = r.nextDouble() < options.compressed;
    if (text) {
      fillText(r, content);
    } else {
      fillRandom(r);
    }
    try {
      sha1.update(data, 0, size);
      sha1.digest(score, 0, 20);
    } catch (DigestException e) {
      throw new IllegalStateException(e);
    }
    // Random bytes never shrink under whack; only text is worth the compressor's time.
    int c = text ? Whack.compress(data, 0, size, packed, 0) : 0;
    storedSize = c > 0 && c < size ? c : size;
  }

  /** The uncompressed size of clump {@code clump}'s block, without making it. */
  int sizeOf(long clump) {
    return (int) options.sizes.draw(new SplittableRandom(mix(options.seed, contentOf(clump))));
  }

  byte[] stored() {
    return storedSize < size ? packed : data;
  }

  /**
   * The clump whose block this clump repeats, or itself. A repeat copies an original (never another
   * repeat) of an earlier arena, chosen by a bijection of the clump's place in its arena, so no
   * block is stored twice in one arena, as on a real server whose index was lost.
   */
  private long contentOf(long clump) {
    if (options.duplicates == 0) {
      return clump;
    }
    int arena = numbering.arenaOf(clump);
    long first = numbering.firstOfArena(arena);
    long j = clump - first;
    if (first == 0 || j >= first || !isRepeat(clump)) {
      return clump;
    }
    long target = Math.floorMod(multiplierFor(first) * j + mix(options.seed, arena), first);
    return isRepeat(target) && numbering.arenaOf(target) > 0 ? clump : target;
  }

  private boolean isRepeat(long clump) {
    return new SplittableRandom(mix(options.seed ^ 0x5DEECE66DL, clump)).nextDouble()
        < options.duplicates;
  }

  /** An odd multiplier coprime to {@code m}, so {@code j -> (a·j + b) mod m} is a bijection. */
  private static long multiplierFor(long m) {
    long a = 0x9E3779B1L % m | 1;
    while (gcd(a, m) != 1) {
      a += 2;
    }
    return a;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  private void fillRandom(SplittableRandom r) {
    int n = size & ~7;
    for (int i = 0; i < n; i += 8) {
      Bytes.putLe64(data, i, r.nextLong());
    }
    for (int i = n; i < size; i++) {
      data[i] = (byte) r.nextInt();
    }
  }

  /** Words, after the content's number: a block of 8 bytes or more is never repeated by chance. */
  private void fillText(SplittableRandom r, long content) {
    byte[] id =
        (Long.toHexString(content) + ":").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int p = Math.min(id.length, size);
    System.arraycopy(id, 0, data, 0, p);
    while (p < size) {
      byte[] w = WORDS[r.nextInt(WORDS.length)];
      int n = Math.min(w.length, size - p);
      System.arraycopy(w, 0, data, p, n);
      p += n;
    }
  }

  static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long mix(long seed, long n) {
    long z = seed * 0x9E3779B97F4A7C15L + n;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static byte[][] words(String text) {
    String[] w = text.split(" ");
    byte[][] out = new byte[w.length][];
    for (int i = 0; i < w.length; i++) {
      out[i] = (w[i] + " ").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    return out;
  }
}
