package ventispark.cli;

import java.util.List;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.MutuallyExclusiveArgsException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * picocli's parse errors in venti-spark's words: one line that names the command and what to change
 * ({@code format isect: unknown option --blocksize}, {@code missing CONF}). A value an option's
 * setter refused is already a {@link UsageException}.
 */
final class UsageErrors {
  private UsageErrors() {}

  static UsageException of(ParameterException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UsageException u) {
        return u;
      }
    }
    CommandSpec spec = e.getCommandLine().getCommandSpec();
    String path = path(spec);
    Object command = spec.userObject();
    ArgGroupSpec oneOf =
        spec.argGroups().stream().filter(ArgGroupSpec::exclusive).findFirst().orElse(null);
    if (oneOf != null
        && (e instanceof MutuallyExclusiveArgsException
            || e instanceof MissingParameterException m
                && m.getMissing().stream().anyMatch(a -> a.group() == oneOf))) {
      return new UsageException(
          path
              + ": give exactly one of "
              + String.join(" and ", oneOf.options().stream().map(OptionDocs::label).toList()));
    }
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().get(0);
      if (command instanceof Commands) {
        return new UsageException("unknown command '" + first + "'");
      }
      if (first.startsWith("-") && !first.equals("-")) {
        return new UsageException(path + ": unknown option " + first);
      }
      if (command instanceof CommandGroup g) {
        return new UsageException(g.unknown(first));
      }
      List<PositionalParamSpec> operands = spec.positionalParameters();
      String after = operands.isEmpty() ? path : operands.get(operands.size() - 1).paramLabel();
      return new UsageException("unexpected arguments after " + after + ": " + u.getUnmatched());
    }
    if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()) {
      List<ArgSpec> missing = m.getMissing();
      if (missing.get(0) instanceof OptionSpec o) {
        return new UsageException(o.longestName() + " needs a value");
      }
      // operands fill in order: from the first missing one, all after it are missing too
      List<PositionalParamSpec> operands = spec.positionalParameters();
      int first = Math.max(0, operands.indexOf(missing.get(0)));
      List<String> labels =
          operands.subList(first, operands.size()).stream()
              .filter(p -> p.arity().min() > 0)
              .map(ArgSpec::paramLabel)
              .toList();
      return new UsageException(
          labels.size() == 1
              ? "missing " + labels.get(0)
              : path + ": missing " + String.join(" and ", labels));
    }
    return new UsageException(path + ": " + e.getMessage());
  }

  /** The command as typed after {@code venti-spark}: {@code format isect}. */
  static String path(CommandSpec spec) {
    String q = spec.qualifiedName(" ");
    String root = spec.root().name();
    return q.equals(root) ? root : q.substring(root.length() + 1);
  }
}
