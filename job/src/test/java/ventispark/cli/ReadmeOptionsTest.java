package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import ventispark.testing.Cli;

/**
 * The README's option tables are the options as declared: every block between {@code <!-- BEGIN
 * generated options: COMMAND -->} and {@code <!-- END generated options -->} must be what {@link
 * OptionDocs#markdown} makes of COMMAND's declarations. To rewrite the blocks after changing an
 * option: {@code mvn -o -q -pl job test -Dtest=ReadmeOptionsTest -Dventi.regenerateReadme=true}.
 */
class ReadmeOptionsTest {
  static final Path README = Path.of("..", "README.md");
  static final Pattern BLOCK =
      Pattern.compile(
          "(<!-- BEGIN generated options: ([a-z -]+?) -->\n)(.*?)(<!-- END generated options -->)",
          Pattern.DOTALL);

  static Map<String, CommandSpec> commands() {
    Map<String, CommandSpec> byPath = new LinkedHashMap<>();
    for (CommandSpec spec : Commands.all()) {
      byPath.put(UsageErrors.path(spec), spec);
    }
    return byPath;
  }

  @Test
  void readmeOptionTablesAreTheDeclaredOptions() throws IOException {
    String readme = Files.readString(README);
    Map<String, CommandSpec> commands = commands();
    Matcher m = BLOCK.matcher(readme);
    StringBuilder rewritten = new StringBuilder();
    List<String> differing = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    while (m.find()) {
      String command = m.group(2);
      CommandSpec spec = commands.get(command);
      assertTrue(
          spec != null,
          "README.md names no command '"
              + command
              + "' in a generated block; commands: "
              + commands.keySet());
      String generated = OptionDocs.markdown(spec);
      if (!generated.equals(m.group(3))) {
        differing.add(command);
      }
      seen.add(command);
      m.appendReplacement(rewritten, Matcher.quoteReplacement(m.group(1) + generated + m.group(4)));
    }
    m.appendTail(rewritten);
    assertTrue(
        seen.contains("buildindex"), "README.md has no generated block of buildindex's options");
    if (Boolean.getBoolean("venti.regenerateReadme")) {
      Files.writeString(README, rewritten.toString());
      return;
    }
    assertEquals(
        List.of(),
        differing,
        "README.md's option tables differ from the options declared in the code;"
            + " regenerate them with: mvn -o -q -pl job test -Dtest=ReadmeOptionsTest -Dventi.regenerateReadme=true");
  }

  /**
   * {@code venti-spark buildindex --help} lists exactly the options of the README's table, with
   * their defaults.
   */
  @Test
  void buildindexHelpAgreesWithTheReadme() throws IOException {
    Matcher m = BLOCK.matcher(Files.readString(README));
    String table = null;
    while (m.find()) {
      if (m.group(2).equals("buildindex")) {
        table = m.group(3);
      }
    }
    assertTrue(table != null, "README.md has no generated block of buildindex's options");
    Cli.Run help = Cli.run("buildindex", "--help");
    assertEquals(0, help.status(), help.err());
    List<String> helpLabels =
        help.out()
            .lines()
            .filter(l -> l.startsWith("    -"))
            .map(l -> l.strip().split("  ")[0])
            .toList();
    List<String> readmeLabels = new ArrayList<>();
    Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\| ([^|]*) \\|").matcher(table);
    while (row.find()) {
      readmeLabels.add(row.group(1));
      String dflt = row.group(2).strip();
      if (!dflt.equals("off") && !dflt.equals("none")) {
        assertTrue(
            help.out().replaceAll("\\s+", " ").contains("(default: " + dflt + ")"),
            dflt + "\n" + help.out());
      }
    }
    assertEquals(readmeLabels, helpLabels, help.out());
  }
}
