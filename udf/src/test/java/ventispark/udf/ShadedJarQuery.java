package ventispark.udf;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Run by {@link ShadedJarIT} in a JVM whose class path is the shaded jar and what a cluster
 * provides (Spark, Hadoop): reads a rebuilt index through the "venti" data source and checks it
 * with the SQL functions. Prints {@code entries=N buckets_agree=N blocks_agree=N types=N}.
 *
 * <p>Arguments: venti.conf, the index's bucket count.
 */
public final class ShadedJarQuery {
  private ShadedJarQuery() {}

  public static void main(String[] args) {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("venti-spark shaded jar")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
    try {
      VentiUdfs.register(spark);
      spark
          .read()
          .format("venti")
          .option("table", "index")
          .load(args[0])
          .createOrReplaceTempView("idx");
      spark
          .read()
          .format("venti")
          .option("table", "clumps")
          .load(args[0])
          .createOrReplaceTempView("clumps");
      Row r =
          spark
              .sql(
                  "SELECT count(*), "
                      + "sum(CASE WHEN venti_bucket(score, "
                      + Long.parseLong(args[1])
                      + ") = bucket THEN 1 ELSE 0 END) "
                      + "FROM idx")
              .first();
      // a clump's stored size, with its header, in 512-byte blocks; and its type code's name
      Row c =
          spark
              .sql(
                  "SELECT sum(CASE WHEN venti_blocks(size) = blocks THEN 1 ELSE 0 END), "
                      + "sum(CASE WHEN venti_type_name(type_code) = type THEN 1 ELSE 0 END) FROM clumps")
              .first();
      System.out.println(
          "entries="
              + r.getLong(0)
              + " buckets_agree="
              + r.getLong(1)
              + " blocks_agree="
              + c.getLong(0)
              + " types="
              + c.getLong(1));
    } finally {
      spark.stop();
    }
  }
}
