package ventispark.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages follow the data: each may import only packages below it in {@link #LAYERS}, so there
 * are no cycles and the folder tree shows the flow (format, read, plan, sort, write, job, cli). A
 * new package must be placed here, which is where its place in the flow is decided.
 */
class PackageLayersTest {
  /** Lowest first. Packages on one line are siblings: neither may import the other. */
  static final List<List<String>> LAYERS =
      List.of(
          List.of("format"),
          List.of("read"),
          List.of("gate"),
          List.of("plan"),
          List.of("sort", "reverse"),
          List.of("write", "check", "create", "sql"),
          List.of("job.spark", "job.reverse"),
          List.of("job"),
          List.of("job.build", "job.check", "job.progress"),
          List.of("job.stage"),
          List.of("cli"));

  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?ventispark\\.([a-z.]+?)\\.[A-Z]", Pattern.MULTILINE);

  @Test
  void everyPackageImportsOnlyPackagesBelowIt() throws IOException {
    Map<String, Integer> layer = new TreeMap<>();
    for (int i = 0; i < LAYERS.size(); i++) {
      for (String p : LAYERS.get(i)) {
        layer.put(p, i);
      }
    }
    Path src = Path.of("src/main/java/ventispark");
    Map<String, TreeSet<String>> imports = new TreeMap<>();
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = src.relativize(f.getParent()).toString().replace('/', '.');
        Matcher m = IMPORT.matcher(Files.readString(f));
        TreeSet<String> used = imports.computeIfAbsent(pkg, k -> new TreeSet<>());
        while (m.find()) {
          used.add(m.group(1));
        }
      }
    }
    assertTrue(imports.size() >= 15, "packages found: " + imports.keySet());
    List<String> wrong = new ArrayList<>();
    for (var e : imports.entrySet()) {
      Integer mine = layer.get(e.getKey());
      if (mine == null) {
        wrong.add(e.getKey() + ": not placed in PackageLayersTest.LAYERS");
        continue;
      }
      for (String used : e.getValue()) {
        Integer theirs = layer.get(used);
        if (!used.equals(e.getKey()) && (theirs == null || theirs >= mine)) {
          wrong.add(
              e.getKey()
                  + " imports "
                  + used
                  + (theirs == null ? " (not placed)" : ", which is not below it"));
        }
      }
    }
    assertEquals(List.of(), wrong);
  }
}
