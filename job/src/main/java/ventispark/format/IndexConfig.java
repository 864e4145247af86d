package ventispark.format;

import java.util.List;

/**
 * The index configuration text (FORMAT.md 6.1), stored NUL-padded in every section's table area;
 * readers use the first section's copy.
 *
 * <pre>
 * text := "venti index configuration\n" VERSION "\n" NAME "\n" BLOCKSIZE "\n" smap amap
 * </pre>
 *
 * smap: section name → global bucket range; amap: arena name → index-address range (both {@link
 * MapTable}s).
 */
public record IndexConfig(
    int version,
    String name,
    int blockSize,
    List<MapTable.Entry> sections,
    List<MapTable.Entry> arenas) {

  public static final String MAGIC = "venti index configuration";

  public static IndexConfig parse(String source, String text) {
    MapTable.Cursor c = new MapTable.Cursor(source, text);
    ConfigLines.Line first = c.line("the index configuration magic");
    if (!first.text().equals(MAGIC)) {
      throw FormatException.atLine(
          source,
          first.number(),
          "bad index configuration magic '"
              + first.text()
              + "' (want '"
              + MAGIC
              + "'; was the index formatted with fmtindex?)");
    }
    long version = c.number("index config version");
    if (version != Venti.INDEX_CONFIG_VERSION) {
      throw new FormatException(source + ": unknown index config version " + version + " (want 1)");
    }
    ConfigLines.Line name = c.line("the index name");
    if (name.text().length() >= Venti.A_NAME_SIZE) {
      throw FormatException.atLine(source, name.number(), "index name too long");
    }
    long bs = c.number("index block size");
    List<MapTable.Entry> smap = MapTable.read(c, "section map");
    List<MapTable.Entry> amap = MapTable.read(c, "arena map");
    return new IndexConfig((int) version, name.text(), (int) bs, smap, amap);
  }

  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append(MAGIC)
        .append('\n')
        .append(version)
        .append('\n')
        .append(name)
        .append('\n')
        .append(blockSize)
        .append('\n');
    MapTable.write(sb, sections);
    MapTable.write(sb, arenas);
    return sb.toString();
  }
}
