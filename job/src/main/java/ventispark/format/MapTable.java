package ventispark.format;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A name map: the arena map of an arena partition (FORMAT.md 3.2) and the smap and amap of the
 * index config text (FORMAT.md 6.1).
 *
 * <pre>
 * map   := COUNT "\n" entry{COUNT}
 * entry := NAME "\t" START "\t" STOP "\n"          -- decimal numbers
 * </pre>
 *
 * Read with {@link ConfigLines}' rules. The C reader accepts any leading digits of a number; we
 * insist on whole decimal numbers, which every Venti writer produces.
 */
public final class MapTable {
  private MapTable() {}

  /** One map entry: a name and a half-open range. */
  public record Entry(String name, long start, long stop) implements Serializable {}

  /** A cursor over the meaningful lines of a text, shared by consecutive maps in one text. */
  public static final class Cursor {
    private final String source;
    private final List<ConfigLines.Line> lines;
    private int next;

    public Cursor(String source, String text) {
      this.source = source;
      this.lines = ConfigLines.read(text);
    }

    public String source() {
      return source;
    }

    /** The next line's text; an error naming {@code what} when the text has ended. */
    public ConfigLines.Line line(String what) {
      if (next >= lines.size()) {
        throw new FormatException(source + ": text ends before " + what);
      }
      return lines.get(next++);
    }

    /** The next line as a decimal number. */
    public long number(String what) {
      ConfigLines.Line l = line(what);
      return parseNumber(l.text().trim(), l.number(), what);
    }

    long parseNumber(String s, int lineNo, String what) {
      try {
        if (!s.isEmpty() && Character.isDigit(s.charAt(0))) {
          return Long.parseLong(s);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw FormatException.atLine(
          source, lineNo, "bad " + what + " '" + s + "' (want a decimal number)");
    }
  }

  /** Reads one map at the cursor. */
  public static List<Entry> read(Cursor c, String what) {
    long count = c.number(what + " count");
    if (count > Venti.MAX_AMAP) {
      throw new FormatException(
          c.source() + ": " + what + " has " + count + " entries (at most " + Venti.MAX_AMAP + ")");
    }
    List<Entry> out = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      ConfigLines.Line l = c.line(what + " entry " + i);
      String[] f = l.text().split("\t", -1);
      if (f.length != 3) {
        throw FormatException.atLine(
            c.source(),
            l.number(),
            "bad " + what + " entry '" + l.text() + "' (want NAME<tab>START<tab>STOP)");
      }
      if (!Bytes.isValidName(f[0])) {
        throw FormatException.atLine(c.source(), l.number(), "bad name '" + f[0] + "' in " + what);
      }
      long start = c.parseNumber(f[1].trim(), l.number(), what + " start");
      long stop = c.parseNumber(f[2].trim(), l.number(), what + " stop");
      if (Long.compareUnsigned(stop, start) < 0) {
        throw FormatException.atLine(
            c.source(),
            l.number(),
            what + " entry " + f[0] + " stops at " + stop + ", before its start " + start);
      }
      out.add(new Entry(f[0], start, stop));
    }
    return out;
  }

  /** Formats a map as writers do. */
  public static void write(StringBuilder sb, List<Entry> entries) {
    sb.append(entries.size()).append('\n');
    for (Entry e : entries) {
      sb.append(e.name()).append('\t').append(e.start()).append('\t').append(e.stop()).append('\n');
    }
  }
}
