package ventispark.write;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.FetchFailed;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskEndReason;
import org.apache.spark.TaskKilled;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.util.LongAccumulator;
import scala.Option;

/**
 * What a run has written to the index, as far as the driver can know it: the ground for its exit
 * status. A run whose ledger is empty has written nothing, and only then may it exit with 2 to 5
 * ("nothing was written"); any failure after an entry is made is exit 1, naming the files.
 *
 * <p>Writes by the driver are entered directly ({@link #driverWrites}). Writes by tasks are entered
 * from Spark's own task events for the stages that compute an RDD marked with {@link #writes}: a
 * task attempt that started counts as having written unless it is proven not to have, which it is
 * when it failed with an exception before its first write (the {@link #firstWrites()} accumulator,
 * which keeps failed tasks' updates, is 0 in its failure or killed report) or on a shuffle fetch (a
 * write task reads all of its input before it writes). A lost executor, or an attempt still running
 * after {@link #SETTLE_MILLIS}, counts as written: the ledger may say "may be partly rewritten" of
 * an untouched file, never "untouched" of a written one.
 */
public final class WriteLedger extends SparkListener implements AutoCloseable {
  private static final String WRITE_RDD = "venti write ";

  /** How long {@link #written} waits for write attempts still running to end. */
  static final long SETTLE_MILLIS = 30_000;

  private final SparkContext sc;
  private final LongAccumulator firstWrites = new LongAccumulator();
  private final Map<String, List<String>> rddFiles = new ConcurrentHashMap<>();
  private final Map<Integer, List<String>> stageFiles = new ConcurrentHashMap<>();
  private final Map<Long, List<String>> unproven = new ConcurrentHashMap<>();
  private final Set<String> written = ConcurrentHashMap.newKeySet();

  public WriteLedger(SparkContext sc) {
    this.sc = sc;
    // countFailedValues: a failed task's update still reaches the driver, in its failure report
    firstWrites.register(sc, Option.apply("venti first writes"), true);
    sc.addSparkListener(this);
  }

  /**
   * The accumulator a write task adds 1 to just before its first write (see {@link SectionWriter}).
   */
  public LongAccumulator firstWrites() {
    return firstWrites;
  }

  /** Marks {@code rdd} as one whose computation writes {@code files}. */
  public <T> JavaRDD<T> writes(JavaRDD<T> rdd, List<String> files) {
    String name = WRITE_RDD + rdd.id() + ": " + String.join(", ", files);
    rddFiles.put(name, List.copyOf(files));
    return rdd.setName(name);
  }

  /** Enters writes the driver is about to make (call before the first byte). */
  public void driverWrites(List<String> files) {
    written.addAll(files);
  }

  /**
   * The files that may have been written, in the order first entered; empty if nothing was. Write
   * attempts still running (a failed job's other tasks run on until they end) are waited for, up to
   * {@link #SETTLE_MILLIS}; any still unfinished then count as written.
   */
  public List<String> written() {
    long until = System.currentTimeMillis() + SETTLE_MILLIS;
    try {
      do {
        sc.listenerBus().waitUntilEmpty(Math.max(1, until - System.currentTimeMillis()));
        if (unproven.isEmpty()) {
          break;
        }
        Thread.sleep(20);
      } while (System.currentTimeMillis() < until);
    } catch (TimeoutException e) {
      // events not yet seen: decide on what is known, and count every write stage as written
      stageFiles.values().forEach(written::addAll);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stageFiles.values().forEach(written::addAll);
    }
    Set<String> out = new LinkedHashSet<>(written);
    unproven.values().forEach(out::addAll);
    return new ArrayList<>(out);
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    List<String> files = new ArrayList<>();
    scala.collection.Iterator<RDDInfo> it = e.stageInfo().rddInfos().iterator();
    while (it.hasNext()) {
      List<String> f = rddFiles.get(it.next().name());
      if (f != null) {
        files.addAll(f);
      }
    }
    if (!files.isEmpty()) {
      stageFiles.put(e.stageInfo().stageId(), files);
    }
  }

  @Override
  public void onTaskStart(SparkListenerTaskStart e) {
    List<String> files = stageFiles.get(e.stageId());
    if (files != null) {
      unproven.put(e.taskInfo().taskId(), files);
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    List<String> files = unproven.remove(e.taskInfo().taskId());
    if (files != null && !provenUnwritten(e.reason())) {
      written.addAll(files);
    }
  }

  private boolean provenUnwritten(TaskEndReason reason) {
    if (reason instanceof FetchFailed) {
      return true;
    }
    // a failed or killed attempt reports its accumulators, ours included (it keeps failed values)
    if (reason instanceof ExceptionFailure f) {
      return noFirstWrite(f.accumUpdates());
    }
    if (reason instanceof TaskKilled k) {
      return noFirstWrite(k.accumUpdates());
    }
    return false; // success, a lost executor, a lost result: it wrote, or may have
  }

  private boolean noFirstWrite(scala.collection.immutable.Seq<AccumulableInfo> updates) {
    scala.collection.Iterator<AccumulableInfo> it = updates.iterator();
    while (it.hasNext()) {
      AccumulableInfo a = it.next();
      if (a.id() == firstWrites.id()) {
        return a.update().isDefined() && ((Number) a.update().get()).longValue() == 0;
      }
    }
    return true; // no update reported: the task never added to it
  }

  @Override
  public void close() {
    sc.removeSparkListener(this);
  }
}
