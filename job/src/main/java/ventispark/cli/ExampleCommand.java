package ventispark.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ventispark.create.ArchiveGenerator;
import ventispark.create.ExampleArchive;

/** {@code venti-spark example [--build] [--force] DIR}: the README's first archive. */
@Command(
    name = "example",
    description =
        "Write a small Venti archive (arenas, index sections, bloom filter,"
            + " venti.conf) into DIR.")
final class ExampleCommand implements CliCommand {
  @Option(names = "--build", description = "Then rebuild its index (buildindex DIR/venti.conf).")
  boolean build;

  @Option(
      names = "--force",
      description =
          "Overwrite the example's files if DIR holds them; without it such a DIR is"
              + " refused (exit 3).")
  boolean force;

  @Parameters(paramLabel = "DIR")
  String dir;

  @Override
  public int run(PrintStream out, PrintStream err, RunReport report) {
    ArchiveGenerator.Result r = ExampleArchive.write(Path.of(dir), force);
    out.println(GenerateCommand.describe(r) + ", bloom filter");
    if (!build) {
      out.println("rebuild its index with: venti-spark buildindex " + r.config());
      return ExitCode.OK.code;
    }
    BuildIndexCommand buildIndex = new BuildIndexCommand();
    buildIndex.conf = r.config().toString();
    return buildIndex.run(out, err, null);
  }
}
