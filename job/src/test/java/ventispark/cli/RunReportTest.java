package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.testing.Cli;
import ventispark.testing.Fixtures;
import ventispark.testing.LocalSpark;

/** {@code --report FILE}: the JSON report says what the run printed, also when it fails. */
class RunReportTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    LocalSpark.get();
  }

  @Test
  void rebuildReportMatchesItsOutput() throws IOException {
    Path work = Fixtures.workingCopy("multi", tmp);
    Path report = tmp.resolve("build.json");
    Cli.Run r = Cli.run("--report", report.toString(), "buildindex", work.resolve("venti.conf").toString());
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(report.toFile());
    assertEquals("buildindex", j.get("command").asText());
    assertEquals(0, j.get("exitCode").asInt());
    assertEquals("ok", j.get("status").asText());
    long indexed = j.get("counters").get("indexed").asLong();
    assertTrue(r.out().contains(String.format(Locale.ROOT, "done arenaentries=%,d indexed=%,d (nskip=0)", indexed, indexed)),
        r.out());
    assertEquals(3, j.get("sections").size());
    long sum = 0;
    for (JsonNode s : j.get("sections")) {
      sum += s.get("entries").asLong();
      assertTrue(r.out().contains(String.format(Locale.ROOT, "%s: %,d buckets, %,d entries", s.get("name").asText(),
          s.get("buckets").asLong(), s.get("entries").asLong())), r.out());
    }
    assertEquals(indexed, sum);
    assertTrue(j.get("phaseMillis").has("sort and write"));
  }

  @Test
  void failuresAreReportedToo() throws IOException {
    Path overflow = Fixtures.workingCopy("overflow", tmp);
    Path report = tmp.resolve("plan.json");
    Cli.Run r = Cli.run("--report", report.toString(), "plan", overflow.resolve("venti.conf").toString());
    assertEquals(4, r.status());
    JsonNode j = new ObjectMapper().readTree(report.toFile());
    assertEquals(4, j.get("exitCode").asInt());
    assertEquals("failed", j.get("status").asText());
    assertTrue(j.get("sections").get(0).get("overflowingBuckets").asLong() > 0, j.toString());
    assertTrue(j.get("message").asText().contains("bucket overflow"), j.toString());

    Path missing = tmp.resolve("missing.json");
    assertEquals(3, Cli.run("--report", missing.toString(), "buildindex", tmp.resolve("nope.conf").toString())
        .status());
    JsonNode m = new ObjectMapper().readTree(missing.toFile());
    assertEquals(3, m.get("exitCode").asInt());
    assertTrue(m.get("message").asText().contains("nope.conf: no such file"), m.toString());
  }
}
