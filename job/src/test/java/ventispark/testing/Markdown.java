package ventispark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's Markdown as the documentation tests read it: headings (outside code blocks) and
 * the anchors GitHub derives from them, so that links and citations are checked against what a
 * reader of the rendered page can reach.
 */
public final class Markdown {
  private Markdown() {}

  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");

  /** The repository's root: tests run in {@code job/}. */
  public static Path root() {
    return Path.of("").toAbsolutePath().getParent();
  }

  /** The file's lines, with those inside fenced or indented code blocks replaced by empty lines. */
  public static List<String> prose(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> out = new ArrayList<>(lines.size());
    boolean fenced = false;
    boolean indented = false;
    boolean blank = true;
    for (String l : lines) {
      if (l.stripLeading().startsWith("```")) {
        fenced = !fenced;
        out.add("");
        blank = false;
        continue;
      }
      if (fenced) {
        out.add("");
        continue;
      }
      if ((l.startsWith("    ") || l.startsWith("\t")) && (blank || indented)) {
        indented = true;
        out.add("");
        continue;
      }
      indented = indented && l.isBlank();
      blank = l.isBlank();
      out.add(l);
    }
    return out;
  }

  /** Heading texts of the file, in order, without their leading {@code #}s. */
  public static List<String> headings(Path file) {
    List<String> out = new ArrayList<>();
    for (String l : prose(file)) {
      Matcher m = HEADING.matcher(l);
      if (m.matches()) {
        out.add(m.group(2));
      }
    }
    return out;
  }

  /** The anchors GitHub gives the headings: {@code my-heading}, then {@code my-heading-1}... */
  public static Set<String> anchors(Path file) {
    Set<String> out = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String h : headings(file)) {
      String slug = slug(h);
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      out.add(n == 0 ? slug : slug + "-" + n);
    }
    return out;
  }

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
  public static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
    return text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }
}
