package ventispark.testing;

import java.util.Arrays;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * Executor loss, through {@link TestWriteHooks}: off unless {@link #PROPERTY} is set, as a Spark
 * local property on the thread that starts the rebuild or as a Spark conf key (so a child process
 * can be given it; its executors need the test classes, see {@link ClusterSpark}): a
 * comma-separated list of write partitions whose first attempt in the first attempt of its stage
 * halts its executor's JVM before writing, as a crashed machine would. On a cluster the executor's
 * map outputs are lost with it (unless an external shuffle service or host-local reads keep them),
 * so Spark must recompute them; the tests prove the retry leaves the same bytes as a clean run.
 * Never halts a driver-side (local mode) task: that would end the whole application.
 */
public final class ExecutorLoss {
  public static final String PROPERTY = "spark.venti.test.loseExecutor";

  /** The executor's exit status, so the worker's log says why it died. */
  static final int STATUS = 86;

  private ExecutorLoss() {}

  static void maybeHalt(int partition) {
    TaskContext task = TaskContext.get();
    if (task == null
        || task.attemptNumber() != 0
        || task.stageAttemptNumber() != 0
        || SparkEnv.get().executorId().equals("driver")) {
      return;
    }
    String listed = task.getLocalProperty(PROPERTY);
    if (listed == null) {
      listed = SparkEnv.get().conf().get(PROPERTY, null);
    }
    if (listed != null && Arrays.asList(listed.split(",")).contains(Integer.toString(partition))) {
      System.err.println(
          "venti-spark test: halting executor "
              + SparkEnv.get().executorId()
              + " in write partition "
              + partition
              + " ("
              + PROPERTY
              + ")");
      Runtime.getRuntime().halt(STATUS);
    }
  }
}
