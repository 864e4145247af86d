package ventispark.write;

import org.apache.spark.util.LongAccumulator;
import ventispark.read.IndexSection;
import ventispark.sort.BucketImage;

/**
 * Writes a sealed {@link BucketImage} over its bucket range of a section, whole blocks in large
 * sequential positional writes, and forces them to the device. The range's old bytes are all
 * overwritten, so nothing of an earlier index survives in it.
 */
public final class BucketRangeWriter {
  /**
   * Bytes per positional write: large enough to stream, small enough for the JDK's direct buffers.
   */
  static final int WRITE_BYTES = 4 << 20;

  private BucketRangeWriter() {}

  /** Writes {@code image} into {@code file}, the planned file of {@code section}. */
  public static void write(
      IndexSection section, PlannedFile file, BucketImage image, LongAccumulator firstWrites) {
    byte[] b = image.bytes();
    long at = section.offsetOf(image.start());
    try (SectionWriter out = new SectionWriter(file, firstWrites)) {
      for (int off = 0; off < b.length; off += WRITE_BYTES) {
        out.write(at + off, b, off, Math.min(WRITE_BYTES, b.length - off));
      }
      out.flush();
    }
  }
}
