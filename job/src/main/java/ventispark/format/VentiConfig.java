package ventispark.format;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed venti.conf (FORMAT.md 1). Grammar, one directive per line (see {@link ConfigLines}):
 *
 * <pre>
 * index NAME | arenas FILE | isect FILE | bloom FILE | mem SIZE | bcmem SIZE | icmem SIZE
 * | queuewrites | addr NETADDR | httpaddr NETADDR | webroot DIR | mgr ...
 * </pre>
 *
 * Only index, arenas, isect and bloom matter to an index rebuild; the server directives are checked
 * for syntax and otherwise ignored. Unlike the C tool, a missing {@code index} line is an error
 * rather than a crash.
 */
public final class VentiConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * The magic line that starts a config stored inside a partition at {@link Venti#CONFIG_OFFSET}.
   */
  public static final String STORED_MAGIC = "venti config\n";

  private final String source;
  private final String indexName;
  private final List<String> arenaPartitions;
  private final List<String> indexSections;
  private final String bloom;

  private VentiConfig(
      String source, String indexName, List<String> arenas, List<String> isects, String bloom) {
    this.source = source;
    this.indexName = indexName;
    this.arenaPartitions = List.copyOf(arenas);
    this.indexSections = List.copyOf(isects);
    this.bloom = bloom;
  }

  /** Where the text came from, for messages. */
  public String source() {
    return source;
  }

  public String indexName() {
    return indexName;
  }

  /** Arena partition names, in log order. */
  public List<String> arenaPartitions() {
    return arenaPartitions;
  }

  /** Index section names, in index order. */
  public List<String> indexSections() {
    return indexSections;
  }

  /** The bloom partition name, or null. */
  public String bloom() {
    return bloom;
  }

  /**
   * Whether a config source of {@code size} bytes is a partition holding a stored config (the
   * {@link Venti#MAX_CONFIG} bytes at {@link Venti#CONFIG_OFFSET}) rather than a config file read
   * whole.
   */
  public static boolean isStored(long size) {
    return size > Venti.PART_BLANK;
  }

  /**
   * Picks the config text out of the bytes of a config partition: the whole text of a small file,
   * or the stored config at {@link Venti#CONFIG_OFFSET} of a partition (FORMAT.md 1.1). Decoded as
   * UTF-8, as Plan 9 writes all text, so a partition name such as {@code ünï/isect0.img} names the
   * file a UTF-8 file system holds under that name (on-disk names in headers and maps stay
   * ISO-8859-1: byte for byte, and Venti allows only printable ASCII there).
   *
   * @param size the (range-limited) partition size
   * @param reader reads {@code len} bytes at a partition offset
   */
  public static String textOf(
      String source, long size, java.util.function.BiFunction<Long, Integer, byte[]> reader) {
    if (isStored(size)) {
      byte[] block = reader.apply((long) Venti.CONFIG_OFFSET, Venti.MAX_CONFIG);
      byte[] magic = STORED_MAGIC.getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < magic.length; i++) {
        if (block[i] != magic[i]) {
          throw FormatException.at(
              source, Venti.CONFIG_OFFSET, "bad venti config magic (no stored config)");
        }
      }
      int end = magic.length;
      while (end < block.length && block[end] != 0) {
        end++;
      }
      return new String(block, magic.length, end - magic.length, StandardCharsets.UTF_8);
    }
    if (size > Venti.MAX_CONFIG) {
      throw new FormatException(
          source
              + ": config file is too large ("
              + size
              + " bytes; at most "
              + Venti.MAX_CONFIG
              + ", or a partition with a stored config)");
    }
    return new String(reader.apply(0L, (int) size), StandardCharsets.UTF_8);
  }

  public static VentiConfig parse(String source, String text) {
    String index = null;
    String bloom = null;
    List<String> arenas = new ArrayList<>();
    List<String> isects = new ArrayList<>();
    boolean mem = false;
    boolean bcmem = false;
    boolean icmem = false;
    for (ConfigLines.Line line : ConfigLines.read(text)) {
      List<String> t = ConfigLines.tokens(line.text());
      String d = t.get(0);
      int n = t.size();
      if (d.equals("index") && n == 2) {
        if (index != null) {
          throw FormatException.atLine(source, line.number(), "duplicate index line");
        }
        if (!Bytes.isValidName(t.get(1))) {
          throw FormatException.atLine(
              source,
              line.number(),
              "bad index name "
                  + FormatException.quote(t.get(1))
                  + " (printable ASCII, at most 64 characters)");
        }
        index = t.get(1);
      } else if (d.equals("arenas") && n == 2) {
        arenas.add(t.get(1));
      } else if (d.equals("isect") && n == 2) {
        isects.add(t.get(1));
      } else if (d.equals("bloom") && n == 2) {
        if (bloom != null) {
          throw FormatException.atLine(source, line.number(), "duplicate bloom line");
        }
        bloom = t.get(1);
      } else if ((d.equals("mem") || d.equals("bcmem") || d.equals("icmem")) && n == 2) {
        boolean seen = d.equals("mem") ? mem : d.equals("bcmem") ? bcmem : icmem;
        if (seen) {
          throw FormatException.atLine(source, line.number(), "duplicate " + d + " line");
        }
        if (t.get(1).isEmpty() || !Character.isDigit(t.get(1).charAt(0))) {
          throw FormatException.atLine(
              source, line.number(), "bad size " + FormatException.quote(t.get(1)) + " for " + d);
        }
        mem |= d.equals("mem");
        bcmem |= d.equals("bcmem");
        icmem |= d.equals("icmem");
      } else if ((d.equals("queuewrites") && n == 1)
          || ((d.equals("addr") || d.equals("httpaddr") || d.equals("webroot")) && n == 2)
          || d.equals("mgr")) {
        continue;
      } else {
        throw FormatException.atLine(
            source, line.number(), "illegal line " + FormatException.quote(line.text()));
      }
    }
    if (index == null) {
      throw new FormatException(source + ": no 'index NAME' line");
    }
    if (arenas.isEmpty()) {
      throw new FormatException(source + ": no 'arenas FILE' line");
    }
    if (isects.isEmpty()) {
      throw new FormatException(
          source + ": no 'isect FILE' line (a last line without a newline is ignored)");
    }
    return new VentiConfig(source, index, arenas, isects, bloom);
  }
}
