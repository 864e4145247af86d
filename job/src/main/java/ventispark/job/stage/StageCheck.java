package ventispark.job.stage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import java.util.regex.Pattern;
import ventispark.format.FormatException;
import ventispark.format.ISectHeader;
import ventispark.read.IndexLayout;
import ventispark.read.IndexSection;
import ventispark.read.PartitionRef;
import ventispark.write.StageDir;
import ventispark.write.StageManifest;
import ventispark.write.StagedRange;

/**
 * Everything {@code stage apply} checks before it writes a byte, so that a bad, partial or foreign
 * stage leaves the index untouched (exit 3, one line naming the problem): the manifest is for this
 * index (its name and index config text, so the same section and arena maps); each staged section
 * is at the same position with the same header, and the bloom filter has the same header; the
 * ranges of each tile its buckets (or bytes) exactly once, each at the offset and of the length its
 * range gives; and every range file has that length and SHA-256.
 */
final class StageCheck {
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  private StageCheck() {}

  /** One partition to write: a section or the bloom filter, and its ranges in order. */
  record Target(PartitionRef ref, String what, List<StagedRange> ranges) {}

  /** Checks the manifest against the index; returns what to write. Reads no range file. */
  static List<Target> layout(StageManifest m, IndexLayout index, StageDir dir) {
    String where = dir.display() + "/" + StageDir.MANIFEST;
    if (!m.index().equals(index.indexName())) {
      throw new FormatException(
          where
              + ": a stage of index '"
              + m.index()
              + "', but "
              + index.config()
              + " is index '"
              + index.indexName()
              + "' (wrong index)");
    }
    if (!m.indexConfigSha256().equals(StageManifest.sha256(index.indexConfig()))) {
      throw new FormatException(
          where
              + ": built for another index config than "
              + index.sections().get(0).ref().display()
              + " holds (its sections or arena map changed since): stage again");
    }
    List<Target> out = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (StageManifest.Section s : m.sections()) {
      int i = s.position();
      if (i < 0 || i >= index.sections().size() || !seen.add(i)) {
        throw new FormatException(
            where
                + ": section position "
                + i
                + " is repeated or not one of the "
                + index.sections().size()
                + " sections of "
                + index.config());
      }
      IndexSection is = index.sections().get(i);
      ISectHeader h = is.header();
      if (!h.equals(s.header())) {
        throw new FormatException(
            where
                + ": section "
                + s.header().name()
                + " was staged for header "
                + s.header()
                + ", but "
                + is.ref().display()
                + " has "
                + h
                + " (different geometry)");
      }
      out.add(
          new Target(
              is.ref(),
              is.ref().display(),
              tile(
                  where,
                  is.ref().display(),
                  s.ranges(),
                  h.start(),
                  h.stop(),
                  "bucket",
                  is::offsetOf,
                  h.blockSize())));
    }
    if (m.bloom() != null) {
      if (index.bloom() == null) {
        throw new FormatException(
            where + ": the stage holds a bloom filter, " + index.config() + " names none");
      }
      if (!index.bloomHeader().equals(m.bloom().header())) {
        throw new FormatException(
            where
                + ": the bloom filter was staged for header "
                + m.bloom().header()
                + ", but "
                + index.bloom().display()
                + " has "
                + index.bloomHeader()
                + " (different geometry)");
      }
      out.add(
          new Target(
              index.bloom(),
              index.bloom().display(),
              tile(
                  where,
                  index.bloom().display(),
                  m.bloom().ranges(),
                  0,
                  index.bloomHeader().size() & 0xFFFFFFFFL,
                  "byte",
                  b -> b,
                  1)));
    }
    if (out.isEmpty()) {
      throw new FormatException(where + ": stages nothing");
    }
    return out;
  }

  /**
   * The ranges sorted; they must cover units {@code [lo, hi)} exactly once, each at {@code
   * offsetOf(start)} and {@code unitBytes} bytes per unit.
   */
  private static List<StagedRange> tile(
      String where,
      String what,
      List<StagedRange> ranges,
      long lo,
      long hi,
      String unit,
      LongUnaryOperator offsetOf,
      long unitBytes) {
    List<StagedRange> sorted =
        ranges.stream().sorted(Comparator.comparingLong(StagedRange::start)).toList();
    long at = lo;
    for (StagedRange r : sorted) {
      String range = what + " range " + r.file() + " [" + r.start() + ", " + r.stop() + ")";
      if (!PLAIN_NAME.matcher(r.file()).matches()) {
        throw new FormatException(
            where + ": range file " + FormatException.quote(r.file()) + " is not a plain name");
      }
      if (r.start() > at) {
        throw missing(where, what, unit, at, r.start());
      }
      if (r.start() < at || r.stop() <= r.start() || r.stop() > hi) {
        throw new FormatException(
            where
                + ": "
                + range
                + " overlaps another range, is empty, or ends beyond "
                + unit
                + " "
                + hi);
      }
      if (r.offset() != offsetOf.applyAsLong(r.start())
          || r.length() != (r.stop() - r.start()) * unitBytes) {
        throw new FormatException(
            where
                + ": "
                + range
                + ": offset "
                + r.offset()
                + " or length "
                + r.length()
                + " does not match its "
                + unit
                + "s");
      }
      at = r.stop();
    }
    if (at != hi) {
      throw missing(where, what, unit, at, hi);
    }
    return sorted;
  }

  /** Reads every range file whole: each must have its manifest length and SHA-256. */
  static void contents(List<Target> targets, StageDir dir) {
    for (Target t : targets) {
      for (StagedRange r : t.ranges()) {
        long length = dir.length(r.file());
        if (length != r.length()) {
          throw new FormatException(
              dir.display()
                  + "/"
                  + r.file()
                  + ": "
                  + length
                  + " bytes, the manifest says "
                  + r.length()
                  + " (truncated or replaced range file)");
        }
        String sha = dir.readThrough(r.file(), r.length(), (at, b, n) -> {});
        if (!sha.equals(r.sha256())) {
          throw new FormatException(
              dir.display()
                  + "/"
                  + r.file()
                  + ": SHA-256 "
                  + sha
                  + " differs from the "
                  + "manifest's "
                  + r.sha256()
                  + " (damaged range file)");
        }
      }
    }
  }

  private static FormatException missing(
      String where, String what, String unit, long from, long to) {
    return new FormatException(
        where
            + ": "
            + what
            + ": "
            + unit
            + "s ["
            + from
            + ", "
            + to
            + ") are in no range (a missing range)");
  }
}
