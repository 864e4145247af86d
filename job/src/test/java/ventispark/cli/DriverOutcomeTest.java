package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parts of {@link DriverOutcome} that do not need YARN (YarnIT runs the rest in an
 * ApplicationMaster): what the diagnostics say, which line is the failure's, where the report is.
 */
class DriverOutcomeTest {
  @Test
  void diagnosticsNameTheStatusByNumberAndName() {
    assertEquals(
        "exit status 4 (OVERFLOW): venti-spark: x",
        new DriverOutcome.Failed(4, "venti-spark: x").getMessage());
    assertEquals("exit status 6 (DIFFERS): d", new DriverOutcome.Failed(6, "d").getMessage());
    assertEquals(
        0,
        new DriverOutcome.Failed(3, "b").getStackTrace().length,
        "no stack trace in the diagnostics");
    assertEquals("UNKNOWN", DriverOutcome.name(42));
  }

  @Test
  void theLastNonEmptyLineIsKeptAndEverythingPassedOn() {
    ByteArrayOutputStream through = new ByteArrayOutputStream();
    DriverOutcome.LastLine last = new DriverOutcome.LastLine(through);
    PrintStream err = new PrintStream(last, true, StandardCharsets.UTF_8);
    err.println("0001/0002 00:00:01 read: 1/2");
    err.println("venti-spark: isect0.img: bucket overflow ü");
    err.println();
    assertEquals("venti-spark: isect0.img: bucket overflow ü", last.line());
    assertEquals(
        "0001/0002 00:00:01 read: 1/2\nventi-spark: isect0.img: bucket overflow ü\n\n",
        through.toString(StandardCharsets.UTF_8));
  }

  @Test
  void reportLocationInBothForms() {
    assertEquals(
        "hdfs://nn/r.json",
        DriverOutcome.reportLocation(List.of("--report", "hdfs://nn/r.json", "plan", "c")));
    assertEquals("r.json", DriverOutcome.reportLocation(List.of("--report=r.json", "plan", "c")));
    assertNull(DriverOutcome.reportLocation(List.of("plan", "--report", "c")));
  }

  @Test
  void outsideAnApplicationMasterTheProcessExits() {
    // surefire's JVM is no ApplicationMaster: main ends with System.exit there, as before
    assertFalse(DriverOutcome.yarnCluster());
  }
}
