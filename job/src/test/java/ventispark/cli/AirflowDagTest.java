package ventispark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example Airflow DAG ({@code conf/airflow/venti_index_dag.py}) compiles and, loaded against a
 * stub of the Airflow modules it uses (Airflow cannot be installed here), runs plan, buildindex and
 * checkindex in that order through spark-submit of the job's main class, each with a JSON report,
 * and retries only the rebuild.
 */
class AirflowDagTest {
  static final Path DAG = Path.of("../conf/airflow/venti_index_dag.py").toAbsolutePath().normalize();
  static final Path STUB = Path.of("src/test/resources/airflow-stub").toAbsolutePath();

  @Test
  void dagCompilesAndChainsPlanRebuildCheck() throws Exception {
    Path pyc = java.nio.file.Files.createTempFile("venti-dag", ".pyc");
    assertEquals(List.of(), python("-c", "import py_compile; py_compile.compile('" + DAG + "', cfile='" + pyc
        + "', doraise=True)"));
    List<String> tasks = python("-c", String.join("\n",
        "import sys, runpy",
        "sys.path.insert(0, '" + STUB + "')",
        "sys.dont_write_bytecode = True",
        "ns = runpy.run_path('" + DAG + "')",
        "dag = ns['dag']",
        "for t in dag.tasks:",
        "    print(t.task_id, t.java_class, t.retries, ' '.join(t.application_args), '->', ','.join(t.downstream))"));
    assertEquals(List.of(
        "plan ventispark.cli.VentiSpark 0 --report /mnt/venti-index/reports/plan-{{ ds }}.json plan "
            + "/mnt/venti-index/venti.conf -> buildindex",
        "buildindex ventispark.cli.VentiSpark 2 --report /mnt/venti-index/reports/buildindex-{{ ds }}.json buildindex -b "
            + "/mnt/venti-index/venti.conf -> checkindex",
        "checkindex ventispark.cli.VentiSpark 0 --report /mnt/venti-index/reports/checkindex-{{ ds }}.json checkindex -b "
            + "/mnt/venti-index/venti.conf -> "), tasks);
  }

  private static List<String> python(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("python3"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out.lines().toList();
  }
}
