package ventispark.job;

import java.util.List;

/**
 * What a rebuild did, with the C tool's counters: {@code arenaEntries} (non-corrupt directory
 * entries of all indexed arenas), {@code indexed} (entries written into rebuilt sections) and
 * {@code skipped} (corrupt-type entries, "nskip").
 */
public record BuildSummary(long clumps, long buckets, long arenaEntries, long indexed, long skipped,
    List<SectionResult> sections, long bloomBits, long millis) {

  /** Per rebuilt section: buckets written, entries, the fullest bucket against the capacity. */
  public record SectionResult(String name, long buckets, long entries, long nonEmpty, int maxFill, int capacity) {}

  /** The C tool's last line: {@code done arenaentries=N indexed=N (nskip=N)}. */
  public String doneLine() {
    return String.format("done arenaentries=%,d indexed=%,d (nskip=%,d)", arenaEntries, indexed, skipped);
  }
}
