package ventispark.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;

/**
 * Who wants a context's plans as they are made: a progress display needs the plan's totals before
 * the map stage starts, and is attached to the context by the command line, above the jobs that
 * plan. Keyed by context, so two contexts (tests, notebooks) do not see each other's plans.
 */
public final class PlanListeners {
  private static final Map<SparkContext, Consumer<RebuildPlan>> LISTENERS =
      new ConcurrentHashMap<>();

  private PlanListeners() {}

  /** Hands {@code listener} every plan made on {@code sc} until {@link #remove}. */
  public static void add(SparkContext sc, Consumer<RebuildPlan> listener) {
    LISTENERS.put(sc, listener);
  }

  public static void remove(SparkContext sc, Consumer<RebuildPlan> listener) {
    LISTENERS.remove(sc, listener);
  }

  /** Tells the listener of {@code sc}, if any, of {@code plan}. */
  static void planned(SparkContext sc, RebuildPlan plan) {
    Consumer<RebuildPlan> l = LISTENERS.get(sc);
    if (l != null) {
      l.accept(plan);
    }
  }
}
