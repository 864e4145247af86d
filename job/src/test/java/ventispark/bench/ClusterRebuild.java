package ventispark.bench;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import ventispark.cli.VentiSpark;
import ventispark.job.spark.SparkSettings;
import ventispark.testing.ClusterSpark;

/**
 * Per-stage costs on executors in their own JVMs: rebuilds CONF {@code runs} times on one {@code
 * local-cluster} context (the first run also pays for the executors' start), each with a JSON
 * report of its stages. A measurement, not a test; needs what {@link ClusterSpark} needs
 * (SPARK_HOME of a fake home, SPARK_SCALA_VERSION, a packaged job):
 *
 * <pre>java -cp ... ventispark.bench.ClusterRebuild CONF RUNS [MASTER]</pre>
 */
public final class ClusterRebuild {
  private ClusterRebuild() {}

  public static void main(String[] args) {
    SparkConf conf =
        new SparkConf()
            .setAppName("venti-spark ClusterRebuild")
            .setMaster(args.length > 2 ? args[2] : ClusterSpark.MASTER);
    ClusterSpark.settings().forEach(conf::set);
    SparkContext sc = SparkContext.getOrCreate(SparkSettings.apply(conf));
    try {
      for (int run = 0; run < Integer.parseInt(args[1]); run++) {
        String report = "/tmp/venti-cluster-rebuild-" + run + ".json";
        int status =
            VentiSpark.run(
                List.of("--report", report, "buildindex", "--progress", "0", args[0]),
                System.out,
                System.err);
        System.out.println("run " + run + ": exit " + status + ", report " + report);
      }
    } finally {
      sc.stop();
    }
  }
}
