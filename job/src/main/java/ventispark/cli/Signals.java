package ventispark.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import scala.Option;
import sun.misc.Signal;

/**
 * SIGTERM (what schedulers such as Airflow and YARN send on a timeout), SIGINT (^C) and SIGHUP end
 * a command like any other failure: exit 1, one line naming what may be partly rewritten, the
 * report written, the locks released. The JVM's own handlers would instead run the shutdown hooks
 * and exit 143 (130, 129) with no line, whatever had been written; so these replace them, and do
 * not chain to them as Spark's {@code SignalUtils} loggers do.
 *
 * <p>A signal cancels the Spark jobs (and, until the command ends, every job started after it), or,
 * when none is running, interrupts the command's thread (at work on the driver), which then fails
 * through the normal path: the write ledger learns which write tasks wrote before they were killed.
 * A thread waiting for a job is not interrupted: the job's failure ends its wait, and a stale
 * interrupt would make the ledger count every write stage as written. If the command has not ended
 * {@link #GRACE_SECONDS} later, the process halts with status 1 after the one line it can give. A
 * signal the process was started with ignored ({@code nohup}) stays ignored. Not installed when the
 * driver runs inside YARN's ApplicationMaster ({@code spark.submit.deployMode=cluster}), whose own
 * handlers and shutdown decide.
 */
final class Signals {
  static final String[] HANDLED = {"TERM", "INT", "HUP"};

  /** How long a signalled command may take to fail through its normal path. */
  static final long GRACE_SECONDS = 25;

  private static final long CANCEL_EVERY_MILLIS = 100;

  private static volatile String received;
  private static final CountDownLatch ENDED = new CountDownLatch(1);

  private Signals() {}

  /**
   * Handles the signals for the command run by {@code command} (the main thread), unless in YARN
   * cluster mode.
   */
  static void install(Thread command) {
    if ("cluster".equals(System.getProperty("spark.submit.deployMode"))) {
      return;
    }
    for (String name : HANDLED) {
      try {
        Signal.handle(new Signal(name), s -> stop("SIG" + s.getName(), command));
      } catch (IllegalArgumentException e) {
        // used by the JVM here (-Xrs, a debugger): keep its handling
      }
    }
  }

  /** The signal that stopped the command ("SIGTERM"), or null. */
  static String received() {
    return received;
  }

  /** The command has returned: its status and line stand, no halt. */
  static void ended() {
    ENDED.countDown();
  }

  private static synchronized void stop(String name, Thread command) {
    if (received != null) {
      return; // a second signal: the first one's stop is under way, bounded by GRACE_SECONDS
    }
    received = name;
    Thread t = new Thread(() -> stopCommand(command), "venti-spark " + name);
    t.setDaemon(true);
    t.start();
  }

  private static void stopCommand(Thread command) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
    if (!cancelJobs()) {
      command.interrupt();
    }
    try {
      // jobs the command starts while it winds down (a bloom filter after the write) are cancelled
      // too
      while (!ENDED.await(CANCEL_EVERY_MILLIS, TimeUnit.MILLISECONDS)) {
        if (System.nanoTime() > until) {
          System.err.println(
              "venti-spark: failed: stopped by "
                  + received
                  + ", and the run did not end within "
                  + GRACE_SECONDS
                  + " s; any index file it was writing may be partly rewritten (run it again: a rerun"
                  + " rewrites them whole)");
          System.err.flush();
          Runtime.getRuntime().halt(ExitCode.FAILED.code);
        }
        cancelJobs();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Cancels the active context's jobs; whether any was running. */
  private static boolean cancelJobs() {
    // SparkContext.getActive is Scala's private[spark], public in bytecode; no public API tells.
    Option<SparkContext> sc = SparkContext$.MODULE$.getActive();
    if (sc.isEmpty() || sc.get().isStopped()) {
      return false;
    }
    boolean running = sc.get().statusTracker().getActiveJobIds().length > 0;
    sc.get().cancelAllJobs();
    return running;
  }
}
