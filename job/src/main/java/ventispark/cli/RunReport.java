package ventispark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ventispark.format.FormatException;
import ventispark.plan.FillReport;
import ventispark.write.WritePlan;

/**
 * The machine-readable report of a run ({@code venti-spark --report FILE COMMAND ...}), for
 * schedulers such as Airflow: the command, its exit status and message, the C counters, the time
 * of each phase, the shuffle bytes, and per section the buckets, entries and fullest bucket. It is
 * written (as JSON, with Jackson, which Spark carries) whatever the outcome, also when the
 * command fails.
 */
final class RunReport {
  private final Path file;
  private final Map<String, Object> root = new LinkedHashMap<>();

  /** The largest file taken for an earlier report that a new one may replace. */
  static final int MAX_REPORT_BYTES = 1 << 20;

  /**
   * A report to {@code file}, checked first: a run never fails at its end for want of a place to
   * report, and never replaces a file that is not an earlier report (an arena partition named by
   * mistake is refused here, whatever name reaches it).
   */
  RunReport(Path file, List<String> argv) {
    new WritePlan.Builder(null).newFile(file).build().probe();
    if (Files.exists(file) && !isReport(file)) {
      throw new FormatException(file + ": exists and is not a venti-spark report; name a new file or an earlier"
          + " report; nothing was written");
    }
    this.file = file;
    root.put("version", 1);
    root.put("command", argv.isEmpty() ? null : argv.get(0));
    root.put("arguments", argv);
    root.put("started", Instant.now().toString());
  }

  /** Adds or replaces a top-level field. */
  RunReport put(String key, Object value) {
    root.put(key, value);
    return this;
  }

  RunReport counters(long arenaEntries, long indexed, long skipped) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("arenaentries", arenaEntries);
    c.put("indexed", indexed);
    c.put("nskip", skipped);
    return put("counters", c);
  }

  RunReport timing(long millis, Map<String, Long> phaseMillis, long shuffleBytes) {
    put("millis", millis);
    put("phaseMillis", phaseMillis);
    return put("shuffleBytes", shuffleBytes);
  }

  RunReport fill(FillReport fill) {
    List<Map<String, Object>> sections = new ArrayList<>();
    for (FillReport.SectionFill s : fill.sections()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("buckets", s.buckets());
      m.put("entries", s.entries());
      m.put("nonEmptyBuckets", s.nonEmpty());
      m.put("meanFill", s.meanFill());
      m.put("maxFill", s.maxFill());
      m.put("maxFillBucket", s.maxFillBucket());
      m.put("capacity", s.capacity());
      m.put("overflowingBuckets", s.overflowCount());
      sections.add(m);
    }
    put("sections", sections);
    put("maxFill", fill.sections().stream().mapToInt(FillReport.SectionFill::maxFill).max().orElse(0));
    return put("growthNeeded", fill.growthNeeded());
  }

  /** Whether {@code f} holds a report written by this class: a small JSON object with its fields. */
  private static boolean isReport(Path f) {
    try {
      if (!Files.isRegularFile(f) || Files.size(f) > MAX_REPORT_BYTES) {
        return false;
      }
      JsonNode n = new ObjectMapper().readTree(Files.readAllBytes(f));
      return n != null && n.isObject() && n.has("version") && n.has("command") && n.has("exitCode");
    } catch (IOException e) {
      return false;
    }
  }

  /** The report file, for the run's write plan: it must not replace anything the run reads or writes. */
  List<Path> outputs() {
    return List.of(file);
  }

  /**
   * Writes the report with the exit status, into a new file beside it renamed over it (a reader sees
   * the old report or the new one, never part of one); returns why it could not, or null.
   */
  String write(int exitCode, String message) {
    root.put("exitCode", exitCode);
    root.put("status", exitCode == 0 ? "ok" : "failed");
    root.put("message", message);
    root.put("finished", Instant.now().toString());
    Path tmp = null;
    try {
      tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
      Files.write(tmp, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root));
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return null;
    } catch (IOException e) {
      try {
        if (tmp != null) {
          Files.deleteIfExists(tmp);
        }
      } catch (IOException ignored) {
        // the message below says what failed
      }
      return file + ": cannot write the report: " + e.getMessage();
    }
  }
}
