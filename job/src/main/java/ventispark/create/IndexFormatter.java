package ventispark.create;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import ventispark.format.Bucket;
import ventispark.format.ISectHeader;
import ventispark.format.IndexConfig;
import ventispark.format.MapTable;
import ventispark.format.Venti;

/**
 * Creates a new index over formatted sections as fmtindex does (6.2): divides the bucket space
 * over the sections, lays the arenas out in index-address space from 1 MiB in config order, and
 * writes the index config text into every section and their updated headers.
 */
public final class IndexFormatter {
  private IndexFormatter() {}

  /** An arena to index: its name and data-area size (total minus header and trailer). */
  public record ArenaSize(String name, long dataSize) {}

  public static IndexConfig format(String indexName, List<Path> files, List<ISectHeader> sections,
      List<ArenaSize> arenas) throws IOException {
    long nb = 0;
    for (ISectHeader h : sections) {
      nb += h.blocks();
    }
    nb = Math.min(nb, 0xFFFFFFFFL);
    long div = Bucket.divisor(nb);
    if (div < 100) {
      div = 100;
      nb = 0xFFFFFFFFL / 99;
    }
    long ub = 0xFFFFFFFFL / div + 1;
    long xb = nb - ub;
    List<MapTable.Entry> smap = new ArrayList<>();
    long start = 0;
    for (int i = 0; i < sections.size(); i++) {
      long stop = i == sections.size() - 1 ? ub : start + sections.get(i).blocks() - xb / sections.size();
      smap.add(new MapTable.Entry(sections.get(i).name(), start, stop));
      start = stop;
    }
    List<MapTable.Entry> amap = new ArrayList<>();
    long addr = Venti.INDEX_BASE;
    for (ArenaSize a : arenas) {
      amap.add(new MapTable.Entry(a.name(), addr, addr + a.dataSize()));
      addr += a.dataSize();
    }
    IndexConfig ic = new IndexConfig(Venti.INDEX_CONFIG_VERSION, indexName, sections.get(0).blockSize(), smap, amap);
    byte[] text = ic.format().getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < sections.size(); i++) {
      ISectHeader h = sections.get(i);
      if (text.length > h.tableSize()) {
        throw new IllegalArgumentException("index config of " + text.length + " bytes does not fit the "
            + h.tableSize() + "-byte table of section " + h.name());
      }
      byte[] table = new byte[h.tableSize()];
      System.arraycopy(text, 0, table, 0, text.length);
      ISectHeader updated = h.withIndex(indexName, smap.get(i).start(), smap.get(i).stop());
      try (FileChannel ch = FileChannel.open(files.get(i), StandardOpenOption.WRITE)) {
        ArenaPartitionFormatter.write(ch, h.tableBase(), table);
        ArenaPartitionFormatter.write(ch, Venti.PART_BLANK, updated.encode());
      }
    }
    return ic;
  }
}
