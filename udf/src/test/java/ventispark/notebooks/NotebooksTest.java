package ventispark.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ventispark.create.ArchiveGenerator;
import ventispark.create.GeneratorOptions;
import ventispark.plan.IndexSizing;

/**
 * The notebooks of {@code notebooks/}. The Java notebook is executed with {@code jupyter nbconvert
 * --execute} (as CI runs it) on a generated archive whose index it rebuilds itself; every table it
 * prints is checked against the independent checker's reading of the same archive ({@code
 * ../shared/tools/venti-index-diff}, loaded by {@code archive_facts.py}), and every chart must be a
 * real image. The PySpark notebook cannot run here (no PySpark): its cells must compile, and it
 * must run exactly the SQL the Java notebook ran.
 */
class NotebooksTest {
  static final Path REPO =
      Path.of(System.getProperty("venti.repo", "..")).toAbsolutePath().normalize();
  static final Path NOTEBOOKS = REPO.resolve("notebooks");
  static final Path JAVA_NOTEBOOK = NOTEBOOKS.resolve("clump-analysis.ipynb");
  static final Path PYSPARK_NOTEBOOK = NOTEBOOKS.resolve("clump-analysis-pyspark.ipynb");
  static final Path CHECKER =
      Path.of(System.getProperty("venti.shared", "../../shared"), "tools", "venti-index-diff")
          .toAbsolutePath()
          .normalize();

  /** Cell tags of the analyses, the same in both notebooks. */
  static final List<String> ANALYSES =
      List.of(
          "archive",
          "block-sizes",
          "type-mix",
          "compression",
          "index-check",
          "bucket-fill",
          "duplicates");

  @Test
  void javaNotebookRunsOnAGeneratedArchiveAndAgreesWithTheChecker(@TempDir Path tmp)
      throws Exception {
    NotebookRunner runner = NotebookRunner.create(tmp);
    GeneratorOptions o = new GeneratorOptions();
    o.clumps = 6_000;
    o.arenaPartitions = 2;
    o.arenas = 3;
    o.sizes = GeneratorOptions.sizes("64-600:3,600-6k:6,6k-40k:1");
    o.types = GeneratorOptions.types("data:20,pointer1:3,pointer2:1,dir:3,root:1");
    o.compressed = 0.5;
    o.duplicates = 0.15;
    o.corrupt = 9;
    o.sections = 2;
    o.bucketSize = 1024;
    o.seed = 4242;
    ArchiveGenerator.Result archive = new ArchiveGenerator(o, null).write(tmp.resolve("archive"));
    Facts facts = Facts.of(archive.config());
    assertEquals(o.clumps, facts.clumps.size());

    Path out =
        Path.of(System.getProperty("venti.notebooks.out", tmp.toString()))
            .resolve("clump-analysis.ipynb");
    long t0 = System.nanoTime();
    JsonNode nb =
        runner.execute(
            JAVA_NOTEBOOK,
            out,
            Map.of("VENTI_CONF", archive.config().toString(), "VENTI_BUILD_INDEX", "1"),
            Duration.ofMinutes(5));
    System.err.printf(
        "NotebooksTest: %s ran in %.1f s (executed copy: %s)%n",
        JAVA_NOTEBOOK.getFileName(), (System.nanoTime() - t0) / 1e9, out);

    // The notebook rebuilt the index (VENTI_BUILD_INDEX=1): it holds exactly what buildindex must
    // write.
    NotebookRunner.Result verify =
        NotebookRunner.run(
            List.of(
                "python3", CHECKER.toString(), "verify", "--no-bloom", archive.config().toString()),
            Map.of(),
            Duration.ofMinutes(2));
    assertEquals(0, verify.exit(), verify.output());

    Executed ex = new Executed(nb);
    for (JsonNode cell : nb.get("cells")) {
      assertFalse(
          cell.toString().contains("Failed to compile the generated Java code"),
          "Spark code generation failed in cell " + cell.path("id").asText());
    }
    checkArchive(ex, facts);
    checkBlockSizes(ex, facts);
    checkTypeMix(ex, facts);
    checkCompression(ex, facts);
    checkIndex(ex, facts);
    checkBucketFill(ex, facts, o.clumps);
    checkDuplicates(ex, facts);
    Map<String, Integer> charts =
        Map.of(
            "block-sizes", 1, "type-mix", 1, "compression", 1, "bucket-fill", 1, "duplicates", 2);
    charts.forEach(
        (tag, n) -> {
          List<BufferedImage> images = ex.images(tag);
          assertEquals(n, images.size(), tag + ": charts");
          for (BufferedImage im : images) {
            assertTrue(
                im.getWidth() >= 400 && im.getHeight() >= 300,
                tag + ": chart size " + im.getWidth() + "x" + im.getHeight());
            assertTrue(colours(im) >= 8, tag + ": a chart, not a blank image");
          }
        });
  }

  @Test
  void aFailingCellFailsTheRunWithItsError(@TempDir Path tmp) throws Exception {
    NotebookRunner runner = NotebookRunner.create(tmp);
    Path broken = tmp.resolve("broken.ipynb");
    var nb = NotebookRunner.JSON.createObjectNode();
    nb.put("nbformat", 4).put("nbformat_minor", 5);
    nb.putObject("metadata")
        .putObject("kernelspec")
        .put("name", NotebookRunner.KERNEL_NAME)
        .put("display_name", "Java (venti-spark)")
        .put("language", "java");
    var cells = nb.putArray("cells");
    String[] sources = {
      "int answer = 6 * 7;",
      "if (answer == 42) throw new IllegalStateException(\"failed on purpose: \" + answer);",
      "System.out.println(\"not reached\");"
    };
    for (int i = 0; i < sources.length; i++) {
      var c = cells.addObject();
      c.put("cell_type", "code")
          .put("id", "c" + i)
          .put("source", sources[i])
          .putNull("execution_count");
      c.putObject("metadata");
      c.putArray("outputs");
    }
    NotebookRunner.JSON.writeValue(broken.toFile(), nb);
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                runner.execute(
                    broken, tmp.resolve("out/broken.ipynb"), Map.of(), Duration.ofMinutes(2)));
    assertTrue(e.getMessage().contains("failed on purpose: 42"), e.getMessage());
    assertTrue(e.getMessage().contains("throw new IllegalStateException"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("out/broken.ipynb")));
  }

  @Test
  void pysparkNotebookCompilesAndRunsTheJavaNotebooksQueries() throws Exception {
    Path script = Path.of(NotebooksTest.class.getResource("notebook_code.py").toURI());
    NotebookRunner.Result r =
        NotebookRunner.run(
            List.of("python3", script.toString(), PYSPARK_NOTEBOOK.toString()),
            Map.of(),
            Duration.ofMinutes(1));
    assertEquals(0, r.exit(), "PySpark notebook: " + r.output());
    JsonNode py = NotebookRunner.JSON.readTree(r.output());
    assertTrue(py.get("compiled").asInt() >= ANALYSES.size(), r.output());

    JsonNode java = NotebookRunner.JSON.readTree(JAVA_NOTEBOOK.toFile());
    assertEquals(
        "python3",
        NotebookRunner.JSON
            .readTree(PYSPARK_NOTEBOOK.toFile())
            .path("metadata")
            .path("kernelspec")
            .path("name")
            .asText());
    assertEquals(
        NotebookRunner.KERNEL_NAME, java.path("metadata").path("kernelspec").path("name").asText());
    Set<String> pyTags = new TreeSet<>();
    py.get("tags").forEach(t -> pyTags.add(t.asText()));
    Set<String> javaTags = new TreeSet<>();
    StringBuilder javaCode = new StringBuilder();
    for (JsonNode cell : java.get("cells")) {
      cell.path("metadata").path("tags").forEach(t -> javaTags.add(t.asText()));
      if ("code".equals(cell.path("cell_type").asText())) {
        javaCode.append(source(cell)).append('\n');
      }
    }
    assertTrue(javaTags.containsAll(ANALYSES), "Java notebook tags " + javaTags);
    assertEquals(javaTags, pyTags, "the two notebooks have the same analyses");

    // The SQL of the PySpark notebook is the SQL the Java notebook ran (and this test checked).
    Set<String> pySql = new TreeSet<>();
    py.get("sql").forEach(s -> pySql.add(normalize(s.asText())));
    Set<String> javaSql = new TreeSet<>();
    Matcher m =
        Pattern.compile("\"\"\"(.*?)\"\"\"|\"((?:[^\"\\\\\\n]|\\\\.)*)\"", Pattern.DOTALL)
            .matcher(javaCode);
    while (m.find()) {
      String s = m.group(1) != null ? m.group(1) : m.group(2);
      if (s.contains("SELECT ")) {
        javaSql.add(normalize(s));
      }
    }
    assertTrue(javaSql.size() >= 10, "SQL statements of the Java notebook: " + javaSql);
    assertEquals(javaSql, pySql);
    assertTrue(
        Files.readString(PYSPARK_NOTEBOOK).contains("udf/target/venti-spark.jar"),
        "the PySpark notebook loads the shaded jar");
  }

  private static String normalize(String sql) {
    return sql.replaceAll("\\s+", " ").trim();
  }

  static String source(JsonNode cell) {
    JsonNode s = cell.path("source");
    if (s.isArray()) {
      StringBuilder b = new StringBuilder();
      s.forEach(l -> b.append(l.asText()));
      return b.toString();
    }
    return s.asText();
  }

  // ---------------------------------------------------------------- the analyses

  private static void checkArchive(Executed ex, Facts f) {
    long corrupt = f.clumps.stream().filter(Clump::corrupt).count();
    long arenas = f.clumps.stream().map(Clump::arena).distinct().count();
    assertTrue(
        corrupt > 0 && arenas == f.arenas.size(),
        "the test archive has corrupt entries and no empty arena");
    assertTable(
        ex.table("archive", 0),
        List.of("arenas", "clumps", "corrupt", "block_bytes", "stored_bytes", "index_entries"),
        List.of(
            row(
                arenas,
                f.clumps.size(),
                corrupt,
                f.clumps.stream().mapToLong(Clump::uncsize).sum(),
                f.clumps.stream().mapToLong(Clump::size).sum(),
                f.entries)));
  }

  private static void checkBlockSizes(Executed ex, Facts f) {
    TreeMap<Integer, long[]> classes = new TreeMap<>();
    for (Clump c : f.good()) {
      classes.computeIfAbsent(bits(c.uncsize()), b -> new long[2])[0]++;
      classes.computeIfAbsent(bits(c.size()), b -> new long[2])[1]++;
    }
    assertTrue(classes.size() >= 6, "sizes spread over many classes: " + classes.keySet());
    List<List<Object>> rows = new ArrayList<>();
    classes.forEach(
        (b, n) -> rows.add(row(b, b == 0 ? 0 : 1L << (b - 1), (1L << b) - 1, n[0], n[1])));
    assertTable(
        ex.table("block-sizes", 0),
        List.of("bits", "from_bytes", "to_bytes", "blocks", "stored"),
        rows);
  }

  private static List<Object> row(Object... values) {
    return List.of(values);
  }

  private static int bits(long n) {
    return 64 - Long.numberOfLeadingZeros(n);
  }

  private static void checkTypeMix(Executed ex, Facts f) {
    Map<String, long[]> types = new HashMap<>();
    for (Clump c : f.clumps) {
      long[] t = types.computeIfAbsent(c.type(), k -> new long[2]);
      t[0]++;
      t[1] += c.uncsize();
    }
    assertTrue(types.size() >= 6, "types: " + types.keySet());
    List<List<Object>> rows = new ArrayList<>();
    types.entrySet().stream()
        .sorted(
            Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
                .thenComparing(Map.Entry::getKey))
        .forEach(
            e ->
                rows.add(
                    row(
                        e.getKey(),
                        e.getValue()[0],
                        e.getValue()[1],
                        new Approx(100.0 * e.getValue()[0] / f.clumps.size(), 2))));
    assertTable(
        ex.table("type-mix", 0), List.of("type", "clumps", "block_bytes", "pct_clumps"), rows);
  }

  private static void checkCompression(Executed ex, Facts f) {
    List<List<Object>> rows = new ArrayList<>();
    for (String arena : f.arenas.keySet()) {
      List<Clump> in = f.good().stream().filter(c -> c.arena().equals(arena)).toList();
      long block = in.stream().mapToLong(Clump::uncsize).sum();
      long stored = in.stream().mapToLong(Clump::size).sum();
      rows.add(
          row(
              arena,
              f.arenas.get(arena),
              in.size(),
              in.stream().filter(c -> c.size() < c.uncsize()).count(),
              block,
              stored,
              new Approx((double) block / stored, 3)));
    }
    assertTrue(rows.stream().anyMatch(r -> r.get(1).equals(false)), "an open arena");
    assertTable(
        ex.table("compression", 0),
        List.of(
            "arena",
            "sealed",
            "clumps",
            "compressed_clumps",
            "block_bytes",
            "stored_bytes",
            "ratio"),
        rows);
  }

  private static void checkIndex(Executed ex, Facts f) {
    assertTable(
        ex.table("index-check", 0),
        List.of("indexable_clumps", "index_entries", "bucket_mismatches"),
        List.of(row(f.good().size(), f.entries, 0)));
  }

  private static void checkBucketFill(Executed ex, Facts f, long generatedClumps) {
    List<List<Object>> rows = new ArrayList<>();
    for (JsonNode s : f.sections) {
      long start = s.get("start").asLong();
      long stop = s.get("stop").asLong();
      int capacity = s.get("capacity").asInt();
      long entries = 0;
      long used = 0;
      int max = 0;
      for (var e : f.fills.subMap(start, stop).entrySet()) {
        entries += e.getValue();
        used++;
        max = Math.max(max, e.getValue());
      }
      rows.add(
          row(
              s.get("name").asText(),
              stop - start,
              capacity,
              entries,
              used,
              new Approx((double) entries / (stop - start), 2),
              max,
              capacity - max));
    }
    assertTable(
        ex.table("bucket-fill", 0),
        List.of(
            "section",
            "buckets",
            "capacity",
            "entries",
            "used_buckets",
            "mean_fill",
            "max_fill",
            "headroom"),
        rows);

    // safe_entries: the largest count with P(some bucket overflows) <= 1e-6 in this geometry. The
    // generator sized the index for its clump count at that probability, so it is at least that.
    Table t = ex.table("bucket-fill", 1);
    assertEquals(List.of("entries", "safe_entries", "more_entries", "growth"), t.header());
    long safe = Long.parseLong(t.rows().get(0).get(1));
    IndexSizing.Geometry g =
        new IndexSizing.Geometry(
            f.blockSize,
            f.sections.size(),
            f.sections.get(0).get("blocks").asLong(),
            f.buckets,
            f.div);
    assertTrue(
        IndexSizing.fill(safe, g).meets(1e-6) && !IndexSizing.fill(safe + 1, g).meets(1e-6),
        "safe_entries " + safe);
    assertTrue(
        safe >= generatedClumps,
        "safe_entries " + safe + " below the " + generatedClumps + " clumps");
    assertTable(
        t,
        t.header(),
        List.of(row(f.entries, safe, safe - f.entries, new Approx((double) safe / f.entries, 2))));
  }

  private static void checkDuplicates(Executed ex, Facts f) {
    Map<String, String> firstArena = new HashMap<>();
    Map<String, long[]> perArena = new LinkedHashMap<>();
    f.arenas.keySet().forEach(a -> perArena.put(a, new long[4]));
    TreeMap<String, Long> pairs = new TreeMap<>();
    Map<String, List<String>> copies = new HashMap<>();
    for (Clump c : f.good()) {
      String key = c.score() + " " + c.type();
      String first = firstArena.putIfAbsent(key, c.arena());
      long[] a = perArena.get(c.arena());
      a[0]++;
      copies.computeIfAbsent(key, k -> new ArrayList<>()).add(c.arena());
      if (first != null) {
        a[first.equals(c.arena()) ? 2 : 1]++;
        a[3] += c.size();
        pairs.merge(first + " " + c.arena(), 1L, Long::sum);
      }
    }
    List<List<Object>> rows = new ArrayList<>();
    perArena.forEach((arena, a) -> rows.add(row(arena, a[0], a[1], a[2], a[3])));
    assertTrue(pairs.size() >= 5, "copies across several arenas: " + pairs);
    assertTable(
        ex.table("duplicates", 0),
        List.of("arena", "clumps", "from_earlier_arenas", "within_arena", "duplicate_bytes"),
        rows);
    List<List<Object>> pairRows = new ArrayList<>();
    pairs.forEach((k, n) -> pairRows.add(row(k.split(" ")[0], k.split(" ")[1], n)));
    assertTable(ex.table("duplicates", 1), List.of("first_arena", "arena", "copies"), pairRows);
    List<List<Object>> top = new ArrayList<>();
    copies.entrySet().stream()
        .filter(e -> e.getValue().size() > 1)
        .sorted(
            Comparator.<Map.Entry<String, List<String>>>comparingInt(e -> -e.getValue().size())
                .thenComparing(Map.Entry::getKey))
        .limit(10)
        .forEach(
            e ->
                top.add(
                    row(
                        e.getKey().split(" ")[0],
                        e.getKey().split(" ")[1],
                        e.getValue().size(),
                        String.join(" ", e.getValue().stream().sorted().toList()))));
    assertTable(ex.table("duplicates", 2), List.of("score_hex", "type", "copies", "arenas"), top);
  }

  // ---------------------------------------------------------------- expected values

  record Clump(String arena, String type, int size, int uncsize, String score) {
    boolean corrupt() {
      return type.equals("corrupt");
    }
  }

  /** The archive as the independent checker reads it (archive_facts.py). */
  static final class Facts {
    final List<Clump> clumps = new ArrayList<>();

    /** Arena name to sealed, in the index's arena map order (the log's). */
    final Map<String, Boolean> arenas = new LinkedHashMap<>();

    final List<JsonNode> sections = new ArrayList<>();
    final TreeMap<Long, Integer> fills = new TreeMap<>();
    long entries;
    int blockSize;
    long buckets;
    long div;

    static Facts of(Path conf) throws Exception {
      Path script = Path.of(NotebooksTest.class.getResource("archive_facts.py").toURI());
      NotebookRunner.Result r =
          NotebookRunner.run(
              List.of("python3", script.toString(), CHECKER.toString(), conf.toString()),
              Map.of(),
              Duration.ofMinutes(2));
      assertEquals(0, r.exit(), r.output());
      JsonNode j = NotebookRunner.JSON.readTree(r.output());
      Facts f = new Facts();
      for (JsonNode a : j.get("arenas")) {
        f.arenas.put(a.get("name").asText(), a.get("sealed").asBoolean());
        for (JsonNode c : a.get("clumps")) {
          f.clumps.add(
              new Clump(
                  a.get("name").asText(),
                  c.get(0).asText(),
                  c.get(1).asInt(),
                  c.get(2).asInt(),
                  c.get(3).asText()));
        }
      }
      j.get("sections").forEach(f.sections::add);
      j.get("fills")
          .properties()
          .forEach(e -> f.fills.put(Long.parseLong(e.getKey()), e.getValue().asInt()));
      f.entries = j.get("entries").asLong();
      f.blockSize = j.get("blocksize").asInt();
      f.buckets = j.get("buckets").asLong();
      f.div = j.get("div").asLong();
      return f;
    }

    /** The clumps buildindex indexes, in log order. */
    List<Clump> good() {
      return clumps.stream().filter(c -> !c.corrupt()).toList();
    }
  }

  /** A rounded number printed by the notebook: within half a unit of its last decimal. */
  record Approx(double value, int decimals) {
    boolean matches(String printed) {
      return Math.abs(Double.parseDouble(printed) - value) <= 0.5 * Math.pow(10, -decimals) + 1e-9;
    }

    @Override
    public String toString() {
      return "~" + value;
    }
  }

  private static void assertTable(Table t, List<String> header, List<List<Object>> rows) {
    assertEquals(header, t.header());
    assertEquals(rows.size(), t.rows().size(), "rows of " + header + ": " + t.rows());
    for (int i = 0; i < rows.size(); i++) {
      List<Object> want = rows.get(i);
      List<String> got = t.rows().get(i);
      assertEquals(want.size(), got.size());
      for (int k = 0; k < want.size(); k++) {
        Object w = want.get(k);
        boolean ok =
            w instanceof Approx a ? a.matches(got.get(k)) : String.valueOf(w).equals(got.get(k));
        if (!ok) {
          fail(
              header.get(k)
                  + " of row "
                  + i
                  + " of "
                  + header
                  + ": expected "
                  + want
                  + ", the notebook printed "
                  + got);
        }
      }
    }
  }

  // ---------------------------------------------------------------- the executed notebook

  record Table(List<String> header, List<List<String>> rows) {}

  /** The outputs of an executed notebook, by cell tag. */
  static final class Executed {
    private final Map<String, JsonNode> byTag = new HashMap<>();

    Executed(JsonNode nb) {
      Set<String> seen = new HashSet<>();
      for (JsonNode cell : nb.get("cells")) {
        for (JsonNode tag : cell.path("metadata").path("tags")) {
          if (!seen.add(tag.asText())) {
            fail("tag " + tag.asText() + " on two cells");
          }
          byTag.put(tag.asText(), cell);
        }
      }
    }

    private JsonNode cell(String tag) {
      JsonNode c = byTag.get(tag);
      assertNotNull(c, "no cell tagged " + tag);
      return c;
    }

    String stdout(String tag) {
      StringBuilder b = new StringBuilder();
      for (JsonNode o : cell(tag).path("outputs")) {
        if ("stream".equals(o.path("output_type").asText())
            && "stdout".equals(o.path("name").asText())) {
          b.append(text(o.get("text")));
        }
      }
      return b.toString();
    }

    /** The {@code n}th table the cell printed with {@code Dataset.show}. */
    Table table(String tag, int n) {
      List<Table> tables = tables(stdout(tag));
      assertTrue(
          tables.size() > n,
          "cell " + tag + " printed " + tables.size() + " tables:\n" + stdout(tag));
      return tables.get(n);
    }

    List<BufferedImage> images(String tag) {
      List<BufferedImage> out = new ArrayList<>();
      for (JsonNode o : cell(tag).path("outputs")) {
        JsonNode png = o.path("data").path("image/png");
        if (!png.isMissingNode()) {
          try {
            BufferedImage im =
                ImageIO.read(new ByteArrayInputStream(Base64.getMimeDecoder().decode(text(png))));
            assertNotNull(im, tag + ": not a PNG");
            out.add(im);
          } catch (java.io.IOException e) {
            fail(tag + ": unreadable PNG: " + e);
          }
        }
      }
      return out;
    }

    private static String text(JsonNode t) {
      if (t.isArray()) {
        StringBuilder b = new StringBuilder();
        t.forEach(l -> b.append(l.asText()));
        return b.toString();
      }
      return t.asText();
    }

    /** Tables as {@code Dataset.show} prints them: +---+ rule, |header|, rule, |rows|, rule. */
    static List<Table> tables(String text) {
      List<Table> out = new ArrayList<>();
      List<String> lines = text.lines().toList();
      for (int i = 0; i + 2 < lines.size(); i++) {
        if (lines.get(i).startsWith("+-")
            && lines.get(i + 1).startsWith("|")
            && lines.get(i + 2).startsWith("+-")) {
          List<String> header = cells(lines.get(i + 1));
          List<List<String>> rows = new ArrayList<>();
          int j = i + 3;
          while (j < lines.size() && lines.get(j).startsWith("|")) {
            rows.add(cells(lines.get(j)));
            j++;
          }
          out.add(new Table(header, rows));
          i = j;
        }
      }
      return out;
    }

    private static List<String> cells(String line) {
      String inner = line.trim();
      inner = inner.substring(1, inner.length() - 1);
      List<String> out = new ArrayList<>();
      for (String c : inner.split("\\|", -1)) {
        out.add(c.trim());
      }
      return out;
    }
  }

  private static int colours(BufferedImage im) {
    Set<Integer> seen = new HashSet<>();
    for (int y = 0; y < im.getHeight(); y += 3) {
      for (int x = 0; x < im.getWidth(); x += 3) {
        seen.add(im.getRGB(x, y));
        if (seen.size() > 64) {
          return seen.size();
        }
      }
    }
    return seen.size();
  }
}
