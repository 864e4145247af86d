package ventispark.cli;

import java.io.PrintStream;

/**
 * A command whose options picocli has set ({@link Commands}): what runs after parsing. Returns the
 * exit status; a failure is thrown and reported by {@link VentiSpark} in one line.
 */
interface CliCommand {
  int run(PrintStream out, PrintStream err, RunReport report) throws Exception;
}
