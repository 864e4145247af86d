package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexDiff;
import ventispark.testing.Launcher;

/**
 * The rebuild's shuffle through Spark's spills, as a large archive's goes when its sorts outgrow
 * memory: every sort, map side and reduce side, is made to spill after each record, so batches,
 * fill counts and bloom slices are written to local disk and read back through the job's own
 * serializer (ranges of 1 MiB, so that each write task sorts several records). The rebuilt index
 * and filter are still the C reference's, and the run report counts the spilled bytes of the read
 * and of the write.
 */
class ShuffleSpillIT {
  @TempDir static Path tmp;

  @Test
  void everySortSpillsAndTheIndexIsStillTheReference() throws Exception {
    Path work = Fixtures.workingCopy("basic", tmp.resolve("basic"));
    Path report = tmp.resolve("report.json");
    Launcher.Run r =
        Launcher.run(
            Map.of(
                "VENTI_SPARK_JAVA_OPTS", "-Dspark.shuffle.spill.numElementsForceSpillThreshold=1"),
            "--report",
            report.toString(),
            "buildindex",
            "-b",
            "-M",
            "1m",
            "--partitions",
            "2",
            // Several read tasks: a write task's 8 small ranges are one range group, a record per
            // map buffer, and its sort spills only from a second record on.
            "--split-clumps",
            "2000",
            work.resolve("venti.conf").toString());
    assertEquals(0, r.status(), r.toString());
    IndexDiff.Result cmp =
        IndexDiff.compare(
            Fixtures.reference("basic").resolve("venti.conf"), work.resolve("venti.conf"));
    assertEquals(0, cmp.status(), cmp.output());
    assertEquals("0", cmp.field("mismatched_buckets"), cmp.output());
    assertEquals("same", cmp.field("bloom"), cmp.output());
    JsonNode stages = new ObjectMapper().readTree(report.toFile()).get("stages");
    List<JsonNode> all = StreamSupport.stream(stages.spliterator(), false).toList();
    for (String job : List.of("read ", "sort and write ")) {
      assertTrue(
          all.stream()
              .anyMatch(
                  s -> s.get("job").asText().startsWith(job) && s.get("spilledBytes").asLong() > 0),
          job + "spilled nothing: " + stages);
    }
  }
}
