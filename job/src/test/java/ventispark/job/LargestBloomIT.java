package ventispark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.create.ArchiveGenerator;
import ventispark.create.GeneratorOptions;
import ventispark.format.Venti;
import ventispark.testing.IndexDiff;
import ventispark.testing.Launcher;

/**
 * The largest bloom filter Venti allows (512 MiB) in a 1 GiB heap, through the launcher: a plan
 * whose bloom slices cannot fit is refused before anything is read, exit 2, naming {@code -M}; the
 * default plan rebuilds the filter, which the independent checker ({@code venti-index-diff verify})
 * and {@code checkindex -b} find correct, both at {@code -Xmx1g}.
 */
class LargestBloomIT {
  @TempDir static Path tmp;
  static Path conf;

  static final Map<String, String> ONE_GIB = Map.of("VENTI_SPARK_JAVA_OPTS", "-Xmx1g");

  @BeforeAll
  static void archive() {
    GeneratorOptions o = new GeneratorOptions();
    o.clumps = 10_000;
    o.arenas = 2;
    o.bloom = Venti.MAX_BLOOM_SIZE;
    conf = new ArchiveGenerator(o, null).write(tmp.resolve("largest")).config();
  }

  @Test
  void aPlanWhoseSlicesDoNotFitIsRefusedThenTheDefaultOneWritesTheFilter() throws Exception {
    Map<String, String> before = sums(conf.getParent());
    // -M 1g: slices of 256 MiB (and their bits), two at a time, more than a 1 GiB heap lends its
    // tasks.
    Launcher.Run refused = Launcher.run(ONE_GIB, "buildindex", "-M", "1g", conf.toString());
    assertEquals(2, refused.status(), refused.toString());
    String last = refused.errLines().get(refused.errLines().size() - 1);
    assertTrue(
        last.startsWith(
                "venti-spark: bloom filter tasks hold up to 512 MiB each in memory (slices of 256 MiB"
                    + " of the 512 MiB filter")
            && last.contains("lower -M"),
        refused.toString());
    assertEquals(before, sums(conf.getParent()));

    Launcher.Run built = Launcher.run(ONE_GIB, "buildindex", conf.toString());
    assertEquals(0, built.status(), built.toString());
    // The independent checker: every section and every bit of the filter as the arenas give them.
    IndexDiff.Result verified = IndexDiff.verify(conf);
    assertEquals(0, verified.status(), verified.toString());
    Launcher.Run checked = Launcher.run(ONE_GIB, "checkindex", "-b", conf.toString());
    assertEquals(0, checked.status(), checked.toString());
  }

  static Map<String, String> sums(Path dir)
      throws IOException, java.security.NoSuchAlgorithmException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(f)) {
          byte[] b = new byte[1 << 20];
          for (int n; (n = in.read(b)) > 0; ) {
            md.update(b, 0, n);
          }
        }
        out.put(f.getFileName().toString(), HexFormat.of().formatHex(md.digest()));
      }
    }
    return out;
  }
}
