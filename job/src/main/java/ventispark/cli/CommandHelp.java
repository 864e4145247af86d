package ventispark.cli;

import java.util.List;
import java.util.Map;

/** {@code venti-spark COMMAND --help} (or {@code -h}): that command's usage and options, as git prints them. */
final class CommandHelp {
  private CommandHelp() {}

  static final String EXAMPLE_USAGE = "       venti-spark example [--build] [--force] DIR";
  static final String EXAMPLE_HELP = String.join("\n",
      "  example      write a small Venti archive (arenas, index sections, bloom, venti.conf) into DIR",
      "    --build           then rebuild its index (buildindex DIR/venti.conf)",
      "    --force           overwrite the example's files if DIR holds them (without it such a DIR is refused, exit 3)");

  /** Each command's usage lines (indented to follow {@code usage: }) and option lines. */
  private static final Map<String, List<String>> COMMANDS = Map.of(
      "buildindex", List.of(BuildIndexCommand.USAGE, BuildIndexCommand.HELP),
      "plan", List.of(BuildIndexCommand.USAGE, BuildIndexCommand.HELP),
      "checkindex", List.of(CheckIndexCommand.USAGE, CheckIndexCommand.HELP),
      "stage", List.of(StageCommand.USAGE, StageCommand.HELP),
      "reverse", List.of(ReverseCommand.USAGE, ReverseCommand.HELP),
      "example", List.of(EXAMPLE_USAGE, EXAMPLE_HELP),
      "generate", List.of(GenerateCommand.USAGE, GenerateCommand.HELP),
      "format", List.of(FormatCommand.USAGE, FormatCommand.HELP),
      "size", List.of(SizeCommand.USAGE, SizeCommand.HELP));

  /** Whether a command's arguments before {@code --} ask for help (wherever they do, as git reads them). */
  static boolean asked(List<String> args) {
    for (String a : args) {
      if (a.equals("--")) {
        return false;
      }
      if (a.equals("--help") || a.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /** The help of {@code command}, or null for an unknown command. */
  static String of(String command) {
    List<String> h = COMMANDS.get(command);
    return h == null ? null : "usage: " + h.get(0).stripLeading() + "\n\n" + h.get(1);
  }
}
