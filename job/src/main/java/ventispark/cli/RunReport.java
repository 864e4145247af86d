package ventispark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import ventispark.format.FormatException;
import ventispark.plan.FillReport;
import ventispark.write.WritePlan;

/**
 * The machine-readable report of a run ({@code venti-spark --report FILE COMMAND ...}), for
 * schedulers such as Airflow: the command, its exit status and message, the C counters, the time of
 * each phase, the shuffle bytes, and per section the buckets, entries and fullest bucket. It is
 * written (as JSON, with Jackson, which Spark carries) whatever the outcome, also when the command
 * fails. FILE is a local path or any Hadoop URI ({@code hdfs://...}): in YARN cluster mode the
 * driver runs in a container on some node, and the report on a shared file system is what carries
 * the exact exit status to the scheduler.
 */
final class RunReport {
  /** The local file, or null when the report goes to a Hadoop file system ({@link #remote}). */
  private final Path file;

  private final org.apache.hadoop.fs.Path remote;
  private final Map<String, Object> root = new LinkedHashMap<>();

  /** The largest file taken for an earlier report that a new one may replace. */
  static final int MAX_REPORT_BYTES = 1 << 20;

  /**
   * A report to {@code file}, checked first: a run never fails at its end for want of a place to
   * report, and never replaces a file that is not an earlier report (an arena partition named by
   * mistake is refused here, whatever name reaches it).
   */
  RunReport(String location, List<String> argv) {
    this.remote = remote(location);
    this.file = remote == null ? local(location) : null;
    if (file != null) {
      new WritePlan.Builder(null).newFile(file).build().probe();
    } else {
      probe(remote);
    }
    if (exists(location) && read(location) == null) {
      throw new FormatException(
          location
              + ": exists and is not a venti-spark report; name a new file or an"
              + " earlier report; nothing was written");
    }
    root.put("version", 1);
    root.put("command", argv.isEmpty() ? null : argv.get(0));
    root.put("arguments", argv);
    root.put("started", Instant.now().toString());
    // The YARN container the driver ran in (set by the NodeManager): which application and attempt
    // wrote the report, for a later attempt of the same application (ClusterOutcome).
    String container = System.getenv("CONTAINER_ID");
    if (container != null) {
      root.put("container", container);
    }
  }

  /** A Hadoop path for a URI other than {@code file:}, or null for a local file. */
  private static org.apache.hadoop.fs.Path remote(String location) {
    if (!location.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*") || location.startsWith("file:")) {
      return null;
    }
    return new org.apache.hadoop.fs.Path(URI.create(location));
  }

  private static Path local(String location) {
    return location.startsWith("file:")
        ? Path.of(URI.create(location))
        : Path.of(location).toAbsolutePath().normalize();
  }

  /**
   * The Hadoop configuration of the driver before its Spark context exists: the cluster's files on
   * the class path plus the {@code spark.hadoop.*} settings spark-submit passed.
   */
  private static Configuration hadoop() {
    return SparkHadoopUtil.get().newConfiguration(new SparkConf());
  }

  /** Creates the folder of a remote report and checks that a file can be made in it. */
  private static void probe(org.apache.hadoop.fs.Path f) {
    try {
      FileSystem fs = f.getFileSystem(hadoop());
      fs.mkdirs(f.getParent());
      org.apache.hadoop.fs.Path p =
          new org.apache.hadoop.fs.Path(f.getParent(), "." + f.getName() + ".probe");
      fs.create(p, true).close();
      fs.delete(p, false);
    } catch (IOException e) {
      throw new FormatException(
          f + ": cannot write the report there: " + e.getMessage() + "; nothing was written");
    }
  }

  private static boolean exists(String location) {
    org.apache.hadoop.fs.Path r = remote(location);
    try {
      return r == null ? Files.exists(local(location)) : r.getFileSystem(hadoop()).exists(r);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The report at {@code location} (a local path or a Hadoop URI), or null when there is none or
   * the file is not a report written by this class: a small JSON object with its fields.
   */
  static JsonNode read(String location) {
    org.apache.hadoop.fs.Path r = remote(location);
    try {
      byte[] bytes;
      if (r == null) {
        Path f = local(location);
        if (!Files.isRegularFile(f) || Files.size(f) > MAX_REPORT_BYTES) {
          return null;
        }
        bytes = Files.readAllBytes(f);
      } else {
        FileSystem fs = r.getFileSystem(hadoop());
        if (!fs.getFileStatus(r).isFile() || fs.getFileStatus(r).getLen() > MAX_REPORT_BYTES) {
          return null;
        }
        try (var in = fs.open(r)) {
          bytes = in.readAllBytes();
        }
      }
      JsonNode n = new ObjectMapper().readTree(bytes);
      boolean report =
          n != null && n.isObject() && n.has("version") && n.has("command") && n.has("exitCode");
      return report ? n : null;
    } catch (IOException e) {
      return null;
    }
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
    put(
        "maxFill",
        fill.sections().stream().mapToInt(FillReport.SectionFill::maxFill).max().orElse(0));
    return put("growthNeeded", fill.growthNeeded());
  }

  /**
   * The report file, for the run's write plan: it must not replace anything the run reads or
   * writes.
   */
  List<Path> outputs() {
    return file == null ? List.of() : List.of(file);
  }

  /**
   * Writes the report with the exit status, into a new file beside it renamed over it (a reader
   * sees the old report or the new one, never part of one); returns why it could not, or null.
   */
  String write(int exitCode, String message) {
    root.put("exitCode", exitCode);
    root.put("status", exitCode == 0 ? "ok" : "failed");
    root.put("message", message);
    root.put("finished", Instant.now().toString());
    if (remote != null) {
      return writeRemote();
    }
    Path tmp = null;
    try {
      tmp =
          Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
      Files.write(
          tmp,
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root));
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
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

  /** As {@link #write}, on a Hadoop file system: a new file renamed over the old one. */
  private String writeRemote() {
    org.apache.hadoop.fs.Path tmp =
        new org.apache.hadoop.fs.Path(
            remote.getParent(),
            "." + remote.getName() + "." + java.util.UUID.randomUUID() + ".tmp");
    try {
      Configuration conf = hadoop();
      FileSystem fs = remote.getFileSystem(conf);
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root));
      }
      // FileContext's rename replaces the target in one step where the file system can (HDFS does);
      // FileSystem.rename refuses an existing target.
      FileContext.getFileContext(remote.toUri(), conf)
          .rename(tmp, remote, Options.Rename.OVERWRITE);
      return null;
    } catch (IOException e) {
      try {
        remote.getFileSystem(hadoop()).delete(tmp, false);
      } catch (IOException ignored) {
        // the message below says what failed
      }
      return remote + ": cannot write the report: " + e.getMessage();
    }
  }
}
