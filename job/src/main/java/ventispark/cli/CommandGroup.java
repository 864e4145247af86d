package ventispark.cli;

/** A command that only names its subcommands ({@code format}, {@code stage}, {@code reverse}). */
interface CommandGroup {
  /** The usage error when no subcommand follows. */
  String missing();

  /** The usage error when {@code word} is not one of the subcommands. */
  String unknown(String word);
}
