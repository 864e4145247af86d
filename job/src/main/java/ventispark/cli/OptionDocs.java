package ventispark.cli;

import java.lang.reflect.AnnotatedElement;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What the help and the README say about each option, from its one declaration: the label ({@code
 * -i SECTION}), the default ({@link DefaultText}) and the meaning (its description).
 */
final class OptionDocs {
  private OptionDocs() {}

  /** Where the help's option meanings start: four spaces, the label, at least one space. */
  private static final int LABEL_WIDTH = 26;

  private static final String INDENT = "    ";

  /**
   * The options a user sees (not the help option every command has), in their {@code order}:
   * reflection lists an option's setter methods in no defined order.
   */
  static List<OptionSpec> shown(CommandSpec spec) {
    return spec.options().stream()
        .filter(o -> !o.hidden() && !o.usageHelp())
        .sorted(Comparator.comparingInt(OptionSpec::order))
        .toList();
  }

  /** {@code -i SECTION}, {@code --drop-duplicates}. */
  static String label(OptionSpec o) {
    String names = String.join(", ", o.names());
    return o.arity().max() > 0 ? names + " " + o.paramLabel() : names;
  }

  static String defaultText(OptionSpec o) {
    if (o.userObject() instanceof AnnotatedElement e && e.isAnnotationPresent(DefaultText.class)) {
      return e.getAnnotation(DefaultText.class).value();
    }
    return o.arity().max() == 0 ? "off" : "none";
  }

  static String meaning(OptionSpec o) {
    return String.join(" ", o.description());
  }

  /**
   * The help's option list: label, then meaning and (for a valued option that has one) the default.
   */
  static String optionList(Help help) {
    int width = help.commandSpec().usageMessage().width();
    StringBuilder b = new StringBuilder();
    for (OptionSpec o : shown(help.commandSpec())) {
      String d = defaultText(o);
      boolean shownDefault = o.arity().max() > 0 && !d.equals("none");
      String label = INDENT + label(o);
      b.append(label);
      int column = label.length();
      if (column >= LABEL_WIDTH) {
        b.append('\n');
        column = 0;
      }
      // words never broken, lines broken only at spaces: a URI or a path stays whole
      for (String word : (meaning(o) + (shownDefault ? " (default: " + d + ")" : "")).split(" ")) {
        if (column > LABEL_WIDTH && column + 1 + word.length() > width) {
          b.append('\n');
          column = 0;
        }
        if (column < LABEL_WIDTH) {
          b.append(" ".repeat(LABEL_WIDTH - column));
          column = LABEL_WIDTH;
        } else {
          b.append(' ');
          column++;
        }
        b.append(word);
        column += word.length();
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** The README's table of a command's options: {@code | option | default | meaning |}. */
  static String markdown(CommandSpec spec) {
    StringBuilder b = new StringBuilder("| option | default | meaning |\n| --- | --- | --- |\n");
    for (OptionSpec o : shown(spec)) {
      b.append("| `")
          .append(cell(label(o)))
          .append("` | ")
          .append(cell(defaultText(o)))
          .append(" | ")
          .append(cell(meaning(o)))
          .append(" |\n");
    }
    return b.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ").strip();
  }
}
