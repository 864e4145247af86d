package ventispark.sql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.types.StructType;
import ventispark.read.Archive;
import ventispark.read.ArchiveLoader;
import ventispark.read.Arena;
import ventispark.read.HadoopConf;
import ventispark.read.IndexSection;
import ventispark.reverse.ReverseIndexFile;

/**
 * The scan of one {@link VentiTables} table: the archive is loaded and checked on the driver, then
 * split into one input partition per arena (clumps, arenas) or per range of at most {@link
 * #INDEX_BUCKETS} buckets (index). Only the asked-for columns are built; equality and IN filters on
 * the arena name choose the arenas read (Spark still applies every filter itself).
 */
final class VentiScan
    implements ScanBuilder, SupportsPushDownRequiredColumns, SupportsPushDownFilters, Scan, Batch {
  /** Buckets per input partition of the index table. */
  static final long INDEX_BUCKETS = 8192;

  /** Records per input partition of the reverse table. */
  static final long REVERSE_RECORDS = 1 << 20;

  private final VentiTables table;
  private final String config;
  private final String reverseDir;
  private StructType required;
  private Filter[] pushed = new Filter[0];
  private Set<String> arenas;

  VentiScan(VentiTables table, String config, String reverseDir) {
    this.table = table;
    this.config = config;
    this.reverseDir = reverseDir;
    this.required = table.schema;
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    this.required = requiredSchema;
  }

  @Override
  public Filter[] pushFilters(Filter[] filters) {
    String column =
        table == VentiTables.CLUMPS ? "arena" : table == VentiTables.ARENAS ? "name" : null;
    List<Filter> used = new ArrayList<>();
    for (Filter f : filters) {
      if (f instanceof EqualTo e && e.attribute().equals(column) && e.value() instanceof String v) {
        arenas = intersect(arenas, Set.of(v));
        used.add(f);
      } else if (f instanceof In in && in.attribute().equals(column)) {
        Set<String> names = new HashSet<>();
        Arrays.stream(in.values()).forEach(v -> names.add(String.valueOf(v)));
        arenas = intersect(arenas, names);
        used.add(f);
      }
    }
    pushed = used.toArray(new Filter[0]);
    return filters;
  }

  private static Set<String> intersect(Set<String> a, Set<String> b) {
    if (a == null) {
      return new HashSet<>(b);
    }
    Set<String> out = new HashSet<>(a);
    out.retainAll(b);
    return out;
  }

  @Override
  public Filter[] pushedFilters() {
    return pushed;
  }

  @Override
  public Scan build() {
    return this;
  }

  @Override
  public StructType readSchema() {
    return required;
  }

  @Override
  public String description() {
    return "venti "
        + table.name().toLowerCase(Locale.ROOT)
        + " of "
        + config
        + (arenas == null ? "" : " arenas " + arenas);
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    HadoopConf conf = new HadoopConf(SparkSession.active().sparkContext().hadoopConfiguration());
    Archive archive = new ArchiveLoader(conf.get()).load(config);
    int[] columns =
        Arrays.stream(required.fieldNames()).mapToInt(table.schema::fieldIndex).toArray();
    List<InputPartition> out = new ArrayList<>();
    if (table == VentiTables.REVERSE) {
      if (reverseDir == null) {
        throw new IllegalArgumentException(
            "venti data source: table reverse needs option reverse_index (its directory)");
      }
      List<java.nio.file.Path> files =
          ReverseIndexFile.find(java.nio.file.Path.of(reverseDir), archive.indexName());
      if (files.size() != 1) {
        throw new ventispark.format.FormatException(
            reverseDir
                + ": "
                + files.size()
                + " reverse indexes of index "
                + archive.indexName()
                + " (want one: venti-spark reverse build "
                + reverseDir
                + " "
                + config
                + ")");
      }
      long entries;
      try (ReverseIndexFile rev = new ReverseIndexFile(files.get(0))) {
        entries = rev.entries();
      }
      List<Arena> all = archive.arenas();
      String[] names = all.stream().map(Arena::name).toArray(String[]::new);
      long[] starts = all.stream().mapToLong(Arena::indexStart).toArray();
      long[] ends = all.stream().mapToLong(a -> a.indexStart() + a.dataSize()).toArray();
      for (long r = 0; r < entries; r += REVERSE_RECORDS) {
        out.add(
            new VentiPartitions.ReverseRange(
                files.get(0).toString(),
                r,
                Math.min(entries, r + REVERSE_RECORDS),
                names,
                starts,
                ends,
                columns));
      }
      return out.toArray(new InputPartition[0]);
    }
    if (table == VentiTables.INDEX) {
      for (IndexSection s : archive.sections()) {
        for (long b = s.header().start(); b < s.header().stop(); b += INDEX_BUCKETS) {
          out.add(
              new VentiPartitions.IndexRange(
                  s, b, Math.min(s.header().stop(), b + INDEX_BUCKETS), conf, columns));
        }
      }
      return out.toArray(new InputPartition[0]);
    }
    long[] sectionStarts = archive.sections().stream().mapToLong(s -> s.header().start()).toArray();
    for (Arena a : archive.arenas()) {
      if (arenas == null || arenas.contains(a.name())) {
        out.add(
            new VentiPartitions.ArenaPart(
                table,
                a,
                archive.partitions().get(a.partition()).ref(),
                archive.div(),
                sectionStarts,
                conf,
                columns));
      }
    }
    return out.toArray(new InputPartition[0]);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new Factory();
  }

  /** Makes the reader of each kind of input partition. */
  static final class Factory implements PartitionReaderFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      return ((VentiPartitions.Part) partition).reader();
    }
  }
}
