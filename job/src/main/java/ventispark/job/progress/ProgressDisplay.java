package ventispark.job.progress;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import ventispark.job.PlanListeners;
import ventispark.job.RebuildPlan;

/**
 * A rebuild's progress at the driver, for the command line: a {@link ProgressCounts} listener on
 * the Spark context, shown either as one live line redrawn in place (a terminal) or as plain
 * timestamped lines every interval (a log, Airflow), and one line when the read and when the write
 * is complete, if that phase showed a line: a run shorter than the interval prints nothing more
 * than before (a refused run still prints one line). The executors log nothing per arena or per
 * task at INFO, so this is what a user sees between the plan and the end. Library callers (a
 * notebook) attach nothing and see nothing.
 */
public final class ProgressDisplay implements AutoCloseable {
  /** Default seconds between plain progress lines (option {@code --progress SECONDS}). */
  public static final long DEFAULT_INTERVAL_SECONDS = 10;

  /** How often a live line is redrawn. */
  static final long LIVE_REDRAW_MILLIS = 500;

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy/MMdd HH:mm:ss", Locale.ROOT);

  private final SparkContext sc;
  private final PrintStream out;
  private final boolean live;
  private final ProgressCounts counts;
  private final java.util.function.Consumer<RebuildPlan> planned;
  private final ScheduledExecutorService timer;
  private int drawn;

  /** The phases ({@code read}, {@code write}) that have shown a line. */
  private final java.util.Set<String> shown = new java.util.HashSet<>();

  private ProgressDisplay(SparkContext sc, PrintStream out, long intervalSeconds, boolean live) {
    this.sc = sc;
    this.out = out;
    this.live = live;
    this.counts = new ProgressCounts(this::phaseDone);
    this.planned = counts::plan;
    sc.addSparkListener(counts);
    PlanListeners.add(sc, planned);
    timer =
        intervalSeconds <= 0
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "venti-spark progress");
                  t.setDaemon(true);
                  return t;
                });
    if (timer != null) {
      long every = live ? LIVE_REDRAW_MILLIS : intervalSeconds * 1000;
      timer.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Shows the progress of the rebuilds run on {@code sc} until closed, on {@code out}: live when
   * {@code live}, else a line every {@code intervalSeconds}; 0 shows nothing.
   */
  public static ProgressDisplay attach(
      JavaSparkContext sc, PrintStream out, long intervalSeconds, boolean live) {
    return new ProgressDisplay(sc.sc(), out, intervalSeconds, live);
  }

  /**
   * Whether standard error is probably a terminal: a console exists (no redirection of the standard
   * streams).
   */
  public static boolean terminal() {
    return System.console() != null;
  }

  /** Every stage's job, attempt, time and task counts so far, for the run report. */
  public List<Map<String, Object>> stageReport() {
    flush();
    return counts.stageReport();
  }

  private void tick() {
    String line = counts.line();
    if (line != null) {
      synchronized (this) {
        shown.add(phase(line));
        print(line, false);
      }
    }
  }

  private synchronized void phaseDone(String line) {
    if (shown.contains(phase(line))) {
      print(line, true);
    }
  }

  /**
   * {@code read: ...} and {@code read done: ...} are of phase {@code read}; the others of {@code
   * write}.
   */
  private static String phase(String line) {
    return line.startsWith("read") ? "read" : "write";
  }

  private synchronized void print(String line, boolean keep) {
    if (!live) {
      out.println(LocalDateTime.now().format(STAMP) + " " + line);
      return;
    }
    // Redraw in place: return to the line's start, overwrite, blank what is left of a longer line.
    String pad = drawn > line.length() ? " ".repeat(drawn - line.length()) : "";
    out.print("\r" + line + pad + (keep ? "\n" : ""));
    out.flush();
    drawn = keep ? 0 : line.length();
  }

  /** Waits (briefly) until the listener has seen every event posted so far. */
  private void flush() {
    try {
      sc.listenerBus().waitUntilEmpty(10_000);
    } catch (TimeoutException e) {
      // a late line is not worth failing the command for
    }
  }

  @Override
  public void close() {
    flush();
    if (timer != null) {
      timer.shutdownNow();
    }
    sc.removeSparkListener(counts);
    PlanListeners.remove(sc, planned);
    synchronized (this) {
      if (live && drawn > 0) {
        out.print("\r" + " ".repeat(drawn) + "\r");
        out.flush();
      }
    }
  }
}
