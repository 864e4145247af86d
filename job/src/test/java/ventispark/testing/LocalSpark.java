package ventispark.testing;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import ventispark.job.spark.SparkSettings;

/**
 * One real local Spark (2 cores, a failed task retried once as on a cluster, loopback, Kryo) shared
 * by every test of the run.
 */
public final class LocalSpark {
  private LocalSpark() {}

  private static JavaSparkContext sc;

  public static synchronized JavaSparkContext get() {
    if (sc == null) {
      SparkConf conf =
          SparkSettings.apply(
              new SparkConf()
                  .setAppName("venti-spark tests")
                  .setMaster("local[2,2]")
                  .set("spark.sql.shuffle.partitions", "4"));
      sc =
          JavaSparkContext.fromSparkContext(
              SparkSession.builder().config(conf).getOrCreate().sparkContext());
    }
    return sc;
  }

  /** Failed task attempts of the jobs of a group, once the status store has caught up. */
  public static int failedTasks(JavaSparkContext sc, String group) throws InterruptedException {
    int failed = 0;
    for (int tries = 0; tries < 50; tries++) {
      failed = 0;
      for (int job : sc.statusTracker().getJobIdsForGroup(group)) {
        for (int stage : sc.statusTracker().getJobInfo(job).stageIds()) {
          failed += sc.statusTracker().getStageInfo(stage).numFailedTasks();
        }
      }
      if (failed > 0) {
        break;
      }
      Thread.sleep(100);
    }
    return failed;
  }
}
