package ventispark.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import ventispark.testing.Markdown;

/**
 * Relative links between the repository's Markdown documents (README.md, job/docs, notebooks)
 * resolve: the file exists, and a {@code #anchor} is one of the headings of the file it names.
 */
class DocLinksTest {
  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

  @Test
  void everyRelativeLinkResolves() throws IOException {
    Path root = Markdown.root();
    List<String> broken = new ArrayList<>();
    int links = 0;
    for (Path doc : documents(root)) {
      List<String> lines = Markdown.prose(doc);
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = LINK.matcher(lines.get(i).replaceAll("`[^`]*`", "``"));
        while (m.find()) {
          String target = m.group(1);
          if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
            continue; // https:, mailto: ...
          }
          links++;
          int hash = target.indexOf('#');
          String file = hash < 0 ? target : target.substring(0, hash);
          Path to = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
          String where = root.relativize(doc) + ":" + (i + 1) + ": " + target;
          if (!Files.exists(to)) {
            broken.add(where + " (no such file)");
          } else if (hash >= 0 && !Markdown.anchors(to).contains(target.substring(hash + 1))) {
            broken.add(where + " (no such heading in " + root.relativize(to) + ")");
          }
        }
      }
    }
    assertEquals(List.of(), broken);
    assertTrue(links > 20, "only " + links + " relative links found");
  }

  @Test
  void anchorsAreGitHubs() {
    // Anchors the README used on GitHub before it was split.
    assertEquals(
        "differences-from-the-c-buildindex", Markdown.slug("Differences from the C `buildindex`"));
    assertEquals(
        "on-a-cluster-how-executors-reach-the-index-sections",
        Markdown.slug("On a cluster: how executors reach the index sections"));
    assertEquals("sql-functions-udf", Markdown.slug("SQL functions (`udf`)"));
  }

  private static List<Path> documents(Path root) throws IOException {
    List<Path> out =
        new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("notebooks/README.md")));
    try (Stream<Path> s = Files.list(root.resolve("job/docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
    }
    return out;
  }
}
