package ventispark.job;

import java.util.List;

/**
 * A run failed after it had (or may have) written index bytes: the files named may hold a mix of
 * old and rebuilt bucket ranges. A rerun rewrites them whole. Always exit 1.
 */
public final class PartlyWrittenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> files;

  public PartlyWrittenException(List<String> files, Throwable cause) {
    super("may be partly rewritten: " + String.join(", ", files), cause);
    this.files = List.copyOf(files);
  }

  public List<String> files() {
    return files;
  }
}
