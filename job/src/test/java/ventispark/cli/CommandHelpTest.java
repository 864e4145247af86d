package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import ventispark.testing.Cli;

/**
 * {@code venti-spark COMMAND --help}: that command's usage and options on standard output, exit 0,
 * as git does.
 */
class CommandHelpTest {
  @Test
  void everyCommandPrintsItsOwnUsageAndOptions() {
    List<List<String>> cases =
        List.of(
            List.of("buildindex", "--help", "buildindex", "--progress SECONDS"),
            List.of("plan", "-h", "plan", "--split-clumps N"),
            List.of("checkindex", "--help", "checkindex", "-i SECTION"),
            List.of("reverse", "--help", "reverse", "lookup"),
            List.of("size", "--help", "size", "size"),
            List.of("generate", "--help", "generate", "--clumps"),
            List.of("format", "--help", "format", "format"),
            List.of("example", "--help", "example", "--build"));
    for (List<String> c : cases) {
      Cli.Run r = Cli.run(c.get(0), c.get(1));
      assertEquals(0, r.status(), c + ": " + r.err());
      assertEquals("", r.err(), c.toString());
      assertTrue(r.out().startsWith("usage: venti-spark "), c + ": " + r.out());
      assertTrue(
          r.out()
              .lines()
              .takeWhile(l -> !l.isEmpty())
              .anyMatch(l -> l.contains("venti-spark " + c.get(2))),
          c + ": " + r.out());
      assertTrue(r.out().contains(c.get(3)), c + ": " + r.out());
      // Only this command's help, not the whole usage.
      assertTrue(!r.out().contains("exit status:"), c + ": " + r.out());
    }
  }

  @Test
  void helpAfterOtherOptionsAndAfterASubcommand() {
    Cli.Run b = Cli.run("buildindex", "-b", "-i", "isect0", "--help");
    assertEquals(0, b.status(), b.err());
    assertTrue(b.out().startsWith("usage: venti-spark buildindex"), b.out());
    Cli.Run s = Cli.run("stage", "apply", "--help");
    assertEquals(0, s.status(), s.err());
    assertTrue(s.out().startsWith("usage: venti-spark stage"), s.out());
  }

  @Test
  void anOperandNamedLikeTheOptionIsNotHelp() {
    // After --, --help is an operand: buildindex tries to read it as the config and fails.
    Cli.Run r = Cli.run("buildindex", "--", "--help");
    assertTrue(r.status() != 0, r.out());
    assertTrue(!r.out().startsWith("usage:"), r.out());
  }

  /**
   * {@code --opt=value} is the same option as {@code --opt value}: the same output, the same
   * refusal.
   */
  @Test
  void attachedAndSeparateValuesAreTheSameOption() {
    Cli.Run separate =
        Cli.run("size", "--clumps", "65000", "--block-size", "512", "--max-overflow", "1e-3");
    Cli.Run attached = Cli.run("size", "--clumps=65000", "--block-size=512", "--max-overflow=1e-3");
    assertEquals(0, separate.status(), separate.err());
    assertTrue(separate.out().contains("entries: 65,000"), separate.out());
    assertEquals(separate, attached);
    Cli.Run refused = Cli.run("buildindex", "--partitions=0", "x.conf");
    assertEquals(Cli.run("buildindex", "--partitions", "0", "x.conf"), refused);
    assertEquals(2, refused.status());
  }

  /** Options that cannot go together are one usage error (2), whichever comes first. */
  @Test
  void exclusiveOptionsAreOneUsageError() {
    for (List<String> args :
        List.of(
            List.of("reverse", "lookup", "d", "x.conf"),
            List.of("reverse", "lookup", "--rank", "1", "--address=2", "d", "x.conf"))) {
      Cli.Run r = Cli.run(args.toArray(String[]::new));
      assertEquals(2, r.status(), args + ": " + r.err());
      assertTrue(
          r.err()
              .startsWith(
                  "venti-spark: reverse lookup: give exactly one of --address ADDR and --rank N"),
          r.err());
    }
    Cli.Run help = Cli.run("reverse", "lookup", "--help");
    assertTrue(
        help.out()
            .startsWith("usage: venti-spark reverse lookup (--address ADDR | --rank N) DIR CONF"),
        help.out());
  }
}
