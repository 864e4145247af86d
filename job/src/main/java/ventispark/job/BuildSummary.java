package ventispark.job;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import ventispark.plan.FillReport;

/**
 * What a rebuild did, with the C tool's counters: {@code arenaEntries} (non-corrupt directory
 * entries of all indexed arenas), {@code indexed} (entries written into rebuilt sections) and
 * {@code skipped} (corrupt-type entries, "nskip"); the shuffle bytes written, and the wall time of
 * each phase in the order run ({@code phaseMillis}).
 */
public record BuildSummary(
    long clumps,
    long buckets,
    long arenaEntries,
    long indexed,
    long skipped,
    FillReport fill,
    long bloomBits,
    long shuffleBytes,
    Map<String, Long> phaseMillis,
    long millis,
    java.nio.file.Path reverseIndex,
    long dropped) {

  /** Per rebuilt section: buckets written, entries, the fullest bucket against the capacity. */
  public List<FillReport.SectionFill> sections() {
    return fill.sections();
  }

  /** The C tool's last line: {@code done arenaentries=N indexed=N (nskip=N)}. */
  public String doneLine() {
    return String.format(
        Locale.ROOT,
        "done arenaentries=%,d indexed=%,d (nskip=%,d)",
        arenaEntries,
        indexed,
        skipped);
  }

  /**
   * {@code time 1.0 s (load 0.0, read 0.6, check 0.1, sort and write 0.3); shuffle 28,942,536
   * bytes}.
   */
  public String timeLine() {
    return timeLine(millis, phaseMillis, shuffleBytes);
  }

  public static String timeLine(long millis, Map<String, Long> phaseMillis, long shuffleBytes) {
    StringBuilder b =
        new StringBuilder(String.format(Locale.ROOT, "time %.1f s (", millis / 1000.0));
    String sep = "";
    for (Map.Entry<String, Long> e : phaseMillis.entrySet()) {
      b.append(sep)
          .append(String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / 1000.0));
      sep = ", ";
    }
    return b.append(String.format(Locale.ROOT, "); shuffle %,d bytes", shuffleBytes)).toString();
  }
}
