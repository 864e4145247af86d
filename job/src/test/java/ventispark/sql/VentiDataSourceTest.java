package ventispark.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexDiff;
import ventispark.testing.LocalSpark;

/**
 * {@code spark.read.format("venti")} on the reference archives, against the independent checker:
 * the clumps table holds every directory entry with the address and bucket the checker derives, the
 * index table every stored entry, the arenas table the trailers; filters on the arena name choose
 * the arenas read.
 */
class VentiDataSourceTest {
  static SparkSession spark;
  static String conf;
  static List<String[]> entries;
  static Map<String, Long> bucketOfEntry = new HashMap<>();

  @BeforeAll
  static void setUp() {
    LocalSpark.get();
    spark = SparkSession.builder().getOrCreate();
    conf = Fixtures.reference("multi").resolve("venti.conf").toString();
    long bucket = -1;
    List<String> lines = IndexDiff.run("entries", conf).output().lines().toList();
    entries = new java.util.ArrayList<>();
    for (String l : lines) {
      if (l.startsWith("bucket ")) {
        bucket = Long.parseLong(l.split(" ")[1]);
      } else if (l.startsWith(" ")) {
        String[] e = l.trim().split(" +");
        entries.add(e);
        bucketOfEntry.put(e[0] + " " + e[3], bucket);
      }
    }
  }

  static Dataset<Row> table(String name) {
    return spark.read().format("venti").option("table", name).load(conf);
  }

  @Test
  void clumpsCarryTheCheckersAddressesAndBuckets() {
    Dataset<Row> clumps = table("clumps").where("type != 'corrupt'");
    List<Row> rows = clumps.select("score", "address", "bucket").collectAsList();
    assertEquals(entries.size(), rows.size());
    for (Row r : rows) {
      String key = HexFormat.of().formatHex((byte[]) r.get(0)) + " " + r.getLong(1);
      assertEquals(bucketOfEntry.get(key), r.getLong(2), key);
    }
    Row sums = table("arenas").selectExpr("sum(clumps)", "count(*)").first();
    assertEquals(table("clumps").count(), sums.getLong(0));
    assertEquals(6L, sums.getLong(1));
  }

  @Test
  void indexTableHoldsTheStoredEntries() {
    Set<String> stored = new TreeSet<>();
    for (Row r : table("index").select("score", "address").collectAsList()) {
      stored.add(HexFormat.of().formatHex((byte[]) r.get(0)) + " " + r.getLong(1));
    }
    Set<String> expected = new TreeSet<>(bucketOfEntry.keySet());
    assertEquals(expected, stored);
    assertEquals(entries.size(), table("index").count());
  }

  @Test
  void arenaFiltersChooseTheArenasRead() {
    Dataset<Row> one = table("clumps").where("arena = 'arenasB1'");
    assertEquals(1, one.rdd().getNumPartitions());
    long n = table("arenas").where("name = 'arenasB1'").select("clumps").first().getLong(0);
    assertEquals(n, one.count());
    Dataset<Row> two = table("clumps").where("arena in ('arenasA0', 'arenasB0')").select("arena");
    assertEquals(2, two.rdd().getNumPartitions());
    assertEquals(
        Set.of("arenasA0", "arenasB0"),
        new TreeSet<>(two.distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList()));
    assertTrue(one.queryExecution().executedPlan().toString().contains("arenasB1"));
  }
}
