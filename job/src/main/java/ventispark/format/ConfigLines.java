package ventispark.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Venti's line reader, shared by venti.conf, arena maps and the index config (FORMAT.md 1.2):
 *
 * <pre>
 * text  := line*
 * line  := chars "\n"          -- a last line without "\n" is ignored, as the C reader does
 * chars := anything; from the first '#' on is a comment; leading space/tab/CR is skipped;
 *          a line that is then empty is skipped
 * </pre>
 */
public final class ConfigLines {
  private ConfigLines() {}

  /** One meaningful line and its 1-based line number in the text. */
  public record Line(int number, String text) {}

  public static List<Line> read(String text) {
    List<Line> lines = new ArrayList<>();
    int start = 0;
    int number = 0;
    while (true) {
      int nl = text.indexOf('\n', start);
      if (nl < 0) {
        break;
      }
      number++;
      String line = text.substring(start, nl);
      start = nl + 1;
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      int i = 0;
      while (i < line.length() && isBlank(line.charAt(i))) {
        i++;
      }
      line = line.substring(i);
      if (!line.isEmpty()) {
        lines.add(new Line(number, line));
      }
    }
    return lines;
  }

  /** Tokens split on runs of space, tab and CR; at most three, the third keeping the rest. */
  public static List<String> tokens(String line) {
    List<String> out = new ArrayList<>(3);
    int i = 0;
    int n = line.length();
    while (i < n && out.size() < 3) {
      while (i < n && isBlank(line.charAt(i))) {
        i++;
      }
      if (i == n) {
        break;
      }
      int j = i;
      if (out.size() == 2) {
        j = n;
        while (j > i && isBlank(line.charAt(j - 1))) {
          j--;
        }
      } else {
        while (j < n && !isBlank(line.charAt(j))) {
          j++;
        }
      }
      out.add(line.substring(i, j));
      i = j;
    }
    return out;
  }

  static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
  }
}
