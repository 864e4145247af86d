package ventispark.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import ventispark.gate.DeviceMap;
import ventispark.gate.OpenFile;

/**
 * Keeps Spark's reports of failed tasks (a stack trace per attempt, 45 to 260 lines each) off the
 * user's terminal: on the driver, the loggers that print them write their warnings and errors to a
 * file instead, and the command's one line of error names that file. Where Spark logs through
 * another backend than Log4j 2, nothing changes.
 *
 * <p>The file is {@link #PROPERTY} if set, else a new file {@code venti-spark-RANDOM.log} in {@code
 * java.io.tmpdir}, created exclusively and readable by its owner only (a name another user could
 * guess, or plant a link at, is never opened); it is removed at exit if nothing was logged.
 */
final class TaskLog {
  /** System property: the file Spark's task failures are logged to. */
  static final String PROPERTY = "venti.taskLog";

  /**
   * The loggers that report task failures on the driver (and, in local mode, the executor's own).
   */
  static final List<String> LOGGERS =
      List.of(
          "org.apache.spark.scheduler.TaskSetManager",
          "org.apache.spark.scheduler.TaskSchedulerImpl",
          "org.apache.spark.scheduler.DAGScheduler",
          "org.apache.spark.executor.Executor",
          "org.apache.spark.storage.BlockManagerMasterEndpoint",
          "org.apache.spark.scheduler.cluster.StandaloneSchedulerBackend",
          "org.apache.spark.scheduler.cluster.CoarseGrainedSchedulerBackend$DriverEndpoint",
          // after a long pause (SIGSTOP, a swapping host): a stack trace per late heartbeat and RPC
          "org.apache.spark.rpc.netty.Inbox",
          "org.apache.spark.rpc.netty.NettyRpcEnv",
          // an executor's last messages, arriving while a failed job stops the driver's endpoints
          // ("Could not find CoarseGrainedScheduler"), and connections to executors that are gone
          "org.apache.spark.network");

  private static Path file;

  private TaskLog() {}

  /** Sends the task-failure loggers to the task log; idempotent. */
  static synchronized void install() {
    if (file != null || !(LogManager.getContext(false) instanceof LoggerContext ctx)) {
      return;
    }
    String configured = System.getProperty(PROPERTY);
    Path f;
    try {
      f = configured != null ? Path.of(configured) : Files.createTempFile("venti-spark-", ".log");
    } catch (IOException e) {
      return; // no log file: Spark's lines stay where its configuration sends them
    }
    if (configured != null && !mayAppend(f)) {
      return; // not a task log: never appended to (it may be someone's archive); Spark's lines go
      // where they went
    }
    if (configured == null) {
      Path created = f;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteIfEmpty(created)));
    }
    Configuration cfg = ctx.getConfiguration();
    FileAppender appender =
        FileAppender.newBuilder()
            .setName("venti-task-log")
            .withFileName(f.toString())
            .setConfiguration(cfg)
            .setLayout(
                PatternLayout.newBuilder()
                    .withConfiguration(cfg)
                    .withPattern("%d{ISO8601} %p %c: %m%n")
                    .build())
            .build();
    appender.start();
    cfg.addAppender(appender);
    for (String name : LOGGERS) {
      LoggerConfig lc = new LoggerConfig(name, Level.WARN, false);
      lc.addAppender(appender, Level.WARN, null);
      cfg.addLogger(name, lc);
    }
    ctx.updateLoggers();
    file = f;
  }

  /**
   * Whether a configured task log may be appended to: missing, or, read through a descriptor opened
   * without following links, a regular file with one name that is empty or starts as this log's
   * lines do (an ISO 8601 date).
   */
  static boolean mayAppend(Path f) {
    if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    try (FileChannel ro = OpenFile.openReadOnly(f, true)) {
      Map<String, Object> st = OpenFile.stat(f.toString(), ro);
      if (!DeviceMap.isRegularFile(st) || (Integer) st.get("nlink") != 1) {
        return false;
      }
      ByteBuffer head = ByteBuffer.allocate(10);
      ro.read(head, 0);
      String start = new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII);
      return start.isEmpty() || start.matches("\\d{4}-\\d\\d-\\d\\d");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** {@code " (Spark's report: FILE)"} if anything was logged there, else empty. */
  static synchronized String hint() {
    try {
      return file != null && Files.size(file) > 0 ? " (Spark's report: " + file + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteIfEmpty(Path f) {
    try {
      if (Files.size(f) == 0) {
        Files.delete(f);
      }
    } catch (IOException e) {
      // already gone
    }
  }
}
