package ventispark.create;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ventispark.format.Bucket;
import ventispark.format.FormatException;
import ventispark.format.ISectHeader;
import ventispark.format.IndexConfig;
import ventispark.format.MapTable;
import ventispark.format.Venti;
import ventispark.gate.Gate;

/**
 * Creates a new index over formatted sections as fmtindex does (FORMAT.md 6.2): divides the bucket
 * space over the sections, lays the arenas out in index-address space from 1 MiB in config order,
 * and writes the index config text into every section and their updated headers. {@link #plan} is
 * the math alone, {@link #check} fmtindex's refusals, so a caller can refuse before writing
 * anything.
 */
public final class IndexFormatter {
  private IndexFormatter() {}

  /** An arena to index: its name and data-area size (total minus header and trailer). */
  public record ArenaSize(String name, long dataSize) {}

  /**
   * What fmtindex writes.
   *
   * @param text the config text, unpadded
   * @param headers each section's header with its index name and bucket range
   * @param blocks Σ blocks over the sections, before any cap
   * @param divisorRaised the sections hold more than 2^32/100 buckets, so fmtindex raised the
   *     divisor to 100 and leaves the excess blocks unused (it warns)
   */
  public record Plan(
      IndexConfig config,
      byte[] text,
      List<ISectHeader> headers,
      long blocks,
      boolean divisorRaised) {}

  public static IndexConfig format(
      String indexName, List<Path> files, List<ISectHeader> sections, List<ArenaSize> arenas)
      throws IOException {
    Plan plan = plan(indexName, sections, arenas);
    for (ISectHeader h : sections) {
      if (plan.text().length > h.tableSize()) {
        throw new IllegalArgumentException(
            "index config of "
                + plan.text().length
                + " bytes does not fit the "
                + h.tableSize()
                + "-byte table of section "
                + h.name());
      }
    }
    for (int i = 0; i < sections.size(); i++) {
      try (FileChannel ch = Gate.openOwn(files.get(i).toString(), files.get(i))) {
        write(ch, 0, plan.headers().get(i), plan.text());
      }
    }
    return plan.config();
  }

  /**
   * fmtindex's geometry and text for these sections (in config order) and arenas (in log order).
   */
  public static Plan plan(String indexName, List<ISectHeader> sections, List<ArenaSize> arenas) {
    long blocks = 0;
    for (ISectHeader h : sections) {
      blocks += h.blocks();
    }
    long nb = Math.min(blocks, 0xFFFFFFFFL);
    long div = Bucket.divisor(nb);
    boolean raised = div < 100;
    if (raised) {
      div = 100;
      nb = 0xFFFFFFFFL / 99;
    }
    long ub = 0xFFFFFFFFL / div + 1;
    long xb = nb - ub;
    List<MapTable.Entry> smap = new ArrayList<>();
    List<ISectHeader> headers = new ArrayList<>();
    long start = 0;
    for (int i = 0; i < sections.size(); i++) {
      ISectHeader h = sections.get(i);
      long stop = i == sections.size() - 1 ? ub : start + h.blocks() - xb / sections.size();
      smap.add(new MapTable.Entry(h.name(), start, stop));
      headers.add(h.withIndex(indexName, start, stop));
      start = stop;
    }
    List<MapTable.Entry> amap = new ArrayList<>();
    long addr = Venti.INDEX_BASE;
    for (ArenaSize a : arenas) {
      amap.add(new MapTable.Entry(a.name(), addr, addr + a.dataSize()));
      addr += a.dataSize();
    }
    IndexConfig ic =
        new IndexConfig(
            Venti.INDEX_CONFIG_VERSION, indexName, sections.get(0).blockSize(), smap, amap);
    byte[] text = ic.format().getBytes(StandardCharsets.ISO_8859_1);
    return new Plan(ic, text, List.copyOf(headers), blocks, raised);
  }

  /**
   * fmtindex's refusals, checked before anything is written: no more buckets than an index can have
   * ({@link Venti#MAX_BUCKETS}, where fmtindex writes ranges nothing loads), every section of the
   * same block size and table size, unique section names, no section of another index, a section
   * that already has a bucket range must keep it, the text must fit the table, at most 31,744
   * sections and arenas.
   *
   * @param files how to name each section in messages (its partition name)
   */
  public static void check(List<String> files, Plan plan, List<ISectHeader> sections, int arenas) {
    String indexName = plan.config().name();
    ISectHeader first = sections.get(0);
    Map<String, String> names = new HashMap<>();
    if (plan.blocks() > Venti.MAX_BUCKETS) {
      // fmtindex would raise the divisor and give the sections bucket ranges nothing can load.
      throw FormatException.at(
          files.get(0),
          Venti.PART_BLANK,
          "cannot format index '"
              + indexName
              + "': its "
              + sections.size()
              + " section"
              + (sections.size() == 1 ? "" : "s")
              + " hold "
              + Venti.beyondMaxBuckets(plan.blocks()));
    }
    if (sections.size() > Venti.MAX_AMAP || arenas > Venti.MAX_AMAP) {
      throw new FormatException(
          files.get(0)
              + ": an index holds at most "
              + Venti.MAX_AMAP
              + " sections and "
              + Venti.MAX_AMAP
              + " arenas; this one would have "
              + sections.size()
              + " and "
              + arenas);
    }
    for (int i = 0; i < sections.size(); i++) {
      ISectHeader h = sections.get(i);
      ISectHeader planned = plan.headers().get(i);
      String file = files.get(i);
      String why = null;
      if (h.blockSize() != first.blockSize()) {
        why =
            "its block size "
                + h.blockSize()
                + " differs from "
                + first.blockSize()
                + " of "
                + files.get(0)
                + " (every section of an index has one bucket size; reformat it with --block-size "
                + first.blockSize()
                + ")";
      } else if (h.tableSize() != first.tableSize()) {
        why =
            "its config table ("
                + h.tableSize()
                + " bytes) differs from "
                + first.tableSize()
                + " bytes of "
                + files.get(0);
      } else if (names.containsKey(h.name())) {
        why =
            "section name '"
                + h.name()
                + "' is also used by "
                + names.get(h.name())
                + " (section names must be unique; reformat one with another NAME)";
      } else if (!h.index().isEmpty() && !h.index().equals(indexName)) {
        why =
            "it belongs to index '"
                + h.index()
                + "', not '"
                + indexName
                + "' (reformat it with venti-spark format isect --force to reuse it)";
      } else if ((h.start() != 0 || h.stop() != 0)
          && (h.start() != planned.start() || h.stop() != planned.stop())) {
        why =
            "it already holds buckets ["
                + h.start()
                + ", "
                + h.stop()
                + ") of index '"
                + h.index()
                + "'; the new index would give it ["
                + planned.start()
                + ", "
                + planned.stop()
                + ") (reformat it with venti-spark format isect --force)";
      } else if (plan.text().length > h.tableSize()) {
        why =
            "the index config text ("
                + plan.text().length
                + " bytes) does not fit its "
                + h.tableSize()
                + "-byte table";
      }
      if (why != null) {
        throw FormatException.at(
            file, Venti.PART_BLANK, "cannot format index '" + indexName + "': " + why);
      }
      names.put(h.name(), file);
    }
  }

  /**
   * Writes the text (NUL-padded to the table size) and the new header into the section at file
   * offset {@code lo}.
   */
  public static void write(FileChannel ch, long lo, ISectHeader updated, byte[] text)
      throws IOException {
    byte[] table = new byte[updated.tableSize()];
    System.arraycopy(text, 0, table, 0, text.length);
    ArenaPartitionFormatter.write(ch, lo + updated.tableBase(), table);
    ArenaPartitionFormatter.write(ch, lo + Venti.PART_BLANK, updated.encode());
  }
}
