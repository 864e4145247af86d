package ventispark.read;

import java.io.Serializable;
import ventispark.format.ISectHeader;

/** A loaded index section: its location, size and header (bucket range, geometry, magic). */
public record IndexSection(PartitionRef ref, long size, ISectHeader header)
    implements Serializable {

  public String name() {
    return header.name();
  }

  public long buckets() {
    return header.stop() - header.start();
  }

  /** Partition offset of global bucket {@code b}. */
  public long offsetOf(long b) {
    return header.blockBase() + (b - header.start()) * header.blockSize();
  }
}
