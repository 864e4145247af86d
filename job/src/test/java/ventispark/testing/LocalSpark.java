package ventispark.testing;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import ventispark.job.SparkSettings;

/** One real local Spark (2 cores, a failed task retried once as on a cluster, loopback, Kryo) shared by every test of the run. */
public final class LocalSpark {
  private LocalSpark() {}

  private static JavaSparkContext sc;

  public static synchronized JavaSparkContext get() {
    if (sc == null) {
      SparkConf conf = SparkSettings.apply(new SparkConf().setAppName("venti-spark tests").setMaster("local[2,2]")
          .set("spark.sql.shuffle.partitions", "4"));
      sc = JavaSparkContext.fromSparkContext(SparkSession.builder().config(conf).getOrCreate().sparkContext());
    }
    return sc;
  }
}
