package ventispark.read;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import ventispark.format.ArenaHead;
import ventispark.format.ArenaPartitionHeader;
import ventispark.format.ArenaStats;
import ventispark.format.ArenaTrailer;
import ventispark.format.BloomHeader;
import ventispark.format.Bucket;
import ventispark.format.Bytes;
import ventispark.format.FormatException;
import ventispark.format.ISectHeader;
import ventispark.format.IndexConfig;
import ventispark.format.MapTable;
import ventispark.format.Venti;
import ventispark.format.VentiConfig;

/**
 * Loads and validates an archive on the driver, as Venti's {@code initventi} does (FORMAT.md 1.3,
 * 3, 4, 6.3), reading only headers, maps and trailers. Every inconsistency is a {@link
 * FormatException} naming the file and offset or line, raised before any index byte is written.
 * Stricter than the C tool where it silently misbehaves: arenas missing from the index's arena map,
 * sections too small for their bucket range, and memstats beyond the arena are errors.
 */
public final class ArchiveLoader {
  private final Configuration hadoop;

  public ArchiveLoader(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  public Archive load(String location) {
    String configLocation = PartitionRef.absolute(location);
    VentiConfig config = readConfig(configLocation);
    List<ArenaPartition> partitions = partitionsOf(config, configLocation);
    Map<String, Arena> byName = new LinkedHashMap<>();
    partitions.forEach(p -> p.arenas().forEach(a -> byName.put(a.name(), a)));
    List<IndexSection> sections = sectionsOf(config, configLocation);
    String text = indexConfigText(sections.get(0));
    IndexConfig ic = IndexConfig.parse(sections.get(0).ref().display() + " index config", text);
    checkIndex(config, ic, sections);
    long buckets = sections.get(sections.size() - 1).header().stop();
    if (buckets == 0) {
      throw new FormatException(
          sections.get(0).ref().display() + ": the index has no buckets (was fmtindex run?)");
    }
    long div = Bucket.divisor(buckets);
    if ((0xFFFFFFFFL / div) + 1 != buckets) {
      throw new FormatException(
          sections.get(0).ref().display()
              + ": inconsistent math for divisor "
              + div
              + " and "
              + buckets
              + " buckets");
    }
    List<Arena> indexed = resolveArenaMap(ic, byName, partitions, sections.get(0));
    PartitionRef bloom =
        config.bloom() == null ? null : PartitionRef.resolve(config.bloom(), configLocation);
    BloomHeader bloomHeader = bloom == null ? null : bloomHeaderOf(bloom);
    return new Archive(
        configLocation,
        config.indexName(),
        List.copyOf(partitions),
        List.copyOf(indexed),
        List.copyOf(sections),
        ic.blockSize(),
        buckets,
        div,
        bloom,
        bloomHeader);
  }

  /**
   * Only the index of a config: its sections, checked against each other and the index config as
   * {@link #load} checks them, the index config text, and the bloom filter header. Arena partitions
   * are neither read nor required to exist: this is what writing a staged rebuild into the index on
   * the host that owns its disks needs.
   */
  public IndexLayout loadIndex(String location) {
    String configLocation = PartitionRef.absolute(location);
    VentiConfig config = readConfig(configLocation);
    List<IndexSection> sections = sectionsOf(config, configLocation);
    String text = indexConfigText(sections.get(0));
    checkIndex(
        config,
        IndexConfig.parse(sections.get(0).ref().display() + " index config", text),
        sections);
    PartitionRef bloom =
        config.bloom() == null ? null : PartitionRef.resolve(config.bloom(), configLocation);
    return new IndexLayout(
        configLocation,
        config.indexName(),
        List.copyOf(sections),
        text,
        bloom,
        bloom == null ? null : bloomHeaderOf(bloom),
        config.arenaPartitions().stream()
            .map(a -> PartitionRef.resolve(a, configLocation))
            .toList());
  }

  private List<IndexSection> sectionsOf(VentiConfig config, String configLocation) {
    List<IndexSection> sections = new ArrayList<>();
    for (String name : config.indexSections()) {
      sections.add(loadSection(PartitionRef.resolve(name, configLocation)));
    }
    return sections;
  }

  private BloomHeader bloomHeaderOf(PartitionRef bloom) {
    try (PartitionReader r = PartitionReader.open(bloom, hadoop)) {
      BloomHeader h = BloomHeader.decode(bloom.display(), r.read(0, Venti.BLOOM_HEAD_SIZE));
      if (r.size() < (h.size() & 0xFFFFFFFFL)) {
        throw FormatException.at(
            bloom.display(),
            12,
            "bloom filter size "
                + h.size()
                + " is larger than the partition ("
                + r.size()
                + " bytes)");
      }
      return h;
    }
  }

  /**
   * Only the arena partitions of a config, in config order, each with its arenas and their trailer
   * statistics, checked as {@link #load} checks them (unique arena names included). Index sections
   * and the bloom filter are neither read nor required to exist: this is what formatting or sizing
   * a new index for existing arenas needs.
   */
  public List<ArenaPartition> loadArenaPartitions(String location) {
    String configLocation = PartitionRef.absolute(location);
    return partitionsOf(readConfig(configLocation), configLocation);
  }

  /** The config's arena partitions, loaded and checked, in config order; arena names are unique. */
  private List<ArenaPartition> partitionsOf(VentiConfig config, String configLocation) {
    List<ArenaPartition> partitions = new ArrayList<>();
    Map<String, ArenaPartition> byName = new HashMap<>();
    for (String name : config.arenaPartitions()) {
      ArenaPartition p =
          loadPartition(PartitionRef.resolve(name, configLocation), partitions.size());
      for (Arena a : p.arenas()) {
        ArenaPartition dup = byName.putIfAbsent(a.name(), p);
        if (dup != null) {
          throw new FormatException(
              p.ref().display()
                  + ": arena name "
                  + a.name()
                  + " is also used in "
                  + dup.ref().display()
                  + " (arena names must be unique)");
        }
      }
      partitions.add(p);
    }
    return List.copyOf(partitions);
  }

  VentiConfig readConfig(String location) {
    PartitionRef ref = PartitionRef.resolve(location, PartitionRef.absolute(location));
    try (PartitionReader r = PartitionReader.open(ref, hadoop)) {
      String text = VentiConfig.textOf(ref.display(), r.size(), (off, len) -> r.read(off, len));
      return VentiConfig.parse(ref.display(), text);
    }
  }

  ArenaPartition loadPartition(PartitionRef ref, int index) {
    try (PartitionReader r = PartitionReader.open(ref, hadoop)) {
      String file = ref.display();
      ArenaPartitionHeader h =
          ArenaPartitionHeader.decode(file, r.read(Venti.PART_BLANK, Venti.HEAD_SIZE));
      long usable = r.size() & -(long) h.blockSize();
      if (h.arenaBase() > usable) {
        throw FormatException.at(
            file,
            Venti.PART_BLANK + 12,
            "arena base "
                + h.arenaBase()
                + " is beyond the end of the partition ("
                + r.size()
                + " bytes): truncated partition?");
      }
      String text = nulTerminated(r.read(h.tableBase(), h.tableSize()));
      List<MapTable.Entry> map =
          MapTable.read(new MapTable.Cursor(file + " arena map", text), "arena map");
      long prevStop = h.arenaBase();
      for (MapTable.Entry e : map) {
        if (e.start() < prevStop || e.stop() < e.start() + 3L * h.blockSize()) {
          throw FormatException.at(
              file,
              h.tableBase(),
              "arena map entry "
                  + e.name()
                  + " ["
                  + e.start()
                  + ", "
                  + e.stop()
                  + ") overlaps the previous arena or the map, or is too small");
        }
        if (e.stop() > usable) {
          throw FormatException.at(
              file,
              h.tableBase(),
              "arena map entry "
                  + e.name()
                  + " ends at "
                  + e.stop()
                  + ", beyond the partition's usable size "
                  + usable
                  + ": truncated partition?");
        }
        prevStop = e.stop();
      }
      List<Arena> arenas =
          ref.isLocal()
              ? map.stream().map(e -> loadArena(r, h, e, index)).toList()
              : DriverReads.map(
                  map, e -> loadArena(r, h, e, index)); // remote: round trips, several at once
      return new ArenaPartition(ref, r.size(), h.blockSize(), h.arenaBase(), List.copyOf(arenas));
    }
  }

  private Arena loadArena(PartitionReader r, ArenaPartitionHeader h, MapTable.Entry e, int index) {
    long at = e.stop() - h.blockSize();
    ArenaTrailer t =
        ArenaTrailer.decode(r.display(), at, r.read(at, Math.min(h.blockSize(), 512)), 0);
    if (!t.name().equals(e.name())) {
      throw FormatException.at(
          r.display(),
          at + 8,
          "arena trailer names '" + t.name() + "' where the arena map says '" + e.name() + "'");
    }
    checkHead(r, h, e, t);
    Arena a =
        new Arena(
            e.name(),
            index,
            t.version(),
            h.blockSize(),
            e.start(),
            e.stop(),
            t.diskStats(),
            t.memStats(),
            t.clumpMagic(),
            -1);
    checkStats(r.display(), at, a, a.diskStats(), "diskstats");
    checkStats(r.display(), at, a, a.memStats(), "memstats");
    return a;
  }

  /**
   * Set to true to index arenas whose header block disagrees with their trailer, as the C tool
   * does.
   */
  public static final String IGNORE_ARENA_HEADS = "venti.ignoreArenaHeads";

  /**
   * The arena's header block must agree with its trailer and the map. The trailer is authoritative
   * and the C tools only log a disagreement, but a damaged header means a damaged arena, so it is
   * refused unless the user says otherwise ({@link #IGNORE_ARENA_HEADS}).
   */
  private static void checkHead(
      PartitionReader r, ArenaPartitionHeader h, MapTable.Entry e, ArenaTrailer t) {
    if (Boolean.getBoolean(IGNORE_ARENA_HEADS)) {
      return;
    }
    byte[] b = r.read(e.start(), 512);
    String problem = null;
    if (!ArenaHead.hasMagic(b, 0)) {
      problem =
          String.format(
              Locale.ROOT,
              "bad arena header magic 0x%08x (want 0x%08x)",
              Bytes.u32(b, 0),
              Venti.ARENA_HEAD_MAGIC);
    } else {
      ArenaHead head = ArenaHead.decode(b, 0);
      ArenaHead want =
          new ArenaHead(t.version(), t.name(), h.blockSize(), e.stop() - e.start(), t.clumpMagic());
      if (!head.equals(want)) {
        problem = "arena header " + head + " disagrees with the trailer and map " + want;
      }
    }
    if (problem != null) {
      throw FormatException.at(
          r.display(),
          e.start(),
          problem
              + " (arena "
              + e.name()
              + "; the trailer is intact: run"
              + " with -D"
              + IGNORE_ARENA_HEADS
              + "=true to index it anyway, as the C tool does)");
    }
  }

  private static void checkStats(String file, long at, Arena a, ArenaStats s, String what) {
    if (s.clumps() < 0
        || s.used() < 0
        || s.used() + a.directorySize(s.clumpCount()) > a.dataSize()) {
      throw FormatException.at(
          file,
          at + 72,
          "arena "
              + a.name()
              + ": "
              + what
              + " ("
              + s.clumpCount()
              + " clumps, used "
              + s.used()
              + ") do not fit the arena's "
              + a.dataSize()
              + "-byte data area");
    }
  }

  IndexSection loadSection(PartitionRef ref) {
    try (PartitionReader r = PartitionReader.open(ref, hadoop)) {
      ISectHeader h = ISectHeader.decode(ref.display(), r.read(Venti.PART_BLANK, Venti.HEAD_SIZE));
      long need = h.blockBase() + (h.stop() - h.start()) * h.blockSize();
      if (r.size() < need) {
        throw new FormatException(
            ref.display()
                + ": index section too small: its "
                + (h.stop() - h.start())
                + " buckets of "
                + h.blockSize()
                + " bytes need "
                + need
                + " bytes, the partition has "
                + r.size());
      }
      return new IndexSection(ref, r.size(), h);
    }
  }

  /** The index config text of a section (up to its first NUL). */
  private String indexConfigText(IndexSection s) {
    try (PartitionReader r = PartitionReader.open(s.ref(), hadoop)) {
      ISectHeader h = s.header();
      return nulTerminated(r.read(h.tableBase(), h.tableSize()));
    }
  }

  private static void checkIndex(VentiConfig config, IndexConfig ic, List<IndexSection> sections) {
    String first = sections.get(0).ref().display();
    if (!ic.name().equals(config.indexName())) {
      throw new FormatException(
          first
              + ": index config names index '"
              + ic.name()
              + "', "
              + config.source()
              + " says '"
              + config.indexName()
              + "' (mismatched index name)");
    }
    if (ic.sections().size() != sections.size()) {
      throw new FormatException(
          first
              + ": index config lists "
              + ic.sections().size()
              + " sections, "
              + config.source()
              + " has "
              + sections.size()
              + " isect lines");
    }
    long prev = 0;
    for (int i = 0; i < sections.size(); i++) {
      IndexSection s = sections.get(i);
      ISectHeader h = s.header();
      MapTable.Entry m = ic.sections().get(i);
      String file = s.ref().display();
      String why = null;
      if (!h.index().equals(ic.name())) {
        why = "belongs to index '" + h.index() + "', not '" + ic.name() + "'";
      } else if (h.blockSize() != ic.blockSize()) {
        why = "block size " + h.blockSize() + " differs from the index's " + ic.blockSize();
      } else if (h.tableSize() != sections.get(0).header().tableSize()) {
        why = "index config table size differs from " + first + "'s";
      } else if (!h.name().equals(m.name())) {
        why =
            "is section '"
                + h.name()
                + "' but the index config expects '"
                + m.name()
                + "' at position "
                + i
                + " (isect lines must follow the index's section order)";
      } else if (h.start() != m.start() || h.stop() != m.stop()) {
        why =
            "bucket range ["
                + h.start()
                + ", "
                + h.stop()
                + ") differs from the index config's ["
                + m.start()
                + ", "
                + m.stop()
                + ")";
      } else if (h.start() != prev) {
        why = "starts at bucket " + h.start() + ", the previous section ends at " + prev;
      }
      if (why != null) {
        throw FormatException.at(file, Venti.PART_BLANK, "index sections disagree: " + why);
      }
      prev = h.stop();
    }
  }

  private static List<Arena> resolveArenaMap(
      IndexConfig ic, Map<String, Arena> byName, List<ArenaPartition> parts, IndexSection first) {
    List<Arena> out = new ArrayList<>(ic.arenas().size());
    Map<String, Boolean> inMap = new HashMap<>();
    MapTable.Entry prev = null;
    for (MapTable.Entry e : ic.arenas()) {
      Arena a = byName.get(e.name());
      if (a == null) {
        throw new FormatException(
            first.ref().display()
                + ": can't find arena '"
                + e.name()
                + "' of the index's arena map"
                + " in any arena partition of the config");
      }
      if (inMap.put(e.name(), true) != null) {
        throw new FormatException(
            first.ref().display()
                + ": arena '"
                + e.name()
                + "' appears twice in the index's arena map");
      }
      checkAddressRange(first, e, a, parts.get(a.partition()).ref().display(), prev);
      prev = e;
      out.add(a.withIndexStart(e.start()));
    }
    for (ArenaPartition p : parts) {
      for (Arena a : p.arenas()) {
        if (!inMap.containsKey(a.name())) {
          throw new FormatException(
              p.ref().display()
                  + ": arena '"
                  + a.name()
                  + "' is not in the index's arena map, so "
                  + "its clumps would not be indexed (the C buildindex skips it silently); add it with fmtindex -a");
        }
      }
    }
    return out;
  }

  /**
   * An arena map entry must be what fmtindex assigns (FORMAT.md 5.2): above IndexBase, after the
   * previous entry, and exactly as long as the arena's data area. A range that overlaps another
   * arena's would give clumps of two arenas the same index addresses; one of another length means
   * the map was made for a different arena under this name.
   */
  private static void checkAddressRange(
      IndexSection first, MapTable.Entry e, Arena a, String partition, MapTable.Entry prev) {
    String why = null;
    if (e.start() < Venti.INDEX_BASE) {
      why = "starts below the index address space's base " + Venti.INDEX_BASE;
    } else if (prev != null && e.start() < prev.stop()) {
      why =
          "overlaps or precedes arena '"
              + prev.name()
              + "' at ["
              + prev.start()
              + ", "
              + prev.stop()
              + ")";
    } else if (e.stop() - e.start() != a.dataSize()) {
      why =
          "is "
              + (e.stop() - e.start())
              + " bytes long, but the arena of that name in "
              + partition
              + " has a "
              + a.dataSize()
              + "-byte data area";
    }
    if (why != null) {
      throw new FormatException(
          first.ref().display()
              + ": index arena map entry '"
              + e.name()
              + "' ["
              + e.start()
              + ", "
              + e.stop()
              + ") "
              + why
              + " (each arena's range must be its data-area size, ascending, disjoint)");
    }
  }

  private static String nulTerminated(byte[] b) {
    int end = 0;
    while (end < b.length && b[end] != 0) {
      end++;
    }
    // ISO-8859-1, not UTF-8: maps hold only printable ASCII names and numbers (nameok), and one
    // char per byte keeps any other byte visible (quoted) in a message instead of lost in decoding.
    return new String(b, 0, end, StandardCharsets.ISO_8859_1);
  }
}
