package ventispark.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The command line's one model: every command, registered here once, and the top level's own
 * option. {@link #line()} makes a fresh parser (option objects hold one run's values) that prints
 * help git's way: {@code usage: venti-spark COMMAND ...}, the options as {@link OptionDocs} renders
 * them, {@code --opt VALUE} in labels (picocli also takes {@code --opt=VALUE}).
 */
@Command(
    name = "venti-spark",
    description =
        "Rebuilds, checks and formats the index of a Venti archive from its arena partitions, with Spark.",
    subcommands = {
      BuildIndexCommand.class,
      BuildIndexCommand.Plan.class,
      CheckIndexCommand.class,
      StageCommand.class,
      ReverseCommand.class,
      ExampleCommand.class,
      GenerateCommand.class,
      FormatCommand.class,
      SizeCommand.class
    },
    customSynopsis = "venti-spark [--report FILE] COMMAND ...",
    footer = {
      "%nrun venti-spark COMMAND --help for a command's usage and options.",
      "%nexit status: 0 done and flushed, 1 failed while working, 2 usage,",
      "             3 bad input or stage (nothing written), 4 bucket overflow (nothing written),",
      "             5 index locked by another run (nothing written), 6 checkindex found differences"
    })
final class Commands {
  /** Taken before the command is parsed ({@link VentiSpark#run}): declared here for the usage. */
  @Option(
      names = "--report",
      paramLabel = "FILE",
      description =
          "Before COMMAND: also write a JSON report of the run to FILE, whatever the outcome.")
  String report;

  /** Help text width: the project's line length. */
  static final int WIDTH = 100;

  static CommandLine line() {
    CommandLine cli = new CommandLine(new Commands());
    cli.setExpandAtFiles(false); // an operand such as @x is a file name, never a file of arguments
    cli.setOverwrittenOptionsAllowed(
        true); // the last of a repeated option counts, as getopt's users expect
    configure(cli);
    return cli;
  }

  /**
   * The top level and every command and subcommand get the same help layout and the help option.
   */
  private static void configure(CommandLine c) {
    CommandSpec spec = c.getCommandSpec();
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .hidden(true)
            .description("this command's usage and options")
            .build());
    spec.usageMessage()
        .width(WIDTH)
        .synopsisHeading("usage: ")
        .descriptionHeading("%n")
        .optionListHeading("%noptions:%n")
        .commandListHeading("%ncommands:%n")
        .sortOptions(false)
        .sortSynopsis(false);
    c.setColorScheme(Help.defaultColorScheme(Ansi.OFF));
    c.setHelpFactory(SpaceLabels::new);
    c.getHelpSectionMap().remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_PARAMETER_LIST);
    c.getHelpSectionMap()
        .put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, OptionDocs::optionList);
    for (CommandLine sub : c.getSubcommands().values()) {
      configure(sub);
    }
  }

  /**
   * Every command's spec, the top level's first, then each command before its subcommands: for the
   * README's tables.
   */
  static List<CommandSpec> all() {
    List<CommandSpec> specs = new ArrayList<>();
    collect(line(), specs);
    return specs;
  }

  private static void collect(CommandLine c, List<CommandSpec> specs) {
    specs.add(c.getCommandSpec());
    c.getSubcommands().values().forEach(s -> collect(s, specs));
  }

  /** picocli's help, with {@code -i SECTION} rather than {@code -i=SECTION} in the synopsis. */
  private static final class SpaceLabels extends Help {
    SpaceLabels(CommandSpec spec, Help.ColorScheme colors) {
      super(spec, colors);
    }

    @Override
    public IParamLabelRenderer parameterLabelRenderer() {
      IParamLabelRenderer picocli = super.parameterLabelRenderer();
      return new IParamLabelRenderer() {
        @Override
        public Ansi.Text renderParameterLabel(ArgSpec arg, Ansi ansi, List<Ansi.IStyle> styles) {
          Ansi.Text t = picocli.renderParameterLabel(arg, ansi, styles);
          String s = t.plainString();
          return s.startsWith(picocli.separator())
              ? ansi.text(" " + s.substring(picocli.separator().length()))
              : t;
        }

        @Override
        public String separator() {
          return " ";
        }
      };
    }
  }
}
