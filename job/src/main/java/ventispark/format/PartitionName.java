package ventispark.format;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A partition string as Venti parses it (FORMAT.md 2.2): {@code FILE[:LO[-[HI]]]}, where LO and HI
 * are absolute byte offsets with optional k/m/g/t suffixes and C base detection, and the range is
 * taken from the last colon. Extension: a colon inside a URI scheme or authority ({@code
 * hdfs://nn:8020/a.img}) is part of the file name, so arenas may live on any Hadoop filesystem.
 * Plan 9 sub-partition names ({@code file:name}) are not supported.
 *
 * @param display the full original string, used in every message
 * @param file the file part (path or URI)
 * @param lo first byte of the partition in the file
 * @param hi one past the last byte, or -1 for "to the end of the file"
 */
public record PartitionName(String display, String file, long lo, long hi)
    implements java.io.Serializable {

  private static final Pattern RANGE =
      Pattern.compile(
          "(?:(0[xX][0-9a-fA-F]+|[0-9]+)([kKmMgGtT]?))?(?:-(?:(0[xX][0-9a-fA-F]+|[0-9]+)([kKmMgGtT]?))?)?");
  private static final Pattern URI_PREFIX = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:/.*");

  public static PartitionName parse(String name) {
    int colon = name.lastIndexOf(':');
    if (colon < 0) {
      return new PartitionName(name, name, 0, -1);
    }
    String file = name.substring(0, colon);
    String range = name.substring(colon + 1);
    Matcher m = RANGE.matcher(range);
    boolean isRange =
        !range.isEmpty() && m.matches() && (m.group(1) != null || range.startsWith("-"));
    if (!isRange) {
      if (URI_PREFIX.matcher(name).matches()) {
        return new PartitionName(name, name, 0, -1);
      }
      if (!range.isEmpty() && Character.isLetter(range.charAt(0))) {
        throw new FormatException(
            "partition "
                + FormatException.quote(name)
                + ": Plan 9 sub-partition names are not supported; use FILE:LO-HI byte ranges");
      }
      throw new FormatException(
          "cannot parse partition name "
              + FormatException.quote(name)
              + " (want FILE or FILE:LO-HI)");
    }
    long lo = m.group(1) == null ? 0 : number(m.group(1), m.group(2), name);
    long hi = m.group(3) == null ? -1 : number(m.group(3), m.group(4), name);
    if (hi >= 0 && hi < lo) {
      throw new FormatException(
          "partition "
              + FormatException.quote(name)
              + ": range end "
              + hi
              + " is before its start "
              + lo);
    }
    return new PartitionName(name, file, lo, hi);
  }

  private static long number(String digits, String suffix, String name) {
    long v;
    try {
      v = SizeParser.parseCNumber(digits, digits);
    } catch (NumberFormatException e) {
      throw new FormatException(
          "cannot parse partition name "
              + FormatException.quote(name)
              + ": "
              + e.getMessage().replace('\n', ' '));
    }
    int shift =
        switch (suffix) {
          case "k", "K" -> 10;
          case "m", "M" -> 20;
          case "g", "G" -> 30;
          case "t", "T" -> 40;
          default -> 0;
        };
    return v << shift;
  }

  /** The partition's byte count given the file's length; checks the range against the file. */
  public long size(long fileLength) {
    long end = hi < 0 ? fileLength : hi;
    if (end > fileLength || lo > fileLength) {
      throw new FormatException(
          "partition "
              + FormatException.quote(display)
              + ": range ["
              + lo
              + ", "
              + end
              + ") is beyond the end of "
              + file
              + " ("
              + fileLength
              + " bytes)");
    }
    return end - lo;
  }
}
