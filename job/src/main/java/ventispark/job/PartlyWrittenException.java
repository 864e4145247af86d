package ventispark.job;

import java.util.List;

/**
 * A run failed after it had (or may have) written index bytes: the files named may hold a mix of
 * old and rebuilt bucket ranges. A rerun rewrites them whole. Always exit 1.
 */
public final class PartlyWrittenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> files;
  private final String staleBloom;

  public PartlyWrittenException(List<String> files, Throwable cause) {
    this(files, null, cause);
  }

  /**
   * @param staleBloom the bloom filter that failed after the sections were rewritten, or null: it
   *     no longer matches them
   */
  public PartlyWrittenException(List<String> files, String staleBloom, Throwable cause) {
    super(
        "may be partly rewritten: "
            + String.join(", ", files)
            + (staleBloom == null
                ? ""
                : "; the bloom filter "
                    + staleBloom
                    + " is stale: a Venti server consults it before the index, so it would report a block the"
                    + " filter lacks as missing although the block is there"),
        cause);
    this.files = List.copyOf(files);
    this.staleBloom = staleBloom;
  }

  /** The bloom filter left stale, or null. */
  public String staleBloom() {
    return staleBloom;
  }

  public List<String> files() {
    return files;
  }
}
