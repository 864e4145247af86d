package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.testing.Cli;
import ventispark.testing.Fixtures;
import ventispark.testing.LocalSpark;
import ventispark.testing.MiniHdfs;

/** {@code --report FILE}: the JSON report says what the run printed, also when it fails. */
class RunReportTest {
  @TempDir Path tmp;

  @BeforeAll
  static void spark() {
    LocalSpark.get();
  }

  @Test
  void rebuildReportMatchesItsOutput() throws IOException {
    Path work = Fixtures.workingCopy("multi", tmp);
    Path report = tmp.resolve("build.json");
    Cli.Run r =
        Cli.run("--report", report.toString(), "buildindex", work.resolve("venti.conf").toString());
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(report.toFile());
    assertEquals("buildindex", j.get("command").asText());
    assertEquals(0, j.get("exitCode").asInt());
    assertEquals("ok", j.get("status").asText());
    long indexed = j.get("counters").get("indexed").asLong();
    assertTrue(
        r.out()
            .contains(
                String.format(
                    Locale.ROOT, "done arenaentries=%,d indexed=%,d (nskip=0)", indexed, indexed)),
        r.out());
    assertEquals(3, j.get("sections").size());
    long sum = 0;
    for (JsonNode s : j.get("sections")) {
      sum += s.get("entries").asLong();
      assertTrue(
          r.out()
              .contains(
                  String.format(
                      Locale.ROOT,
                      "%s: %,d buckets, %,d entries",
                      s.get("name").asText(),
                      s.get("buckets").asLong(),
                      s.get("entries").asLong())),
          r.out());
    }
    assertEquals(indexed, sum);
    assertTrue(j.get("phaseMillis").has("sort and write"));
  }

  @Test
  void failuresAreReportedToo() throws IOException {
    Path overflow = Fixtures.workingCopy("overflow", tmp);
    Path report = tmp.resolve("plan.json");
    Cli.Run r =
        Cli.run("--report", report.toString(), "plan", overflow.resolve("venti.conf").toString());
    assertEquals(4, r.status());
    JsonNode j = new ObjectMapper().readTree(report.toFile());
    assertEquals(4, j.get("exitCode").asInt());
    assertEquals("failed", j.get("status").asText());
    assertTrue(j.get("sections").get(0).get("overflowingBuckets").asLong() > 0, j.toString());
    assertTrue(j.get("message").asText().contains("bucket overflow"), j.toString());

    Path missing = tmp.resolve("missing.json");
    assertEquals(
        3,
        Cli.run("--report", missing.toString(), "buildindex", tmp.resolve("nope.conf").toString())
            .status());
    JsonNode m = new ObjectMapper().readTree(missing.toFile());
    assertEquals(3, m.get("exitCode").asInt());
    assertTrue(m.get("message").asText().contains("nope.conf: no such file"), m.toString());
  }

  /**
   * A report on HDFS (where a YARN cluster-mode driver, on any node, can leave it): written
   * whatever the outcome, replaced by the next run, and never written over a file that is not a
   * report.
   */
  @Test
  void reportsToAHadoopUri() throws IOException {
    MiniDFSCluster dfs = MiniHdfs.start(tmp.resolve("dfs"));
    try {
      FileSystem fs = dfs.getFileSystem();
      String report = dfs.getURI() + "/reports/run.json";
      String overflow = Fixtures.workingCopy("overflow", tmp).resolve("venti.conf").toString();
      Cli.Run refused = Cli.run("--report", report, "plan", overflow);
      assertEquals(4, refused.status(), refused.err());
      JsonNode j = readHdfs(fs, "/reports/run.json");
      assertEquals(4, j.get("exitCode").asInt());
      assertTrue(j.get("message").asText().contains("bucket overflow"), j.toString());

      String basic = Fixtures.workingCopy("basic", tmp).resolve("venti.conf").toString();
      Cli.Run planned = Cli.run("--report", report, "plan", basic);
      assertEquals(0, planned.status(), planned.err());
      assertEquals(0, readHdfs(fs, "/reports/run.json").get("exitCode").asInt());
      assertEquals(
          1,
          fs.listStatus(new org.apache.hadoop.fs.Path("/reports")).length,
          "no temporary file left");

      try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path("/reports/arena0"))) {
        out.write("not a report".getBytes(StandardCharsets.UTF_8));
      }
      Cli.Run foreign = Cli.run("--report", dfs.getURI() + "/reports/arena0", "plan", basic);
      assertEquals(3, foreign.status());
      assertTrue(foreign.err().contains("exists and is not a venti-spark report"), foreign.err());
      try (InputStream in = fs.open(new org.apache.hadoop.fs.Path("/reports/arena0"))) {
        assertEquals("not a report", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } finally {
      dfs.shutdown();
    }
  }

  private static JsonNode readHdfs(FileSystem fs, String path) throws IOException {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
      return new ObjectMapper().readTree(in);
    }
  }
}
