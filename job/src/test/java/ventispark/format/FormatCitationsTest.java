package ventispark.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import ventispark.testing.Markdown;

/**
 * Every citation of the format reference in the sources and documents ({@code FORMAT.md 7.3},
 * {@code FORMAT.md 1.3, 3, 4, 6.3}, {@code FORMAT.md, "Key constants"}) names a section that
 * job/docs/FORMAT.md has, so a clone holds everything the code refers to.
 */
class FormatCitationsTest {
  private static final Path FORMAT = Markdown.root().resolve("job/docs/FORMAT.md");
  private static final String NUMBER = "\\d+(?:\\.\\d+)?";

  /** {@code FORMAT.md 7.2, 6.2 and 8.3}, with an optional "section" after the name. */
  private static final Pattern BY_NUMBER =
      Pattern.compile("FORMAT\\.md(?: sections?)? (" + NUMBER + "(?:(?:, | and )" + NUMBER + ")*)");

  /** {@code FORMAT.md, "Key constants" and "Magic numbers"}. */
  private static final Pattern BY_NAME =
      Pattern.compile("FORMAT\\.md, (\"[^\"]+\"(?: and \"[^\"]+\")*)");

  /** A section number in parentheses without the document's name, e.g. {@code (7.3)}. */
  private static final Pattern BARE =
      Pattern.compile("\\((?!FORMAT)(\\d+\\.\\d+(?:, " + NUMBER + ")*)\\)");

  @Test
  void everyCitedSectionIsInFormatMd() throws IOException {
    Set<String> sections = new HashSet<>();
    Set<String> titles = new HashSet<>();
    for (String h : Markdown.headings(FORMAT)) {
      Matcher m = Pattern.compile("^(" + NUMBER + ")\\.? ").matcher(h);
      if (m.find()) {
        sections.add(m.group(1));
      }
      titles.add(h);
    }
    List<String> missing = new ArrayList<>();
    int citations = 0;
    for (Path f : sources()) {
      String text = joined(f);
      Matcher n = BY_NUMBER.matcher(text);
      while (n.find()) {
        for (String s : n.group(1).split(", | and ")) {
          citations++;
          if (!sections.contains(s)) {
            missing.add(Markdown.root().relativize(f) + ": FORMAT.md " + s);
          }
        }
      }
      Matcher t = BY_NAME.matcher(text);
      while (t.find()) {
        for (String s : t.group(1).split(" and ")) {
          citations++;
          if (!titles.contains(s.substring(1, s.length() - 1))) {
            missing.add(Markdown.root().relativize(f) + ": FORMAT.md, " + s);
          }
        }
      }
    }
    assertEquals(List.of(), missing, "cited sections missing from " + FORMAT);
    // The sources cite about a hundred sections; far fewer means the scan lost its way.
    assertTrue(citations > 50, "only " + citations + " citations found");
  }

  @Test
  void javaCommentsCiteByNameAndNoneCitesTheOldFile() throws IOException {
    List<String> bad = new ArrayList<>();
    for (Path f : sources()) {
      String text = joined(f);
      if (text.contains("VENTI-FORMAT.md")) {
        bad.add(Markdown.root().relativize(f) + ": VENTI-FORMAT.md is not in the repository");
      }
      if (f.toString().endsWith(".java")) {
        Matcher m = BARE.matcher(comments(f));
        while (m.find()) {
          bad.add(Markdown.root().relativize(f) + ": (" + m.group(1) + ") without FORMAT.md");
        }
      }
    }
    assertEquals(List.of(), bad);
  }

  @Test
  void numberedHeadingsAreUnique() {
    List<String> numbers = new ArrayList<>();
    for (String h : Markdown.headings(FORMAT)) {
      Matcher m = Pattern.compile("^(" + NUMBER + ")\\.? ").matcher(h);
      if (m.find()) {
        numbers.add(m.group(1));
      }
    }
    assertEquals(numbers.size(), new HashSet<>(numbers).size(), numbers.toString());
    // The numbers the code has cited since the reference moved into the repository.
    assertTrue(
        numbers.containsAll(List.of("0", "1.2", "2.2", "4.3", "5.4", "7.3", "8.2", "9.5", "11.2")));
  }

  /** Java sources of both modules, the documents, the scripts and the example configuration. */
  private static List<Path> sources() throws IOException {
    Path root = Markdown.root();
    List<Path> out = new ArrayList<>();
    for (String dir : List.of("job/src", "udf/src", "job/docs", "job/bin", "conf", "notebooks")) {
      try (Stream<Path> s = Files.walk(root.resolve(dir))) {
        s.filter(Files::isRegularFile)
            .filter(p -> !p.equals(FORMAT) && !p.endsWith("FormatCitationsTest.java"))
            .filter(
                p ->
                    p.toString().matches(".*\\.(java|md|py|ipynb|conf|example|properties)$")
                        || p.getParent().endsWith("bin"))
            .forEach(out::add);
      }
    }
    out.add(root.resolve("README.md"));
    return out;
  }

  /** The file with line breaks and comment prefixes folded into spaces, so a citation may wrap. */
  private static String joined(Path f) {
    try {
      return Files.readString(f).replaceAll("\\s*\\n\\s*(?:\\*|//|#)?\\s*", " ");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text of a Java file's comments, joined. */
  private static String comments(Path f) throws IOException {
    StringBuilder b = new StringBuilder();
    Matcher m = Pattern.compile("/\\*(?s:.*?)\\*/|//[^\\n]*").matcher(Files.readString(f));
    while (m.find()) {
      b.append(m.group().replaceAll("\\s*\\n\\s*\\*?\\s*", " ")).append('\n');
    }
    return b.toString();
  }
}
