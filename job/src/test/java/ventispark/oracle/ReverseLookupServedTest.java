package ventispark.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.format.BlockType;
import ventispark.testing.CVenti;
import ventispark.testing.Cli;
import ventispark.testing.Fixtures;
import ventispark.testing.IndexDiff;
import ventispark.testing.VentiServer;

/**
 * {@code reverse lookup} against the real server: the clump it names at an address is a block the
 * server returns for that score and type, of that size. On {@code multi}: every block type,
 * compressed clumps, scores stored twice, two arena partitions.
 */
class ReverseLookupServedTest {
  /** Addresses looked up: every n-th entry of the archive. */
  static final int EVERY = 600;

  static final Pattern DESCRIBED =
      Pattern.compile("score ([0-9a-f]{40}), type (\\w+), size (\\d+),");

  @TempDir Path tmp;

  @Test
  void lookedUpClumpsAreServedByTheirScore() {
    CVenti.require();
    Path conf = Fixtures.workingCopy("multi", tmp).resolve("venti.conf");
    String rev = tmp.resolve("rev").toString();
    Cli.Run built = Cli.run("buildindex", "--reverse-index", rev, conf.toString());
    assertEquals(0, built.status(), built.err());

    // The addresses come from the independent checker's entries (score, type, size, address,
    // blocks).
    List<String> entries =
        IndexDiff.run("entries", conf.toString())
            .output()
            .lines()
            .filter(l -> l.startsWith(" "))
            .toList();
    List<VentiServer.Ref> refs = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < entries.size(); i += EVERY) {
      String address = entries.get(i).trim().split(" +")[3];
      Cli.Run r = Cli.run("reverse", "lookup", "--address", address, rev, conf.toString());
      assertEquals(0, r.status(), r.err());
      Matcher m = DESCRIBED.matcher(r.out());
      assertTrue(m.find(), r.out());
      refs.add(new VentiServer.Ref(m.group(1), ventiType(m.group(2))));
      sizes.add(Integer.parseInt(m.group(3)));
    }
    assertTrue(refs.size() >= 12, "addresses looked up: " + refs.size());
    try (VentiServer server = VentiServer.start(conf)) {
      List<byte[]> got = server.readAll(refs);
      for (int i = 0; i < refs.size(); i++) {
        assertNotNull(got.get(i), "not served: " + refs.get(i));
        assertEquals(
            refs.get(i).score(),
            VentiServer.sha1(got.get(i)),
            "SHA-1 of the block served for " + refs.get(i));
        assertEquals(sizes.get(i), got.get(i).length, "size of " + refs.get(i));
      }
    }
  }

  /** The Venti type to ask the server for, of a type name as the lookup prints it. */
  static int ventiType(String name) {
    return switch (name) {
      case "data" -> BlockType.DATA;
      case "dir" -> BlockType.DIR;
      case "root" -> BlockType.ROOT;
      default -> BlockType.DIR + Integer.parseInt(name.substring("pointer".length()));
    };
  }
}
