package ventispark.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.create.ArchiveGenerator;
import ventispark.create.GeneratorOptions;
import ventispark.format.BlockType;

/**
 * The SQL functions in a real local Spark session, against the buckets and sections the independent
 * checker ({@code venti-index-diff entries}) assigns to every entry of a generated archive.
 */
class VentiUdfsTest {
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("venti-spark udf tests")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
    VentiUdfs.register(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void bucketAndSectionMatchTheIndependentChecker() throws Exception {
    GeneratorOptions o = new GeneratorOptions();
    o.clumps = 3_000;
    o.sections = 3;
    o.bucketSize = 2048;
    Path conf = new ArchiveGenerator(o, null).write(tmp.resolve("a")).config();
    List<String> lines =
        run(
            "python3",
            Path.of(System.getProperty("venti.shared"), "tools", "venti-index-diff").toString(),
            "entries",
            conf.toString());
    long buckets = -1;
    List<Long> starts = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    long bucket = -1;
    for (String l : lines) {
      if (l.startsWith("index ")) {
        buckets = Long.parseLong(l.replaceAll(".* buckets=(\\d+).*", "$1"));
      } else if (l.startsWith("section ")) {
        starts.add(Long.parseLong(l.replaceAll(".* start=(\\d+).*", "$1")));
      } else if (l.startsWith("bucket ")) {
        bucket = Long.parseLong(l.split(" ")[1]);
      } else if (l.startsWith(" ")) {
        int section = 0;
        for (int i = 0; i < starts.size(); i++) {
          if (starts.get(i) <= bucket) {
            section = i;
          }
        }
        rows.add(RowFactory.create(l.trim().split(" +")[0], bucket, section));
      }
    }
    assertEquals(3_000, rows.size());
    assertEquals(3, starts.size());
    StructType schema =
        new StructType()
            .add("hex", DataTypes.StringType)
            .add("bucket", DataTypes.LongType)
            .add("section", DataTypes.IntegerType);
    Dataset<Row> entries = spark.createDataFrame(rows, schema);
    entries.createOrReplaceTempView("entries");
    String startsSql =
        starts.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElseThrow();
    Row r =
        spark
            .sql(
                "SELECT count(*), "
                    + "sum(CASE WHEN venti_bucket(venti_score(hex), "
                    + buckets
                    + ") = bucket THEN 1 ELSE 0 END), "
                    + "sum(CASE WHEN venti_section(venti_score(hex), "
                    + buckets
                    + ", array("
                    + startsSql
                    + ")) = section "
                    + "THEN 1 ELSE 0 END), "
                    + "sum(CASE WHEN venti_score_hex(venti_score(hex)) = hex THEN 1 ELSE 0 END) FROM entries")
            .first();
    assertEquals(3_000L, r.getLong(0));
    assertEquals(3_000L, r.getLong(1));
    assertEquals(3_000L, r.getLong(2));
    assertEquals(3_000L, r.getLong(3));
  }

  @Test
  void typesBlocksAndMalformedValues() {
    Row r =
        spark
            .sql(
                "SELECT venti_type_name(13), venti_type_name(1), venti_type_name(2), venti_type_name(3), "
                    + "venti_type_name(0), venti_blocks(0), venti_blocks(474), venti_blocks(475), venti_blocks(57344), "
                    + "venti_score('zz'), venti_score_hex(X'00'), venti_bucket(X'00', 10), venti_type_name(NULL), "
                    + "venti_blocks(-1)")
            .first();
    assertEquals("data", r.getString(0));
    assertEquals("root", r.getString(1));
    assertEquals("dir", r.getString(2));
    assertEquals(BlockType.name(3), r.getString(3));
    assertEquals("corrupt", r.getString(4));
    assertEquals(1, r.getInt(5));
    assertEquals(1, r.getInt(6));
    assertEquals(2, r.getInt(7));
    assertEquals(113, r.getInt(8));
    for (int i = 9; i <= 13; i++) {
      assertTrue(r.isNullAt(i), "column " + i);
    }
    assertNull(VentiUdfs.section(new byte[20], 100L, new long[] {5}));
  }

  private static List<String> run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out.lines().toList();
  }
}
