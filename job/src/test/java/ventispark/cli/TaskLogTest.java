package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.junit.jupiter.api.Test;

/**
 * The task log takes the errors of Spark's loggers that report lost tasks and executors, and they
 * reach no other appender (the console is the user's terminal).
 */
class TaskLogTest {
  @Test
  void sparksReportsOfLostExecutorsGoToTheTaskLogAlone() throws Exception {
    TaskLog.install();
    // What a driver printed on its terminal while a failed job stopped it (ClusterIT, once in
    // several runs): an executor's last message, after the scheduler's endpoint was gone.
    List<String> loggers =
        List.of(
            "org.apache.spark.network.server.TransportRequestHandler",
            "org.apache.spark.network.client.TransportResponseHandler",
            "org.apache.spark.scheduler.TaskSetManager",
            "org.apache.spark.rpc.netty.Inbox");
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    String mark = "TaskLogTest " + System.nanoTime();
    for (String name : loggers) {
      LoggerConfig config = ctx.getConfiguration().getLoggerConfig(name);
      assertFalse(config.isAdditive(), name);
      assertEquals(List.of("venti-task-log"), List.copyOf(config.getAppenders().keySet()), name);
      LogManager.getLogger(name).error("{}: {}", mark, name);
    }
    String hint = TaskLog.hint();
    assertTrue(hint.startsWith(" (Spark's report: "), hint);
    String log = Files.readString(Path.of(hint.substring(18, hint.length() - 1)));
    for (String name : loggers) {
      assertTrue(log.contains(" ERROR " + name + ": " + mark + ": " + name), log);
    }
  }
}
