package ventispark.write;

import java.io.Closeable;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.util.LongAccumulator;
import ventispark.read.IndexSection;
import ventispark.sort.BucketImage;

/**
 * A write task's section files, each opened once: every range is written into its file as soon as
 * it is built, and each file is forced once, after the task's last range ({@link #forcedAtEnd}).
 * The kernel writes the earlier ranges back while the task builds the next ones, instead of the
 * task waiting for the device after every range; the task still reports its entries only after all
 * of its bytes are on the device.
 */
public final class SectionFiles implements Closeable {
  private final LongAccumulator firstWrites;
  private final Map<PlannedFile, SectionWriter> open = new IdentityHashMap<>();

  /**
   * Files written by one task; {@code firstWrites} (a {@link WriteLedger}'s) gets 1 before the
   * first write into each.
   */
  public SectionFiles(LongAccumulator firstWrites) {
    this.firstWrites = firstWrites;
  }

  /**
   * Writes sealed {@code image} over its bucket range of {@code section}, whose planned file is
   * {@code file}: whole blocks in large sequential positional writes, so nothing of an earlier
   * index survives in the range. Not yet forced.
   */
  public void write(IndexSection section, PlannedFile file, BucketImage image) {
    SectionWriter out = open.computeIfAbsent(file, f -> new SectionWriter(f, firstWrites));
    byte[] b = image.bytes();
    out.write(section.offsetOf(image.start()), b, 0, b.length);
  }

  /** Forces every file written to the device, and closes them. */
  public void force() {
    try {
      open.values().forEach(SectionWriter::flush);
    } finally {
      close();
    }
  }

  /**
   * {@code results}, which write through these files; once the last is taken, and before {@code
   * hasNext()} says there are no more, every file is forced.
   */
  public <T> Iterator<T> forcedAtEnd(Iterator<T> results) {
    return new Iterator<>() {
      private boolean forced;

      @Override
      public boolean hasNext() {
        if (results.hasNext()) {
          return true;
        }
        if (!forced) {
          forced = true;
          force();
        }
        return false;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return results.next();
      }
    };
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (SectionWriter w : open.values()) {
      try {
        w.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }
}
